"""Browser sign-in and sign-out (plain Flask routes) and the guard that sends visitors of /review there.

The sign-in form carries a per-session CSRF token; sign-out is a POST with the same token. `next` is
only ever a local path, so the form cannot be used to bounce users to another site. The page is in the
request's language as the Dash pages are (dashboard.i18n: `?lang=`, else Accept-Language), right to left in
Arabic; an explicit `lang` is kept by the form, its links and the redirects.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote, urlparse

from flask import Blueprint, redirect, request

from .. import i18n
from ..i18n import N_
from . import auth

bp = Blueprint("review_web", __name__)
PROTECTED = ("/review",)


def _local(target: str | None) -> str:
    target = target or "/review"
    parts = urlparse(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/review"
    return target


def _text(template: str, **parts) -> str:
    """A catalogue sentence (marked with N_) as HTML: the sentence escaped, then each `%(name)s` filled with
    `parts`' HTML (already escaped by the caller), so a translation can place a link or a name anywhere."""
    marks = {name: f"\x00{name}\x00" for name in parts}
    text = escape(i18n.gettext(template, **marks) if parts else i18n.gettext(template), quote=False)
    for name, markup in parts.items():
        text = text.replace(marks[name], markup)
    return text


def _language_links(next_url: str, lang: str) -> str:
    """The sign-in page in each language (a full page load, as the navbar's menu does)."""
    links = []
    for code, own_name in i18n.LANGUAGES.items():
        href = escape(i18n.with_lang(f"/signin?next={quote(next_url, safe='/')}", code))
        current = ' aria-current="page"' if code == lang else ""
        # d-inline-block py-1: 29 px high in the small print, for fingers (WCAG 2.5.8 asks 24 px at least)
        links.append(f'<li class="list-inline-item"><a class="d-inline-block py-1" href="{href}" lang="{code}"'
                     f' hreflang="{code}"{current}>{escape(own_name)}</a></li>')
    return "".join(links)


def signin_html(next_url: str, error: str = "", name: str = "") -> str:
    """The sign-in page in the request's language (dashboard.i18n: `?lang=`, else Accept-Language), right to
    left with Bootstrap's RTL stylesheet in Arabic; an explicit `lang` is kept by the form and its links."""
    lang, explicit = i18n.current(), i18n.url_language()
    stylesheet = "bootstrap.rtl.min.css" if i18n.direction(lang) == "rtl" else "bootstrap.min.css"
    alert = f'<div class="alert alert-danger" role="alert">{escape(error)}</div>' if error else ""
    user = auth.session_user()
    signed = ('<p class="text-muted">' + _text(N_("Signed in as %(name)s (%(role)s)."),
                                                name=f"<strong>{escape(user.name)}</strong>",
                                                role=escape(i18n.gettext(user.role))) + "</p>"
              if user else "")  # the role's words: N_() in dashboard/pages/review.py
    home = escape(i18n.with_lang("/", explicit))
    title, brand = escape(i18n.gettext("Sign in")), escape(i18n.gettext("Digital Rights Dashboard"))
    heading, submit = escape(i18n.gettext("Sign in to review")), escape(i18n.gettext("Sign in"))
    dashboard = escape(i18n.gettext("dashboard"))
    intro = _text(N_("Expert review is for panel members with an account. Everyone else can read every score and "
                     "its sources on the %(dashboard)s."), dashboard=f'<a href="{home}">{dashboard}</a>')
    user_label, password_label = escape(i18n.gettext("User name")), escape(i18n.gettext("Password"))
    skip, languages = escape(i18n.gettext("Skip to content")), escape(i18n.gettext("Language"))
    action = escape(i18n.with_lang("/signin", explicit))
    return f"""<!doctype html>
<html lang="{lang}" dir="{i18n.direction(lang)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · {brand}</title>
<link rel="stylesheet" href="/assets/vendor/{stylesheet}"></head>
<body>
<a class="visually-hidden-focusable" href="#main">{skip}</a>
<nav class="navbar navbar-dark bg-dark mb-4"><div class="container-fluid">
<a class="navbar-brand" href="{home}">{brand}</a></div></nav>
<main id="main" class="container" style="max-width: 28rem">
<h1 class="h3 mb-3">{heading}</h1>
<p>{intro}</p>
{signed}{alert}
<form method="post" action="{action}" autocomplete="on">
<input type="hidden" name="csrf" value="{escape(auth.csrf_token())}">
<input type="hidden" name="next" value="{escape(next_url)}">
<div class="mb-3"><label class="form-label" for="signin-name">{user_label}</label>
<input class="form-control" id="signin-name" name="name" autocomplete="username" required value="{escape(name)}"></div>
<div class="mb-3"><label class="form-label" for="signin-password">{password_label}</label>
<input class="form-control" id="signin-password" name="password" type="password"
 autocomplete="current-password" required></div>
<button class="btn btn-primary" id="signin-submit" type="submit">{submit}</button>
</form>
<nav class="mt-5 small" aria-label="{languages}"><h2 class="h6">{languages}</h2>
<ul class="list-inline" id="signin-languages">{_language_links(next_url, lang)}</ul></nav>
</main></body></html>"""


def _page(body: str, status: int = 200):
    # CSP, X-Frame-Options and the other security headers: dashboard.security, as on every page
    return body, status, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
                          "Content-Language": i18n.current()}


@bp.get("/signin")
def signin_form():
    return _page(signin_html(_local(request.args.get("next"))))


@bp.post("/signin")
def signin_post():
    next_url = _local(request.form.get("next"))
    name = (request.form.get("name") or "").strip()[:64]
    if not auth.csrf_ok(request.form.get("csrf")):
        return _page(signin_html(next_url, i18n.gettext("The form expired; please sign in again."), name), 400)
    try:
        user = auth.login(auth.store(), name, request.form.get("password") or "", request.remote_addr or "")
    except auth.TooManyAttempts as exc:
        minutes = exc.retry_after // 60 + 1
        page = _page(signin_html(next_url, i18n.ngettext("Too many wrong passwords: try again in %(num)s minute.",
                                                         "Too many wrong passwords: try again in %(num)s minutes.",
                                                         minutes), name), 429)
        return page[0], page[1], page[2] | {"Retry-After": str(exc.retry_after)}
    if user is None:
        return _page(signin_html(next_url, i18n.gettext("Unknown user name or wrong password."), name), 401)
    auth.sign_in(user)
    return redirect(i18n.with_lang(next_url, i18n.url_language()), code=303)


@bp.post("/signout")
def signout():
    if auth.csrf_ok(request.form.get("csrf")):
        auth.sign_out()
    return redirect(i18n.with_lang("/", i18n.url_language()), code=303)


def guard():
    """before_request: a full page load of /review without a session goes to the sign-in page."""
    if request.method == "GET" and request.path.rstrip("/") in PROTECTED and auth.session_user() is None:
        target = request.full_path.rstrip("?")  # the whole target, query included
        signin = i18n.with_lang(f"/signin?next={quote(target, safe='/')}", i18n.url_language())
        return redirect(signin, code=302)
    return None
