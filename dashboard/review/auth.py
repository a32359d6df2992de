"""Accounts, password hashing and who is asking (browser session or HTTP Basic).

Passwords: salted scrypt from the standard library (`scrypt$n$r$p$salt$hash`, N = 2^17, r = 8, p = 1
as OWASP's password storage guidance asks), compared in constant time. The browser signs in once
(Flask's signed session cookie: HttpOnly, SameSite=Lax, Secure when DRD_SECURE_COOKIES=1); the cookie
names a server-side session row, so signing out (or a new password, or deactivation) ends it at once.
Scripts send the same name and password as HTTP Basic on every request.

Wrong passwords are rate limited in the store (so every worker sees them): after
`MAX_FAILURES_ACCOUNT` failures for one account from one address, or `MAX_FAILURES_ADDRESS` from one
address, within `FAILURE_WINDOW` seconds, further attempts get 429 with Retry-After until the window
has passed. A right password clears the account's count. Limiting per address as well as per
account means a stranger cannot lock a lead out from elsewhere.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass

from flask import current_app, g, request, session
from sqlalchemy import delete, func, insert, select, update

from indicators.text import N_, Sentence

from .models import ROLES, sessions, sign_in_failures, users
from .store import Store, append_event, default_display_name, now

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 17, 8, 1
SCRYPT_MAXMEM = 2 ** 28  # 128 * N * r = 128 MB for N = 2^17, r = 8, plus headroom
SESSION_HOURS = 8
FAILURE_WINDOW = 15 * 60
MAX_FAILURES_ACCOUNT = 10
MAX_FAILURES_ADDRESS = 50
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")
MIN_PASSWORD = 8
DEFAULT_DISPLAY = re.compile(r"^panel member \d+$", re.IGNORECASE)


class AuthError(Exception):
    """A bad account request (name taken, weak password, unknown role). English in `str()` (the account
    tool); the ones the review page can meet keep a `sentence` it shows in the page's language."""

    def __init__(self, message: str, **values):
        self.sentence = message if isinstance(message, Sentence) else Sentence(message, **values)
        super().__init__(str(self.sentence))


