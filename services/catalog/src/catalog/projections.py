"""Read models, written in the same transaction as the events they fold.

Every timestamp comes from the event (`occurred_at`), never from the clock, so a rebuild from the
event store produces the same rows. Counters are updated in place (`x = x + 1`): under concurrent
transactions the row lock serialises them, which keeps ratings and counts exact.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import asyncpg
from shared.contracts.catalog import (
    CollectionSaved,
    ContentReported,
    EntitlementRevoked,
    PersonaAcquired,
    PersonaApproved,
    PersonaCreated,
    PersonaDeleted,
    PersonaDownloaded,
    PersonaRejected,
    PersonaSubmitted,
    PersonaSuspended,
    PersonaUpdated,
    PersonaVersionPublished,
    ReportResolved,
    ReviewDeleted,
    ReviewEdited,
    ReviewPosted,
    ReviewResponded,
    ReviewVotedHelpful,
)
from shared.events import Envelope
from shared.eventstore import Projections

from catalog.domain import FREE_GRANT, PersonaStatsSeeded

projections = Projections()
projections.owns(
    "personas",
    "persona_versions",
    "entitlement_grants",
    "entitlements",
    "reviews",
    "review_votes",
    "reports",
    "collections",
    "category_counts",
    "tag_counts",
)

# ---------------------------------------------------------------- market counts


async def _apply_count_deltas(
    conn: asyncpg.Connection, table: str, column: str, deltas: Counter[str]
) -> None:
    changed = sorted(k for k, v in deltas.items() if v)  # a fixed order: no deadlocks
    if not changed:
        return
    await conn.execute(
        f"INSERT INTO {table} ({column}, n) SELECT * FROM unnest($1::text[], $2::int[])"
        f" ON CONFLICT ({column}) DO UPDATE SET n = {table}.n + excluded.n",
        changed,
        [deltas[k] for k in changed],
    )
    await conn.execute(f"DELETE FROM {table} WHERE {column} = ANY($1::text[]) AND n <= 0", changed)


async def _change_persona(conn: asyncpg.Connection, persona_id: str, sql: str, *args: Any) -> None:
    """Run an UPDATE of one persona (`$1` = id) and keep category and tag counts in step."""
    old = await conn.fetchrow(
        "SELECT listed, category, tags FROM personas WHERE id = $1 FOR UPDATE", persona_id
    )
    new = await conn.fetchrow(sql + " RETURNING listed, category, tags", persona_id, *args)
    if old is None or new is None:
        return
    categories: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    if old["listed"]:
        categories[old["category"]] -= 1
        tags.subtract(old["tags"])
    if new["listed"]:
        categories[new["category"]] += 1
        tags.update(new["tags"])
    await _apply_count_deltas(conn, "category_counts", "category", categories)
    await _apply_count_deltas(conn, "tag_counts", "tag", tags)


async def recount_market(conn: asyncpg.Connection) -> None:
    """Recompute the market counts from scratch (used after bulk seeding)."""
    await conn.execute("DELETE FROM category_counts")
    await conn.execute("DELETE FROM tag_counts")
    await conn.execute(
        "INSERT INTO category_counts (category, n)"
        " SELECT category, count(*) FROM personas WHERE listed GROUP BY category"
    )
    await conn.execute(
        "INSERT INTO tag_counts (tag, n)"
        " SELECT t, count(*) FROM personas, unnest(tags) AS t WHERE listed GROUP BY t"
    )


# ---------------------------------------------------------------- personas


def persona_row(env: Envelope) -> dict[str, Any]:
    """The new `personas` row for a PersonaCreated event (also used by the bulk seeder)."""
    e = PersonaCreated.model_validate(env.data)
    return {
        "id": e.persona_id,
        "creator_id": e.creator_id,
        "name": e.name,
        "short_description": e.short_description,
        "description": e.description,
        "category": e.category,
        "tags": e.tags,
        "price_cents": e.price_cents,
        "currency": e.currency,
        "usage_terms": e.usage_terms,
        "status": "draft",
        "created_at": env.occurred_at,
        "updated_at": env.occurred_at,
    }


@projections.on(PersonaCreated)
async def _created(conn: asyncpg.Connection, _: PersonaCreated, env: Envelope) -> None:
    row = persona_row(env)
    cols = list(row)
    await conn.execute(
        f"INSERT INTO personas ({', '.join(cols)})"
        f" VALUES ({', '.join(f'${i + 1}' for i in range(len(cols)))})",
        *row.values(),
    )


@projections.on(PersonaUpdated)
async def _updated(conn: asyncpg.Connection, e: PersonaUpdated, env: Envelope) -> None:
    await _change_persona(
        conn,
        e.persona_id,
        "UPDATE personas SET name = $2, price_cents = $3, currency = $4,"
        " short_description = coalesce($5, short_description),"
        " description = coalesce($6, description), category = coalesce($7, category),"
        " tags = coalesce($8, tags), usage_terms = coalesce($9, usage_terms), updated_at = $10"
        " WHERE id = $1",
        e.name,
        e.price_cents,
        e.currency,
        e.short_description,
        e.description,
        e.category,
        e.tags,
        e.usage_terms,
        env.occurred_at,
    )


def version_row(env: Envelope) -> dict[str, Any]:
    e = PersonaVersionPublished.model_validate(env.data)
    major, minor, patch = (int(x) for x in e.version.split("."))
    return {
        "persona_id": e.persona_id,
        "version": e.version,
        "major": major,
        "minor": minor,
        "patch": patch,
        "changelog": e.changelog,
        "files": e.files,
        "created_at": env.occurred_at,
    }


@projections.on(PersonaVersionPublished)
async def _version(conn: asyncpg.Connection, _: PersonaVersionPublished, env: Envelope) -> None:
    row = version_row(env)
    await conn.execute(
        "INSERT INTO persona_versions (persona_id, version, major, minor, patch, changelog,"
        " files, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        *row.values(),
    )
    # Versions only ever increase (the aggregate refuses anything else), so the newest is latest.
    await conn.execute(
        "UPDATE personas SET latest_version = $2, version_count = version_count + 1,"
        " updated_at = $3 WHERE id = $1",
        row["persona_id"],
        row["version"],
        env.occurred_at,
    )


@projections.on(PersonaSubmitted)
async def _submitted(conn: asyncpg.Connection, _: PersonaSubmitted, env: Envelope) -> None:
    await _change_persona(
        conn,
        env.data["persona_id"],
        "UPDATE personas SET status = 'pending', submitted_at = $2, rejection_reason = NULL,"
        " updated_at = $2 WHERE id = $1",
        env.occurred_at,
    )


@projections.on(PersonaApproved)
async def _approved(conn: asyncpg.Connection, _: PersonaApproved, env: Envelope) -> None:
    await _change_persona(
        conn,
        env.data["persona_id"],
        "UPDATE personas SET status = 'approved', approved_at = $2, rejection_reason = NULL,"
        " suspension_reason = NULL, updated_at = $2 WHERE id = $1",
        env.occurred_at,
    )


@projections.on(PersonaRejected)
async def _rejected(conn: asyncpg.Connection, _: PersonaRejected, env: Envelope) -> None:
    await _change_persona(
        conn,
        env.data["persona_id"],
        "UPDATE personas SET status = 'rejected', rejection_reason = $2, updated_at = $3"
        " WHERE id = $1",
        env.data["reason"],
        env.occurred_at,
    )


@projections.on(PersonaSuspended)
async def _suspended(conn: asyncpg.Connection, _: PersonaSuspended, env: Envelope) -> None:
    await _change_persona(
        conn,
        env.data["persona_id"],
        "UPDATE personas SET status = 'suspended', suspension_reason = $2, updated_at = $3"
        " WHERE id = $1",
        env.data["reason"],
        env.occurred_at,
    )


@projections.on(PersonaDeleted)
async def _deleted(conn: asyncpg.Connection, _: PersonaDeleted, env: Envelope) -> None:
    await _change_persona(
        conn,
        env.data["persona_id"],
        "UPDATE personas SET deleted_at = $2, updated_at = $2 WHERE id = $1",
        env.occurred_at,
    )


def stats_values(e: PersonaStatsSeeded) -> dict[str, int]:
    counts = {r: int(e.ratings.get(str(r), 0)) for r in range(1, 6)}
    return {
        "downloads": e.downloads,
        "rating_sum": sum(r * n for r, n in counts.items()),
        "rating_count": sum(counts.values()),
        **{f"rating_{r}": n for r, n in counts.items()},
    }


@projections.on(PersonaStatsSeeded)
async def _stats_seeded(conn: asyncpg.Connection, e: PersonaStatsSeeded, env: Envelope) -> None:
    values = stats_values(e)
    sets = ", ".join(f"{k} = ${i + 2}" for i, k in enumerate(values))
    await conn.execute(f"UPDATE personas SET {sets} WHERE id = $1", e.persona_id, *values.values())


# ---------------------------------------------------------------- entitlements and downloads


async def _refresh_entitlement(conn: asyncpg.Connection, persona_id: str, user_id: str) -> None:
    """Re-derive the library row from the grants; count holders on the persona."""
    had = await conn.fetchval(
        "DELETE FROM entitlements WHERE persona_id = $1 AND user_id = $2 RETURNING 1",
        persona_id,
        user_id,
    )
    has = await conn.fetchval(
        "INSERT INTO entitlements (persona_id, user_id, source, transaction_id, amount, currency,"
        " acquired_at)"
        " SELECT persona_id, user_id, source, transaction_id, amount, currency, granted_at"
        " FROM entitlement_grants WHERE persona_id = $1 AND user_id = $2"
        " ORDER BY granted_at, grant_key LIMIT 1 RETURNING 1",
        persona_id,
        user_id,
    )
    delta = (1 if has else 0) - (1 if had else 0)
    if delta:
        await conn.execute(
            "UPDATE personas SET acquisitions = acquisitions + $2 WHERE id = $1", persona_id, delta
        )


@projections.on(PersonaAcquired)
async def _acquired(conn: asyncpg.Connection, e: PersonaAcquired, env: Envelope) -> None:
    key = e.transaction_id if e.source == "purchase" and e.transaction_id else FREE_GRANT
    await conn.execute(
        "INSERT INTO entitlement_grants (persona_id, user_id, grant_key, source, transaction_id,"
        " amount, currency, granted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT DO NOTHING",
        e.persona_id,
        e.user_id,
        key,
        e.source,
        e.transaction_id,
        e.amount,
        e.currency,
        env.occurred_at,
    )
    await _refresh_entitlement(conn, e.persona_id, e.user_id)


@projections.on(EntitlementRevoked)
async def _revoked(conn: asyncpg.Connection, e: EntitlementRevoked, env: Envelope) -> None:
    await conn.execute(
        "DELETE FROM entitlement_grants WHERE persona_id = $1 AND user_id = $2 AND grant_key = $3",
        e.persona_id,
        e.user_id,
        e.transaction_id,
    )
    await _refresh_entitlement(conn, e.persona_id, e.user_id)


@projections.on(PersonaDownloaded)
async def _downloaded(conn: asyncpg.Connection, e: PersonaDownloaded, env: Envelope) -> None:
    await conn.execute("UPDATE personas SET downloads = downloads + 1 WHERE id = $1", e.persona_id)
    await conn.execute(
        "UPDATE persona_versions SET downloads = downloads + 1"
        " WHERE persona_id = $1 AND version = $2",
        e.persona_id,
        e.version,
    )


# ---------------------------------------------------------------- reviews


async def _rate(conn: asyncpg.Connection, persona_id: str, rating: int, sign: int) -> None:
    assert rating in (1, 2, 3, 4, 5)
    await conn.execute(
        f"UPDATE personas SET rating_sum = rating_sum + $2, rating_count = rating_count + $3,"
        f" rating_{rating} = rating_{rating} + $3 WHERE id = $1",
        persona_id,
        sign * rating,
        sign,
    )


@projections.on(ReviewPosted)
async def _review_posted(conn: asyncpg.Connection, e: ReviewPosted, env: Envelope) -> None:
    await conn.execute(
        "INSERT INTO reviews (id, persona_id, user_id, rating, body, verified_purchase,"
        " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        e.review_id,
        e.persona_id,
        e.user_id,
        e.rating,
        e.body,
        e.verified_purchase,
        env.occurred_at,
    )
    await _rate(conn, e.persona_id, e.rating, +1)


@projections.on(ReviewEdited)
async def _review_edited(conn: asyncpg.Connection, e: ReviewEdited, env: Envelope) -> None:
    old = await conn.fetchval("SELECT rating FROM reviews WHERE id = $1 FOR UPDATE", e.review_id)
    await conn.execute(
        "UPDATE reviews SET rating = $2, body = $3, verified_purchase = $4, updated_at = $5"
        " WHERE id = $1",
        e.review_id,
        e.rating,
        e.body,
        e.verified_purchase,
        env.occurred_at,
    )
    if old is not None and old != e.rating:
        await _rate(conn, e.persona_id, int(old), -1)
        await _rate(conn, e.persona_id, e.rating, +1)


@projections.on(ReviewDeleted)
async def _review_deleted(conn: asyncpg.Connection, e: ReviewDeleted, env: Envelope) -> None:
    old = await conn.fetchval("DELETE FROM reviews WHERE id = $1 RETURNING rating", e.review_id)
    await conn.execute("DELETE FROM review_votes WHERE review_id = $1", e.review_id)
    if old is not None:
        await _rate(conn, e.persona_id, int(old), -1)


@projections.on(ReviewVotedHelpful)
async def _review_voted(conn: asyncpg.Connection, e: ReviewVotedHelpful, env: Envelope) -> None:
    await conn.execute(
        "INSERT INTO review_votes (review_id, user_id) VALUES ($1, $2)", e.review_id, e.user_id
    )
    await conn.execute(
        "UPDATE reviews SET helpful_count = helpful_count + 1 WHERE id = $1", e.review_id
    )


@projections.on(ReviewResponded)
async def _review_responded(conn: asyncpg.Connection, e: ReviewResponded, env: Envelope) -> None:
    await conn.execute(
        "UPDATE reviews SET response_body = $2, response_at = $3 WHERE id = $1",
        e.review_id,
        e.body,
        env.occurred_at,
    )


# ---------------------------------------------------------------- reports and collections


@projections.on(ContentReported)
async def _reported(conn: asyncpg.Connection, e: ContentReported, env: Envelope) -> None:
    await conn.execute(
        "INSERT INTO reports (id, target_type, target_id, persona_id, reporter_id, reason,"
        " details, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        e.report_id,
        e.target_type,
        e.target_id,
        e.persona_id,
        e.reporter_id,
        e.reason,
        e.details,
        env.occurred_at,
    )


@projections.on(ReportResolved)
async def _resolved(conn: asyncpg.Connection, e: ReportResolved, env: Envelope) -> None:
    await conn.execute(
        "UPDATE reports SET status = 'resolved', action = $2, note = $3, resolver_id = $4,"
        " resolved_at = $5 WHERE id = $1",
        e.report_id,
        e.action,
        e.note,
        e.resolver_id,
        env.occurred_at,
    )


@projections.on(CollectionSaved)
async def _collection(conn: asyncpg.Connection, e: CollectionSaved, env: Envelope) -> None:
    await conn.execute(
        "INSERT INTO collections (slug, title, description, persona_ids, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4::uuid[], $5, $5) ON CONFLICT (slug) DO UPDATE SET"
        " title = excluded.title, description = excluded.description,"
        " persona_ids = excluded.persona_ids, updated_at = excluded.updated_at",
        e.slug,
        e.title,
        e.description,
        e.persona_ids,
        env.occurred_at,
    )
