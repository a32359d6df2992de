"""The /review page module without a browser: layouts for every visitor, grid rows, escaping."""

from __future__ import annotations

import sys

import pytest

from dashboard.review.auth import User


def find(node, wanted: str):
    """The component with id `wanted` in a layout tree, else None."""
    if getattr(node, "id", None) == wanted:
        return node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and not isinstance(child, (str, int, float)):
            hit = find(child, wanted)
            if hit is not None:
                return hit
    return None


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
                   "review-add-submit", "review-progress-all", "review-people", "review-form-heading"):
        assert needed in text
    lead_panel = [c for c in tree.children if getattr(c, "id", None) == "review-lead-panel"][0]
    assert (lead_panel.className == "d-none") == (user is None or not user.is_lead)
    assert ("review-signin-redirect" in text) == (user is None)
    assert "DataTable" not in text and "AgGrid" in text
    verdict = find(tree, "review-status")
    assert verdict.value is None, "no verdict may be pre-selected: the reviewer chooses one"
    page_module.layout(country="lbn", year="2020", extra="ignored")
    page_module.layout(year="not-a-year")


def test_grid_rows_show_what_is_checked(page_module):
    """Value on its scale, edition, dataset and variable, the country's page, the reviewer's public name."""
    from dashboard import data
    drill = data.drilldown("COL", 2021)
    reviews = [{"indicator": "p_fiw_d4", "status": "disputed", "reviewer": "rita",
                "reviewer_display": "Panel member 1", "comment": "<b>x</b>"}]
    rows = page_module.grid_rows(drill, reviews)
    assert len(rows) == sum(len(p["items"]) for p in drill["pillars"])
    row = next(r for r in rows if r["id"] == "p_fiw_d4")
    assert row["review"] == "disputed by Panel member 1" and row["last_comment"] == "<b>x</b>"
    assert row["value_text"] == "3 on 0–4 (FIW item score)"
    assert row["year_text"] == "2021 (edition 2022)"
    assert row["dataset"].startswith("Freedom in the World") and row["dataset"].endswith("· fiw_d4")
    assert row["source_url"] == "https://freedomhouse.org/country/colombia/freedom-world/2022"
    assert row["country_page"]
    vdem = next(r for r in rows if r["id"] == "p_sm_monitoring")
    assert " on about −4 to 3 (V-Dem estimate)" in vdem["value_text"]
    assert not vdem["country_page"] and vdem["source_url"].startswith("https://v-dem.net")
    text = str(page_module.chosen_text(row))
    assert "3 on 0–4" in text and "freedomhouse.org/country/colombia" in text and "fiw_d4" in text


def test_form_problems_are_all_reported_at_once():
    from dashboard.review import service
    problems = service.review_problems({"country": "COL", "year": 2021, "indicator": "p_fiw_d4",
                                        "status": "disputed", "comment": "", "source": ""})
    assert set(problems) == {"comment", "source", "proposed_value"}
    assert service.review_problems({"country": "COL", "year": 2021, "indicator": "p_fiw_d4", "status": None,
                                    "comment": "", "source": ""}) == {
        "status": "status must be one of confirmed, disputed: choose a verdict"}
    assert service.review_problems({"country": "COL", "year": 2021, "indicator": "p_fiw_d4",
                                    "status": "confirmed", "comment": "", "source": ""}) == {}


def test_lead_table_and_audit_trail_read_as_words(page_module):
    corrections = [{"id": 4, "country": "COL", "year": 2021, "indicator": "p_fiw_d4", "original_value": 3.0,
                    "value": 1.0, "reason": "FH says 1", "source": "https://freedomhouse.org/country/colombia (E1)",
                    "proposer": "rita", "proposer_display": "Panel member 1", "kind": "dispute",
                    "status": "proposed"}]
    row = page_module.correction_rows(corrections, {})[0]
    assert row["source_url"] == "https://freedomhouse.org/country/colombia" and row["change"] == "3 → 1"
    assert row["proposer"] == "Panel member 1"
    events = [{"id": 7, "at": "2026-12-01T09:00:00+00:00", "actor": "rita", "action": "correction.propose_dispute",
               "indicator": "p_fiw_d4", "entity_id": 4, "before": None,
               "after": {"value": 1.0, "reason": "FH says 1", "status": "proposed"}}]
    history = page_module.history_rows(events, {"rita": "Panel member 1"})[0]
    assert history["action"] == "Proposed a corrected value" and "correction." not in str(history)
    assert history["actor"] == "rita (Panel member 1)"
    assert history["summary"] == "Correction #4, proposed, value 1: FH says 1"
