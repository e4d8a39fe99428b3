"""/generate in Chromium on the local demo model: a new user gets a free persona, generates with
a built-in template, sees it in the history, reruns it with a changed parameter and exports;
compares the rerun with its original, stars and deletes; generates on "their own computer" (a
small OpenAI-compatible server with CORS on loopback); runs a CSV batch (a bad file first) with a
real `python -m generation worker`, cancels another; saves and deletes a schedule; and tries
another persona from its detail page."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, FilePayload, Page, expect
from shared.testing.processes import service_process
from shared.testing.servers import serve_app
from shared.testing.wait import eventually
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).parent))
from browser_support import PAGE_ERRORS, Screenshots, field, log_in, new_page
from persona_support import PersonaSpec, publish

expect.set_options(timeout=60_000)  # the demo model on a shared CPU


class OwnModel:
    """The user's own model server (as Jan or Ollama with CORS on): streams a fixed text."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        cors = Middleware(
            CORSMiddleware, allow_origins=["*"], allow_methods=["*"], allow_headers=["*"]
        )
        self.app = Starlette(
            routes=[Route("/v1/chat/completions", self.chat, methods=["POST"])], middleware=[cors]
        )

    async def chat(self, request: Request) -> Response:
        self.requests.append(await request.json())

        async def stream() -> AsyncIterator[bytes]:
            for word in ["Hello ", "from ", "your ", "own ", "computer."]:
                chunk = {"choices": [{"index": 0, "delta": {"content": word}}]}
                yield f"data: {json.dumps(chunk)}\n\n".encode()
            yield b"data: [DONE]\n\n"

        return StreamingResponse(stream(), media_type="text/event-stream")


def worker(stack: Any) -> AbstractContextManager[subprocess.Popen[bytes]]:
    """`python -m generation worker` against the stack's generation database (demo model)."""
    settings = stack.services.settings["generation"]
    worker_env = {
        "GENERATION_DATABASE_URL": settings.database_url,
        "GENERATION_CATALOG_URL": settings.catalog_url,
        "GENERATION_DEFAULT_MAX_TOKENS": "16",
        "GENERATION_WORKER_POLL_S": "0.2",
        "AMQP_URL": settings.amqp_url,
        "BUS_NAMESPACE": settings.bus_namespace,
    }
    return service_process("generation", "worker", env=worker_env, stop="terminate", wait_s=30)


async def start_batch(page: Page, name: str, csv: bytes) -> None:
    """Pick a CSV file for the batch and start it."""
    picked: FilePayload = {"name": name, "mimeType": "text/csv", "buffer": csv}
    await page.get_by_label("CSV file").set_input_files(files=[picked])
    await page.get_by_role("button", name="Start batch").click()


def cook(name: str, summary: str, description: str, tags: str, price: int = 0) -> PersonaSpec:
    """One of Rosa's food personas; its prompt says who it is."""
    prompt = (("prompt.md", f"You are {name}, warm and brief.\n".encode()),)
    return PersonaSpec(name, price, prompt, summary, description, "food", tags)


