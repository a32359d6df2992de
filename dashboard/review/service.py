"""The spot-check rules: validate, record, decide. Every change writes an audit event.

- A `reviewer` (or lead) marks an indicator value `confirmed` or `disputed`. A dispute carries a
  proposed value, a reason (the comment) and a source; it opens a correction (`proposed`).
- A `lead` may add a missing observation with its source: also a `proposed` correction.
- Four eyes: a lead who did not propose it accepts or rejects a correction, once. An accepted
  correction reaches the scores through `accepted_corrections()` (dashboard.data's extra
  corrections, with author, date, reason and source); a rejected one stays in the history.
"""

from __future__ import annotations

import json
import math
import threading
from datetime import UTC
from typing import Any

import pandas as pd
from sqlalchemy import func, insert, select, update

from indicators.methodology import parse_mapping
from indicators.observations import CORRECTION_COLUMNS
from indicators.text import N_, Sentence

from .. import data
from .auth import User
from .models import REVIEW_STATUSES, corrections, events, idempotency, reviews, users
from .store import Store, append_event, now

MAX_COMMENT = 2000
MAX_SOURCE = 500
REVIEW_FIELDS = {"country", "year", "indicator", "status", "comment", "proposed_value", "source"}
OBSERVATION_FIELDS = {"country", "year", "indicator", "value", "comment", "source"}


class ReviewError(Exception):
    """Bad input: answered 400 with this message. `str()` is English (logs, CLI); `sentence` keeps the
    catalogue template and values, so the API and the review page answer in the reader's language."""

    status = 400

    def __init__(self, message: str, **values):
        self.sentence = message if isinstance(message, Sentence) else Sentence(message, **values)
        super().__init__(str(self.sentence))


class Forbidden(ReviewError):
    status = 403


class NotFound(ReviewError):
    status = 404


class Conflict(ReviewError):
    status = 409


class Unprocessable(ReviewError):
    status = 422


# ---------------------------------------------------------------- validation helpers

NOT_AN_OBJECT = N_("the body must be a JSON object")
NEEDS_PROPOSAL = N_("a dispute needs a proposed_value (a number)")
NO_CORRECTION = N_("no correction %(id)s")


def _unknown_fields(unknown: list[str], allowed: set[str]) -> Sentence:
    return Sentence(N_("unknown field(s): %(fields)s (allowed: %(allowed)s)"), fields=", ".join(unknown),
                    allowed=", ".join(sorted(allowed)))


def _check_fields(payload: Any, allowed: set[str]) -> dict:
    if not isinstance(payload, dict):
        raise ReviewError(NOT_AN_OBJECT)
    unknown = sorted(set(payload) - allowed)
    if unknown:
        raise ReviewError(_unknown_fields(unknown, allowed))
    return payload


