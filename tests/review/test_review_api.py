# ruff: noqa: F811  (pytest fixtures imported from review_fixtures, then requested by name)
"""The review API over HTTP (Flask test client): status codes, messages, sessions, CSRF."""

from __future__ import annotations

import re

import pytest
from review_fixtures import REVIEW, api, basic, people, pg_schema, sqlite_store, store, wired  # noqa: F401 (fixtures)


def state(client) -> tuple[int, int]:
    return (len(client.get("/api/v1/reviews", headers=basic("lena")).json),
            len(client.get("/api/v1/events", headers=basic("lena")).json))


def test_credentials_and_roles(api):
    assert api.get("/api/v1/reviews").status_code == 401
    r = api.post("/api/v1/reviews", json=REVIEW)
    assert r.status_code == 401 and "Basic" in r.headers["WWW-Authenticate"] and r.json["error"]
    assert api.post("/api/v1/reviews", json=REVIEW, headers=basic("rita", "wrong")).status_code == 401
    assert api.get("/api/v1/reviews", headers=basic("nobody")).status_code == 401

    r = api.post("/api/v1/reviews", json=REVIEW, headers=basic("rita"))
    assert r.status_code == 201, r.json
    cid = r.json["correction"]["id"]
    listed = api.get("/api/v1/reviews?country=COL&year=2021", headers=basic("remy")).json
    assert [x["id"] for x in listed] == [r.json["id"]] and listed[0]["reviewer"] == "rita"
    assert api.get("/api/v1/reviews?country=LBN&year=2021", headers=basic("remy")).json == []

    r = api.post(f"/api/v1/corrections/{cid}/accept", headers=basic("remy"))
    assert r.status_code == 403 and "only a lead" in r.json["error"]
    own = api.post("/api/v1/reviews", json=REVIEW | {"proposed_value": 2}, headers=basic("lena")).json
    r = api.post(f"/api/v1/corrections/{own['correction']['id']}/accept", headers=basic("lena"))
    assert r.status_code == 403 and "four-eyes" in r.json["error"]

    r = api.post(f"/api/v1/corrections/{cid}/accept", json={"comment": "verified"}, headers=basic("lena"))
    assert r.status_code == 200 and r.json["status"] == "accepted" and r.json["decided_by"] == "lena"
    assert api.post(f"/api/v1/corrections/{cid}/reject", headers=basic("leo")).status_code == 409
    assert api.post("/api/v1/corrections/999/accept", headers=basic("leo")).status_code == 404
    proposed = api.get("/api/v1/corrections?status=proposed", headers=basic("leo")).json
    assert [c["id"] for c in proposed] == [own["correction"]["id"]]
    prog = api.get("/api/v1/reviews/progress?country=COL&year=2021", headers=basic("rita")).json
    assert prog["reviewed"] == 1 and prog["open_disputes"] == 1


@pytest.mark.parametrize("body,message", [
    (REVIEW | {"comment": "x" * 2001}, "comment is too long: 2001 characters, at most 2000"),
    (REVIEW | {"indicator": "made_up"}, "unknown indicator 'made_up'"),
    (REVIEW | {"proposed_value": "one"}, "proposed_value must be a number, not str: \"one\""),
    (REVIEW | {"year": "2021x"}, "year must be an integer such as 2021"),
    (REVIEW | {"country": "ZZZ"}, "unknown country 'ZZZ'"),
    ([REVIEW], "the body must be a JSON object"),
])
def test_bad_input_answers_400_and_changes_nothing(api, body, message):
    before = state(api)
    r = api.post("/api/v1/reviews", json=body, headers=basic("rita"))
    assert r.status_code == 400 and r.json["error"] == message
    assert state(api) == before


def test_not_json(api):
    before = state(api)
    r = api.post("/api/v1/reviews", data="country=COL", headers=basic("rita"),
                 content_type="application/x-www-form-urlencoded")
    assert r.status_code == 400 and "JSON" in r.json["error"]
    r = api.post("/api/v1/reviews", data="{not json", headers=basic("rita"), content_type="application/json")
    assert r.status_code == 400 and r.json["error"] == "the body is not valid JSON"
    r = api.post("/api/v1/reviews", data="x" * 70_000, headers=basic("rita"), content_type="application/json")
    assert r.status_code == 413
    assert api.get("/api/v1/reviews?country=COL&year=banana", headers=basic("rita")).status_code == 400
    assert state(api) == before


def test_markup_round_trips_as_data(api):
    evil = "<script>alert(1)</script>"
    r = api.post("/api/v1/reviews", json=REVIEW | {"comment": evil}, headers=basic("rita"))
    assert r.status_code == 201 and r.headers["Content-Type"].startswith("application/json")
    assert api.get("/api/v1/reviews", headers=basic("rita")).json[0]["comment"] == evil


def test_observations_endpoint(api):
    body = {"country": "UZB", "year": 2021, "indicator": "p_rdr_telco_privacy", "value": 20,
            "comment": "operator report", "source": "https://example.org"}
    assert api.post("/api/v1/observations", json=body, headers=basic("rita")).status_code == 403
    r = api.post("/api/v1/observations", json=body, headers=basic("lena"))
    if r.status_code == 400:  # UZB has a published value for it: the message says so
        assert "already has a published" in r.json["error"]
    else:
        assert r.status_code == 201 and r.json["kind"] == "observation"


def test_browser_session_sign_in_with_csrf(api):
    r = api.get("/review")
    assert r.status_code == 302 and r.headers["Location"].startswith("/signin?next=/review")
    form = api.get("/signin?next=/review%3Fcountry%3DLBN").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    assert 'value="/review?country=LBN"' in form
    bad = api.post("/signin", data={"name": "rita", "password": "rita-password", "csrf": "forged"})
    assert bad.status_code == 400 and "expired" in bad.get_data(as_text=True)
    wrong = api.post("/signin", data={"name": "rita", "password": "nope", "csrf": csrf})
    assert wrong.status_code == 401
    ok = api.post("/signin", data={"name": "rita", "password": "rita-password", "csrf": csrf,
                                   "next": "/review?country=LBN"})
    assert ok.status_code == 303 and ok.headers["Location"] == "/review?country=LBN"
    cookie = ok.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # the session works on the API too, for JSON requests only (a cross-site form cannot send JSON)
    assert api.post("/api/v1/reviews", json=REVIEW).status_code == 201
    assert api.post("/api/v1/corrections/1/accept").status_code == 400
    assert api.post("/api/v1/corrections/1/accept", data="", content_type="text/plain").status_code == 400
    assert api.get("/review").status_code != 302
    api.post("/signout", data={"csrf": "forged"})
    assert api.get("/api/v1/reviews").status_code == 200  # a forged sign-out is ignored
    form = api.get("/signin").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    assert api.post("/signout", data={"csrf": csrf}).status_code == 303
    assert api.get("/api/v1/reviews").status_code == 401


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "javascript:alert(1)",
                                    "/\\evil.example"])
def test_sign_in_never_redirects_off_site(api, target):
    form = api.get("/signin").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    r = api.post("/signin", data={"name": "rita", "password": "rita-password", "csrf": csrf, "next": target})
    assert r.headers["Location"] == "/review"


def test_signin_page_escapes_input(api):
    html_ = api.get('/signin?next=/review"><script>x</script>').get_data(as_text=True)
    assert "<script>x</script>" not in html_


def test_create_app_wires_the_review_store(live_server):
    import urllib.error
    import urllib.request
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(live_server.url + "/api/v1/reviews")
    assert info.value.code == 401
    assert "drd_review" in live_server.app.server.extensions
