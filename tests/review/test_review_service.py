# ruff: noqa: F811  (pytest fixtures imported from review_fixtures, then requested by name)
"""The spot-check rules on both backends: roles, four eyes, scores change only on acceptance, audit."""

from __future__ import annotations

import pytest
from review_fixtures import people, pg_schema, sqlite_store, store, wired  # noqa: F401 (fixtures)
from sqlalchemy import func, select

from dashboard import data
from dashboard.review import service
from dashboard.review.models import corrections, events, reviews
from dashboard.review.store import verify_chain

COL, YEAR, IND = "COL", 2021, "p_fiw_d4"  # Freedom House D4, linear 0..4, published 3 for COL 2021


def dispute(value=1.0, **extra):
    return {"country": COL, "year": YEAR, "indicator": IND, "status": "disputed", "comment": "FH 2021 says 1",
            "proposed_value": value, "source": "https://freedomhouse.org/country/colombia/freedom-world/2021"} | extra


def item(drill: dict, code: str) -> dict:
    return next(i for p in drill["pillars"] for i in p["items"] if i["indicator"] == code)


def counts(store) -> tuple[int, int, int]:
    with store.read() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one()
                     for t in (reviews, corrections, events))


def test_reviewer_confirms_and_disputes(store, people):
    p = people(store)
    ok = service.submit_review(store, p["rita"], {"country": "col", "year": YEAR, "indicator": IND,
                                                  "status": "confirmed"})
    assert ok["status"] == "confirmed" and ok["country"] == COL and ok["correction"] is None
    assert ok["value_seen"] == 3.0 and ok["obs_year_seen"] == 2021
    d = service.submit_review(store, p["remy"], dispute())
    assert d["correction"]["status"] == "proposed" and d["correction"]["original_value"] == 3.0
    assert [r["status"] for r in service.list_reviews(store, COL, YEAR)] == ["confirmed", "disputed"]
    prog = service.progress(store, COL, YEAR)
    assert prog["reviewed"] == 1 and prog["open_disputes"] == 1 and 0 < prog["share_reviewed"] < 1


def test_roles(store, people):
    p = people(store)
    corr = service.submit_review(store, p["rita"], dispute())["correction"]
    with pytest.raises(service.Forbidden, match="only a lead"):
        service.decide(store, p["remy"], corr["id"], accept=True)
    with pytest.raises(service.Forbidden, match="only a lead"):
        service.decide(store, p["rita"], corr["id"], accept=True)
    with pytest.raises(service.Forbidden, match="sign in"):
        service.submit_review(store, None, dispute())
    with pytest.raises(service.Forbidden, match="only a lead"):
        service.propose_observation(store, p["rita"], {})
    # a lead's own dispute: the same lead can neither accept nor reject it
    own = service.submit_review(store, p["lena"], dispute(2.0))["correction"]
    for accept in (True, False):
        with pytest.raises(service.Forbidden, match="four-eyes"):
            service.decide(store, p["lena"], own["id"], accept=accept)
    assert service.decide(store, p["leo"], own["id"], accept=False)["status"] == "rejected"
    with pytest.raises(service.Conflict, match="already rejected"):
        service.decide(store, p["leo"], own["id"], accept=True)
    with pytest.raises(service.NotFound):
        service.decide(store, p["leo"], 999, accept=True)


def test_four_eyes_flow_changes_the_score_only_on_acceptance(wired, people):
    store = wired
    p = people(store)
    before = data.drilldown(COL, YEAR)
    assert item(before, IND)["value"] == 3.0 and not item(before, IND)["corrected"]
    corr = service.submit_review(store, p["rita"], dispute(1.0))["correction"]
    proposed = data.drilldown(COL, YEAR)
    assert proposed["overall"] == before["overall"], "a proposal must not move the score"
    assert item(proposed, IND)["value"] == 3.0

    service.decide(store, p["lena"], corr["id"], accept=True, comment="checked the report")
    after = data.drilldown(COL, YEAR)
    it = item(after, IND)
    assert it["value"] == 1.0 and it["corrected"] and it["score"] < item(before, IND)["score"]
    assert after["overall"]["score"] < before["overall"]["score"]
    c = it["correction"]
    # in public the people are their display names, and the lead's decision note is published
    shown = f"{p['rita'].display_name} (accepted by {p['lena'].display_name})"
    assert p["rita"].display_name.startswith("Panel member ")
    assert c["original_value"] == 3.0 and c["author"] == shown and "rita" not in c["author"]
    assert c["source"].startswith("https://freedomhouse.org") and "FH 2021 says 1" in c["reason"]
    assert c["reason"].endswith(f"Decision note by {p['lena'].display_name}: checked the report")
    assert len(c["date"]) == 10
    # the scores the exports and API read carry the same provenance
    row = data.results().indicators.query("iso3 == @COL and year == @YEAR and indicator == @IND").iloc[0]
    assert row["correction_author"] == shown and row["original_value"] == 3.0

    # a later accepted correction of the same value supersedes; a rejected one changes nothing
    corr2 = service.submit_review(store, p["remy"], dispute(2.0))["correction"]
    corr3 = service.submit_review(store, p["rita"], dispute(4.0))["correction"]
    service.decide(store, p["leo"], corr3["id"], accept=False)
    assert item(data.drilldown(COL, YEAR), IND)["value"] == 1.0
    service.decide(store, p["leo"], corr2["id"], accept=True)
    assert item(data.drilldown(COL, YEAR), IND)["value"] == 2.0
    statuses = {c["id"]: c["status"] for c in service.list_corrections(store, COL)}
    assert statuses == {corr["id"]: "accepted", corr2["id"]: "accepted", corr3["id"]: "rejected"}


