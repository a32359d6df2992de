"""The review store's tables (SQLAlchemy Core). Nothing here touches a database.

- `review_users`: accounts (name, role, salted scrypt hash, public `display_name`). Never deleted;
  `active` switches one off. The account name is for signing in and the signed-in audit trail; what
  the public sees (provenance of a correction on pages, API, exports, briefs) is the display name,
  "Panel member <id>" unless a lead chose another.
- `review_reviews`: one row per review (confirmed/disputed); rows are never updated or deleted.
- `review_corrections`: a proposed value (from a dispute, or an observation a lead adds). The only
  change ever made to a row is its single decision (proposed -> accepted | rejected).
- `review_sessions`: browser sessions (sha256 of the cookie's token), so signing out ends one on the
  server; `review_sign_in_failures`: recent wrong passwords (rate limit, shared by every worker);
  `review_idempotency`: the stored answer to a POST sent with an `Idempotency-Key`. These three are
  bookkeeping, not history: their rows are updated and pruned.
- `review_events`: the audit trail, append-only: gap-free ids, who, what, when, before, after, and a
  hash chain (`hash` = HMAC-SHA256 under the audit key, kept outside the database, of prev_hash + the
  event) so a rewritten history is detectable even by someone who can write to the database.

Append-only is enforced by the database itself (triggers, see `store.APPEND_ONLY_DDL`), not only by
the absence of an update or delete path in the code.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

ROLES = ("reviewer", "lead")
REVIEW_STATUSES = ("confirmed", "disputed")
CORRECTION_STATUSES = ("proposed", "accepted", "rejected")
CORRECTION_KINDS = ("dispute", "observation")

users = Table(
    "review_users", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("display_name", String(64), nullable=True),  # NULL only until Store.ensure_schema fills it
    Index("ix_review_users_display_name", "display_name", unique=True),
)

reviews = Table(
    "review_reviews", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("iso3", String(3), nullable=False),
    Column("year", Integer, nullable=False),
    Column("indicator", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("comment", Text, nullable=False, default=""),
    Column("proposed_value", Float, nullable=True),
    Column("source", Text, nullable=False, default=""),
    Column("value_seen", Float, nullable=True),       # the value on screen when reviewed
    Column("obs_year_seen", Integer, nullable=True),
    Column("score_seen", Float, nullable=True),
    Column("reviewer_id", Integer, ForeignKey("review_users.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_review_reviews_country_year", "iso3", "year"),
)

corrections = Table(
    "review_corrections", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("iso3", String(3), nullable=False),
    Column("year", Integer, nullable=False),           # the observation year the value is for
    Column("review_year", Integer, nullable=False),    # the score year the reviewer was looking at
    Column("indicator", String(64), nullable=False),
    Column("value", Float, nullable=False),
    Column("original_value", Float, nullable=True),
    Column("reason", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("review_id", Integer, ForeignKey("review_reviews.id"), nullable=True),
    Column("proposer_id", Integer, ForeignKey("review_users.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("status", String(16), nullable=False, default="proposed"),
    Column("decided_by", Integer, ForeignKey("review_users.id"), nullable=True),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("decision_comment", Text, nullable=True),
    Column("decision_event", Integer, nullable=True),  # orders acceptances: the latest one wins
    Index("ix_review_corrections_key", "iso3", "year", "indicator"),
    Index("ix_review_corrections_status", "status"),
)

events = Table(
    "review_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # assigned max+1 under the write lock
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("entity", String(16), nullable=False),
    Column("entity_id", Integer, nullable=True),
    Column("iso3", String(3), nullable=True),
    Column("year", Integer, nullable=True),
    Column("indicator", String(64), nullable=True),
    Column("before", Text, nullable=True),  # JSON
    Column("after", Text, nullable=True),   # JSON
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_review_events_country", "iso3", "year"),
    Index("ix_review_events_action", "action"),
)

sessions = Table(
    "review_sessions", metadata,
    Column("id", String(64), primary_key=True),        # sha256 of the token in the cookie
    Column("user_id", Integer, ForeignKey("review_users.id"), nullable=False),
    Column("created_at", Float, nullable=False),       # epoch seconds
    Column("expires_at", Float, nullable=False),
    Column("revoked_at", Float, nullable=True),
)

sign_in_failures = Table(
    "review_sign_in_failures", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(200), nullable=False),        # "account|address" and "address"
    Column("at", Float, nullable=False),
    Index("ix_review_sign_in_failures_key", "key", "at"),
)

idempotency = Table(
    "review_idempotency", metadata,
    Column("user_id", Integer, ForeignKey("review_users.id"), primary_key=True),
    Column("key", String(128), primary_key=True),
    Column("request_hash", String(64), nullable=False),  # method, path and body: a reused key is refused
    Column("status", Integer, nullable=False),
    Column("response", Text, nullable=False),           # JSON
    Column("created_at", Float, nullable=False),
)
