"""The review store: one SQLAlchemy engine, serialised writes, an append-only event log.

SQLite (default: `instance_dir/review.sqlite3`) runs in WAL mode with synchronous=FULL and takes the
write lock up front (`BEGIN IMMEDIATE`), so concurrent writers queue instead of failing. PostgreSQL
(any `DATABASE_URL`) serialises writers with a transaction-scoped advisory lock. Either way each
write transaction appends its events with id = previous id + 1: the trail has no gaps and one order.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, func, insert, inspect, select, text, update
from sqlalchemy.engine import Connection, Engine

from .models import events, metadata, users

ADVISORY_LOCK = 4_242_001  # pg_advisory_xact_lock key: "the review store is being written"
GENESIS = "0" * 64

SQLITE_APPEND_ONLY = [
    "CREATE TRIGGER IF NOT EXISTS review_events_no_update BEFORE UPDATE ON review_events "
    "BEGIN SELECT RAISE(ABORT, 'review_events is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS review_events_no_delete BEFORE DELETE ON review_events "
    "BEGIN SELECT RAISE(ABORT, 'review_events is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS review_reviews_no_update BEFORE UPDATE ON review_reviews "
    "BEGIN SELECT RAISE(ABORT, 'review_reviews is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS review_reviews_no_delete BEFORE DELETE ON review_reviews "
    "BEGIN SELECT RAISE(ABORT, 'review_reviews is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS review_corrections_no_delete BEFORE DELETE ON review_corrections "
    "BEGIN SELECT RAISE(ABORT, 'review_corrections rows are never deleted'); END",
    "CREATE TRIGGER IF NOT EXISTS review_corrections_decide_once BEFORE UPDATE ON review_corrections "
    "WHEN OLD.status <> 'proposed' OR NEW.status NOT IN ('accepted', 'rejected') "
    "OR NEW.value IS NOT OLD.value OR NEW.iso3 IS NOT OLD.iso3 OR NEW.year IS NOT OLD.year "
    "OR NEW.indicator IS NOT OLD.indicator OR NEW.proposer_id IS NOT OLD.proposer_id "
    "OR NEW.reason IS NOT OLD.reason OR NEW.source IS NOT OLD.source "
    "BEGIN SELECT RAISE(ABORT, 'a correction is decided once; its proposal never changes'); END",
    "CREATE TRIGGER IF NOT EXISTS review_users_no_delete BEFORE DELETE ON review_users "
    "BEGIN SELECT RAISE(ABORT, 'accounts are never deleted (set active = 0)'); END",
]

POSTGRES_APPEND_ONLY = [
    """CREATE OR REPLACE FUNCTION review_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only (' || TG_OP || ' refused)'; END $$""",
    """CREATE OR REPLACE FUNCTION review_decide_once() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF OLD.status <> 'proposed' OR NEW.status NOT IN ('accepted', 'rejected')
            OR NEW.value IS DISTINCT FROM OLD.value OR NEW.iso3 IS DISTINCT FROM OLD.iso3
            OR NEW.year IS DISTINCT FROM OLD.year OR NEW.indicator IS DISTINCT FROM OLD.indicator
            OR NEW.proposer_id IS DISTINCT FROM OLD.proposer_id OR NEW.reason IS DISTINCT FROM OLD.reason
            OR NEW.source IS DISTINCT FROM OLD.source THEN
           RAISE EXCEPTION 'a correction is decided once; its proposal never changes';
         END IF;
         RETURN NEW;
       END $$""",
    "CREATE OR REPLACE TRIGGER review_events_append_only BEFORE UPDATE OR DELETE ON review_events "
    "FOR EACH ROW EXECUTE FUNCTION review_append_only()",
    "CREATE OR REPLACE TRIGGER review_events_no_truncate BEFORE TRUNCATE ON review_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION review_append_only()",
    "CREATE OR REPLACE TRIGGER review_reviews_append_only BEFORE UPDATE OR DELETE ON review_reviews "
    "FOR EACH ROW EXECUTE FUNCTION review_append_only()",
    "CREATE OR REPLACE TRIGGER review_reviews_no_truncate BEFORE TRUNCATE ON review_reviews "
    "FOR EACH STATEMENT EXECUTE FUNCTION review_append_only()",
    "CREATE OR REPLACE TRIGGER review_corrections_no_delete BEFORE DELETE ON review_corrections "
    "FOR EACH ROW EXECUTE FUNCTION review_append_only()",
    "CREATE OR REPLACE TRIGGER review_corrections_no_truncate BEFORE TRUNCATE ON review_corrections "
    "FOR EACH STATEMENT EXECUTE FUNCTION review_append_only()",
    "CREATE OR REPLACE TRIGGER review_corrections_decide_once BEFORE UPDATE ON review_corrections "
    "FOR EACH ROW EXECUTE FUNCTION review_decide_once()",
    "CREATE OR REPLACE TRIGGER review_users_no_delete BEFORE DELETE ON review_users "
    "FOR EACH ROW EXECUTE FUNCTION review_append_only()",
]