def _country(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ReviewError(N_("country is required: an ISO3 code such as COL"))
    iso3 = value.strip().upper()
    if iso3 not in data.countries().index:
        raise ReviewError(N_("unknown country '%(code)s'"), code=value[:20])
    return iso3


def _year(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        else:
            raise ReviewError(N_("year must be an integer such as 2021"))
    years = data.years()
    if value not in years:
        raise ReviewError(N_("year %(year)s is not a scored year (%(range)s)"), year=value,
                          range=f"{min(years)}-{max(years)}")
    return value


def _indicator(value: Any) -> str:
    known = data.dataset().methodology.indicators
    if not isinstance(value, str) or value not in known.index:
        shown = value[:40] if isinstance(value, str) else repr(value)[:40]
        raise ReviewError(N_("unknown indicator '%(code)s'"), code=shown)
    return value


def _text(value: Any, name: str, limit: int, required: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ReviewError(N_("%(name)s must be text"), name=name)
    value = value.strip()
    if required and not value:
        raise ReviewError(N_("%(name)s is required"), name=name)
    if len(value) > limit:
        raise ReviewError(N_("%(name)s is too long: %(length)s characters, at most %(limit)s"), name=name,
                          length=len(value), limit=limit)
    if any(ord(c) < 32 and c not in "\n\r\t" for c in value):
        raise ReviewError(N_("%(name)s contains control characters"), name=name)
    return value


def value_range(indicator: str) -> tuple[float, float] | None:
    """The values a proposal may take for a goalpost or bands indicator (None: categorical).

    From the lower of the scale's lowest goalpost (or band threshold) and the lowest published
    value, to the higher of its highest goalpost (threshold) and the highest published value. Counts
    (log, bands) can exceed anything published: their upper end is ten times that.
    """
    ds = data.dataset()
    spec = ds.methodology.indicators.loc[indicator]
    if spec["method"] == "categorical":
        return None
    if spec["method"] == "bands":
        ends = sorted(parse_mapping(spec["mapping"]))
        lo, hi = ends[0], ends[-1]
    else:
        lo, hi = float(spec["lo"]), float(spec["hi"])
    published = ds.observations.loc[ds.observations["indicator"] == indicator, "value"]
    if len(published):
        lo, hi = min(lo, float(published.min())), max(hi, float(published.max()))
    if spec["method"] in ("log", "bands"):
        hi = hi * 10 if hi > 0 else hi + 10
    return lo, hi


def _number(value: Any, name: str, indicator: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ReviewError(N_("%(name)s must be a number, not %(type)s: %(value)s"), name=name,
                          type=type(value).__name__, value=json.dumps(value)[:40])
    try:
        value = float(value)
    except OverflowError:
        raise ReviewError(N_("%(name)s is far outside any scale: %(value)s..."), name=name,
                          value=str(value)[:20]) from None
    if not math.isfinite(value):
        raise ReviewError(N_("%(name)s must be a finite number"), name=name)
    bounds = value_range(indicator)
    if bounds and not bounds[0] <= value <= bounds[1]:
        raise ReviewError(N_("%(name)s %(value)s is outside the range of %(indicator)s (%(low)s to %(high)s: its "
                             "goalposts and every published value)"), name=name, value=f"{value:g}",
                          indicator=indicator, low=f"{bounds[0]:g}", high=f"{bounds[1]:g}")
    spec = data.dataset().methodology.indicators.loc[indicator]
    if spec["method"] == "categorical":
        allowed = sorted(parse_mapping(spec["mapping"]))
        if value not in allowed:
            raise ReviewError(N_("%(name)s %(value)s is not a category of %(indicator)s (%(allowed)s)"), name=name,
                              value=f"{value:g}", indicator=indicator, allowed=", ".join(f"{a:g}" for a in allowed))
    return value


_index_lock = threading.Lock()
_index: dict[str, Any] = {"owner": None}


def _lookups() -> dict[str, Any]:
    """Dict lookups over the current scores and published observations, rebuilt when data reloads."""
    results, dataset = data.results(), data.dataset()
    with _index_lock:
        if _index["owner"] is not results:
            f = results.indicators
            _index["values"] = {(i, int(y), c): {"value": float(v), "obs_year": int(oy), "score": float(sc),
                                                 "corrected": bool(cr)}
                                for i, y, c, v, oy, sc, cr in zip(f["iso3"], f["year"], f["indicator"], f["value"],
                                                                  f["obs_year"], f["score"], f["corrected"])}
            o = dataset.observations
            _index["published"] = {(i, int(y), c): float(v)
                                   for i, y, c, v in zip(o["iso3"], o["year"], o["indicator"], o["value"])}
            _index["owner"] = results
        return _index


def current_value(iso3: str, year: int, indicator: str) -> dict | None:
    """The value the scores use for this country, score year and indicator (None when missing)."""
    return _lookups()["values"].get((iso3, year, indicator))


def _published(iso3: str, year: int, indicator: str) -> float | None:
    return _lookups()["published"].get((iso3, year, indicator))


def _require(user: User | None, lead: bool = False) -> User:
    if user is None:
        raise Forbidden(N_("sign in first"))
    if lead and not user.is_lead:
        raise Forbidden(N_("only a lead can do this; %(name)s is a %(role)s"), name=user.name,
                        role=Sentence(user.role))  # the role's words: N_() in dashboard/pages/review.py
    return user


# ---------------------------------------------------------------- actions

def review_problems(payload: Any) -> dict[str, str]:
    """Every problem of a review payload at once, by field ({} when it can be saved): the form shows
    each next to its field; `submit_review` refuses the payload with all of them."""
    if not isinstance(payload, dict):
        return {"body": Sentence(NOT_AN_OBJECT)}
    problems: dict[str, str] = {}

    def check(name, fn):
        try:
            return fn()
        except ReviewError as exc:
            problems[name] = exc.sentence
            return None

    unknown = sorted(set(payload) - REVIEW_FIELDS)
    if unknown:
        problems["body"] = _unknown_fields(unknown, REVIEW_FIELDS)
    check("country", lambda: _country(payload.get("country")))
    check("year", lambda: _year(payload.get("year")))
    indicator = check("indicator", lambda: _indicator(payload.get("indicator")))
    status = payload.get("status")
    if status not in REVIEW_STATUSES:
        problems["status"] = Sentence(N_("status must be one of %(allowed)s: choose a verdict"),
                                      allowed=", ".join(REVIEW_STATUSES))
    disputed = status == "disputed"
    check("comment", lambda: _text(payload.get("comment"), "comment", MAX_COMMENT, required=disputed))
    check("source", lambda: _text(payload.get("source"), "source", MAX_SOURCE, required=disputed))
    proposed = payload.get("proposed_value")
    if disputed and proposed in (None, ""):
        problems["proposed_value"] = Sentence(NEEDS_PROPOSAL)
    elif disputed and indicator is not None:
        check("proposed_value", lambda: _number(proposed, "proposed_value", indicator))
    elif status == "confirmed" and proposed not in (None, ""):
        problems["proposed_value"] = Sentence(N_("proposed_value is only for a disputed value: leave it empty to "
                                                 "confirm"))
    return problems


def submit_review(store: Store, user: User | None, payload: Any) -> dict:
    """Record one review; a dispute also opens a proposed correction. Returns the review as a dict."""
    user = _require(user)
    problems = review_problems(payload)
    if problems:
        raise ReviewError(Sentence.joined(problems.values(), "; "))
    p = _check_fields(payload, REVIEW_FIELDS)
    iso3, year, indicator = _country(p.get("country")), _year(p.get("year")), _indicator(p.get("indicator"))
    status = p.get("status")
    if status not in REVIEW_STATUSES:
        raise ReviewError(N_("status must be one of %(allowed)s"), allowed=", ".join(REVIEW_STATUSES))
    disputed = status == "disputed"
    comment = _text(p.get("comment"), "comment", MAX_COMMENT, required=disputed)
    source = _text(p.get("source"), "source", MAX_SOURCE, required=disputed)
    proposed = None
    if disputed:
        if p.get("proposed_value") is None:
            raise ReviewError(NEEDS_PROPOSAL)
        proposed = _number(p["proposed_value"], "proposed_value", indicator)
    elif p.get("proposed_value") is not None:
        raise ReviewError(N_("proposed_value is only for a disputed value"))
    seen = current_value(iso3, year, indicator)
    row = {"iso3": iso3, "year": year, "indicator": indicator, "status": status, "comment": comment,
           "proposed_value": proposed, "source": source, "reviewer_id": user.id, "created_at": now(),
           "value_seen": seen and seen["value"], "obs_year_seen": seen and seen["obs_year"],
           "score_seen": seen and seen["score"]}
    with store.write() as conn:
        rid = conn.execute(insert(reviews).values(**row)).inserted_primary_key[0]
        after = _public_review(row | {"id": rid, "reviewer": user.name})
        ev = append_event(conn, user.name, f"review.{status}", "review", rid, None, after, iso3, year, indicator)
        result = after | {"event_id": ev["id"], "correction": None}
        if disputed:
            target_year = seen["obs_year"] if seen else year
            corr = {"kind": "dispute", "iso3": iso3, "year": target_year, "review_year": year,
                    "indicator": indicator, "value": proposed,
                    "original_value": _published(iso3, target_year, indicator),
                    "reason": comment, "source": source, "review_id": rid, "proposer_id": user.id,
                    "created_at": now(), "status": "proposed"}
            result["correction"] = _insert_correction(conn, user, corr)
    return result


def propose_observation(store: Store, user: User | None, payload: Any) -> dict:
    """A lead adds a value the public data lacks (with its source); another lead must accept it."""
    user = _require(user, lead=True)
    p = _check_fields(payload, OBSERVATION_FIELDS)
    iso3, year, indicator = _country(p.get("country")), _year(p.get("year")), _indicator(p.get("indicator"))
    if p.get("value") is None:
        raise ReviewError(N_("value is required (a number)"))
    value = _number(p["value"], "value", indicator)
    comment = _text(p.get("comment"), "comment", MAX_COMMENT, required=True)
    source = _text(p.get("source"), "source", MAX_SOURCE, required=True)
    if _published(iso3, year, indicator) is not None:
        raise ReviewError(N_("%(country)s %(year)s already has a published %(indicator)s: dispute it instead"),
                          country=iso3, year=year, indicator=indicator)
    corr = {"kind": "observation", "iso3": iso3, "year": year, "review_year": year, "indicator": indicator,
            "value": value, "original_value": None, "reason": comment, "source": source, "review_id": None,
            "proposer_id": user.id, "created_at": now(), "status": "proposed"}
    with store.write() as conn:
        return _insert_correction(conn, user, corr)


def _insert_correction(conn, user: User, corr: dict) -> dict:
    cid = conn.execute(insert(corrections).values(**corr)).inserted_primary_key[0]
    after = _public_correction(corr | {"id": cid, "proposer": user.name})
    ev = append_event(conn, user.name, f"correction.propose_{corr['kind']}", "correction", cid, None, after,
                      corr["iso3"], corr["review_year"], corr["indicator"])
    return after | {"event_id": ev["id"]}


def decide(store: Store, user: User | None, correction_id: int, accept: bool, comment: Any = None) -> dict:
    """Accept or reject a proposed correction (a lead other than its proposer; once)."""
    user = _require(user, lead=True)
    comment = _text(comment, "comment", MAX_COMMENT, required=False)
    with store.write() as conn:
        row = conn.execute(select(corrections, users.c.name.label("proposer"))
                           .join(users, users.c.id == corrections.c.proposer_id)
                           .where(corrections.c.id == correction_id)).mappings().first()
        if row is None:
            raise NotFound(NO_CORRECTION, id=correction_id)
        if row["proposer_id"] == user.id:
            raise Forbidden(N_("four-eyes rule: the proposer cannot decide their own correction"))
        if row["status"] != "proposed":
            raise Conflict(N_("correction %(id)s is already %(status)s"), id=correction_id, status=row["status"])
        if accept:
            newer = conn.execute(select(corrections.c.id).where(
                corrections.c.iso3 == row["iso3"], corrections.c.year == row["year"],
                corrections.c.indicator == row["indicator"], corrections.c.status == "accepted",
                corrections.c.decision_event > _proposal_event(conn, correction_id))
                .order_by(corrections.c.id)).scalars().first()
            if newer is not None:
                raise Conflict(N_("correction #%(id)s for the same value was accepted after this one was proposed: "
                                  "look at the value again, then reject this one or propose anew"), id=newer)
        before = _public_correction(dict(row))
        status = "accepted" if accept else "rejected"
        decided_at = now()
        next_id = (conn.execute(select(func.max(events.c.id))).scalar() or 0) + 1
        conn.execute(update(corrections).where(corrections.c.id == correction_id).values(
            status=status, decided_by=user.id, decided_at=decided_at, decision_comment=comment,
            decision_event=next_id))
        after = before | {"status": status, "decided_by": user.name, "decided_at": decided_at.isoformat(),
                          "decision_comment": comment}
        ev = append_event(conn, user.name, f"correction.{'accept' if accept else 'reject'}", "correction",
                          correction_id, before, after, row["iso3"], row["review_year"], row["indicator"])
        assert ev["id"] == next_id
        if accept:  # after the commit; the app keeps serving the previous scores until the new ones are ready
            key = ev["id"]  # = service.version(): this worker's own sync() does not recompute again
            store.after_commit(lambda: data.recompute(key=key))
    return after | {"event_id": ev["id"]}


IDEMPOTENCY_HOURS = 24


def idempotent(store: Store, user: User | None, key: str | None, fingerprint: str, action) -> tuple[dict, int, bool]:
    """Run `action() -> (answer, status)` once per (user, Idempotency-Key); a retry gets the stored answer.

    The answer is stored in the same transaction as the action, so a client that lost the response
    can send the request again without storing it twice. The same key with another request is 422.
    Returns (answer, status, replayed).
    """
    if key is None or user is None:
        answer, status = action()
        return answer, status, False
    import time
    with store.write() as conn:
        row = conn.execute(select(idempotency).where(idempotency.c.user_id == user.id,
                                                     idempotency.c.key == key)).mappings().first()
        if row is not None:
            if row["request_hash"] != fingerprint:
                raise Unprocessable(N_("this Idempotency-Key was used for a different request: use a new key"))
            return json.loads(row["response"]), row["status"], True
        answer, status = action()
        at = time.time()
        conn.execute(idempotency.delete().where(idempotency.c.created_at < at - IDEMPOTENCY_HOURS * 3600))
        conn.execute(insert(idempotency).values(user_id=user.id, key=key, request_hash=fingerprint, status=status,
                                                response=json.dumps(answer, default=str), created_at=at))
    return answer, status, False


def _proposal_event(conn, correction_id: int) -> int:
    """Id of the event that proposed this correction (orders it against later decisions)."""
    return conn.execute(select(func.min(events.c.id)).where(
        events.c.entity == "correction", events.c.entity_id == correction_id)).scalar() or 0


# ---------------------------------------------------------------- reads

def _public_review(row: dict) -> dict:
    return {"id": row["id"], "country": row["iso3"], "year": row["year"], "indicator": row["indicator"],
            "status": row["status"], "comment": row["comment"], "proposed_value": row["proposed_value"],
            "source": row["source"], "value_seen": row.get("value_seen"),
            "obs_year_seen": row.get("obs_year_seen"), "score_seen": row.get("score_seen"),
            "reviewer": row.get("reviewer"), "reviewer_display": row.get("reviewer_display"),
            "created_at": _ts(row.get("created_at"))}


def _public_correction(row: dict) -> dict:
    return {"id": row["id"], "kind": row["kind"], "country": row["iso3"], "year": row["year"],
            "review_year": row["review_year"], "indicator": row["indicator"], "value": row["value"],
            "original_value": row.get("original_value"), "reason": row["reason"], "source": row["source"],
            "review_id": row.get("review_id"), "proposer": row.get("proposer"),
            "proposer_display": row.get("proposer_display"), "decided_by_display": row.get("decided_by_display"),
            "created_at": _ts(row.get("created_at")), "status": row.get("status", "proposed"),
            "decided_by": row.get("decided_by_name"), "decided_at": _ts(row.get("decided_at")),
            "decision_comment": row.get("decision_comment")}


def _ts(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if value.tzinfo is None:  # SQLite returns naive datetimes: they were stored in UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


def list_reviews(store: Store, iso3: str | None = None, year: int | None = None) -> list[dict]:
    q = (select(reviews, users.c.name.label("reviewer"), users.c.display_name.label("reviewer_display"))
         .join(users, users.c.id == reviews.c.reviewer_id))
    if iso3:
        q = q.where(reviews.c.iso3 == iso3)
    if year is not None:
        q = q.where(reviews.c.year == year)
    with store.read() as conn:
        rows = conn.execute(q.order_by(reviews.c.id)).mappings().all()
    return [_public_review(dict(r)) for r in rows]


def list_corrections(store: Store, iso3: str | None = None, status: str | None = None) -> list[dict]:
    decider = users.alias("decider")
    q = (select(corrections, users.c.name.label("proposer"), decider.c.name.label("decided_by_name"),
                users.c.display_name.label("proposer_display"), decider.c.display_name.label("decided_by_display"))
         .join(users, users.c.id == corrections.c.proposer_id)
         .outerjoin(decider, decider.c.id == corrections.c.decided_by))
    if iso3:
        q = q.where(corrections.c.iso3 == iso3)
    if status:
        q = q.where(corrections.c.status == status)
    with store.read() as conn:
        rows = conn.execute(q.order_by(corrections.c.id)).mappings().all()
    return [_public_correction(dict(r)) for r in rows]


def list_events(store: Store, iso3: str | None = None, since: int = 0, limit: int = 500) -> list[dict]:
    q = select(events).where(events.c.id > since)
    if iso3:
        q = q.where(events.c.iso3 == iso3)
    with store.read() as conn:
        rows = conn.execute(q.order_by(events.c.id).limit(limit)).mappings().all()
    return [{"id": r["id"], "at": _ts(r["at"]), "actor": r["actor"], "action": r["action"],
             "entity": r["entity"], "entity_id": r["entity_id"], "country": r["iso3"], "year": r["year"],
             "indicator": r["indicator"], "before": json.loads(r["before"]) if r["before"] else None,
             "after": json.loads(r["after"]) if r["after"] else None, "hash": r["hash"]} for r in rows]


def progress(store: Store, iso3: str, year: int) -> dict:
    """Share of this country-year's indicator values reviewed at least once, and open disputes."""
    frame = data.results().indicators
    with_values = set(frame.loc[(frame["iso3"] == iso3) & (frame["year"] == year), "indicator"])
    with store.read() as conn:
        reviewed = set(conn.execute(select(reviews.c.indicator).distinct()
                                    .where(reviews.c.iso3 == iso3, reviews.c.year == year)).scalars())
        open_ = conn.execute(select(func.count()).select_from(corrections)
                             .where(corrections.c.iso3 == iso3, corrections.c.status == "proposed")).scalar_one()
    done = len(with_values & reviewed)
    return {"country": iso3, "year": year, "values": len(with_values), "reviewed": done,
            "share_reviewed": round(done / len(with_values), 4) if with_values else 0.0,
            "open_disputes": open_}


def accepted_corrections(store: Store) -> pd.DataFrame:
    """Accepted corrections in the corrections.csv columns, latest acceptance last (it wins).

    This is what the public sees (pages, API, exports, briefs): people appear under their display names
    only, and the reason carries the lead's decision note."""
    proposer, decider = users.alias("proposer"), users.alias("decider")
    q = (select(corrections, proposer.c.display_name.label("proposer"), decider.c.display_name.label("decider"))
         .join(proposer, proposer.c.id == corrections.c.proposer_id)
         .join(decider, decider.c.id == corrections.c.decided_by)
         .where(corrections.c.status == "accepted").order_by(corrections.c.decision_event))
    with store.read() as conn:
        rows = conn.execute(q).mappings().all()
    if not rows:
        return pd.DataFrame(columns=CORRECTION_COLUMNS)
    frame = pd.DataFrame([{
        "iso3": r["iso3"], "year": r["year"], "indicator": r["indicator"], "value": r["value"],
        "reason": public_reason(r["reason"], r["id"], r["decider"], r["decision_comment"]),
        "author": f"{r['proposer']} (accepted by {r['decider']})",
        "date": _date(r["decided_at"]), "source": r["source"]} for r in rows])
    frame["year"] = frame["year"].astype("Int64")
    frame["value"] = frame["value"].astype(float)
    return frame[CORRECTION_COLUMNS]


def public_reason(reason: str, correction_id: int, decider: str, note: str | None) -> str:
    """The reason shown in public: the proposer's, the correction's number and the lead's decision note."""
    text = f"{reason} (expert review, correction #{correction_id})"
    return f"{text}. Decision note by {decider}: {note}" if (note or "").strip() else text


def _date(value) -> str:
    return value.date().isoformat() if hasattr(value, "date") else str(value)[:10]


def version(store: Store) -> int:
    """Id of the latest decision (or public-name) event: changes whenever what the public sees of the
    accepted corrections may have changed."""
    with store.read() as conn:
        return conn.execute(select(func.max(events.c.id)).where(events.c.action.in_(
            ["correction.accept", "correction.reject", "user.display_name"]))).scalar() or 0


def progress_all(store: Store, year: int, countries: list[str] | None = None) -> list[dict]:
    """`progress()` for many countries at once: pilots and every country with a review or a proposal."""
    frame = data.results().indicators
    frame = frame[frame["year"] == year]
    values = frame.groupby("iso3")["indicator"].apply(set).to_dict()
    with store.read() as conn:
        done = conn.execute(select(reviews.c.iso3, reviews.c.indicator).distinct()
                            .where(reviews.c.year == year)).all()
        open_ = dict(conn.execute(select(corrections.c.iso3, func.count()).where(corrections.c.status == "proposed")
                                  .group_by(corrections.c.iso3)).all())
    reviewed: dict[str, set] = {}
    for iso3, indicator in done:
        reviewed.setdefault(iso3, set()).add(indicator)
    names = data.countries()
    wanted = set(countries or []) | set(reviewed) | set(open_)
    out = []
    for iso3 in sorted(wanted):
        have = values.get(iso3, set())
        n = len(have & reviewed.get(iso3, set()))
        out.append({"country": iso3, "name": names.loc[iso3, "name"] if iso3 in names.index else iso3,
                    "values": len(have), "reviewed": n,
                    "share_reviewed": round(n / len(have), 4) if have else 0.0, "open_disputes": open_.get(iso3, 0)})
    return out
