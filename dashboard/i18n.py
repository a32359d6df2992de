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
import html as html_lib
import json
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import flask
import flask_babel
from babel import core as babel_core
from babel import lists as babel_lists
from babel import numbers as babel_numbers
from flask_babel import Babel

from indicators.text import Sentence

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

def _babel_here() -> bool:
    """Whether Flask-Babel can answer: inside the dashboard's app (not outside a request, nor in a bare Flask
    app a test builds around one blueprint)."""
    return flask.has_app_context() and "babel" in flask.current_app.extensions


def gettext(string: str, **variables) -> str:
    """`string` in the request's language (Flask-Babel), `%(name)s` placeholders filled; English elsewhere."""
    if _babel_here():
        return flask_babel.gettext(string, **variables)
    return string % variables if variables else string


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    if _babel_here():
        return flask_babel.ngettext(singular, plural, num, **variables)
    variables.setdefault("num", num)
    return (singular if num == 1 else plural) % variables


_ = gettext


def N_(text: str) -> str:  # noqa: N802 - the gettext convention for "extract this, translate later"
    """Marks a string for extraction where it must stay English until shown (e.g. a registry name)."""
    return text


def localise(text) -> str:
    """A message in the request's language: an `indicators.text.Sentence` (an API error's prose, a review
    validation message) from its template and values; an exception that keeps one (dashboard.params'
    ParamError with its parameter's name in front, the review service's ReviewError) likewise; any other
    text as it is (None as "")."""
    if isinstance(text, Exception):
        if hasattr(text, "localised"):
            return text.localised(localise)
        return localise(getattr(text, "sentence", None) or str(text))
    if isinstance(text, Sentence):
        if text.parts is not None:
            return text.separator.join(localise(part) for part in text.parts)
        if not text.values:
            return gettext(text.template)
        return gettext(text.template, **{k: localise(v) if isinstance(v, Sentence) else v
                                          for k, v in text.values.items()})
    return "" if text is None else str(text)


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
    if not _babel_here():
        return DEFAULT
    locale = flask_babel.get_locale()
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
        return {k: (with_lang(v, lang) if k == "href" else localise_html(v, lang) if k == "html" and isinstance(
            v, str) else localise_links(v, lang)) for k, v in node.items()}
    if isinstance(node, list):
        return [localise_links(v, lang) for v in node]
    return node


_HREF = re.compile(r'href="([^"]*)"')


def localise_html(text: str, lang: str | None) -> str:
    """The internal hrefs of HTML written by dashboard.prerender (a StaticHtml's `html`) given `lang`."""
    if not lang:
        return text
    return _HREF.sub(lambda m: 'href="' + html_lib.escape(with_lang(html_lib.unescape(m[1]), lang), quote=True)
                     + '"', text)


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
        inner = getattr(node, "tree", None)  # a StaticHtml's components (components/static.py)
        if inner is not None:
            node.tree = [localise_tree(t, lang) for t in inner] if isinstance(inner, list) else localise_tree(
                inner, lang)
    return tree


# --- CLDR formatting (Babel) ------------------------------------------------------------------------------

def number(value, digits: int = 2, lang: str | None = None, grouped: bool = False) -> str:
    """`value` with `digits` decimals as the language writes it: 4.15 in English, 4,15 in Spanish;
    `grouped` adds the language's thousands separator (1,000; 1 000; 1000 where CLDR groups from 10 000)."""
    fmt = ("#,##0" if grouped else "0") + ("." + "0" * digits if digits else "")
    return babel_numbers.format_decimal(value, format=fmt, locale=lang or current())


def signed(value, digits: int = 2, lang: str | None = None) -> str:
    """A change with its sign: +0.95, −0,41 (the minus sign, not a hyphen), ±0.00 for a change that rounds
    to zero, "–" for none (indicators.trend.signed's rules, in the language's number style)."""
    if value is None or value != value:
        return "–"
    value = round(float(value), digits)
    return ("+" if value > 0 else "−" if value < 0 else "±") + number(abs(value), digits, lang)


def measured(value, digits: int = 4, lang: str | None = None) -> str:
    """A raw value as its publisher gives it, in the language's number style: `digits` significant
    digits (whole and grouped from a million), the true minus sign that signed() uses, "–" for none:
    −1.2 beside a change of −0.41, never -1.2."""
    try:
        value = float(value)
    except (TypeError, ValueError):  # None, pandas' NA
        return "–"
    if value != value:
        return "–"
    if abs(value) >= 1e6:
        text = babel_numbers.format_decimal(round(value), locale=lang or current())
    else:
        text = f"{value:.{digits}g}"
        if "e" in text:  # far outside any scale: as Python writes it
            return text.replace("-", "−")
        text = babel_numbers.format_decimal(float(text), format="0.######", locale=lang or current())
    return "−" + text[1:] if text.startswith("-") else text


