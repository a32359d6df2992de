# ruff: noqa: F811  (pytest fixtures imported from review_fixtures, then requested by name)
"""Issue 13 on the review store and API: passwords, sessions, numbers, bodies, races, retries, the signed chain."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from flask import Flask
from review_fixtures import REVIEW, api, basic, people, pg_schema, sqlite_store, store, wired  # noqa: F401 (fixtures)

from dashboard.review import Review, attach, auth
from dashboard.review.store import Store, default_url, verify_chain

ROOT = Path(__file__).resolve().parents[2]


def _signin(client, name: str, password: str):
    from dashboard.review import web
    client.application.register_blueprint(web.bp) if "review_web" not in client.application.blueprints else None
    page = client.get("/signin").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    return client.post("/signin", data={"csrf": token, "name": name, "password": password, "next": "/review"})


# ---------------------------------------------------------------- 4. passwords and sessions

def test_wrong_passwords_are_rate_limited_with_429(api):
    codes = [api.get("/api/v1/reviews", headers=basic("lena", f"wrong-{i}")).status_code
             for i in range(auth.MAX_FAILURES_ACCOUNT + 2)]
    assert codes[:auth.MAX_FAILURES_ACCOUNT] == [401] * auth.MAX_FAILURES_ACCOUNT
    assert codes[-1] == 429
    r = api.get("/api/v1/reviews", headers=basic("lena"))  # even the right password waits out the window
    assert r.status_code == 429 and 0 < int(r.headers["Retry-After"]) <= auth.FAILURE_WINDOW
    assert "too many wrong passwords" in r.json["error"]
    # another account is not locked by it (from another address nothing is either)
    assert api.get("/api/v1/reviews", headers=basic("leo")).status_code == 200
    assert api.get("/api/v1/reviews", headers=basic("lena"),
                   environ_base={"REMOTE_ADDR": "10.9.8.7"}).status_code == 200
    # the browser form answers 429 too
    r = _signin(api, "lena", "lena-password")
    assert r.status_code == 429 and "Too many wrong passwords" in r.get_data(as_text=True)


def test_the_limit_is_shared_by_every_worker(tmp_path, people):
    """Two apps on one store (two gunicorn workers): failures on one count on the other."""
    url = f"sqlite:///{tmp_path / 'review.sqlite3'}"
    clients = []
    for _ in range(2):
        server = Flask(__name__)
        server.secret_key = "test"
        attach(server, Review(Store(url)))
        clients.append(server.test_client())
    people(Store(url))
    codes = [clients[i % 2].get("/api/v1/reviews", headers=basic("rita", "nope")).status_code
             for i in range(auth.MAX_FAILURES_ACCOUNT + 1)]
    assert codes[-1] == 429


def test_sign_out_revokes_the_session_on_the_server(api):
    assert _signin(api, "lena", "lena-password").status_code == 303
    cookie = api.get_cookie("drd_session").value
    assert api.get("/api/v1/reviews").status_code == 200
    page = api.get("/signin").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    assert api.post("/signout", data={"csrf": token}).status_code == 303
    thief = api.application.test_client()
    thief.set_cookie("drd_session", cookie)  # the old cookie, replayed
    assert thief.get("/api/v1/reviews").status_code == 401


def test_production_hashes_use_scrypt_2_17(tmp_path):
    """The users CLI (a fresh process, not the tests' fast setting) stores N >= 2^17."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"DRD_INSTANCE_DIR": str(tmp_path)}
    r = subprocess.run([sys.executable, "-m", "dashboard.users", "add", "ana", "--role", "lead"], cwd=ROOT, env=env,
                       input="a strong password\n", text=True, capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr
    from sqlalchemy import select

    from dashboard.review.models import users
    with Store(default_url(tmp_path)).read() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
    n = int(stored.split("$")[1])
    assert n >= 2 ** 17
    assert auth.check_password(stored, "a strong password")


# ---------------------------------------------------------------- 7. numbers, limits, bodies

@pytest.mark.parametrize("path", [
    "/api/v1/corrections/1180591620717411303424/accept", f"/api/v1/corrections/{2 ** 31}/reject"])
def test_huge_ids_are_404(api, path):
    r = api.post(path, json={}, headers=basic("lena"))
    assert r.status_code == 404 and "no correction" in r.json["error"]


@pytest.mark.parametrize("query", [f"since={2 ** 70}", "since=-1", "limit=-1", "limit=0", "limit=5001",
                                   "limit=abc", f"limit={10 ** 30}"])
def test_event_paging_is_bounded(api, query):
    r = api.get(f"/api/v1/events?{query}", headers=basic("lena"))
    assert r.status_code == 400 and "must be an integer from" in r.json["error"]


def test_events_limit_is_honoured(api):
    assert len(api.get("/api/v1/events?limit=2", headers=basic("lena")).json) == 2


@pytest.mark.parametrize("raw,message", [
    ("1" + "0" * 400, "far outside any scale"),
    ("-1e308", "outside the range of p_fiw_d4 (0 to 4"),
    ("4.5", "outside the range of p_fiw_d4"),
])
def test_proposed_values_outside_the_scale_are_400(api, raw, message):
    body = ('{"country": "COL", "year": 2021, "indicator": "p_fiw_d4", "status": "disputed", "comment": "x", '
            f'"source": "y", "proposed_value": {raw}}}')
    r = api.post("/api/v1/reviews", data=body, content_type="application/json", headers=basic("rita"))
    assert r.status_code == 400 and message in r.json["error"], r.json


def test_a_value_inside_the_scale_is_accepted(api):
    assert api.post("/api/v1/reviews", json=REVIEW | {"proposed_value": 0}, headers=basic("rita")).status_code == 201


def test_bodies_are_capped_before_reading_even_chunked(api):
    big = b'{"comment": "' + b"x" * (200 * 1024) + b'"}'
    r = api.post("/api/v1/reviews", data=big, content_type="application/json", headers=basic("rita"))
    assert r.status_code == 413

    import io
    import json

    from werkzeug.test import EnvironBuilder, run_wsgi_app
    body = b'{"comment": "' + b"x" * (300 * 1024) + b'"}'
    env = EnvironBuilder(path="/api/v1/reviews", method="POST", content_type="application/json",
                         headers=basic("rita") | {"Transfer-Encoding": "chunked"}).get_environ()
    env.pop("CONTENT_LENGTH", None)  # a chunked upload announces no length
    env |= {"wsgi.input_terminated": True, "wsgi.input": io.BytesIO(body)}
    chunks, status, _ = run_wsgi_app(api.application, env)
    assert status.startswith("413") and "larger than 64 KB" in json.loads(b"".join(chunks))["error"]


# ---------------------------------------------------------------- 9. races, retries, the signed chain

def test_the_second_of_two_acceptances_for_one_value_is_409(api):
    a = api.post("/api/v1/reviews", json=REVIEW | {"proposed_value": 1}, headers=basic("rita")).json
    b = api.post("/api/v1/reviews", json=REVIEW | {"proposed_value": 3}, headers=basic("remy")).json
    results = {}

    def accept(cid, who):
        results[cid] = api.application.test_client().post(f"/api/v1/corrections/{cid}/accept", json={},
                                                          headers=basic(who))

    threads = [threading.Thread(target=accept, args=(c["correction"]["id"], w))
               for c, w in ((a, "lena"), (b, "leo"))]
    [t.start() for t in threads]
    [t.join() for t in threads]
    codes = sorted(r.status_code for r in results.values())
    assert codes == [200, 409], codes
    loser = next(r for r in results.values() if r.status_code == 409)
    assert "accepted after this one was proposed" in loser.json["error"]
    # a proposal made after the acceptance can still be accepted
    c = api.post("/api/v1/reviews", json=REVIEW | {"proposed_value": 2}, headers=basic("rita")).json
    assert api.post(f"/api/v1/corrections/{c['correction']['id']}/accept", json={},
                    headers=basic("lena")).status_code == 200


def test_a_retried_post_with_an_idempotency_key_is_stored_once(api):
    key = {"Idempotency-Key": "retry-7f3a"}
    before = len(api.get("/api/v1/reviews", headers=basic("lena")).json)
    first = api.post("/api/v1/reviews", json=REVIEW, headers=basic("rita") | key)
    again = api.post("/api/v1/reviews", json=REVIEW, headers=basic("rita") | key)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert len(api.get("/api/v1/reviews", headers=basic("lena")).json) == before + 1
    other = api.post("/api/v1/reviews", json=REVIEW | {"comment": "different"}, headers=basic("rita") | key)
    assert other.status_code == 422
    assert api.post("/api/v1/reviews", json=REVIEW, headers=basic("rita") | {"Idempotency-Key": "a b"}
                    ).status_code == 400
    # decisions too: a lost 200 retried does not become a 409
    cid = first.json["correction"]["id"]
    d1 = api.post(f"/api/v1/corrections/{cid}/accept", json={}, headers=basic("lena") | {"Idempotency-Key": "d1"})
    d2 = api.post(f"/api/v1/corrections/{cid}/accept", json={}, headers=basic("lena") | {"Idempotency-Key": "d1"})
    assert d1.status_code == d2.status_code == 200 and d1.json == d2.json


def test_the_chain_is_signed_with_a_key_outside_the_database(tmp_path, people):
    from sqlalchemy import update

    from dashboard.review.models import events
    from dashboard.review.store import GENESIS, event_hash
    store = Store(default_url(tmp_path), audit_key=b"k" * 32)
    people(store)
    with store.read() as conn:
        assert verify_chain(conn) == []
    # someone with write access rewrites event 2 and recomputes the chain without the key
    with store.write() as conn:
        conn.exec_driver_sql("DROP TRIGGER review_events_no_update")
        rows = [dict(r) for r in conn.execute(events.select().order_by(events.c.id)).mappings()]
        prev = GENESIS
        for row in rows:
            if row["id"] == 2:
                row["after"] = '{"name": "mallory", "role": "lead"}'
            row["hash"] = event_hash(prev, row, b"guessed key")
            conn.execute(update(events).where(events.c.id == row["id"]).values(
                after=row["after"], prev_hash=prev, hash=row["hash"]))
            prev = row["hash"]
    with store.read() as conn:
        assert "event 1: hash chain broken" in verify_chain(conn)
    with Store(default_url(tmp_path), audit_key=b"guessed key").read() as conn:
        assert verify_chain(conn) == []  # only the key's holder can make a chain verify


def test_verify_command(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DRD_AUDIT_KEY")}
    env |= {"DRD_INSTANCE_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-m", "dashboard.users", "add", "ana", "--role", "lead"], cwd=ROOT, env=env,
                   input="a strong password\n", text=True, capture_output=True, timeout=120, check=True)
    assert (tmp_path / "audit_key").exists() and oct((tmp_path / "audit_key").stat().st_mode)[-3:] == "600"
    ok = subprocess.run([sys.executable, "-m", "dashboard.review", "verify"], cwd=ROOT, env=env, text=True,
                        capture_output=True, timeout=60)
    assert ok.returncode == 0 and ok.stdout.startswith("OK: 1 events"), ok.stderr
    (tmp_path / "audit_key").write_text("another key, not the one that signed\n" * 2)
    bad = subprocess.run([sys.executable, "-m", "dashboard.review", "verify"], cwd=ROOT, env=env, text=True,
                         capture_output=True, timeout=60)
    assert bad.returncode == 1 and "event 1: hash chain broken" in bad.stderr
