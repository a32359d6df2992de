"""Languages: which one a request is in, the gettext catalogues (Flask-Babel) and CLDR formatting (Babel).

**The language is in the URL, as `?lang=es`** (one of LANGUAGES; `es-CO`, `pt_BR` and `zh-Hans` mean their
base language). Without it the browser's `Accept-Language` picks one, else English. A shared link with
`lang` opens in the sender's language; a link without it in the reader's. Why a query parameter rather
than a path prefix (`/es/country/COL`): Dash's router, the pages' own URL sync (components/ui.url_sync),
the downloads and the API all read query parameters already, so `lang` is one more of them and no route
changes.

How the language follows a visitor around:
- the first response (dashboard/shell.py) sets `<html lang dir>`, the Bootstrap stylesheet (the RTL one
  for Arabic) and renders the first-paint copy in the language;
- a small script in that page adds the URL's `lang` to the app's own requests (Dash's layout and
  callbacks) as the `X-DRD-Lang` header, so callbacks answer in the page's language; without it they use
  Accept-Language like the page did;
- internal links (`/...` hrefs: dcc.Link, html.A, NavLink, download links, a callback's redirect) get the
  `lang` of an explicit-language page added (`localise_links`, applied to the Dash layout and callback
  answers and to the first-paint copy), and url_sync keeps `lang` in the address bar.

Nothing here is module-level state about a visitor: the language lives on the request (Flask-Babel keeps
it on `flask.g`), and every cache that holds rendered text has the language in its key.

Catalogues: `dashboard/translations/<lang>/LC_MESSAGES/messages.po`, extracted by `pybabel` with
`babel.cfg` (keywords `_`, `gettext`, `ngettext`, `N_`). The compiled `.mo` files are committed beside
them (so a fresh clone needs no build step); tests/test_i18n.py fails when a `.mo` is older than its `.po`
in content, or when a catalogue has an untranslated or fuzzy entry.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import flask
import flask_babel
from flask_babel import Babel

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
DEFAULT = "en"
# code -> the language's own name (what the menu shows), in the order of the menu
LANGUAGES = {
    "en": "English",
    "es": "Español",
    "fr": "Français",
    "ar": "العربية",
    "ru": "Русский",
    "zh": "中文",
    "pt": "Português",
    "id": "Bahasa Indonesia",
}
RTL = frozenset({"ar"})
HEADER = "X-DRD-Lang"
PARAM = "lang"
# internal addresses that are not pages, files or API answers: never given a lang
_NO_LANG_PREFIXES = ("/assets/", "/_dash-", "/_reload-hash", "/_favicon")

gettext = flask_babel.gettext
ngettext = flask_babel.ngettext
_ = gettext


def N_(text: str) -> str:  # noqa: N802 - the gettext convention for "extract this, translate later"
    """Marks a string for extraction where it must stay English until shown (e.g. a registry name)."""
    return text


def parse(code) -> str | None:
    """A supported language code from `code` ("es", "es-CO", "pt_BR", "ZH-hans"), else None."""
    if not isinstance(code, str):
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def url_language() -> str | None:
    """The language the request names explicitly: `?lang=` on a page or file, the X-DRD-Lang header
    (the page's `lang`) on the app's own requests. None when it names none (or an unknown one)."""
    if not flask.has_request_context():
        return None
    request = flask.request
    return parse(request.args.get(PARAM)) or parse(request.headers.get(HEADER))


def select_locale() -> str:
    """Flask-Babel's locale selector: the URL's language, else the best of Accept-Language, else English."""
    explicit = url_language()
    if explicit:
        return explicit
    best = flask.request.accept_languages.best_match(list(LANGUAGES)) if flask.has_request_context() else None
    if best:
        return parse(best) or DEFAULT
    for value, _quality in (flask.request.accept_languages if flask.has_request_context() else []):
        if parse(value):  # "es-CO" when the header offers only regional variants
            return parse(value)
    return DEFAULT


def current() -> str:
    """The language of the request being answered ("en" outside a request)."""
    locale = flask_babel.get_locale() if flask.has_app_context() else None
    return parse(str(locale)) if locale is not None else DEFAULT


def direction(lang: str | None = None) -> str:
    return "rtl" if (lang or current()) in RTL else "ltr"


def init_app(server: flask.Flask) -> None:
    """Flask-Babel on the server, and internal links in Dash's answers carrying an explicit language."""
    Babel(server, locale_selector=select_locale, default_translation_directories=str(TRANSLATIONS))

    @server.after_request
    def _localise_dash_answers(response: flask.Response) -> flask.Response:
        lang = url_language()
        if (lang and response.status_code == 200 and response.mimetype == "application/json"
                and not response.direct_passthrough
                and flask.request.path.startswith(("/_dash-layout", "/_dash-update-component"))):
            body = json.loads(response.get_data())
            response.set_data(json.dumps(localise_links(body, lang), separators=(",", ":")))
        if not flask.request.path.startswith(("/assets/", "/_dash-component-suites/")):
            response.vary.add("Accept-Language")
        return response


def internal(href) -> bool:
    return (isinstance(href, str) and href.startswith("/") and not href.startswith("//")
            and not href.startswith(_NO_LANG_PREFIXES))


def with_lang(href: str, lang: str | None) -> str:
    """`href` with `lang=` set (an internal address only, and only when `lang` is given)."""
    if not lang or not internal(href):
        return href
    parts = urlsplit(href)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != PARAM]
    query.append((PARAM, lang))
    return urlunsplit(parts._replace(query=urlencode(query, safe=",")))


def localise_links(node, lang: str | None):
    """Every internal `href` in a JSON-like tree (Dash's layout / callback answer) given `lang`."""
    if not lang:
        return node
    if isinstance(node, dict):
        return {k: (with_lang(v, lang) if k == "href" else localise_links(v, lang)) for k, v in node.items()}
    if isinstance(node, list):
        return [localise_links(v, lang) for v in node]
    return node


def localise_tree(tree, lang: str | None):
    """The same for a Dash component tree (the first-paint copy): a copy, since a layout may hold shared
    module-level components that must never keep one visitor's language."""
    if not lang or tree is None:
        return tree
    tree = copy.deepcopy(tree)
    nodes = [tree] + list(tree._traverse()) if hasattr(tree, "_traverse") else []  # noqa: SLF001
    for node in nodes:
        href = getattr(node, "href", None)
        if internal(href):
            node.href = with_lang(href, lang)
    return tree
