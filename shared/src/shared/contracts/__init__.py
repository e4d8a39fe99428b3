"""Event contracts, one module per producing service. Importing a module registers its events.

Rules: past tense, domain words; ids as strings (UUIDs unless said otherwise); money as integer
minor units plus a lower-case ISO currency; timestamps timezone-aware. Consumers ignore fields they
do not know. A breaking change is a new `schema_version` with an upcaster (shared.events).
Never put a password, token or secret in an event.
"""

from shared.contracts import analytics, billing, catalog, generation, identity, payouts

__all__ = ["analytics", "billing", "catalog", "generation", "identity", "payouts"]