def default_url(instance_dir: Path) -> str:
    """The SQLite file in the instance folder (the folder is created on first use)."""
    return f"sqlite:///{Path(instance_dir).resolve() / 'review.sqlite3'}"


def now() -> datetime:
    return datetime.now(UTC)


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)


def event_hash(prev_hash: str, row: dict, key: bytes) -> str:
    """HMAC-SHA256, under the audit key, of the previous hash and the event's fields.

    A change anywhere breaks the chain, and without the key (kept outside the database) nobody can
    compute a new one that verifies.
    """
    fields = {k: row[k] for k in ("id", "actor", "action", "entity", "entity_id", "iso3", "year",
                                  "indicator", "before", "after")}
    fields["at"] = _iso(row["at"])
    payload = prev_hash + json.dumps(fields, sort_keys=True, default=str, ensure_ascii=False)
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


def default_audit_key(url: str) -> bytes:
    """DRD_AUDIT_KEY, else `audit_key` in the SQLite file's folder or the instance folder (created once).

    Several machines sharing one PostgreSQL database need the same DRD_AUDIT_KEY on each.
    """
    if os.environ.get("DRD_AUDIT_KEY"):
        return os.environ["DRD_AUDIT_KEY"].encode("utf-8")
    from ..config import Config
    from ..security import instance_secret
    path = url.split("///", 1)[-1] if url.startswith("sqlite") else ""
    folder = Path(path).parent if path and path != ":memory:" else Config.from_env().instance_dir
    return instance_secret(folder, "audit_key").encode("utf-8")


def _iso(value: datetime) -> str:
    if value.tzinfo is None:  # SQLite hands back naive datetimes: they were stored as UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


