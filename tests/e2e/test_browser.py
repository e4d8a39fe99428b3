"""The product as a person uses it: Chromium (Debian's, through Playwright) on the built web UI,
served by the gateway in front of every real service, the real SMTP sink and the Stripe emulator.

One story, in order: a creator signs up in the browser, verifies the e-mail from the link in the
message, uploads a persona (drop zone and file picker, upload progress) and submits it; an admin
approves it in /admin; a buyer finds it by search, pays on the emulator's hosted Checkout page,
comes back to /checkout/success, downloads the zip and reviews it; the creator sees the sale
(70%, still pending) in /dashboard/earnings. Every main page is captured at desktop and phone
width into web/test-results/.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, FilePayload, Page, expect
from shared.testing.servers import message_text

# Test modules are imported by path (pytest's importlib mode): make the helper beside it importable.
sys.path.insert(0, str(Path(__file__).parent))
from browser_support import PASSWORD, Screenshots, field, new_page, run_story, signed_in

PERSONA = "Witty Travel Vlogger"
PRICE = "9.99"  # -> 999 cents; the creator's 70% share is 699
SAMPLE_TEXT = "Day 3 in Lisbon: the trams are late, the pastries are not."

expect.set_options(timeout=15_000)


async def drop_file(page: Page, target: str, name: str, text: str, mime: str) -> None:
    """Drag a file onto the drop zone, as a person dragging it from their desktop would."""
    data = await page.evaluate_handle(
        """([name, text, mime]) => {
            const dt = new DataTransfer();
            dt.items.add(new File([text], name, { type: mime }));
            return dt;
        }""",
        [name, text, mime],
    )
    await page.dispatch_event(target, "dragover", {"dataTransfer": data})
    await page.dispatch_event(target, "drop", {"dataTransfer": data})


async def test_sell_moderate_buy_download_review_and_get_paid(stack: Any, browser: Browser) -> None:
    shoot = Screenshots()
    await run_story(story(stack, browser, shoot), shoot)


async def story(stack: Any, browser: Browser, shoot: Screenshots) -> None:
    # -- a creator signs up ---------------------------------------------------------------------
    creator_ctx, creator = await new_page(browser, stack)
    await creator.goto("/register")
    await field(creator, "E-mail").fill("carla@example.com")
    await field(creator, "Username").fill("carla_creates")
    await field(creator, "Password").fill(PASSWORD)
    await shoot(creator, "register")
    await creator.get_by_role("button", name="Create account").click()
    await expect(creator).to_have_url(re.compile(r"/dashboard$"))
    await expect(creator.get_by_role("heading", name="Hi carla_creates")).to_be_visible()

    # ...and opens the link from the verification e-mail.
    mail = message_text((await stack.smtp.wait_for("carla@example.com"))[-1])
    link = re.search(r"https?://\S+/verify-email\?token=[\w\-.~%]+", mail)
    assert link, f"no verification link in:\n{mail}"
    assert link.group(0).startswith(stack.url)
    await creator.goto(link.group(0))
    await expect(creator.get_by_text("Your e-mail address is verified")).to_be_visible()
    await shoot(creator, "verify email")

    # -- uploads a persona and submits it for review --------------------------------------------
    await creator.goto("/marketplace/submit")
    submit = creator.get_by_role("button", name="Submit for review")
    await expect(submit).to_be_visible()  # offered only once the session knows it is verified
    await field(creator, "Name").fill(PERSONA)
    await field(creator, "Summary").fill("Upbeat captions for short travel videos")
    await field(creator, "Description").fill(
        "A persona for short travel videos with a dry sense of humour: prompt, style guide "
        "and sample captions."
    )
    await field(creator, "Category").select_option(label="Travel")
    await field(creator, "Tags").fill("travel, humour, short video")
    await field(creator, "Price").fill(PRICE)
    await creator.get_by_label("Commercial use").check()
    await drop_file(creator, ".dropzone", "sample-captions.md", SAMPLE_TEXT, "text/markdown")
    style_guide = ("Keep it dry. Never use more than one exclamation mark.\n" * 12_000).encode()
    picked: list[FilePayload] = [
        {"name": "prompt.md", "mimeType": "text/markdown", "buffer": b"# Voice\nDry, warm.\n"},
        {"name": "style-guide.md", "mimeType": "text/markdown", "buffer": style_guide},
    ]
    await creator.get_by_label("Persona files").set_input_files(picked)
    files = creator.get_by_role("list", name="Selected files")
    for name in ("sample-captions.md", "prompt.md", "style-guide.md"):
        await expect(files).to_contain_text(name)
    await shoot(creator, "submit persona")

    # A slow uplink, so the upload's progress can be seen moving.
    cdp = await creator_ctx.new_cdp_session(creator)
    await cdp.send("Network.enable")
    await cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 200_000},
    )
    await submit.click()
    progress = creator.get_by_role("progressbar", name="Uploading")
    await expect(progress).to_have_attribute("aria-valuenow", re.compile(r"^[1-9][0-9]?$"))
    await creator.screenshot(path=str(shoot.folder / "upload-in-progress.png"))
    await expect(creator).to_have_url(re.compile(r"/dashboard/personas/[0-9a-f-]{36}/edit$"))
    await cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    persona_id = creator.url.rsplit("/", 2)[-2]
    await expect(creator.get_by_text("In review").first).to_be_visible()
    await shoot(creator, "edit persona pending")

    # -- an admin approves it ------------------------------------------------------------------
    admin_ctx, admin = await signed_in(
        browser, stack, "mo@example.com", "moderator", "/admin", admin=True
    )
    queue = admin.get_by_role("list", name="Personas awaiting review")
    await expect(queue).to_contain_text(PERSONA)
    await expect(queue).to_contain_text("carla_creates")
    await shoot(admin, "admin moderation")
    await admin.get_by_role("button", name=f"Approve {PERSONA}").click()
    await expect(admin.get_by_text("The queue is empty")).to_be_visible()

    # -- a buyer finds it by search ------------------------------------------------------------
    buyer_ctx, buyer = await signed_in(
        browser, stack, "bea@example.com", "bea_buys", "/marketplace"
    )
    await buyer.get_by_label("Search personas").fill("travel vlogger")
    await buyer.get_by_role("button", name="Search", exact=True).click()
    await expect(buyer).to_have_url(re.compile(r"/marketplace\?q=travel"))
    card = buyer.get_by_role("link", name=PERSONA)
    await expect(card).to_be_visible()
    await shoot(buyer, "marketplace search")
    await card.click()
    await expect(buyer.get_by_role("heading", level=1, name=PERSONA)).to_be_visible()
    await expect(buyer.get_by_text(SAMPLE_TEXT)).to_be_visible()  # the preview of the samples
    await shoot(buyer, "persona page")

    # -- pays on the Stripe emulator's hosted Checkout page --------------------------------------
    # Billing learns the price from catalog's PersonaApproved event; the UI waits that out a
    # moment, and if billing still has not heard of it the buyer gets an error toast and the
    # button back, and simply clicks again. Each click is followed to its outcome — the hosted
    # page's Pay button, or our Buy button back — never guessed from a fixed wait: a click that
    # worked leaves "Opening checkout…" up until the browser has left for Checkout.
    buy = buyer.get_by_role("button", name=f"Buy for ${PRICE}")
    pay = buyer.get_by_role("button", name=f"Pay ${PRICE}")
    for _ in range(10):
        await buy.click()
        await expect(buy).to_have_count(0)  # "Opening checkout…": billing is being asked
        await expect(pay.or_(buy)).to_be_visible()
        if await pay.is_visible():
            break
    await expect(buyer).to_have_url(re.compile("^" + re.escape(stack.emulator_url)))
    # Billing sent the signed-in buyer's address: filled in, nothing to type.
    await expect(buyer.get_by_label("Email")).to_have_value("bea@example.com")
    await buyer.get_by_label("Card number").fill("4242 4242 4242 4242")
    await buyer.get_by_label("Expiration date").fill("12 / 34")
    await buyer.get_by_label("CVC").fill("123")
    await buyer.get_by_label("Name on card").fill("Bea Buyer")
    await shoot(buyer, "stripe checkout")
    await buyer.get_by_role("button", name=f"Pay ${PRICE}").click()

    # -- lands on /checkout/success, which waits for the webhook --------------------------------
    await expect(buyer).to_have_url(re.compile(r"/checkout/success\?session_id=cs_"))
    await expect(
        buyer.get_by_role("status").filter(has_text="is now in your library")
    ).to_contain_text(PERSONA)
    await shoot(buyer, "checkout success")
    await buyer.get_by_role("link", name="Go to the persona and download").click()
    await expect(buyer).to_have_url(re.compile(rf"/marketplace/{persona_id}$"))
    await expect(buyer.get_by_text("In your library")).to_be_visible()

    # -- downloads the zip ---------------------------------------------------------------------
    async with buyer.expect_download() as download_info:
        await buyer.get_by_role("button", name="Download", exact=True).click()
    download = await download_info.value
    assert download.suggested_filename.endswith(".zip"), download.suggested_filename
    archive = zipfile.ZipFile(io.BytesIO((await download.path()).read_bytes()))
    names = archive.namelist()
    assert {"prompt.md", "style-guide.md", "sample-captions.md"} <= {
        n.rsplit("/", 1)[-1] for n in names
    }
    prompt = next(n for n in names if n.endswith("prompt.md"))
    assert archive.read(prompt) == b"# Voice\nDry, warm.\n"

    # -- reviews it ----------------------------------------------------------------------------
    # A person clicks the fifth star (the radio inside it is visually hidden).
    five = buyer.get_by_role("radio", name="5 stars")
    await buyer.locator(".star-input label").filter(has=five).click()
    await expect(five).to_be_checked()
    await buyer.get_by_label("Your review").fill("Exactly the dry humour my reels needed.")
    await buyer.get_by_role("button", name="Post review").click()
    review = buyer.locator(".review").filter(has_text="Exactly the dry humour")
    await expect(review).to_contain_text("Verified purchase")
    await expect(review).to_contain_text("bea_buys")
    await shoot(buyer, "persona page reviewed")

    await buyer.goto("/dashboard/purchases")
    await expect(buyer.get_by_role("list", name="Owned personas")).to_contain_text(PERSONA)
    await expect(buyer.get_by_role("table")).to_contain_text("$9.99")
    await shoot(buyer, "library")
    await buyer_ctx.close()

    # -- the creator sees the sale: 70% of 9.99, pending during the holding period -------------
    # The credit reaches payouts over the bus; the page is opened again until it shows.
    balances = creator.get_by_role("list", name="Balances")
    pending = balances.get_by_role("listitem").filter(has_text=re.compile(r"^Pending"))
    for _ in range(30):
        await creator.goto("/dashboard/earnings")
        await expect(balances).to_be_visible()
        if "$6.99" in await pending.inner_text():
            break
    await expect(pending).to_contain_text("$6.99")
    await expect(
        balances.get_by_role("listitem").filter(has_text=re.compile(r"^Available"))
    ).to_contain_text("$0.00")
    sale = creator.get_by_role("row").filter(has_text=PERSONA)
    await expect(sale).to_contain_text("$9.99")
    await expect(sale).to_contain_text("$6.99")
    await shoot(creator, "earnings")

    await creator.goto("/dashboard")
    await expect(creator.get_by_role("list", name="Your stats")).to_contain_text("1 published")
    await shoot(creator, "dashboard")
    await creator.goto("/dashboard/personas")
    await expect(creator.get_by_role("list", name="Your personas")).to_contain_text("Published")
    await shoot(creator, "my personas")

    # -- and tells buyers who they are --------------------------------------------------------
    await creator.goto("/dashboard/profile")
    await expect(field(creator, "Username")).to_have_value("carla_creates")
    await field(creator, "Bio").fill("Travel vlogger. Dry jokes, late trams, good pastries.")
    await creator.get_by_role("button", name="Save profile").click()
    await expect(creator.get_by_role("status").filter(has_text="Profile saved")).to_be_visible()
    await shoot(creator, "profile")
    await creator.goto("/creators/carla_creates")
    await expect(creator.get_by_text("Dry jokes, late trams")).to_be_visible()
    await expect(creator.get_by_role("link", name=PERSONA)).to_be_visible()
    await shoot(creator, "creator profile")
    await creator.goto("/")
    await expect(creator.get_by_role("link", name=PERSONA)).to_be_visible()
    await shoot(creator, "home")

    # -- the admin sees the payment, refundable, in the payments tab ---------------------------
    await admin.goto("/admin?tab=refunds")
    payment = admin.get_by_role("row").filter(has_text=PERSONA)
    await expect(payment).to_contain_text("$9.99")
    await expect(payment).to_contain_text("$6.99")  # the creator's share
    await expect(payment.get_by_role("button", name=re.compile("^Refund payment"))).to_be_visible()
    await shoot(admin, "admin payments")
    await admin_ctx.close()

    await creator_ctx.close()
