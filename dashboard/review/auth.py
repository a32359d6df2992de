"""Accounts, password hashing and who is asking (browser session or HTTP Basic).

Passwords: salted scrypt from the standard library (`scrypt$n$r$p$salt$hash`), compared in constant
time. The browser signs in once (Flask's signed session cookie: HttpOnly, SameSite=Lax, Secure when
DRD_SECURE_COOKIES=1); scripts send the same name and password as HTTP Basic on every request.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass

from flask import current_app, g, request, session
from sqlalchemy import insert, select, update

from .models import ROLES, users
from .store import Store, append_event, now

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")
MIN_PASSWORD = 8


class AuthError(Exception):
    """A bad account request (name taken, weak password, unknown role)."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str

    @property
    def is_lead(self) -> bool:
        return self.role == "lead"

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "role": self.role}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def check_password(stored: str, password: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                             p=int(p), dklen=len(digest) // 2, maxmem=2 ** 27)
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
        append_event(conn, actor, "user.create", "user", uid, None, {"name": name, "role": role})
    return User(uid, name, role)


def update_user(store: Store, name: str, *, role: str | None = None, password: str | None = None,
                active: bool | None = None, actor: str = "cli") -> dict:
    """Change an account's role, password or active flag; the change is an audit event.

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
            raise AuthError(f"no user '{name}'")
        changes: dict = {}
        if role is not None and role != row["role"]:
            changes["role"] = role
        if active is not None and active != bool(row["active"]):
            changes["active"] = active
        if password is not None:
            changes["password_hash"] = hash_password(password)
        if changes:
            conn.execute(update(users).where(users.c.id == row["id"]).values(**changes))
            shown = lambda d: {k: v for k, v in d.items() if k in ("role", "active")}  # noqa: E731 (never hashes)
            after = shown(changes) | ({"password": "changed"} if password is not None else {})
            append_event(conn, actor, "user.update", "user", row["id"],
                         shown({"role": row["role"], "active": bool(row["active"])}), after)
    return next(u for u in list_users(store) if u["name"] == name)


def list_users(store: Store) -> list[dict]:
    with store.read() as conn:
        rows = conn.execute(select(users.c.id, users.c.name, users.c.role, users.c.active, users.c.created_at)
                            .order_by(users.c.id)).mappings().all()
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
    return User(row["id"], row["name"], row["role"])


def user_by_id(store: Store, uid: int) -> tuple[User, str] | None:
    with store.read() as conn:
        row = conn.execute(select(users).where(users.c.id == uid)).mappings().first()
    if row is None or not row["active"]:
        return None
    return User(row["id"], row["name"], row["role"]), row["password_hash"]


def _stamp(password_hash: str) -> str:
    """Ties a session to the password: changing it signs every browser out."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def sign_in(user: User, password_hash: str | None = None) -> None:
    session.clear()
    session.permanent = True
    session["review_uid"] = user.id
    if password_hash is None:
        found = user_by_id(store(), user.id)
        password_hash = found[1] if found else ""
    session["review_stamp"] = _stamp(password_hash)
    session["csrf"] = secrets.token_urlsafe(24)


def sign_out() -> None:
    session.clear()


def store() -> Store:
    return current_app.extensions["drd_review"].store


def session_user() -> User | None:
    """The user signed in to this browser session, if any."""
    uid = session.get("review_uid")
    if not isinstance(uid, int):
        return None
    found = user_by_id(store(), uid)
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
        user, g.review_auth = authenticate(store(), auth.username or "", auth.password or ""), "basic"
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
