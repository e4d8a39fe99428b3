"""`python -m catalog seed --count 100000`: realistic approved personas for local benchmarks.

Each generated persona is a real event stream (PersonaCreated, PersonaVersionPublished,
PersonaSubmitted, PersonaApproved, and PersonaStatsSeeded for synthetic popularity) written with
COPY, and its read-model rows are derived from those same events by the projections' own row
builders, so `rebuild-projections` reproduces them exactly (a test checks this). Seeded events are
not put in the outbox: a benchmark data set should not flood the other services. Creators go
into the local users table (in a real run, identity's events fill it). Sample files are a dozen
shared blobs, stored once thanks to content addressing, so downloads of seeded personas work.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from shared.contracts.catalog import (
    PersonaApproved,
    PersonaCreated,
    PersonaSubmitted,
    PersonaVersionPublished,
)
from shared.db import ensure_database, migrate
from shared.events import Envelope, Event

from catalog.app import MIGRATIONS
from catalog.blobs import LocalBlobStore
from catalog.domain import PersonaStatsSeeded
from catalog.projections import persona_row, recount_market, stats_values, version_row
from catalog.settings import CatalogSettings

TRAITS = (
    "Witty Sarcastic Calm Energetic Stoic Friendly Bold Quirky Wise Playful Gritty Dreamy Nerdy"
    " Cozy Savvy Zen Punchy Charming Grumpy Upbeat Curious Fearless Gentle Brutal Honest"
    " Minimalist Dramatic Laid-back Hyper Mellow Snarky Earnest Poetic Analytical Cheerful"
    " Mysterious Rebellious Sunny Spicy Chill"
).split()
ROLES: dict[str, list[str]] = {
    "writing": ["Novelist", "Ghostwriter", "Poet", "Editor", "Storyteller", "Essayist"],
    "marketing": ["Copywriter", "Growth Hacker", "Brand Strategist", "Ad Maker", "Email Marketer"],
    "social-media": ["Tweeter", "TikToker", "Influencer", "Community Manager", "Meme Lord"],
    "business": ["CEO", "Consultant", "Founder", "Negotiator", "Analyst", "Recruiter"],
    "education": ["Tutor", "Professor", "Explainer", "Study Buddy", "Librarian"],
    "entertainment": ["Comedian", "Film Critic", "Host", "Gossip Columnist", "Magician"],
    "coaching": ["Life Coach", "Mentor", "Career Coach", "Therapist Friend", "Motivator"],
    "lifestyle": ["Minimalist", "Homesteader", "Stylist", "Organizer", "Plant Parent"],
    "health-fitness": ["Trainer", "Yoga Teacher", "Runner", "Nutritionist", "Gym Buddy"],
    "food": ["Chef", "Baker", "Food Critic", "Barista", "Pitmaster", "Sommelier"],
    "travel": ["Backpacker", "Travel Guide", "Nomad", "Tour Planner", "Hotel Critic"],
    "technology": ["Developer", "Sysadmin", "Tech Reviewer", "Hacker", "Data Scientist"],
    "gaming": ["Streamer", "Dungeon Master", "Speedrunner", "Game Critic", "Esports Caster"],
    "art-design": ["Illustrator", "Designer", "Photographer", "Art Critic", "Architect"],
    "music": ["Songwriter", "DJ", "Music Critic", "Rapper", "Conductor"],
    "other": ["Detective", "Pirate", "Wizard", "Robot", "Philosopher", "Astronaut"],
}
SUFFIXES = (
    "",
    "",
    "",
    "Pro",
    "Mentor",
    "for Creators",
    "Extraordinaire",
    "in Residence",
    "2.0",
    "Next Door",
    "Deluxe",
    "on a Budget",
    "for Startups",
    "Unfiltered",
)
TOPIC_TAGS: dict[str, list[str]] = {
    "writing": ["fiction", "blogging", "editing", "storytelling", "poetry", "newsletter"],
    "marketing": ["copywriting", "seo", "ads", "branding", "email", "launch"],
    "social-media": ["twitter", "tiktok", "instagram", "threads", "viral", "captions"],
    "business": ["startup", "strategy", "sales", "pitch", "linkedin", "productivity"],
    "education": ["study", "explainers", "math", "history", "language", "exam-prep"],
    "entertainment": ["comedy", "movies", "podcast", "trivia", "roleplay", "satire"],
    "coaching": ["mindset", "career", "habits", "motivation", "wellbeing", "goals"],
    "lifestyle": ["home", "fashion", "parenting", "decluttering", "gardening", "diy"],
    "health-fitness": ["workout", "running", "nutrition", "yoga", "strength", "recovery"],
    "food": ["recipes", "baking", "vegan", "bbq", "coffee", "wine"],
    "travel": ["budget-travel", "itinerary", "hotels", "backpacking", "road-trip", "europe"],
    "technology": ["python", "devops", "ai", "reviews", "security", "data"],
    "gaming": ["rpg", "streaming", "speedrun", "esports", "dnd", "retro"],
    "art-design": ["illustration", "ux", "photography", "typography", "logo", "architecture"],
    "music": ["lyrics", "hip-hop", "edm", "classical", "reviews", "songwriting"],
    "other": ["fun", "character", "fantasy", "sci-fi", "mystery", "philosophy"],
}
GENERIC_TAGS = ["humor", "professional", "casual", "long-form", "short-form", "beginner", "expert"]
SENTENCES = (
    "Writes in a {trait} voice that keeps readers scrolling.",
    "Trained on hundreds of {topic} examples from working creators.",
    "Perfect for {topic} posts, threads and newsletters.",
    "Keeps your brand consistent while sounding {trait}.",
    "Includes a style guide, a system prompt and {n} worked examples.",
    "Great at turning rough notes about {topic} into polished drafts.",
    "Ask it for hooks, outlines or full pieces on {topic}.",
    "Tested with the major chat models; works best with clear instructions.",
    "Avoids clichés and keeps sentences short and punchy.",
    "Comes with sample conversations so you can hear the voice before you buy.",
)
PRICES = (199, 299, 499, 799, 999, 1499, 1999, 2999)
SAMPLE_FILES: dict[str, bytes] = {
    "prompt.md": b"# System prompt\n\nYou are a persona with a distinct voice. Stay in character.\n",
    "style.md": b"# Style guide\n\n- Short sentences.\n- Concrete examples.\n- No jargon.\n",
    "samples/post-1.txt": b"Hot take: the best content is the content you actually ship.\n",
    "samples/post-2.txt": b"Three things I learned this week, in order of how much they hurt.\n",
    "examples/thread.md": b"1/ Let me tell you about the time a spreadsheet saved my launch.\n",
    "settings.json": b'{"temperature": 0.8, "max_tokens": 800}\n',
    "voice.yaml": b"tone: warm\nperson: first\nemoji: sparing\n",
    "hooks.csv": b"hook,score\nYou are doing it wrong,8\nNobody talks about this,7\n",
}


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
    import hashlib

    from catalog.uploads import content_type_for

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
    parser = argparse.ArgumentParser(prog="python -m catalog seed")
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
