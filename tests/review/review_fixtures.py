"""Review-store fixtures (imported by the review test modules; not a conftest.py, so the suite's own
`from conftest import ...` keeps resolving to tests/conftest.py): a fresh store per test on SQLite and,
when DRD_TEST_POSTGRES_URL is set (.ci/run always sets it), on a real PostgreSQL server, each test in
its own schema."""

from __future__ import annotations

import base64
import os
import uuid

import pytest
from flask import Flask

from dashboard import data
from dashboard.review import Review, attach
from dashboard.review.auth import add_user
from dashboard.review.store import Store

ROOT_DATA = __import__("pathlib").Path(__file__).resolve().parents[2] / "data"
PG_ENV = "DRD_TEST_POSTGRES_URL"
PG_SKIP = (f"{PG_ENV} is not set: no PostgreSQL server to test against "
           "(.ci/run starts one and sets it, e.g. postgresql+psycopg://drd:drd@127.0.0.1/drd_test)")


def postgres_url(schema: str) -> str:
    base = os.environ[PG_ENV]
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture
def pg_schema():
    """A throw-away PostgreSQL schema; yields a URL whose search_path points at it."""
    if not os.environ.get(PG_ENV):
        pytest.skip(PG_SKIP)
    from sqlalchemy import create_engine, text
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(os.environ[PG_ENV])
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    yield postgres_url(schema)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    from dashboard.review.store import Store, default_url
    if request.param == "sqlite":
        s = Store(default_url(tmp_path / "instance"))
    else:
        s = Store(request.getfixturevalue("pg_schema"))
    yield s
    s.dispose()


@pytest.fixture
def sqlite_store(tmp_path):
    from dashboard.review.store import Store, default_url
    s = Store(default_url(tmp_path / "instance"))
    yield s
    s.dispose()


@pytest.fixture
def people():
    """Factory: people(store) -> reviewer, second reviewer, two leads."""
    def make(store):
        return {name: add_user(store, name, role, f"{name}-password")
                for name, role in (("rita", "reviewer"), ("remy", "reviewer"), ("lena", "lead"),
                                   ("leo", "lead"))}
    return make


@pytest.fixture
def wired(store):
    """dashboard.data reads the repository data plus this store's accepted corrections (restored after)."""
    saved = dict(data._settings)
    data.configure(ROOT_DATA, extra_corrections=lambda: __import__(
        "dashboard.review.service", fromlist=["x"]).accepted_corrections(store))
    yield store
    data.configure(saved["data_dir"], extra_corrections=saved["extra_corrections"])


# The review API as a Flask test client over a fresh SQLite store (test_review_api, test_review_hardening)
REVIEW = {"country": "COL", "year": 2021, "indicator": "p_fiw_d4", "status": "disputed",
          "comment": "FH says 1", "proposed_value": 1, "source": "https://freedomhouse.org"}


def basic(name: str, password: str | None = None) -> dict:
    token = base64.b64encode(f"{name}:{password or name + '-password'}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture
def api(tmp_path, people):  # noqa: F811 (people is this module's fixture)
    store = Store(f"sqlite:///{tmp_path / 'review.sqlite3'}")
    server = Flask(__name__)
    server.secret_key = "test"
    attach(server, Review(store))
    people(store)
    client = server.test_client()
    client.store = store
    yield client
    store.dispose()