def percent(value, lang: str | None = None) -> str:
    """A share as a whole percentage in the language's style: 67%, 67 % (French)."""
    return babel_numbers.format_percent(value, locale=lang or current())


# --- names: countries from CLDR (Babel), regions from the catalogues -------------------------------------

# ISO 3166 alpha-3 codes CLDR's alias table lacks (user-assigned codes), mapped to CLDR's territory code
EXTRA_TERRITORIES = {"XKX": "XK"}  # Kosovo (World Bank's code; CLDR names it XK)
# The World Bank regions of data/countries.csv: CLDR has no such groupings, so they are catalogue entries
REGIONS = {
    "East Asia & Pacific": N_("East Asia & Pacific"),
    "Europe & Central Asia": N_("Europe & Central Asia"),
    "Latin America & Caribbean": N_("Latin America & Caribbean"),
    "Middle East & North Africa": N_("Middle East & North Africa"),
    "North America": N_("North America"),
    "South Asia": N_("South Asia"),
    "Sub-Saharan Africa": N_("Sub-Saharan Africa"),
}


def territory(iso3: str) -> str | None:
    """CLDR's two-letter territory code for an ISO 3166 alpha-3 code (COL -> CO), None if it has none."""
    code = (iso3 or "").upper()
    if code in EXTRA_TERRITORIES:
        return EXTRA_TERRITORIES[code]
    alias = babel_core.get_global("territory_aliases").get(code)
    return alias[0] if alias and len(alias[0]) == 2 else None


def country_name(iso3: str, english: str | None = None, lang: str | None = None) -> str:
    """The country's name in the language, from CLDR; English (data/countries.csv's name) stays the
    fallback for a code CLDR does not name, and is what English shows (the data's own spelling)."""
    lang = lang or current()
    if lang == DEFAULT and english:
        return english
    code = territory(iso3)
    name = babel_core.Locale.parse(lang).territories.get(code) if code else None
    return name or english or iso3


def region_name(region: str | None) -> str:
    """A World Bank region's name in the request's language (unknown names are shown as they are)."""
    if not region:
        return region or ""
    return gettext(REGIONS[region]) if region in REGIONS else region


def join(items, lang: str | None = None) -> str:
    """A list as the language writes it, from CLDR: "a, b, and c", "a, b y c", "a وb وc", "a、b和c"."""
    items = [str(i) for i in items]
    return babel_lists.format_list(items, style="standard", locale=lang or current()) if items else ""


def separators(lang: str | None = None) -> str:
    """Plotly's `separators` (decimal mark, then thousands mark) for the language, from CLDR."""
    lang = lang or current()
    return babel_numbers.get_decimal_symbol(lang) + babel_numbers.get_group_symbol(lang)


# --- the methodology's words (data/methodology/translations.csv, validated by indicators/) --------------

# fixed labels the engine writes where a score has no band (indicators.drilldown): shown through _()
FIXED_LABELS = (N_("No corporate evidence"), N_("Not rated: a condition, not an actor"), N_("No data"))
_methodology_cache: dict = {}  # (id of the methodology, lang) -> {(table, key, field): text}; no visitor data


def methodology(table: str, key, field: str, english: str, lang: str | None = None) -> str:
    """A methodology table's text (an indicator's name, a pillar's question, a band label) in the language;
    the English of the table itself in English (and where a table row is newer than its translations)."""
    lang = lang or current()
    if lang == DEFAULT:
        return english
    from . import data  # here: dashboard.data imports nothing of this module, but keep the import light
    meth = data.dataset().methodology
    cache_key = (id(meth), lang)
    if cache_key not in _methodology_cache:
        if len(_methodology_cache) > 4 * len(LANGUAGES):
            _methodology_cache.clear()
        _methodology_cache[cache_key] = meth.translated(lang)
    return _methodology_cache[cache_key].get((table, str(key), field)) or english


def band_label(node: str, band, english: str, lang: str | None = None) -> str:
    """The label of band `band` of `node` (a pillar or overall) in the language."""
    return methodology("bands", f"{node}:{int(band)}", "label", english, lang)


def label(text: str | None) -> str:
    """A label as the engine wrote it, shown in the language: the fixed ones (no data, no corporate
    evidence) from the catalogues; a band label already translated passes through."""
    return gettext(text) if text in FIXED_LABELS else (text or "")


def node_label(node: str, text: str | None, lang: str | None = None) -> str:
    """A label of node `node` as the engine wrote it (its band's English label, or a fixed one), in the
    language: the band is found by its English label in methodology/bands.csv."""
    if not text or text in FIXED_LABELS:
        return label(text)
    from . import data
    bands = data.dataset().methodology.bands
    for base in (str(node).split(".")[0], "overall"):  # actor nodes use the overall labels
        hit = bands[(bands["node"] == base) & (bands["label"] == text)]
        if len(hit):
            return band_label(base, int(hit["band"].iloc[0]), text, lang)
    return text