def test_lead_adds_a_missing_observation(wired, people):
    store = wired
    p = people(store)
    drill = data.drilldown("UZB", YEAR)
    missing = next(i for pl in drill["pillars"] for i in pl["items"] if i["value"] is None)
    code = missing["indicator"]
    spec = data.dataset().methodology.indicators.loc[code]
    value = 1.0 if spec["method"] != "categorical" else sorted(
        __import__("indicators.methodology", fromlist=["x"]).parse_mapping(spec["mapping"]))[0]
    corr = service.propose_observation(store, p["lena"], {
        "country": "UZB", "year": YEAR, "indicator": code, "value": value,
        "comment": "operator transparency report", "source": "https://example.org/report-2021"})
    assert corr["kind"] == "observation" and corr["original_value"] is None
    assert item(data.drilldown("UZB", YEAR), code)["value"] is None
    with pytest.raises(service.Forbidden, match="four-eyes"):
        service.decide(store, p["lena"], corr["id"], accept=True)
    service.decide(store, p["leo"], corr["id"], accept=True)
    added = item(data.drilldown("UZB", YEAR), code)
    assert added["value"] == value and added["corrected"] and "expert panel" in added["note"]
    assert added["correction"]["source"] == "https://example.org/report-2021"
    with pytest.raises(service.ReviewError, match="already has a published"):
        service.propose_observation(store, p["lena"], {"country": COL, "year": YEAR, "indicator": IND, "value": 1,
                                                       "comment": "x", "source": "y"})


def test_audit_trail_records_every_action(store, people):
    p = people(store)  # 4 user.create events
    r = service.submit_review(store, p["rita"], dispute(1.5))
    service.decide(store, p["lena"], r["correction"]["id"], accept=True, comment="ok")
    trail = service.list_events(store)
    assert [e["id"] for e in trail] == list(range(1, 8))
    assert [e["action"] for e in trail] == ["user.create"] * 4 + [
        "review.disputed", "correction.propose_dispute", "correction.accept"]
    accept = trail[-1]
    assert accept["actor"] == "lena" and accept["before"]["status"] == "proposed"
    assert accept["after"]["status"] == "accepted" and accept["after"]["decided_by"] == "lena"
    assert accept["after"]["value"] == 1.5 and accept["at"]
    assert trail[4]["before"] is None and trail[4]["after"]["comment"] == "FH 2021 says 1"
    assert [e["id"] for e in service.list_events(store, iso3=COL)] == [5, 6, 7]
    with store.read() as conn:
        assert verify_chain(conn) == []


BAD = [
    ({"comment": "x" * (service.MAX_COMMENT + 1)}, "comment is too long"),
    ({"indicator": "no_such_thing"}, "unknown indicator"),
    ({"indicator": 5}, "unknown indicator"),
    ({"country": "XXX"}, "unknown country"),
    ({"country": None}, "country is required"),
    ({"year": 1800}, "not a scored year"),
    ({"year": "twenty"}, "year must be an integer"),
    ({"year": True}, "year must be an integer"),
    ({"status": "maybe"}, "status must be one of"),
    ({"proposed_value": "1.5"}, "proposed_value must be a number"),
    ({"proposed_value": True}, "proposed_value must be a number"),
    ({"proposed_value": [1]}, "proposed_value must be a number"),
    ({"proposed_value": None}, "needs a proposed_value"),
    ({"proposed_value": float("nan")}, "finite"),
    ({"comment": ""}, "comment is required"),
    ({"source": ""}, "source is required"),
    ({"source": "s" * 501}, "source is too long"),
    ({"comment": 42}, "comment must be text"),
    ({"comment": "nul\x00byte"}, "control characters"),
    ({"extra": 1}, "unknown field"),
    ({"status": "confirmed"}, "only for a disputed value"),
    ({"indicator": "p_dp_law", "proposed_value": 7}, "not a category of p_dp_law"),
]


@pytest.mark.parametrize("change,message", BAD, ids=[m for _, m in BAD])
def test_bad_input_is_refused_and_changes_nothing(store, people, change, message):
    p = people(store)
    before = counts(store)
    with pytest.raises(service.ReviewError, match=message) as info:
        service.submit_review(store, p["rita"], dispute() | change)
    assert info.value.status == 400
    assert counts(store) == before


def test_not_an_object(store, people):
    p = people(store)
    for payload in ([], "x", None, 3):
        with pytest.raises(service.ReviewError, match="JSON object"):
            service.submit_review(store, p["rita"], payload)


def test_markup_is_stored_verbatim(store, people):
    p = people(store)
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    service.submit_review(store, p["rita"], dispute(comment=evil))
    assert service.list_reviews(store, COL, YEAR)[0]["comment"] == evil