class Store:
    """Engine + schema + the two ways in: `read()` and `write()` (serialised)."""

    def __init__(self, url: str, echo: bool = False, audit_key: bytes | str | None = None):
        self.url = url
        key = default_audit_key(url) if audit_key is None else audit_key
        self.audit_key: bytes = key.encode("utf-8") if isinstance(key, str) else key
        self.is_sqlite = url.startswith("sqlite")
        self.is_postgres = url.startswith("postgresql")
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self.is_sqlite:
            path = url.split("///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
        else:
            kwargs |= {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20}
        self.engine: Engine = create_engine(url, **kwargs)
        if self.is_sqlite:
            _sqlite_setup(self.engine)
        self._lock = threading.Lock()       # one writer per process (SQLite allows one anyway)
        self._local = threading.local()     # the open write transaction of this thread, if any
        self._schema_lock = threading.Lock()
        self._ready = False

    def ensure_schema(self) -> None:
        """Create tables and append-only triggers if missing (idempotent; done on first use)."""
        if self._ready:
            return
        with self._schema_lock:
            if self._ready:
                return
            with self.engine.connect().execution_options(drd_write=True) as conn, conn.begin():
                if self.is_postgres:
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_LOCK})
                metadata.create_all(conn)
                ddl = SQLITE_APPEND_ONLY if self.is_sqlite else POSTGRES_APPEND_ONLY if self.is_postgres else []
                for statement in ddl:
                    conn.exec_driver_sql(statement)
                migrate_display_names(conn)
            self._ready = True

    @contextmanager
    def read(self) -> Iterator[Connection]:
        self.ensure_schema()
        with self.engine.connect() as conn:
            conn.info["drd_audit_key"] = self.audit_key
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One serialised transaction: commits on success, rolls back on any exception.

        A `write()` inside another on the same thread joins it (one transaction: e.g. an action and
        the idempotency record of its answer). `after_commit(fn)` runs fn once the outermost commits.
        """
        current = getattr(self._local, "conn", None)
        if current is not None:
            yield current
            return
        self.ensure_schema()
        with self._lock:
            self._local.after = []
            try:
                with self.engine.connect().execution_options(drd_write=True) as conn, conn.begin():
                    if self.is_postgres:
                        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_LOCK})
                    conn.info["drd_audit_key"] = self.audit_key
                    self._local.conn = conn
                    try:
                        yield conn
                    finally:
                        self._local.conn = None
                after, self._local.after = self._local.after, []
            except BaseException:
                self._local.after = []
                raise
        for fn in after:
            fn()

    def after_commit(self, fn) -> None:
        """Run `fn` after the current write transaction commits (at once when there is none)."""
        if getattr(self._local, "conn", None) is None:
            fn()
        else:
            self._local.after.append(fn)

    def dispose(self) -> None:
        self.engine.dispose()


def default_display_name(uid: int) -> str:
    """The neutral pseudonym an account is shown under in public until a lead chooses another."""
    return f"Panel member {uid}"


def migrate_display_names(conn: Connection) -> None:
    """Stores made before display names existed: add the column and its unique index, and give every
    account its default pseudonym, each as an audit event (accounts are updated, events only appended)."""
    if "display_name" not in {c["name"] for c in inspect(conn).get_columns("review_users")}:
        conn.exec_driver_sql("ALTER TABLE review_users ADD COLUMN display_name VARCHAR(64)")
        conn.exec_driver_sql("CREATE UNIQUE INDEX IF NOT EXISTS ix_review_users_display_name "
                             "ON review_users (display_name)")
    for (uid,) in conn.execute(select(users.c.id).where(users.c.display_name.is_(None))
                                  .order_by(users.c.id)).all():
        shown = default_display_name(uid)
        conn.execute(update(users).where(users.c.id == uid).values(display_name=shown))
        append_event(conn, "migration", "user.display_name", "user", uid, None, {"display_name": shown})


def append_event(conn: Connection, actor: str, action: str, entity: str, entity_id: int | None,
                 before: Any = None, after: Any = None, iso3: str | None = None, year: int | None = None,
                 indicator: str | None = None) -> dict:
    """Append one event inside a `Store.write()` transaction; returns the row written."""
    last = conn.execute(select(events.c.id, events.c.hash).order_by(events.c.id.desc()).limit(1)).first()
    row = {"id": (last.id + 1) if last else 1, "at": now(), "actor": actor, "action": action,
           "entity": entity, "entity_id": entity_id, "iso3": iso3, "year": year, "indicator": indicator,
           "before": _json(before), "after": _json(after), "prev_hash": last.hash if last else GENESIS}
    row["hash"] = event_hash(row["prev_hash"], row, conn.info["drd_audit_key"])
    conn.execute(insert(events).values(**row))
    return row


def verify_chain(conn: Connection, key: bytes | None = None) -> list[str]:
    """Problems in the event log (gaps, broken or unsigned hash links); an empty list means intact."""
    key = key if key is not None else conn.info["drd_audit_key"]
    problems, prev, expected = [], GENESIS, 1
    for row in conn.execute(select(events).order_by(events.c.id)).mappings():
        if row["id"] != expected:
            problems.append(f"event id {row['id']} follows {expected - 1}: gap")
        if row["prev_hash"] != prev or not hmac.compare_digest(event_hash(prev, dict(row), key), row["hash"]):
            problems.append(f"event {row['id']}: hash chain broken")
        prev, expected = row["hash"], row["id"] + 1
    return problems


def event_count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(events)).scalar_one()


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("drd_write") else "BEGIN")
