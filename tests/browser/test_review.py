"""Expert review in a real browser: a reviewer disputes a value, a lead accepts it, the score moves.

The app runs as its own subprocess (tests/review/liveproc.py) with a fresh review store, so the
accepted correction never leaks into the shared live server's scores.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from tests.conftest import axe_violations

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
_spec = importlib.util.spec_from_file_location("review_liveproc", HERE.parent / "review" / "liveproc.py")
liveproc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(liveproc)

SHOTS = ROOT / "screenshots"
EVIL = "<b>bold?</b><script>window.pwned=1</script>"


@pytest.fixture(scope="module")
def review_server(tmp_path_factory):
    from dashboard.review.auth import add_user
    from dashboard.review.store import Store, default_url
    instance = tmp_path_factory.mktemp("review-browser")
    store = Store(default_url(instance))
    for name, role in (("rita", "reviewer"), ("lena", "lead")):
        add_user(store, name, role, f"{name}-password")
    store.dispose()
    server = liveproc.AppProcess(instance).start()
    yield server
    server.stop()


def sign_in(page, server, name):
    page.goto(server.url + "/review")
    page.wait_for_url(re.compile(r"/signin\?next=/review"))
    page.fill("#signin-name", name)
    page.fill("#signin-password", f"{name}-password")
    page.click("#signin-submit")
    page.wait_for_url(re.compile(r"/review$"))
    page.wait_for_selector("#review-grid td", timeout=30_000)


def overall(page) -> str:
    return page.inner_text("#review-overall-score")


def select_row(page, table: str, text: str):
    page.locator(f"#{table} tr", has_text=text).first.locator("td").nth(1).click()


def test_dispute_then_accept_changes_the_score(page, review_server):
    SHOTS.mkdir(exist_ok=True)
    page.set_default_timeout(30_000)
    sign_in(page, review_server, "rita")
    assert page.locator("#review-lead-panel").is_hidden()
    before = overall(page)
    page.wait_for_selector("#review-progress-text")
    assert "0 of" in page.inner_text("#review-progress-text")

    select_row(page, "review-grid", "p_fiw_d4")
    page.wait_for_selector("#review-selected strong")
    assert "p_fiw_d4" in page.inner_text("#review-selected")
    page.get_by_label("Disputed").check()
    page.fill("#review-proposed", "0.5")
    page.fill("#review-source", "https://freedomhouse.org/country/colombia/freedom-world/2021")
    page.fill("#review-comment", EVIL)
    page.click("#review-submit")
    page.wait_for_selector("#review-feedback .alert-success")
    assert "awaits a lead" in page.inner_text("#review-feedback")
    page.wait_for_function("() => document.querySelector('#review-progress-text').innerText.startsWith('1 of')")
    cell = page.locator("#review-grid tr", has_text="p_fiw_d4").first
    assert EVIL in cell.inner_text()  # shown as text, not markup
    assert page.evaluate("window.pwned") is None
    assert overall(page) == before, "a proposal must not change the score"
    page.screenshot(path=str(SHOTS / "review-reviewer.png"), full_page=True)

    page.click("#review-signout")
    page.wait_for_url(re.compile(r"/$"))
    sign_in(page, review_server, "lena")
    page.wait_for_selector("#review-corrections td")
    select_row(page, "review-corrections", "p_fiw_d4")
    page.fill("#review-decision-comment", "checked the 2021 report")
    page.click("#review-accept")
    page.wait_for_selector("#review-decision-feedback .alert-success")
    page.wait_for_function("(b) => document.querySelector('#review-overall-score').innerText !== b", arg=before)
    after = overall(page)
    assert float(after) < float(before)
    row = page.locator("#review-grid tr", has_text="p_fiw_d4").first.inner_text()
    assert "corrected" in row and "0.5" in row
    assert "correction.accept" in page.inner_text("#review-history")
    assert "No proposals are waiting" in page.inner_text("#review-corrections-empty")
    page.screenshot(path=str(SHOTS / "review-lead.png"), full_page=True)
    serious = axe_violations(page)
    assert not serious, [(v["id"], v["help"], v["nodes"][:2]) for v in serious]
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / "review-lead_390.png"), full_page=True)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390, "the page overflows a phone"


def test_visitors_are_sent_to_sign_in(page, review_server):
    """Direct loads get an HTTP redirect; in-app navigation to /review lands on the sign-in page too."""
    page.set_default_timeout(30_000)
    page.goto(review_server.url + "/review?country=LBN")
    page.wait_for_url(re.compile(r"/signin\?next=/review"))
    assert page.locator("#signin-name").is_visible()
    assert axe_violations(page) == []
    page.screenshot(path=str(SHOTS / "review-signin.png"))
    page.goto(review_server.url + "/")
    page.locator("nav a", has_text="Review").first.click()
    page.wait_for_url(re.compile(r"/signin"))
    assert "Sign in to review" in page.inner_text("h1")
