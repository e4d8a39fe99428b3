"""Application layer: each command is one unit of work (load streams, decide, append).

Uploaded files are staged before a command runs; they are moved into the blob store only after
every decision of the command has passed, so a refused request stores nothing.
"""

from catalog.commands.library import DownloadPlan, LibraryCommands
from catalog.commands.media import MediaCommands
from catalog.commands.moderation import ModerationCommands
from catalog.commands.personas import PersonaCommands, merge_patch
from catalog.commands.reviews import ReviewCommands


class Catalog(PersonaCommands, MediaCommands, LibraryCommands, ReviewCommands, ModerationCommands):
    """The catalog's application service, one per app (`app.state.catalog`): its commands are
    grouped by concern in this package's modules."""


__all__ = ["Catalog", "DownloadPlan", "merge_patch"]
