"""Expert review: accounts, spot-checks, four-eyes corrections and an append-only audit trail.

`init_app(app, config)` (called by create_app) opens the store (DATABASE_URL, else a SQLite file in
the instance folder, created on first use), registers the API and sign-in routes and hands the
accepted corrections to dashboard.data, the one door by which they reach scores, pages and exports.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError

from .. import data
from ..config import Config
from . import service
from .store import Store, default_url

logger = logging.getLogger(__name__)
CHECK_EVERY = 2.0  # seconds between checks that another worker accepted a correction


def database_url(config: Config) -> str:
    return config.database_url or default_url(config.instance_dir)


def audit_key(config: Config) -> bytes:
    """The key that signs the audit chain: DRD_AUDIT_KEY, else `audit_key` in the instance folder.

    It is never stored in the database, so write access to the database is not enough to rewrite the
    trail unnoticed. Keep a copy of it with the backups of the database (verify needs it).
    """
    from ..security import instance_secret
    env = os.environ.get("DRD_AUDIT_KEY")
    return env.encode("utf-8") if env else instance_secret(config.instance_dir, "audit_key").encode("utf-8")


@dataclass
class Review:
    """What the app keeps: the store and the last decision it has folded into the scores."""

    store: Store
    seen_version: int | None = None
    checked_at: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def accepted(self):
        return service.accepted_corrections(self.store)

    def sync(self) -> None:
        """Recompute the scores (in the background) when any worker decided a correction since we last looked."""
        if time.monotonic() - self.checked_at < CHECK_EVERY:
            return
        with self.lock:
            self.checked_at = time.monotonic()
            current = service.version(self.store)
            if self.seen_version is not None and current != self.seen_version:
                data.recompute(key=current)
            self.seen_version = current


def init_app(app, config: Config) -> Review:
    """Wire the review store into a Dash app built by create_app."""
    review = Review(Store(database_url(config), audit_key=audit_key(config)))
    data.configure(config.data_dir, extra_corrections=review.accepted, background=True)
    attach(app.server, review)
    return review


def attach(server, review: Review) -> None:
    """Register the API, sign-in routes, guard and score sync on a Flask server."""
    from . import api, web

    server.extensions["drd_review"] = review
    secure = os.environ.get("DRD_SECURE_COOKIES", "").strip().lower() in {"1", "true", "yes", "on"}
    server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                         SESSION_COOKIE_SECURE=secure, SESSION_COOKIE_NAME="drd_session",
                         PERMANENT_SESSION_LIFETIME=timedelta(hours=8))
    server.register_blueprint(api.bp)
    server.register_blueprint(web.bp)
    server.before_request(web.guard)

    @server.before_request
    def _sync_scores():
        try:
            review.sync()
        except SQLAlchemyError:  # the public dashboard keeps serving; review routes report the error
            logger.exception("review store unreachable")
