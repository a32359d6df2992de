"""Browser sign-in and sign-out (plain Flask routes) and the guard that sends visitors of /review there.

The sign-in form carries a per-session CSRF token; sign-out is a POST with the same token. `next` is
only ever a local path, so the form cannot be used to bounce users to another site.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote, urlparse

from flask import Blueprint, redirect, request

from . import auth

bp = Blueprint("review_web", __name__)
PROTECTED = ("/review",)


def _local(target: str | None) -> str:
    target = target or "/review"
    parts = urlparse(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/review"
    return target


def signin_html(next_url: str, error: str = "", name: str = "") -> str:
    alert = f'<div class="alert alert-danger" role="alert">{escape(error)}</div>' if error else ""
    user = auth.session_user()
    signed = (f'<p class="text-muted">Signed in as <strong>{escape(user.name)}</strong> ({escape(user.role)}).</p>'
              if user else "")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Digital Rights Dashboard</title>
<link rel="stylesheet" href="/assets/vendor/bootstrap.min.css"></head>
<body>
<nav class="navbar navbar-dark bg-dark mb-4"><div class="container-fluid">
<a class="navbar-brand" href="/">Digital Rights Dashboard</a></div></nav>
<main id="main" class="container" style="max-width: 28rem">
<h1 class="h3 mb-3">Sign in to review</h1>
<p>Expert review is for panel members with an account. Everyone else can read every score and its sources
on the <a href="/">dashboard</a>.</p>
{signed}{alert}
<form method="post" action="/signin" autocomplete="on">
<input type="hidden" name="csrf" value="{escape(auth.csrf_token())}">
<input type="hidden" name="next" value="{escape(next_url)}">
<div class="mb-3"><label class="form-label" for="signin-name">User name</label>
<input class="form-control" id="signin-name" name="name" autocomplete="username" required value="{escape(name)}"></div>
<div class="mb-3"><label class="form-label" for="signin-password">Password</label>
<input class="form-control" id="signin-password" name="password" type="password"
 autocomplete="current-password" required></div>
<button class="btn btn-primary" id="signin-submit" type="submit">Sign in</button>
</form></main></body></html>"""


def _page(body: str, status: int = 200):
    # CSP, X-Frame-Options and the other security headers: dashboard.security, as on every page
    return body, status, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}


@bp.get("/signin")
def signin_form():
    return _page(signin_html(_local(request.args.get("next"))))


@bp.post("/signin")
def signin_post():
    next_url = _local(request.form.get("next"))
    name = (request.form.get("name") or "").strip()[:64]
    if not auth.csrf_ok(request.form.get("csrf")):
        return _page(signin_html(next_url, "The form expired; please sign in again.", name), 400)
    try:
        user = auth.login(auth.store(), name, request.form.get("password") or "", request.remote_addr or "")
    except auth.TooManyAttempts as exc:
        page = _page(signin_html(next_url, f"Too many wrong passwords: try again in {exc.retry_after // 60 + 1} "
                                           "minute(s).", name), 429)
        return page[0], page[1], page[2] | {"Retry-After": str(exc.retry_after)}
    if user is None:
        return _page(signin_html(next_url, "Unknown user name or wrong password.", name), 401)
    auth.sign_in(user)
    return redirect(next_url, code=303)


@bp.post("/signout")
def signout():
    if auth.csrf_ok(request.form.get("csrf")):
        auth.sign_out()
    return redirect("/", code=303)


def guard():
    """before_request: a full page load of /review without a session goes to the sign-in page."""
    if request.method == "GET" and request.path.rstrip("/") in PROTECTED and auth.session_user() is None:
        target = request.full_path.rstrip("?")
        return redirect(f"/signin?next={quote(target, safe='/')}", code=302)  # the whole target, query included
    return None
