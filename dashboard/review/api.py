"""The review API (JSON). Credentials: HTTP Basic, or the browser's signed-in session.

GET  /api/v1/reviews?country=COL&year=2021        reviews (signed-in users)
POST /api/v1/reviews                              a review; 201 (reviewer or lead)
GET  /api/v1/reviews/progress?country=COL&year=2021
GET  /api/v1/corrections?country=COL&status=proposed
POST /api/v1/corrections/<id>/accept | reject     {"comment": "..."} optional (lead, not the proposer)
POST /api/v1/observations                         a missing value with its source; 201 (lead)
GET  /api/v1/events?country=COL&since=0           the audit trail

400 bad input (with a message), 401 no or wrong credentials, 403 wrong role, 404, 409 decided already
(or another correction to the same value was accepted after this one was proposed), 413 body over
64 KB (checked before it is read, chunked or not), 422 an Idempotency-Key reused for another
request, 429 too many wrong passwords.

Every POST may carry `Idempotency-Key: <1-128 printable characters>`: the first answer is stored
with the action, and a retry with the same key and body gets that answer again
(`Idempotent-Replayed: true`) instead of a second review.
"""

from __future__ import annotations

import hashlib
import re

from flask import Blueprint, g, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from indicators.text import N_, Sentence

from .. import i18n
from ..security import TOO_LARGE, read_capped
from . import service
from .auth import current_user, store

MAX_BODY = 64 * 1024
MAX_ID = 2 ** 31 - 1  # ids and `since` are 32-bit integers in the store
MAX_EVENTS = 5000
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,128}$")

bp = Blueprint("review_api", __name__, url_prefix="/api/v1")


def _error(status: int, message: str, **headers):
    """`{"error", "status"}`: the prose in the request's language (`?lang=`, else Accept-Language, else
    English: dashboard.i18n), `status` the same in every language."""
    response = jsonify({"error": i18n.localise(message), "status": status})
    response.status_code = status
    response.headers.update(headers)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Language"] = i18n.current()
    return response


@bp.before_request
def _authenticate():
    if current_user() is None:
        if g.get("review_retry_after"):
            return _error(429, Sentence(N_("too many wrong passwords: try again in %(num)s s"),
                                        num=g.review_retry_after),
                          **{"Retry-After": str(g.review_retry_after)})
        return _error(401, Sentence(N_("sign in: HTTP Basic credentials of a reviewer or lead")),
                      **{"WWW-Authenticate": 'Basic realm="drd-review", charset="UTF-8"'})
    if request.method == "POST":
        if not read_capped(MAX_BODY):  # by Content-Length, or while reading a chunked body
            return _error(413, Sentence(TOO_LARGE, num=MAX_BODY // 1024))
        if g.get("review_auth") == "session" and not request.is_json:
            # a cross-site form cannot send JSON without a CORS preflight: this stops CSRF on cookies
            return _error(400, Sentence(N_("send JSON (Content-Type: application/json), even with an empty body {}")))
    return None


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc):
    return _error(413, Sentence(TOO_LARGE, num=MAX_BODY // 1024))


@bp.errorhandler(service.ReviewError)
def _review_error(exc: service.ReviewError):
    return _error(exc.status, exc.sentence)


def _body(optional: bool = False) -> dict:
    if not request.get_data(cache=True) and optional:
        return {}
    if not request.is_json:
        raise service.ReviewError(N_("send JSON (Content-Type: application/json)"))
    payload = request.get_json(silent=True)
    if payload is None:
        raise service.ReviewError(N_("the body is not valid JSON"))
    return payload


def _country_year(required: bool) -> tuple[str | None, int | None]:
    country, year = request.args.get("country"), request.args.get("year")
    if required and not country:
        raise service.ReviewError(N_("country is required (?country=COL&year=2021)"))
    iso3 = service._country(country) if country else None
    return iso3, service._year(year) if year else None


@bp.get("/reviews")
def get_reviews():
    iso3, year = _country_year(required=False)
    return jsonify(service.list_reviews(store(), iso3, year))


def _once(action, status: int):
    """Run a POST's action, once per Idempotency-Key when the client sends one."""
    key = request.headers.get("Idempotency-Key")
    if key is not None and not IDEMPOTENCY_KEY.match(key):
        raise service.ReviewError(N_("Idempotency-Key must be 1-128 printable ASCII characters without spaces"))
    fingerprint = hashlib.sha256(request.method.encode() + b" " + request.path.encode() + b"\n"
                                 + request.get_data(cache=True)).hexdigest()
    answer, code, replayed = service.idempotent(store(), current_user(), key, fingerprint,
                                                lambda: (action(), status))
    response = jsonify(answer)
    response.status_code = code
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


@bp.post("/reviews")
def post_review():
    return _once(lambda: service.submit_review(store(), current_user(), _body()), 201)


@bp.get("/reviews/progress")
def get_progress():
    iso3, year = _country_year(required=True)
    if year is None:
        raise service.ReviewError(N_("year is required"))
    return jsonify(service.progress(store(), iso3, year))


@bp.get("/corrections")
def get_corrections():
    iso3, _ = _country_year(required=False)
    status = request.args.get("status")
    if status and status not in ("proposed", "accepted", "rejected"):
        raise service.ReviewError(N_("status must be proposed, accepted or rejected"))
    return jsonify(service.list_corrections(store(), iso3, status))


@bp.post("/corrections/<int:correction_id>/<any(accept, reject):decision>")
def post_decision(correction_id: int, decision: str):
    body = _body(optional=True)
    if not isinstance(body, dict) or set(body) - {"comment"}:
        raise service.ReviewError(N_('the body may only hold {"comment": "..."}'))
    if correction_id > MAX_ID:
        raise service.NotFound(service.NO_CORRECTION, id=str(correction_id)[:20])
    return _once(lambda: service.decide(store(), current_user(), correction_id, decision == "accept",
                                        body.get("comment")), 200)


@bp.post("/observations")
def post_observation():
    return _once(lambda: service.propose_observation(store(), current_user(), _body()), 201)


@bp.get("/events")
def get_events():
    iso3, _ = _country_year(required=False)
    since, limit = _int_arg("since", 0, 0, MAX_ID), _int_arg("limit", 500, 1, MAX_EVENTS)
    return jsonify(service.list_events(store(), iso3, since, limit))


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    text = request.args.get(name)
    if text is None:
        return default
    text = text.strip()
    if not re.fullmatch(r"-?\d{1,12}", text) or not low <= int(text) <= high:
        raise service.ReviewError(N_("%(name)s must be an integer from %(low)s to %(high)s"), name=name, low=low,
                                  high=high)
    return int(text)