class TooManyAttempts(Exception):
    """Too many wrong passwords lately: answer 429, retry after `retry_after` seconds."""

    def __init__(self, retry_after: int):
        self.retry_after = max(1, int(retry_after))
        super().__init__(f"too many wrong passwords: try again in {self.retry_after} s")


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    display_name: str = ""  # what the public sees (see models.users)

    @property
    def is_lead(self) -> bool:
        return self.role == "lead"

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "role": self.role, "display_name": self.display_name}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32,
                            maxmem=SCRYPT_MAXMEM)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def check_password(stored: str, password: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                             p=int(p), dklen=len(digest) // 2, maxmem=SCRYPT_MAXMEM)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


_DUMMY_HASH = None


def add_user(store: Store, name: str, role: str, password: str, actor: str = "cli") -> User:
    if not NAME.match(name or ""):
        raise AuthError("a user name is 2-64 letters, digits, '.', '_', '@' or '-'")
    if role not in ROLES:
        raise AuthError(f"role must be one of {', '.join(ROLES)}")
    if len(password or "") < MIN_PASSWORD:
        raise AuthError(f"the password must have at least {MIN_PASSWORD} characters")
    with store.write() as conn:
        if conn.execute(select(users.c.id).where(users.c.name == name)).first():
            raise AuthError(f"user '{name}' already exists")
        uid = conn.execute(insert(users).values(name=name, role=role, password_hash=hash_password(password),
                                                active=True, created_at=now())).inserted_primary_key[0]
        shown = default_display_name(uid)
        conn.execute(update(users).where(users.c.id == uid).values(display_name=shown))
        append_event(conn, actor, "user.create", "user", uid, None, {"name": name, "role": role,
                                                                     "display_name": shown})
    return User(uid, name, role, shown)


def check_display_name(value, uid: int) -> str:
    """A public display name: 2-64 printable characters, unlike any account's default pseudonym but its own."""
    shown = " ".join(str(value or "").split())
    if not 2 <= len(shown) <= 64 or any(not c.isprintable() for c in shown):
        raise AuthError(N_("a display name has 2-64 printable characters"))
    if DEFAULT_DISPLAY.match(shown) and shown.lower() != default_display_name(uid).lower():
        raise AuthError(N_("'Panel member N' names are the accounts' defaults; use '%(name)s' or another name"),
                        name=default_display_name(uid))
    return shown


def update_user(store: Store, name: str, *, role: str | None = None, password: str | None = None,
                active: bool | None = None, display_name: str | None = None, actor: str = "cli") -> dict:
    """Change an account's role, password, active flag or public display name; the change is an audit event.

    Accounts are never deleted: deactivating one refuses its password at once and ends its browser
    sessions (they are checked against the account on every request). A new password also ends every
    session of the account. Returns the account as `list_users` shows it.
    """
    if role is not None and role not in ROLES:
        raise AuthError(f"role must be one of {', '.join(ROLES)}")
    if password is not None and len(password) < MIN_PASSWORD:
        raise AuthError(f"the password must have at least {MIN_PASSWORD} characters")
    with store.write() as conn:
        row = conn.execute(select(users).where(users.c.name == name)).mappings().first()
        if row is None:
            raise AuthError(N_("no user '%(name)s'"), name=name)
        changes: dict = {}
        if role is not None and role != row["role"]:
            changes["role"] = role
        if active is not None and active != bool(row["active"]):
            changes["active"] = active
        if password is not None:
            changes["password_hash"] = hash_password(password)
        if display_name is not None:
            wanted = check_display_name(display_name, row["id"])
            if wanted != row["display_name"]:
                taken = conn.execute(select(users.c.name).where(func.lower(users.c.display_name) == wanted.lower(),
                                                                users.c.id != row["id"])).first()
                if taken:
                    raise AuthError(f"another account is already shown as '{wanted}'")
                changes["display_name"] = wanted
        if changes:
            conn.execute(update(users).where(users.c.id == row["id"]).values(**changes))
            kept = ("role", "active", "display_name")
            shown = lambda d: {k: v for k, v in d.items() if k in kept}  # noqa: E731 (never hashes)
            after = shown(changes) | ({"password": "changed"} if password is not None else {})
            action = "user.display_name" if set(changes) == {"display_name"} else "user.update"
            append_event(conn, actor, action, "user", row["id"],
                         shown({"role": row["role"], "active": bool(row["active"]),
                                "display_name": row["display_name"]}), after)
    return next(u for u in list_users(store) if u["name"] == name)


def list_users(store: Store) -> list[dict]:
    with store.read() as conn:
        rows = conn.execute(select(users.c.id, users.c.name, users.c.role, users.c.active, users.c.created_at,
                                   users.c.display_name).order_by(users.c.id)).mappings().all()
    return [dict(r) for r in rows]


_CACHE_KEY = secrets.token_bytes(32)   # per process: cached entries mean nothing elsewhere
_CACHE_TTL = 60.0
_verified: dict[tuple[str, bytes], tuple[float, str]] = {}


def authenticate(store: Store, name: str, password: str) -> User | None:
    """The active user with this name and password, else None (same work either way).

    HTTP Basic sends the password on every request; scrypt costs ~45 ms, so a successful check is
    remembered for a minute as an HMAC under a per-process key, bound to the stored hash.
    """
    global _DUMMY_HASH
    with store.read() as conn:
        row = conn.execute(select(users).where(users.c.name == name)).mappings().first()
    if row is None or not row["active"]:
        _DUMMY_HASH = _DUMMY_HASH or hash_password(secrets.token_hex(8))
        check_password(_DUMMY_HASH, password or "")  # no timing hint that the name exists
        return None
    key = (name, hmac.new(_CACHE_KEY, (password or "").encode("utf-8"), hashlib.sha256).digest())
    hit = _verified.get(key)
    if not (hit and hit[0] > time.monotonic() and hit[1] == row["password_hash"]):
        if not check_password(row["password_hash"], password or ""):
            return None
        if len(_verified) > 10_000:
            _verified.clear()
        _verified[key] = (time.monotonic() + _CACHE_TTL, row["password_hash"])
    return User(row["id"], row["name"], row["role"], row["display_name"] or "")


def _failure_keys(name: str, address: str) -> tuple[str, str]:
    return f"{(name or '').lower()[:64]}|{address}"[:200], f"|{address}"[:200]


def check_throttle(store: Store, name: str, address: str) -> int:
    """Raise TooManyAttempts when this account from this address, or this address, failed too often.

    Returns the account's recent failures from this address."""
    account, anywhere = _failure_keys(name, address)
    since = time.time() - FAILURE_WINDOW
    with store.read() as conn:
        rows = conn.execute(select(sign_in_failures.c.key, func.count(), func.min(sign_in_failures.c.at))
                            .where(sign_in_failures.c.key.in_([account, anywhere]), sign_in_failures.c.at >= since)
                            .group_by(sign_in_failures.c.key)).all()
    for key, count, first in rows:
        if count >= (MAX_FAILURES_ACCOUNT if key == account else MAX_FAILURES_ADDRESS):
            raise TooManyAttempts(first + FAILURE_WINDOW - time.time())
    return next((count for key, count, _ in rows if key == account), 0)


def record_failure(store: Store, name: str, address: str) -> None:
    at = time.time()
    with store.write() as conn:
        conn.execute(insert(sign_in_failures), [{"key": k, "at": at} for k in _failure_keys(name, address)])
        conn.execute(delete(sign_in_failures).where(sign_in_failures.c.at < at - FAILURE_WINDOW))


def login(store: Store, name: str, password: str, address: str) -> User | None:
    """`authenticate()` behind the rate limit: raises TooManyAttempts, records each failure."""
    failed = check_throttle(store, name, address)
    user = authenticate(store, name, password)
    if user is None:
        record_failure(store, name, address)
    elif failed:
        with store.write() as conn:
            conn.execute(delete(sign_in_failures).where(sign_in_failures.c.key == _failure_keys(name, address)[0]))
    return user


def _session_id(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(store: Store, user: User) -> str:
    """A new server-side session for `user`; returns the token the cookie carries."""
    token = secrets.token_urlsafe(32)
    at = time.time()
    with store.write() as conn:
        conn.execute(insert(sessions).values(id=_session_id(token), user_id=user.id, created_at=at,
                                             expires_at=at + SESSION_HOURS * 3600))
        conn.execute(delete(sessions).where(sessions.c.expires_at < at - 86400))
    return token


def revoke_session(store: Store, token: str) -> None:
    with store.write() as conn:
        conn.execute(update(sessions).where(sessions.c.id == _session_id(token), sessions.c.revoked_at.is_(None))
                     .values(revoked_at=time.time()))


def user_by_session(store: Store, token: str) -> tuple[User, str] | None:
    """The active user of a live (not revoked, not expired) session token."""
    with store.read() as conn:
        row = conn.execute(select(users).join(sessions, sessions.c.user_id == users.c.id)
                           .where(sessions.c.id == _session_id(token), sessions.c.revoked_at.is_(None),
                                  sessions.c.expires_at > time.time())).mappings().first()
    if row is None or not row["active"]:
        return None
    return User(row["id"], row["name"], row["role"], row["display_name"] or ""), row["password_hash"]


def user_by_id(store: Store, uid: int) -> tuple[User, str] | None:
    with store.read() as conn:
        row = conn.execute(select(users).where(users.c.id == uid)).mappings().first()
    if row is None or not row["active"]:
        return None
    return User(row["id"], row["name"], row["role"], row["display_name"] or ""), row["password_hash"]


def _stamp(password_hash: str) -> str:
    """Ties a session to the password: changing it signs every browser out."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def session_values(s: Store, user: User) -> dict:
    """What a signed-in browser's cookie holds (also used by tests to sign a client in)."""
    found = user_by_id(s, user.id)
    return {"review_sid": open_session(s, user), "review_stamp": _stamp(found[1] if found else ""),
            "csrf": secrets.token_urlsafe(24)}


def sign_in(user: User) -> None:
    session.clear()
    session.permanent = True
    session.update(session_values(store(), user))


def sign_out() -> None:
    """End the session on the server too: the old cookie, replayed, is no longer signed in."""
    token = session.get("review_sid")
    if isinstance(token, str):
        revoke_session(store(), token)
    session.clear()


def store() -> Store:
    return current_app.extensions["drd_review"].store


def session_user() -> User | None:
    """The user signed in to this browser session, if any."""
    token = session.get("review_sid")
    if not isinstance(token, str) or len(token) > 100:
        return None
    found = user_by_session(store(), token)
    if found is None or _stamp(found[1]) != session.get("review_stamp"):
        return None
    return found[0]


def current_user() -> User | None:
    """Session user, else HTTP Basic credentials; cached for the request."""
    if "review_user" in g:
        return g.review_user
    user, g.review_auth = session_user(), "session"
    if user is None and request.authorization and request.authorization.type == "basic":
        auth = request.authorization
        g.review_auth = "basic"
        try:
            user = login(store(), auth.username or "", auth.password or "", request.remote_addr or "")
        except TooManyAttempts as exc:
            g.review_retry_after = exc.retry_after
    g.review_user = user
    return user


def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(24)
    return token


def csrf_ok(sent: str | None) -> bool:
    token = session.get("csrf")
    return bool(token and sent and hmac.compare_digest(token, sent))
