"""What a first-time user trips over (issue 14, points 4-10), in Chromium (Debian's, through
Playwright) on the built web UI in front of every real service, at desktop and phone width.

One story, in order: a newcomer clicks "Start selling" and lands on registration (not a "Welcome
back" login) and then on the sell form; the verification banner resends the link (rate-limited);
the price field says what the creator earns from billing's own fee rule; a buyer without personas
sees their library and an invitation to sell; the admin reads the files in the moderation queue;
Checkout comes with the buyer's e-mail filled in; the creator sees no "Helpful" button on reviews
of their own persona; a new version waits for review while the old one stays live, unless the
admin trusts the creator; the admin finds, promotes and suspends users; the creator connects
Stripe and sees it connected, with a readable chart on a phone. Screenshots go to
web/test-results/ as `ux-NN-*.png`.
"""

from __future__ import annotations

import re
import sys
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, FilePayload, expect
from shared.testing.servers import message_text

sys.path.insert(0, str(Path(__file__).parent))
from browser_support import (
    DESKTOP,
    PASSWORD,
    PHONE,
    Screenshots,
    field,
    new_page,
    run_story,
    signed_in,
)

PERSONA = "Calm Garden Coach"
PROMPT_V1 = "# Voice\nSlow, kind, practical about soil.\n"
PROMPT_V2 = "# Voice\nSlow, kind, practical about soil and compost.\n"

expect.set_options(timeout=15_000)


async def test_a_first_time_creator_buyer_and_admin(stack: Any, browser: Browser) -> None:
    shoot = Screenshots(prefix="ux-")
    await run_story(story(stack, browser, shoot), shoot)