async def test_new_user_generates_reruns_and_exports(stack: Any, browser: Browser) -> None:
    creator = await stack.user("rosa")
    admin = await stack.user("mod", admin=True)
    rosa = cook("Chef Rosa", "Warm home cooking", "Family recipes.", "recipes")
    pid = await publish(stack, creator, admin, rosa)
    await stack.user("nina")  # registered and verified

    context, page = await new_page(browser, stack)
    context.set_default_timeout(30_000)  # the demo model on a shared CPU
    errors = PAGE_ERRORS[page]
    shoot = Screenshots()

    await log_in(page, "nina@example.com", f"/marketplace/{pid}")
    await page.get_by_role("button", name="Get it free").click()
    # The button turns into "Adding…" at once; the persona is in the library only when this shows.
    await expect(page.locator(".owned-note")).to_have_text("✓ In your library")

    await page.get_by_role("link", name="Generate", exact=True).click()
    await expect(page.get_by_role("heading", name="Generate")).to_be_visible()
    await expect(field(page, "Persona")).to_have_value(pid)
    await field(page, "Template").select_option(label="Caption")
    await field(page, "What is in the picture").fill("a bowl of pasta")
    await page.get_by_role("button", name="Generate", exact=True).click()
    await expect(page.get_by_text("Done", exact=True)).to_be_visible()
    first = await page.get_by_label("Generated text").inner_text()
    assert first.strip()
    await shoot(page, "generate")
    async with page.expect_download() as saved:
        await page.get_by_role("button", name="Save", exact=True).click()
    kept = await saved.value
    assert kept.suggested_filename == "caption.txt"
    assert Path(await kept.path()).read_text() == first

    history = page.locator(".generate-history li")
    await expect(history).to_have_count(1)
    await history.first.locator("button.btn-link").click()
    await field(page, "Words at most").fill("10")
    await page.get_by_role("button", name="Rerun with these parameters").click()
    await expect(history).to_have_count(2)
    await expect(page.get_by_text("Done", exact=True)).to_be_visible()
    await expect(history.first).to_contain_text("rerun")

    async with page.expect_download() as info:
        await page.get_by_role("button", name="Export CSV").click()
    download = await info.value
    text = Path(await download.path()).read_text()
    assert text.splitlines()[0].startswith("id,created_at,status")
    assert len([line for line in text.splitlines()[1:] if line.strip()]) >= 2
    assert "Chef Rosa" in text

    rows = (
        await stack.http.get("/api/generations", headers=await stack.login("nina@example.com"))
    ).json()["items"]
    assert rows[0]["params"]["words"] == 10 and rows[0]["rerun_of"] == rows[1]["id"]

    # Compare the rerun with its original; star the rerun; delete the original.
    await history.nth(0).get_by_label("Compare").check()
    await history.nth(1).get_by_label("Compare").check()
    changed = page.get_by_role("table", name="Changed parameters")
    await expect(changed.get_by_role("row", name=re.compile(r"^words"))).to_contain_text("10")
    await shoot(page, "generate compare")
    await page.get_by_role("button", name="Close").click()
    await history.nth(0).get_by_role("button", name=re.compile("^Favourite")).click()
    await expect(
        history.nth(0).get_by_role("button", name=re.compile("^Favourite"))
    ).to_have_attribute("aria-pressed", "true")
    await history.nth(1).get_by_role("button", name=re.compile("^Delete")).click()
    await history.nth(1).get_by_role("button", name="Delete for good").click()
    await expect(history).to_have_count(1)
    await page.get_by_label("Favourites only").check()
    await expect(history).to_have_count(1)
    await page.get_by_label("Favourites only").uncheck()

    # "Use the model on my own computer": the page itself calls the user's local server.
    own = OwnModel()
    async with serve_app(own.app) as own_url:
        await page.get_by_label("Use the model on my own computer").check()
        await field(page, "Your model's address").fill(f"{own_url}/v1")
        await field(page, "Model name").fill("llama3.2")
        await page.get_by_role("button", name="Generate", exact=True).click()
        await expect(page.get_by_label("Generated text")).to_have_text(
            "Hello from your own computer."
        )
    sent = own.requests[0]
    assert sent["model"] == "llama3.2" and sent["stream"] is True
    assert "Chef Rosa" in sent["messages"][0]["content"]  # the persona's prompt, rendered
    await expect(history).to_have_count(1)  # nothing of it stored
    await page.get_by_label("Use the model on my own computer").uncheck()

    # Batch: a CSV with a bad line is refused line by line, a good one runs on a real worker.
    await page.get_by_role("tab", name="Batch").click()
    await field(page, "Template").select_option(label="Caption")
    await field(page, "Make").select_option(label="One text per row of a CSV file")
    await start_batch(page, "bad.csv", b"picture,words\na cat,10\n,10\na dog,many\n")
    problems = page.get_by_role("list", name="CSV problems")
    await expect(problems).to_contain_text("Line 3")
    await expect(problems).to_contain_text("Line 4, words")
    await start_batch(
        page, "good.csv", b"picture,words\na cat on a sofa,10\na dog in the rain,10\n"
    )
    await expect(page.get_by_role("progressbar", name="0 of 2 done")).to_be_visible()
    with worker(stack):
        await expect(page.get_by_text("Batch finished")).to_be_visible(timeout=120_000)
        await expect(page.get_by_role("progressbar", name="2 of 2 done")).to_be_visible()
        await shoot(page, "generate batch")
        await field(page, "Make").select_option(label="Several versions of these parameters")
        await field(page, "What is in the picture").fill("a lemon")
        await field(page, "How many versions").fill("5")
        await page.get_by_role("button", name="Start batch").click()
        await page.get_by_role("button", name="Cancel batch").click()
        await expect(page.get_by_text("Batch cancelled")).to_be_visible()

    # Schedules: every weekday at 9:00 in Paris, then deleted.
    await page.get_by_role("tab", name="Schedules").click()
    await field(page, "Template").select_option(label="Caption")
    await field(page, "What is in the picture").fill("the daily special")
    await field(page, "Repeat (cron)").fill("0 9 * * 1-5")
    await field(page, "Time zone").select_option("Europe/Paris")
    await page.get_by_role("button", name="Save schedule").click()
    schedules = page.get_by_role("list", name="Schedules")
    await expect(schedules).to_contain_text("0 9 * * 1-5")
    await expect(schedules).to_contain_text("Europe/Paris")
    await shoot(page, "generate schedules")
    await schedules.get_by_role("button", name=re.compile("^Delete schedule")).click()
    await expect(page.get_by_text("No schedules yet")).to_be_visible()

    # Try it: another of Rosa's personas, with try-outs on, from its detail page.
    bea = await publish(
        stack, creator, admin, cook("Baker Bea", "Bread", "Sourdough.", "bread", 500)
    )
    await eventually(
        lambda: stack.http.put(
            f"/api/generations/tryouts/{bea}", json={"allowed": True}, headers=creator
        ),
        lambda r: r.status_code == 200,
    )
    await page.goto(f"/marketplace/{bea}")
    tryit = page.get_by_role("region", name="Try it")
    await expect(tryit).to_contain_text("3 of 3 tries left today")
    await field(page, "What to write").select_option(label="Caption")
    await field(page, "What is in the picture").fill("a warm loaf")
    await tryit.get_by_role("button", name="Try it").click()
    await expect(page.get_by_label("Try-out text")).not_to_be_empty()
    await expect(tryit).to_contain_text("2 of 3 tries left today")
    await shoot(page, "persona try it")
    assert not errors, errors
    await context.close()
