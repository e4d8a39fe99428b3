"""`python -m generation worker`: runs batch items and scheduled generations, apart from the API
process so the API stays responsive. Any number of workers may run; they share the work through
the database (see jobs.py). Events they append reach the bus through the API's outbox relay."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
from croniter import croniter
from shared.db import create_pool, ensure_database, migrate
from shared.eventstore import EventStore
from shared.logging import configure_logging, get_logger
from shared.metrics import serve_metrics

from generation import jobs
from generation.errors import GenerationError
from generation.generating import Generator, Request
from generation.personas import CatalogFiles
from generation.providers import ProviderRegistry
from generation.rendering import TemplateProblem
from generation.settings import GenerationSettings

log = get_logger(__name__)


def next_run(cron: str, timezone: str, after: datetime | None = None) -> datetime:
    """The next time `cron` fires after `after` (default: now), read in the user's time zone."""
    tz = ZoneInfo(timezone)
    start = (after or datetime.now(tz)).astimezone(tz)
    result: datetime = croniter(cron, start).get_next(datetime)
    return result


class Worker:
    def __init__(self, generator: Generator, settings: GenerationSettings) -> None:
        self.gen = generator
        self.pool = generator.pool
        self.settings = settings

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            busy = False
            try:
                busy = await jobs.due_schedule(self.pool, next_run)
                for kind in (jobs.SCHEDULED, jobs.BATCH):
                    item = await jobs.claim(self.pool, kind, self.settings.lease_s)
                    if item is not None:
                        busy = True
                        await self.process(item)
            except Exception:
                log.exception("worker step failed")
            if not busy:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.settings.worker_poll_s)

    async def process(self, item: jobs.Item) -> None:
        # The lease is kept alive from the claim on, so a slow start is never taken for a death.
        keep = asyncio.create_task(self._keep_lease(item))
        try:
            await self._process(item)
        except asyncpg.UniqueViolationError:
            # Our lease ran out and another worker generates this item now: leave it to them.
            log.warning("batch item taken over", item=str(item.key))
        finally:
            keep.cancel()

    async def _process(self, item: jobs.Item) -> None:
        before = await jobs.previous(self.pool, item)
        if before is not None:
            if before["status"] == "completed":  # done, but its worker died before saying so
                await jobs.finish(self.pool, item, "done", before["id"], None)
                return
            await jobs.forget(self.pool, item, before["id"])
        if item.attempts > jobs.MAX_ATTEMPTS:
            await jobs.finish(self.pool, item, "failed", None, "Gave up after repeated attempts.")
            return
        try:
            prep = await self.gen.prepare(self._request(item))
        except (GenerationError, TemplateProblem) as exc:
            await jobs.finish(self.pool, item, "failed", None, exc.message)
            return
        result = await self.gen.run(prep)
        status = {"completed": "done"}.get(result["status"], result["status"])
        await jobs.finish(self.pool, item, status, prep.id, result["error"])

    def _request(self, item: jobs.Item) -> Request:
        spec = item.spec
        batch = item.kind is jobs.BATCH
        seed = spec.get("seed")
        if batch and seed is not None:
            seed += item.key[1]  # variants differ even at a fixed seed
        return Request(
            user_id=item.user_id,
            persona_id=spec["persona_id"],
            template_id=spec["template_id"],
            template_version=spec.get("template_version"),
            params=item.params,
            provider=spec.get("provider"),
            model=spec.get("model"),
            temperature=spec.get("temperature", 0.7),
            seed=seed,
            max_tokens=spec.get("max_tokens"),
            batch_id=item.key[0] if batch else None,
            batch_item=item.key[1] if batch else None,
            schedule_id=None if batch else item.key[0],
            schedule_due=None if batch else item.key[1],
        )

    async def _keep_lease(self, item: jobs.Item) -> None:
        while await jobs.extend(self.pool, item, self.settings.lease_s):
            await asyncio.sleep(self.settings.lease_s / 3)


async def heartbeat(path: Path, every_s: float, stop: asyncio.Event) -> None:
    """Touch `path` while the event loop turns: a stale file means a hung worker."""
    while not stop.is_set():
        await asyncio.to_thread(path.touch)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every_s)


async def serve(settings: GenerationSettings, stop: asyncio.Event) -> None:
    if settings.worker_heartbeat_file:
        # A restarted container keeps its volumes: a beat of the previous process must not
        # vouch for this one before it runs.
        await asyncio.to_thread(Path(settings.worker_heartbeat_file).unlink, missing_ok=True)
    if not settings.is_production:
        await ensure_database(settings.database_url)
    from generation.app import MIGRATIONS

    await migrate(settings.database_url, [MIGRATIONS])
    if settings.worker_metrics_port:
        serve_metrics(settings.worker_metrics_port, settings.worker_metrics_host)
    pool = await create_pool(settings.database_url, settings.db_pool_min, settings.db_pool_max)
    registry = ProviderRegistry(settings)
    files = CatalogFiles(pool, settings.catalog_url, settings.service_token)
    try:
        await registry.start()
        generator = Generator(pool, EventStore(settings.service_name), settings, registry, files)
        log.info("generation worker started", providers=[p["name"] for p in registry.public()])
        beat = None
        if settings.worker_heartbeat_file:
            path = Path(settings.worker_heartbeat_file)
            beat = asyncio.create_task(heartbeat(path, settings.worker_poll_s, stop))
        try:
            await Worker(generator, settings).run(stop)
        finally:
            if beat is not None:
                beat.cancel()
    finally:
        await files.close()
        await pool.close()


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(prog="python -m generation worker").parse_args(argv)
    settings = GenerationSettings()
    configure_logging("generation-worker", settings.log_level, settings.log_json)

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(settings, stop)

    asyncio.run(run())
    return 0
