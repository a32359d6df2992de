"""`python -m dashboard.users add NAME --role ...` with the password on standard input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dashboard.review import auth
from dashboard.review.auth import authenticate, check_password, hash_password
from dashboard.review.store import Store, default_url

ROOT = Path(__file__).resolve().parents[2]


def run(tmp_path, *args, stdin="") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"DRD_INSTANCE_DIR": str(tmp_path)}
    return subprocess.run([sys.executable, "-m", "dashboard.users", *args], cwd=ROOT, env=env, input=stdin,
                          text=True, capture_output=True, timeout=60)


def test_add_and_list_users(tmp_path):
    r = run(tmp_path, "add", "ana", "--role", "lead", stdin="correct horse battery\n")
    assert r.returncode == 0, r.stderr
    assert "created lead 'ana'" in r.stdout
    assert run(tmp_path, "add", "bo", "--role", "reviewer", stdin="another-pass\n").returncode == 0
    listed = run(tmp_path, "list").stdout
    assert "ana\tlead" in listed and "bo\treviewer" in listed and "horse" not in listed
    store = Store(default_url(tmp_path))
    assert authenticate(store, "ana", "correct horse battery").role == "lead"
    assert authenticate(store, "ana", "wrong") is None
    assert authenticate(store, "nobody", "x") is None
    raw = (tmp_path / "review.sqlite3").read_bytes()
    assert b"correct horse" not in raw and b"scrypt$" in raw
    store.dispose()


def test_refusals(tmp_path):
    assert run(tmp_path, "add", "ana", "--role", "lead", stdin="long-enough\n").returncode == 0
    dup = run(tmp_path, "add", "ana", "--role", "reviewer", stdin="long-enough\n")
    assert dup.returncode == 1 and "already exists" in dup.stderr
    short = run(tmp_path, "add", "cy", "--role", "reviewer", stdin="short\n")
    assert short.returncode == 1 and "at least 8" in short.stderr
    assert run(tmp_path, "add", "cy", "--role", "admin", stdin="long-enough\n").returncode == 2
    bad = run(tmp_path, "add", "a b", "--role", "lead", stdin="long-enough\n")
    assert bad.returncode == 1 and "user name" in bad.stderr


def test_password_hashes_are_salted():
    a, b = hash_password("same password"), hash_password("same password")
    assert a != b and a.startswith(f"scrypt${auth.SCRYPT_N}$8$1$")  # tests patch N down (conftest)
    assert check_password(a, "same password") and not check_password(a, "other")
    assert not check_password("garbage", "x")


def test_role_password_and_deactivation_take_effect_and_are_audited(tmp_path):
    from sqlalchemy import select

    from dashboard.review.models import events
    assert run(tmp_path, "add", "ana", "--role", "reviewer", stdin="first-password\n").returncode == 0
    r = run(tmp_path, "set-role", "ana", "lead")
    assert r.returncode == 0 and "ana: lead, active" in r.stdout
    assert run(tmp_path, "passwd", "ana", stdin="second-password\n").returncode == 0
    store = Store(default_url(tmp_path))
    assert authenticate(store, "ana", "first-password") is None
    assert authenticate(store, "ana", "second-password").role == "lead"
    r = run(tmp_path, "deactivate", "ana")
    assert r.returncode == 0 and "inactive" in r.stdout
    assert authenticate(store, "ana", "second-password") is None  # refused at once
    assert "ana\tlead\tinactive" in run(tmp_path, "list").stdout
    assert run(tmp_path, "activate", "ana").returncode == 0
    assert authenticate(store, "ana", "second-password").role == "lead"
    with store.read() as conn:
        rows = conn.execute(select(events.c.action, events.c.before, events.c.after).order_by(events.c.id)).all()
    updates = [r for r in rows if r.action == "user.update"]
    assert len(updates) == 4
    assert all("scrypt" not in str(r.before) + str(r.after) for r in rows)  # no hash in the trail
    assert '"password": "changed"' in str(updates[1].after)
    store.dispose()
    missing = run(tmp_path, "deactivate", "nobody")
    assert missing.returncode == 1 and "no user 'nobody'" in missing.stderr
