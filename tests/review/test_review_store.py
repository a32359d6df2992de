# ruff: noqa: F811  (pytest fixtures imported from review_fixtures, then requested by name)
"""The store itself: created on first use, append-only enforced by the database, hash-chained trail."""

from __future__ import annotations

import pytest
from review_fixtures import people, pg_schema, sqlite_store, store, wired  # noqa: F401 (fixtures)
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from dashboard.config import Config
from dashboard.review import database_url, service
from dashboard.review.models import corrections, events, reviews, users
from dashboard.review.store import Store, append_event, verify_chain

DISPUTE = {"country": "COL", "year": 2021, "indicator": "p_fiw_d4", "status": "disputed", "comment": "c",
           "proposed_value": 1, "source": "https://example.org"}
REFUSED = (DBAPIError, IntegrityError)


def test_sqlite_file_in_the_instance_folder_created_on_first_use(tmp_path):
    config = Config(instance_dir=tmp_path / "inst" / "deeper", secret_key="x")
    url = database_url(config)
    assert url == f"sqlite:///{(tmp_path / 'inst' / 'deeper' / 'review.sqlite3').resolve()}"
    store = Store(url)
    assert service.list_reviews(store) == []
    assert (tmp_path / "inst" / "deeper" / "review.sqlite3").exists()
    assert database_url(Config(database_url="postgresql+psycopg://u@h/db")) == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize("statement", [
    update(events).values(actor="mallory"),
    delete(events),
    update(reviews).values(comment="rewritten"),
    delete(reviews),
    delete(corrections),
    update(corrections).values(value=42.0),
    delete(users),
], ids=["update-event", "delete-event", "update-review", "delete-review", "delete-correction",
        "change-proposal", "delete-user"])
def test_the_database_refuses_rewriting_history(store, people, statement):
    p = people(store)
    service.submit_review(store, p["rita"], DISPUTE)
    with pytest.raises(REFUSED, match="append-only|never|decided once"):
        with store.write() as conn:
            conn.execute(statement)
    assert len(service.list_events(store)) == 6


def test_a_decision_is_final_even_in_raw_sql(store, people):
    p = people(store)
    corr = service.submit_review(store, p["rita"], DISPUTE)["correction"]
    service.decide(store, p["lena"], corr["id"], accept=False)
    with pytest.raises(REFUSED, match="decided once"):
        with store.write() as conn:
            conn.execute(update(corrections).where(corrections.c.id == corr["id"]).values(status="accepted"))
    assert service.list_corrections(store)[0]["status"] == "rejected"


def test_postgres_refuses_truncate(pg_schema, people):
    store = Store(pg_schema)
    people(store)
    with pytest.raises(DBAPIError, match="append-only"):
        with store.write() as conn:
            conn.execute(text("TRUNCATE review_events"))
    store.dispose()


def test_hash_chain_detects_a_rewrite(tmp_path):
    """Triggers stop the app's connections; the chain shows if someone drops them and edits the file."""
    store = Store(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    with store.write() as conn:
        for i in range(3):
            append_event(conn, "ana", "test.event", "test", i, None, {"n": i})
    with store.read() as conn:
        assert verify_chain(conn) == []
    with store.write() as conn:
        conn.exec_driver_sql("DROP TRIGGER review_events_no_update")
        conn.execute(update(events).where(events.c.id == 2).values(after='{"n": 99}'))
    with store.read() as conn:
        assert verify_chain(conn) == ["event 2: hash chain broken"]


def test_no_update_or_delete_path_in_the_api():
    from flask import Flask

    from dashboard.review import api
    server = Flask(__name__)
    server.register_blueprint(api.bp)
    methods = {m for rule in server.url_map.iter_rules() if rule.endpoint.startswith("review_api.")
               for m in rule.methods}
    assert methods <= {"GET", "POST", "HEAD", "OPTIONS"}
    assert not [name for name in dir(service) if any(w in name.lower() for w in ("delete", "remove", "purge"))]


def test_event_ids_are_consecutive_under_thread_contention(store, people):
    from concurrent.futures import ThreadPoolExecutor
    p = people(store)
    users_ = [p["rita"], p["remy"], p["lena"], p["leo"]]
    payloads = [{"country": "COL", "year": 2021, "indicator": "p_fiw_d4", "status": "confirmed",
                 "comment": f"thread {i}"} for i in range(40)]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda ip: service.submit_review(store, users_[ip[0] % 4], ip[1]),
                                enumerate(payloads)))
    assert sorted(r["event_id"] for r in results) == list(range(5, 45))
    with store.read() as conn:
        assert verify_chain(conn) == []
