"""Expert review in a real browser, as a panel member works: keyboard only for the reviewer, then a lead.

The app runs as its own subprocess (tests/review/liveproc.py) with a fresh review store, so the
accepted correction never leaks into the shared live server's scores. Each stumble of issue 11 has an
assertion here that fails on the old page: the keyboard trap, the invisible focus ring, arrow keys that
never chose a row, a form that kept the last comment and pre-selected "Confirmed", one problem reported
at a time, a raw value with no scale, the publisher's home page as the source, account names in public,
machine verbs in the audit trail, the lead's table overflowing at 1280 px and a blank page after an
accepted correction.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from tests.conftest import SHOTS, axe_violations

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("review_liveproc", HERE.parent / "review" / "liveproc.py")
liveproc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(liveproc)

EVIL = "<b>bold?</b><script>window.pwned=1</script>"
FH_SOURCE = "https://freedomhouse.org/country/colombia/freedom-world/2022 (E1)"


@pytest.fixture(scope="module")
def review_server(tmp_path_factory, browser):
    from dashboard.review.auth import add_user
    from dashboard.review.store import Store, default_url
    instance = tmp_path_factory.mktemp("review-browser")
    store = Store(default_url(instance))
    for name, role in (("rita", "reviewer"), ("lena", "lead")):
        add_user(store, name, role, f"{name}-password")
    store.dispose()
    server = liveproc.AppProcess(instance).start()
    # a browser arriving in the first seconds of a fresh Dash process can meet a half-set-up app (no
    # validation layout yet): let one public page load fully first, as a server in use has done
    warm = browser.new_page()
    warm.goto(server.url + "/methodology", timeout=120_000)
    warm.wait_for_load_state("networkidle", timeout=120_000)
    warm.wait_for_timeout(3000)
    warm.close()
    yield server
    server.stop()


def focused(page) -> dict:
    """Where the keyboard focus is: id, in the grid's cells or headers (its pager is a separate stop),
    row of the grid (row-id), and whether a focus ring is drawn."""
    page.wait_for_timeout(150)  # AG Grid moves focus from its tab guards asynchronously
    return page.evaluate("""() => {
        const el = document.activeElement;
        const row = el && el.closest('[row-id]');
        const style = el ? getComputedStyle(el) : null;
        const ring = style && ((style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
                               || (style.boxShadow && style.boxShadow !== 'none')
                               || (style.borderColor && el.classList.contains('ag-cell-focus')));
        const cells = el && el.closest('#review-grid .ag-root');
        return {id: el && el.id, tag: el && el.tagName, inGrid: !!cells,
                row: row && row.getAttribute('row-id'), ring: !!ring,
                text: el && (el.innerText || el.value || '').slice(0, 60)};
    }""")


def sign_in_by_keyboard(page, server, name):
    page.goto(server.url + "/review?country=COL&year=2021")
    page.wait_for_url(re.compile(r"/signin\?next=/review"))
    page.focus("#signin-name")
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    page.keyboard.type(f"{name}-password")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/review?" in url and "signin" not in url)
    page.wait_for_selector("#review-grid .ag-row[row-id='p_fiw_d4']", timeout=60_000)


def tab_into_grid(page, limit: int = 60) -> dict:
    """Tab from the text above the grid (as after reading it) until the focus is in the grid."""
    page.evaluate("() => { const p = document.getElementById('review-grid-help'); p.tabIndex = -1; p.focus(); }")
    for _ in range(limit):
        page.keyboard.press("Tab")
        where = focused(page)
        if where["inGrid"]:
            return where
    raise AssertionError(f"Tab never reached the grid in {limit} presses (last focus {focused(page)})")


def arrow_to_row(page, row_id: str, limit: int = 40) -> dict:
    page.keyboard.press("ArrowDown")
    for _ in range(limit):
        where = focused(page)
        if where["row"] == row_id:
            return where
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrow keys never reached row {row_id}")


def overall(page) -> str:
    return page.inner_text("#review-overall-score")


def test_reviewer_disputes_with_the_keyboard_only(page, review_server):
    """Reach a row, dispute it, submit: no mouse at all; then every stumble of the old page is checked."""
    page.set_default_timeout(60_000)
    sign_in_by_keyboard(page, review_server, "rita")
    assert page.locator("#review-lead-panel").is_hidden()
    assert page.locator("#review-grid .dash-spreadsheet, #review-grid table").count() == 0, "no DataTable left"
    before = overall(page)
    assert "0 of" in page.inner_text("#review-progress-text")

    # Tab reaches the grid, the focus ring shows, Tab and Shift+Tab leave it again (no trap)
    where = tab_into_grid(page)
    assert where["ring"], f"the focused grid cell has no visible focus ring: {where}"
    page.keyboard.press("Tab")
    assert not focused(page)["inGrid"], "Tab from the headers leaves the grid (no walk through every header)"
    page.keyboard.press("Shift+Tab")
    assert focused(page)["inGrid"]
    page.keyboard.press("ArrowDown")
    inside = focused(page)
    assert inside["inGrid"] and inside["row"], inside
    page.keyboard.press("Tab")
    assert not focused(page)["inGrid"], "Tab must leave the grid, not walk its cells or links"
    page.keyboard.press("Shift+Tab")
    back = focused(page)
    assert back["inGrid"], f"Shift+Tab returns to the grid: {back}"
    page.keyboard.press("Shift+Tab")
    assert not focused(page)["inGrid"], "Shift+Tab leaves the grid too"
    page.keyboard.press("Tab")

    # the arrow keys move to a row, Space chooses it, and the focus moves to the form
    arrow_to_row(page, "p_sm_monitoring")
    page.keyboard.press("Space")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'review-form-heading'")
    chosen = page.inner_text("#review-selected")
    assert "p_sm_monitoring" in chosen and "on about −4 to 3 (V-Dem estimate)" in chosen
    page.wait_for_function("() => { const r = document.getElementById('review-form-heading')"
                           ".getBoundingClientRect(); return r.top >= -1 && r.bottom <= window.innerHeight; }",
                           timeout=5_000)  # choosing a row brings the form into view
    assert page.locator("#review-status input:checked").count() == 0, "no verdict is chosen for the reviewer"

    # nothing filled in: every problem at once, each next to its field
    page.keyboard.press("Tab")           # the source link of the value ("Check it at")
    assert focused(page)["id"] == "review-selected-source"
    page.keyboard.press("Tab")           # the first verdict
    page.keyboard.press("ArrowRight")    # -> Disputed
    assert page.locator("#review-status input:checked").get_attribute("value") == "disputed"
    page.focus("#review-submit")
    page.keyboard.press("Enter")
    page.wait_for_selector("#review-feedback .alert-danger")
    for field in ("proposed_value", "source", "comment"):
        assert page.inner_text(f"#review-{field}-error").strip(), f"no message next to {field}"
    assert "3 things to fix" in page.inner_text("#review-feedback")
    page.screenshot(path=str(SHOTS / "review-form-problems.png"), full_page=False)

    # choosing another row (keyboard again) empties the form: no stale comment, no verdict
    page.focus("#review-comment")
    page.keyboard.type("meant for the other row")
    tab_into_grid(page)
    arrow_to_row(page, "p_fiw_d4")
    page.keyboard.press("Space")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'review-form-heading'")
    page.wait_for_function("() => document.querySelector('#review-selected').innerText.includes('p_fiw_d4')")
    assert page.input_value("#review-comment") == ""
    assert page.locator("#review-status input:checked").count() == 0
    assert not page.inner_text("#review-source-error").strip(), "old problems are cleared too"
    chosen = page.inner_text("#review-selected")
    assert "3 on 0–4 (FIW item score)" in chosen and "2021 (edition 2022)" in chosen and "fiw_d4" in chosen
    assert page.get_attribute("#review-selected-source", "href") == \
        "https://freedomhouse.org/country/colombia/freedom-world/2022", "the country's page, not the home page"

    # the dispute itself, keyboard only
    page.keyboard.press("Tab")           # source link
    page.keyboard.press("Tab")           # verdicts
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Tab")
    page.keyboard.type("0.5")
    page.keyboard.press("Tab")
    page.keyboard.type(FH_SOURCE)
    page.keyboard.press("Tab")
    page.keyboard.type(EVIL)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "review-submit"
    page.keyboard.press("Enter")
    page.wait_for_selector("#review-feedback .alert-success")
    assert "awaits a lead" in page.inner_text("#review-feedback")
    page.wait_for_function("() => document.querySelector('#review-progress-text').innerText.startsWith('1 of')")
    row = page.locator("#review-grid .ag-row[row-id='p_fiw_d4']").first.inner_text()
    assert "disputed by Panel member 1" in row and "rita" not in row
    assert page.evaluate("window.pwned") is None
    assert overall(page) == before, "a proposal must not change the score"
    history = page.inner_text("#review-history")
    assert "Proposed a corrected value" in history and "correction.propose" not in history
    page.screenshot(path=str(SHOTS / "review-reviewer.png"), full_page=True)
    serious = axe_violations(page)
    assert not serious, [(v["id"], v["help"], v["nodes"][:2]) for v in serious]
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(600)
    serious = axe_violations(page)
    assert not serious, [(v["id"], v["help"], v["nodes"][:2]) for v in serious]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390, "the page overflows a phone"
    page.screenshot(path=str(SHOTS / "review-reviewer_390.png"), full_page=True)


def test_lead_accepts_and_the_public_sees_display_names_only(page, review_server):
    page.set_default_timeout(60_000)
    sign_in_by_keyboard(page, review_server, "lena")
    before = overall(page)
    page.wait_for_selector("#review-corrections .ag-row")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280, "the page overflows at 1280 px"
    grid = page.locator("#review-corrections .ag-center-cols-viewport")
    assert grid.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), "the lead's table scrolls sideways"
    page.locator("#review-corrections .ag-row", has_text="p_fiw_d4").first.click()
    page.wait_for_selector("#review-correction-detail a")
    assert page.get_attribute("#review-correction-detail a", "href") == \
        "https://freedomhouse.org/country/colombia/freedom-world/2022", "the label (E1) is not part of the link"
    page.fill("#review-decision-comment", "checked the 2022 report, item D4")
    page.click("#review-accept")
    page.wait_for_selector("#review-decision-feedback .alert-success")
    assert "being recomputed" in page.inner_text("#review-decision-feedback")

    # other pages keep serving the previous scores (never blank) until the new ones are ready
    other = page.context.new_page()
    other.goto(review_server.url + "/country/COL?year=2021")
    other.wait_for_selector("#country-body .js-plotly-plot", timeout=30_000)
    assert other.inner_text("#country-body").strip(), "the country page is blank after an accepted correction"

    page.wait_for_function(f"() => document.querySelector('#review-overall-score').innerText !== '{before}'",
                           timeout=240_000)
    assert float(overall(page)) < float(before)
    assert page.locator("#review-recompute-alert").count() == 0
    row = page.locator("#review-grid .ag-row[row-id='p_fiw_d4']").first.inner_text()
    assert "corrected" in row and "0.5" in row
    history = page.inner_text("#review-history")
    assert "Accepted a correction" in history and "correction.accept" not in history
    assert "No proposals are waiting" in page.inner_text("#review-corrections-empty")
    page.screenshot(path=str(SHOTS / "review-lead.png"), full_page=True)
    serious = axe_violations(page)
    assert not serious, [(v["id"], v["help"], v["nodes"][:2]) for v in serious]

    # in public: display names and the decision note, never the account names
    other.goto(review_server.url + "/country/COL?year=2021")
    other.wait_for_selector(".drd-correction")
    note = other.inner_text(".drd-correction")
    assert "Panel member 1 (accepted by Panel member 2)" in note, note
    assert "Decision note by Panel member 2: checked the 2022 report, item D4" in note
    drill = other.inner_text("#drilldown")
    assert not re.search(r"\b(rita|lena)\b", drill), "account names are never public"
    link = other.locator(".drd-correction a").first
    assert link.get_attribute("href") == "https://freedomhouse.org/country/colombia/freedom-world/2022"
    api = other.request.get(review_server.url + "/api/v1/countries/COL?year=2021").text()
    assert "Panel member 1" in api and not re.search(r"\b(rita|lena)\b", api)
    other.close()

    # a lead renames an account's public name; the account name stays private
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(600)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390, "the page overflows a phone"
    page.screenshot(path=str(SHOTS / "review-lead_390.png"), full_page=True)
    serious = axe_violations(page)
    assert not serious, [(v["id"], v["help"], v["nodes"][:2]) for v in serious]


def test_visitors_are_sent_to_sign_in(page, review_server):
    """Direct loads get an HTTP redirect; in-app navigation to /review lands on the sign-in page too."""
    page.set_default_timeout(30_000)
    page.goto(review_server.url + "/review?country=LBN")
    page.wait_for_url(re.compile(r"/signin\?next=/review"))
    assert page.locator("#signin-name").is_visible()
    assert axe_violations(page) == []
    page.screenshot(path=str(SHOTS / "review-signin.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    assert axe_violations(page) == []
    page.screenshot(path=str(SHOTS / "review-signin_390.png"))
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(review_server.url + "/")
    page.locator("nav a", has_text="Review").first.click()
    page.wait_for_url(re.compile(r"/signin"))
    assert "Sign in to review" in page.inner_text("h1")