async def story(stack: Any, browser: Browser, shoot: Screenshots) -> None:
    # -- 8. "Sign up" keeps where you were; "Start selling" registers a newcomer ----------------
    visitor_ctx, visitor = await new_page(browser, stack)
    await visitor.goto("/marketplace")
    await visitor.get_by_role("link", name="Sign up").click()
    await expect(visitor).to_have_url(re.compile(r"/register\?next=%2Fmarketplace$"))
    await visitor_ctx.close()

    creator_ctx, creator = await new_page(browser, stack)
    await creator.goto("/")
    await creator.get_by_role("link", name="Start selling").click()
    await expect(creator).to_have_url(re.compile(r"/register\?next=%2Fmarketplace%2Fsubmit$"))
    await expect(creator.get_by_role("heading", name="Create your account")).to_be_visible()
    await expect(creator.get_by_text("Welcome back")).to_have_count(0)
    await field(creator, "E-mail").fill("gina@example.com")
    await field(creator, "Username").fill("gina_grows")
    await field(creator, "Password").fill(PASSWORD)
    await shoot(creator, "start selling registers")
    await creator.get_by_role("button", name="Create account").click()
    await expect(creator).to_have_url(re.compile(r"/marketplace/submit$"))  # where she was going

    # -- 9. the banner resends the verification link; one product name in the e-mail -----------
    banner = creator.locator(".banner")
    await expect(banner).to_contain_text("gina@example.com")
    resend = banner.get_by_role("button", name="Resend the link")
    await resend.click()  # the sign-up mail went out a moment ago: identity says so (429)
    await expect(banner).to_contain_text("Please wait")
    await shoot(creator, "verification banner")
    stack.services.settings["identity"].email_cooldown_s = 0  # ...a minute later
    await resend.click()
    await expect(banner).to_contain_text("A new link is on its way")
    mails = await stack.smtp.wait_for("gina@example.com", count=2)
    assert len(mails) == 2
    subject = str(make_header(decode_header(mails[-1]["Subject"])))
    assert subject == "Confirm your e-mail address · Personas", subject
    mail = message_text(mails[-1])
    assert "your Personas account" in mail and "Creator Platform" not in mail
    link = re.search(r"https?://\S+/verify-email\?token=[\w\-.~%]+", mail)
    assert link, mail
    await creator.goto(link.group(0))
    await expect(creator.get_by_text("Your e-mail address is verified")).to_be_visible()
    # The page then trades its token for one that says "verified"; leaving before that lands
    # would present a used refresh token (which ends the session).
    await expect(creator.locator(".banner")).to_have_count(0)

    # -- 5. the price field says what she earns, from billing's fee rule ----------------------
    await creator.goto("/marketplace/submit")
    await expect(creator.get_by_role("button", name="Submit for review")).to_be_visible()
    await field(creator, "Name").fill(PERSONA)
    await field(creator, "Summary").fill("Gentle, practical gardening captions")
    await field(creator, "Description").fill(
        "A calm voice for gardening posts: prompt, style guide and sample captions."
    )
    await field(creator, "Category").select_option(label="Lifestyle")
    await field(creator, "Tags").fill("garden, calm")
    price = field(creator, "Price")
    await price.fill("20")
    await expect(creator.get_by_text("You earn $14.00 per sale")).to_be_visible()
    await price.fill("9.99")  # live as she types: 999 - 30% (300) = 699
    await expect(
        creator.get_by_text("You earn $6.99 per sale (after the 30% platform fee).")
    ).to_be_visible()
    await creator.get_by_label("Commercial use").check()
    picked: list[FilePayload] = [
        {"name": "prompt.md", "mimeType": "text/markdown", "buffer": PROMPT_V1.encode()},
        {"name": "sample-captions.md", "mimeType": "text/markdown", "buffer": b"Water at dawn.\n"},
    ]
    await creator.get_by_label("Persona files").set_input_files(picked)
    await shoot(creator, "price says what you earn")
    await creator.get_by_role("button", name="Submit for review").click()
    await expect(creator).to_have_url(re.compile(r"/dashboard/personas/[0-9a-f-]{36}/edit$"))
    persona_id = creator.url.rsplit("/", 2)[-2]

    # -- 4. a buyer without personas sees their library and an invitation to sell -------------
    buyer_ctx, buyer = await signed_in(browser, stack, "bo@example.com", "bo_buys", "/dashboard")
    await expect(buyer.get_by_role("heading", name="Your library")).to_be_visible()
    await expect(buyer.get_by_role("heading", name="Start selling")).to_be_visible()
    await expect(buyer.get_by_role("link", name="Create your first persona")).to_be_visible()
    await expect(buyer.get_by_text("Request a payout")).to_have_count(0)
    await expect(buyer.get_by_role("list", name="Your stats")).to_have_count(0)
    await shoot(buyer, "buyer dashboard")

    # -- 10. the admin reads the persona's files in the moderation queue -----------------------
    admin_ctx, admin = await signed_in(
        browser, stack, "ada@example.com", "ada_admin", "/admin", admin=True
    )
    queue = admin.get_by_role("list", name="Personas awaiting review")
    await expect(queue).to_contain_text(PERSONA)
    await queue.get_by_text(f"Read the files of {PERSONA}").click()
    files = admin.get_by_role("list", name=f"Files of {PERSONA}")
    await expect(files).to_contain_text("prompt.md")
    await expect(files).to_contain_text("Slow, kind, practical about soil.")
    await shoot(admin, "admin moderation files")
    await admin.get_by_role("button", name=f"Approve {PERSONA}").click()
    await expect(admin.get_by_text("The queue is empty")).to_be_visible()

    # -- 6. Checkout comes with the signed-in buyer's e-mail filled in -------------------------
    await buyer.goto(f"/marketplace/{persona_id}")
    buy = buyer.get_by_role("button", name="Buy for $9.99")
    statuses: list[int] = []  # the page's own create-checkout answers, not a timer
    buyer.on(
        "response",
        lambda r: statuses.append(r.status) if "/api/payments/create-checkout" in r.url else None,
    )
    for _ in range(10):
        seen = len(statuses)
        await buy.click()
        opening = buyer.get_by_role("button", name="Opening checkout…")
        await expect(opening).to_have_count(0, timeout=30_000)  # the attempt has ended
        if any(200 <= s < 300 for s in statuses[seen:]):
            break
    await buyer.wait_for_url(f"{stack.emulator_url}/**", timeout=30_000)
    await expect(buyer).to_have_url(re.compile("^" + re.escape(stack.emulator_url)))
    email = buyer.get_by_label("Email")
    await expect(email).to_have_value("bo@example.com")
    await expect(email).not_to_be_editable()
    await buyer.get_by_label("Card number").fill("4242 4242 4242 4242")
    await buyer.get_by_label("Expiration date").fill("12 / 34")
    await buyer.get_by_label("CVC").fill("123")
    await buyer.get_by_label("Name on card").fill("Bo Buyer")
    await shoot(buyer, "checkout with the buyers email")
    await buyer.get_by_role("button", name="Pay $9.99").click()
    await expect(buyer).to_have_url(re.compile(r"/checkout/success\?session_id=cs_"))
    await expect(
        buyer.get_by_role("status").filter(has_text="is now in your library")
    ).to_contain_text(PERSONA)

    # The buyer reviews it...
    await buyer.goto(f"/marketplace/{persona_id}")
    # A person clicks the fifth star (the radio inside it is visually hidden).
    five = buyer.get_by_role("radio", name="5 stars")
    await buyer.locator(".star-input label").filter(has=five).click()
    await expect(five).to_be_checked()
    await buyer.get_by_label("Your review").fill("My basil has never been calmer.")
    await buyer.get_by_role("button", name="Post review").click()
    await expect(buyer.locator(".review").filter(has_text="basil")).to_be_visible()
    await buyer.goto("/dashboard")
    await expect(buyer.get_by_role("list", name="Your library")).to_contain_text(PERSONA)
    await shoot(buyer, "buyer dashboard with library")

    # -- 10. ...and the creator sees no "Helpful" button on reviews of her own persona ---------
    await creator.goto(f"/marketplace/{persona_id}")
    review = creator.locator(".review").filter(has_text="basil")
    await expect(review).to_be_visible()
    await expect(review.get_by_role("button", name="Respond")).to_be_visible()
    await expect(review.get_by_role("button", name=re.compile("^Helpful"))).to_have_count(0)
    await shoot(creator, "own persona review without helpful")

    # -- 7. a new version waits for review; the old one stays live -----------------------------
    await creator.goto(f"/dashboard/personas/{persona_id}/edit")
    await field(creator, "Version").fill("1.1.0")
    await field(creator, "Changelog").fill("Compost advice.")
    await creator.get_by_label("Files", exact=True).set_input_files(
        [{"name": "prompt.md", "mimeType": "text/markdown", "buffer": PROMPT_V2.encode()}]
    )
    await creator.get_by_role("button", name="Publish version").click()
    await expect(creator.get_by_text("was sent for review").first).to_be_visible()
    await expect(
        creator.get_by_role("status").filter(has_text="Version 1.1.0 is waiting for review")
    ).to_contain_text("Buyers keep getting 1.0.0")
    await shoot(creator, "new version waiting for review")
    detail = await stack.http.get(f"/api/personas/{persona_id}")
    assert detail.json()["latest_version"] == "1.0.0"  # still live for buyers

    await admin.goto("/admin")
    versions = admin.get_by_role("list", name="Versions awaiting review")
    await expect(versions).to_contain_text("v1.1.0")
    await expect(versions).to_contain_text("Live now: v1.0.0")
    await versions.get_by_text(f"Read the files of {PERSONA} v1.1.0").click()
    await expect(admin.get_by_role("list", name=f"Files of {PERSONA} v1.1.0")).to_contain_text(
        "soil and compost"
    )
    await versions.get_by_role("button", name="Trust creator").click()
    await expect(versions).to_contain_text("Trusted creator")
    await shoot(admin, "admin version review")
    await admin.get_by_role("button", name=f"Approve {PERSONA} v1.1.0").click()
    await expect(admin.get_by_text("No new versions to review")).to_be_visible()
    detail = await stack.http.get(f"/api/personas/{persona_id}")
    assert detail.json()["latest_version"] == "1.1.0"

    # -- 10. the admin's user list: search, make admin, suspend ---------------------------------
    await stack.register("spam@example.com", "spam_bot", PASSWORD)
    await admin.goto("/admin?tab=users")
    users = admin.get_by_role("list", name="Users")
    await expect(users).to_contain_text("gina_grows")
    await expect(users.locator(".row-item").filter(has_text="gina_grows")).to_contain_text(
        "Trusted creator"
    )
    await field(admin, "Find a user").fill("bo_")
    await admin.get_by_role("button", name="Search", exact=True).click()
    await expect(users.locator(".row-item")).to_have_count(1)
    await admin.get_by_role("button", name="Make admin: bo_buys").click()
    await expect(users.locator(".row-item").filter(has_text="bo_buys")).to_contain_text("Admin")
    await field(admin, "Find a user").fill("spam")
    await admin.get_by_role("button", name="Search", exact=True).click()
    await admin.get_by_role("button", name="Suspend spam_bot").click()
    await admin.get_by_label("Reason").fill("Posts links to scams.")
    await admin.get_by_role("button", name="Suspend account").click()
    await expect(users.locator(".row-item").filter(has_text="spam_bot")).to_contain_text(
        "Reason: Posts links to scams."
    )
    await field(admin, "Find a user").fill("")
    await admin.get_by_role("button", name="Search", exact=True).click()
    await expect(users.locator(".row-item")).to_have_count(4)
    await shoot(admin, "admin users")

    # -- 10. Connect Stripe shows "connected ✓"; the chart reads well on a phone ---------------
    balances = creator.get_by_role("list", name="Balances")
    for _ in range(30):  # the sale reaches payouts over the bus
        await creator.goto("/dashboard/earnings")
        await expect(balances).to_be_visible()
        if "$6.99" in await balances.inner_text():
            break
    await expect(creator.get_by_role("status").filter(has_text="Stripe connected")).to_have_count(0)
    await creator.get_by_role("button", name="Connect Stripe to get paid").click()
    await expect(creator).to_have_url(re.compile("^" + re.escape(stack.emulator_url)))
    await creator.get_by_role("button", name="Complete onboarding").click()
    await expect(creator).to_have_url(re.compile(r"/dashboard/earnings\?onboarding=done$"))
    await expect(
        creator.get_by_role("status").filter(has_text="Stripe connected ✓")
    ).to_be_visible()
    await expect(creator.get_by_role("button", name="Manage Stripe payout account")).to_be_visible()
    await creator.set_viewport_size(PHONE)
    label = creator.locator(".chart-label").first
    await expect(label).to_be_visible()
    box = await label.bounding_box()
    assert box is not None and box["height"] >= 10, box  # 12px text, not a scaled-down speck
    await creator.set_viewport_size(DESKTOP)
    await shoot(creator, "earnings connected")

    await buyer_ctx.close()
    await admin_ctx.close()
    await creator_ctx.close()
