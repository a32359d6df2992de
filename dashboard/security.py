"""HTTP hardening for every route: security headers, request size caps and the shared session secret.

Headers (every response):
- `Content-Security-Policy`: the app serves everything itself, so scripts, fonts, images and
  connections are `'self'` only. Dash writes inline `<script>` blocks into its HTML (the renderer
  start-up and the clientside callbacks); each HTML response allows exactly those by their sha256
  hash, computed from the body being sent, so nothing else inline can run. Styles keep
  `'unsafe-inline'`: plotly.js and the Dash tables insert `<style>` rules at run time (no script can
  run from a style). `frame-ancestors 'none'` (and `X-Frame-Options: DENY`) everywhere except under
  `/embed/`, the charts meant for other sites' iframes: there `frame-ancestors` is
  `DRD_EMBED_ANCESTORS` (default `'self' http: https:`, any site; e.g. `https://undp.org https://*.undp.org`).
- `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` (a link to a publisher does not
  tell it which country page a reader came from), `Cross-Origin-Opener-Policy: same-origin`.
- `Strict-Transport-Security` when `DRD_SECURE_COOKIES=1` (the app is behind HTTPS).

Caps: a request body over `MAX_BODY` bytes (1 MB; Dash callbacks send a few KB) is refused with 413
before it is read, chunked or not; a query string over `MAX_QUERY` bytes with 414.

Secret: sessions are signed with `DRD_SECRET_KEY` when set. Otherwise the key is created once in the
instance folder (`instance/secret_key`, mode 0600) and every worker of this machine reads the same
file, so `gunicorn -w 4` signs users in without any setting. Several machines need the same
`DRD_SECRET_KEY` (or a shared instance folder).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
from pathlib import Path

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from indicators.text import N_

from . import i18n

MAX_BODY = 1 * 2 ** 20
MAX_QUERY = 8 * 1024
EMBED_PREFIX = "/embed/"
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\ssrc=)([^>]*)>(.*?)</script>", re.S | re.I)
_DATA_TYPES = (b"application/json",)


def instance_secret(instance_dir: Path, name: str = "secret_key") -> str:
    """The secret kept in `instance_dir/name`, created (0600, atomically) by the first process to ask."""
    path = Path(instance_dir) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _read_secret(path)
    except FileNotFoundError:
        pass
    tmp = path.with_name(f".{name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_hex(32) + "\n")
    try:
        os.link(tmp, path)  # fails if another worker won the race: then use theirs
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return _read_secret(path)


def _read_secret(path: Path) -> str:
    value = path.read_text().strip()
    if len(value) < 32:
        raise RuntimeError(f"{path} holds no usable secret (expected 64 hex characters); delete it to make a new one")
    return value


def read_capped(limit: int) -> bool:
    """Refuse a body over `limit` bytes before reading it (by its Content-Length) or while reading it
    (a chunked body has none: at most limit + 1 bytes are read, and kept for the view). False when over."""
    length = request.content_length
    if length is not None:
        return length <= limit
    cached = getattr(request, "_cached_data", None)
    if cached is not None:
        return len(cached) <= limit
    if request.method not in ("POST", "PUT", "PATCH"):
        return True
    request.max_content_length = limit + 1
    body = request.stream.read(limit + 1)
    if len(body) > limit:
        return False
    request._cached_data = body  # what get_data() / get_json() return
    return True


def script_hashes(body: bytes) -> list[str]:
    """CSP sources for the inline scripts of an HTML body (JSON data blocks do not run: left out)."""
    out = []
    for attrs, content in _INLINE_SCRIPT.findall(body):
        if any(t in attrs.lower() for t in _DATA_TYPES):
            continue
        out.append("'sha256-" + base64.b64encode(hashlib.sha256(content).digest()).decode() + "'")
    return sorted(set(out))


def csp(script_sources: list[str], frame_ancestors: str) -> str:
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' " + " ".join(script_sources) if script_sources else "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {frame_ancestors}",
    ])


def init_app(server: Flask) -> None:
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    secure = os.environ.get("DRD_SECURE_COOKIES", "").strip().lower() in {"1", "true", "yes", "on"}
    # "*" alone does not match an http: page framing an http: one in Chromium: name the schemes
    embed_ancestors = os.environ.get("DRD_EMBED_ANCESTORS", "").strip() or "'self' http: https:"

    @server.before_request
    def _caps():
        if len(request.query_string) > MAX_QUERY:
            return _refuse(414, N_("the query string is longer than %(num)s bytes"), num=MAX_QUERY)
        if not read_capped(MAX_BODY):
            return _refuse(413, TOO_LARGE, num=MAX_BODY // 1024)
        return None

    @server.errorhandler(RequestEntityTooLarge)
    def _too_large(_exc):  # a body read past the cap anywhere: the same JSON 413 as the cap's
        return _refuse(413, TOO_LARGE, num=MAX_BODY // 1024)

    @server.after_request
    def _headers(response: Response) -> Response:
        embed = request.path.startswith(EMBED_PREFIX)
        scripts: list[str] = []
        if response.mimetype == "text/html" and not response.direct_passthrough:
            scripts = script_hashes(response.get_data())
        h = response.headers
        h.setdefault("Content-Security-Policy", csp(scripts, embed_ancestors if embed else "'none'"))
        if not embed:
            h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "no-referrer")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if secure:
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


TOO_LARGE = N_("the request body is larger than %(num)s KB")


def _refuse(status: int, message: str, **values) -> Response:
    """A JSON refusal; its prose (a catalogue template and its values) in the request's language."""
    response = jsonify({"error": i18n.gettext(message, **values), "status": status})
    response.status_code = status
    return response
