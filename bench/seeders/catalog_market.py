"""Realistic approved catalog personas for local benchmarks and search tests.

    cd bench && uv run --frozen python -m seeders.catalog_market --count 100000

Each generated persona is a real event stream (PersonaCreated, PersonaVersionPublished,
PersonaSubmitted, PersonaApproved, and PersonaStatsSeeded for synthetic popularity) written with
COPY, and its read-model rows are derived from those same events by the projections' own row
builders, so `rebuild-projections` reproduces them exactly (a test checks this). Seeded events are
not put in the outbox: a benchmark data set should not flood the other services. Creators go
into the local users table (in a real run, identity's events fill it). Sample files are a dozen
shared blobs, stored once thanks to content addressing, so downloads of seeded personas work.

`PersonaStatsSeeded` and its projection live here, not in the catalog: the product never writes
it. Importing this module registers the projection on the catalog's registry, so a rebuild run
in the same process (the tests, the bench) folds it; the catalog service itself skips the event
(an unknown type to it).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from catalog.app import MIGRATIONS
from catalog.blobs import LocalBlobStore
from catalog.filetypes import content_type_for
from catalog.projections import persona_row, projections, recount_market, version_row
from catalog.settings import CatalogSettings
from shared.contracts.catalog import (
    PersonaApproved,
    PersonaCreated,
    PersonaSubmitted,
    PersonaVersionPublished,
)
from shared.db import ensure_database, migrate
from shared.events import Envelope, Event

from seeders.catalog_vocabulary import (
    GENERIC_TAGS,
    PRICES,
    ROLES,
    SAMPLE_FILES,
    SENTENCES,
    SUFFIXES,
    TOPIC_TAGS,
    TRAITS,
)


class PersonaStatsSeeded(Event):
    """Synthetic popularity for generated benchmark data only.

    Real downloads and ratings come from PersonaDownloaded and review events; seeding millions of
    those would take far longer than the benchmark is worth. Never written by the API.
    """

    producer = "catalog"
    persona_id: str
    downloads: int
    ratings: dict[str, int]  # "1".."5" -> count


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


def _creators(rng: random.Random, n: int) -> list[tuple[str, str]]:
    words = [t.lower() for t in TRAITS]
    nouns = [r.lower().replace(" ", "") for roles in ROLES.values() for r in roles]
    return [
        (
            str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            f"{rng.choice(words)}{rng.choice(nouns)}{i}",
        )
        for i in range(n)
    ]


def _persona(rng: random.Random, creator_id: str) -> tuple[dict[str, Any], int, dict[str, int]]:
    category = rng.choice(list(ROLES))
    trait = rng.choice(TRAITS)
    role = rng.choice(ROLES[category])
    suffix = rng.choice(SUFFIXES)
    name = " ".join(x for x in (trait, role, suffix) if x)
    topics = TOPIC_TAGS[category]
    tags = rng.sample(topics, rng.randint(1, 3)) + rng.sample(GENERIC_TAGS, rng.randint(0, 2))
    words = {
        "trait": trait.lower(),
        "topic": rng.choice(topics).replace("-", " "),
        "n": rng.randint(5, 40),
    }
    sentences = [s.format(**words) for s in rng.sample(SENTENCES, rng.randint(3, 6))]
    paid = rng.random() < 0.45
    fields = {
        "creator_id": creator_id,
        "name": name,
        "short_description": sentences[0],
        "description": " ".join(sentences[1:]),
        "category": category,
        "tags": tags,
        "price_cents": rng.choice(PRICES) if paid else 0,
        "currency": "usd",
        "usage_terms": {
            "personal": True,
            "commercial": rng.random() < 0.6,
            "derivatives": rng.random() < 0.3,
        },
    }
    downloads = min(int((rng.paretovariate(1.1) - 1) * 40), 250_000)
    n_ratings = min(int(downloads * rng.uniform(0.0, 0.08)), 5000)
    weights = rng.choice(((1, 1, 3, 8, 12), (1, 2, 5, 6, 4), (3, 3, 4, 3, 2), (0, 1, 2, 5, 20)))
    ratings = Counter_(rng.choices(range(1, 6), weights=weights, k=n_ratings))
    return fields, downloads, ratings


def Counter_(values: list[int]) -> dict[str, int]:
    out = {str(r): 0 for r in range(1, 6)}
    for v in values:
        out[str(v)] += 1
    return out


def _envelope(ev: Event, stream_id: str, stream_type: str, version: int, at: datetime) -> Envelope:
    return Envelope(
        event_id=uuid.uuid4(),
        type=ev.type_name(),
        schema_version=ev.schema_version,
        producer="catalog",
        stream_type=stream_type,
        stream_id=stream_id,
        version=version,
        occurred_at=at,
        data=ev.to_data(),
    )


def _streams(
    rng: random.Random,
    count: int,
    creators: list[tuple[str, str]],
    files: list[dict[str, Any]],
    now: datetime,
) -> Iterator[tuple[list[Envelope], dict[str, Any], dict[str, Any]]]:
    """Per persona: its events, its `personas` row and its `persona_versions` row."""
    for _ in range(count):
        creator_id = rng.choice(creators)[0]
        pid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        fields, downloads, ratings = _persona(rng, creator_id)
        created = now - timedelta(seconds=rng.randint(3600, 730 * 86400))
        submitted = created + timedelta(minutes=rng.randint(1, 600))
        approved = submitted + timedelta(minutes=rng.randint(5, 3000))
        chosen = rng.sample(files, rng.randint(2, 5))
        events = [
            (PersonaCreated(persona_id=pid, **fields), created),
            (
                PersonaVersionPublished(
                    persona_id=pid,
                    creator_id=creator_id,
                    version="1.0.0",
                    changelog="Initial version",
                    files=chosen,
                ),
                created,
            ),
            (
                PersonaSubmitted(persona_id=pid, creator_id=creator_id, name=fields["name"]),
                submitted,
            ),
            (
                PersonaApproved(
                    persona_id=pid,
                    creator_id=creator_id,
                    name=fields["name"],
                    price_cents=fields["price_cents"],
                    currency="usd",
                ),
                approved,
            ),
            (PersonaStatsSeeded(persona_id=pid, downloads=downloads, ratings=ratings), approved),
        ]
        envs = [_envelope(ev, pid, "persona", i + 1, at) for i, (ev, at) in enumerate(events)]
        # The same rows the projections write for these events (see projections.py).
        row = persona_row(envs[0])
        version = version_row(envs[1])
        row.update(
            latest_version="1.0.0",
            version_count=1,
            status="approved",
            submitted_at=submitted,
            approved_at=approved,
            updated_at=approved,
            **stats_values(PersonaStatsSeeded.model_validate(envs[4].data)),
        )
        yield envs, row, version


def _store_sample_blobs(blob_dir: str) -> list[dict[str, Any]]:
    blobs = LocalBlobStore(blob_dir)
    refs = []
    for path, content in SAMPLE_FILES.items():
        digest = hashlib.sha256(content).hexdigest()
        handle, staged = blobs.staging_file()
        with handle:
            handle.write(content)
        blobs.put(staged, digest)
        refs.append(
            {
                "path": path,
                "sha256": digest,
                "size": len(content),
                "content_type": content_type_for(path),
            }
        )
    return refs


PERSONA_COPY_COLUMNS = (
    "id creator_id name short_description description category tags price_cents currency"
    " usage_terms status latest_version version_count downloads rating_sum rating_count rating_1"
    " rating_2 rating_3 rating_4 rating_5 created_at updated_at submitted_at approved_at"
).split()
VERSION_COPY_COLUMNS = "persona_id version major minor patch changelog files created_at".split()
EVENT_COPY_COLUMNS = (
    "event_id stream_type stream_id version type schema_version data metadata occurred_at".split()
)
JSON_COLUMNS = {"usage_terms", "files", "data", "metadata"}


def _record(row: dict[str, Any], columns: list[str]) -> tuple[Any, ...]:
    return tuple(json.dumps(row[c]) if c in JSON_COLUMNS else row.get(c) for c in columns)


async def seed(
    dsn: str,
    count: int,
    *,
    blob_dir: str,
    random_seed: int = 42,
    batch: int = 5000,
    creators: int | None = None,
    progress: bool = False,
) -> int:
    """Add `count` approved personas; returns how many personas are on the market after."""
    await ensure_database(dsn)
    await migrate(dsn, [MIGRATIONS])
    rng = random.Random(random_seed)
    files = _store_sample_blobs(blob_dir)
    people = _creators(rng, creators or max(5, count // 25))
    now = datetime.now(UTC).replace(microsecond=0)
    # A plain connection: COPY needs asyncpg's own jsonb codec (text), not the pool's.
    conn = await asyncpg.connect(dsn)
    try:
        await conn.copy_records_to_table(
            "users",
            records=[(uid, name, now) for uid, name in people],
            columns=["id", "username", "updated_at"],
        )
        done = 0
        started = time.monotonic()
        streams = _streams(rng, count, people, files, now)
        while done < count:
            events: list[tuple[Any, ...]] = []
            personas: list[tuple[Any, ...]] = []
            versions: list[tuple[Any, ...]] = []
            for envs, row, version in _take(streams, min(batch, count - done)):
                for e in envs:
                    events.append(
                        _record(
                            {**e.model_dump(), "metadata": {}, "data": e.data}, EVENT_COPY_COLUMNS
                        )
                    )
                personas.append(_record(row, PERSONA_COPY_COLUMNS))
                versions.append(_record(version, VERSION_COPY_COLUMNS))
            async with conn.transaction():
                await conn.copy_records_to_table(
                    "events", records=events, columns=EVENT_COPY_COLUMNS
                )
                await conn.copy_records_to_table(
                    "personas", records=personas, columns=PERSONA_COPY_COLUMNS
                )
                await conn.copy_records_to_table(
                    "persona_versions", records=versions, columns=VERSION_COPY_COLUMNS
                )
            done += len(personas)
            if progress:
                rate = done / max(time.monotonic() - started, 1e-6)
                print(f"  seeded {done}/{count} personas ({rate:,.0f}/s)", flush=True)
        async with conn.transaction():
            await recount_market(conn)
        await conn.execute("ANALYZE personas")
        listed: int = await conn.fetchval("SELECT count(*) FROM personas WHERE listed")
        return listed
    finally:
        await conn.close()


def _take(it: Iterator[Any], n: int) -> list[Any]:
    out = []
    for _ in range(n):
        try:
            out.append(next(it))
        except StopIteration:
            break
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m seeders.catalog_market")
    parser.add_argument("--count", type=int, default=100_000, help="personas to add")
    parser.add_argument("--seed", type=int, default=42, help="random seed (same seed, same data)")
    parser.add_argument("--database-url", default=None, help="default: CATALOG_DATABASE_URL")
    args = parser.parse_args(argv)
    settings = CatalogSettings()
    dsn = args.database_url or settings.database_url
    started = time.monotonic()
    listed = asyncio.run(
        seed(dsn, args.count, blob_dir=settings.blob_dir, random_seed=args.seed, progress=True)
    )
    print(
        f"catalog: added {args.count} personas in {time.monotonic() - started:.1f}s;"
        f" {listed} on the market"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
