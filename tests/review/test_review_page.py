"""The /review page module without a browser: layouts for every visitor, grid rows, escaping."""

from __future__ import annotations

import sys

import pytest

from dashboard.review.auth import User


@pytest.fixture
def page_module(app_config):
    """The page module as create_app imports it (register_page needs an app with pages)."""
    if "dashboard.pages.review" not in sys.modules:
        from dashboard import create_app
        create_app(app_config)
    return sys.modules["dashboard.pages.review"]


@pytest.mark.parametrize("user", [None, User(1, "rita", "reviewer"), User(2, "lena", "lead")])
def test_layout_renders_for_every_visitor(page_module, monkeypatch, user):
    monkeypatch.setattr(page_module, "_user", lambda: user)
    monkeypatch.setattr(page_module, "_csrf", lambda: "token")
    tree = page_module.layout()
    text = str(tree)
    for needed in ("review-grid", "review-submit", "review-corrections", "review-accept", "review-history",
                   "review-add-submit", "review-progress-all"):
        assert needed in text
    lead_panel = [c for c in tree.children if getattr(c, "id", None) == "review-lead-panel"][0]
    assert (lead_panel.className == "d-none") == (user is None or not user.is_lead)
    assert ("review-signin-redirect" in text) == (user is None)
    page_module.layout(country="lbn", year="2020", extra="ignored")
    page_module.layout(year="not-a-year")


def test_grid_rows_and_markdown_escaping(page_module):
    from dashboard import data
    drill = data.drilldown("COL", 2021)
    reviews = [{"indicator": "p_fiw_d4", "status": "disputed", "reviewer": "rita", "comment": "<b>x</b>"}]
    rows = page_module.grid_rows(drill, reviews)
    assert len(rows) == sum(len(p["items"]) for p in drill["pillars"])
    row = next(r for r in rows if r["id"] == "p_fiw_d4")
    assert row["review"] == "disputed by rita" and row["last_comment"] == "<b>x</b>"
    assert row["source"].startswith("[Freedom House](https://")
    assert page_module._md("<a>[x](y)") == "\\<a\\>\\[x\\]\\(y\\)"
