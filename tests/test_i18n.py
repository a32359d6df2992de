"""Languages (issue 15): the language in the URL, Accept-Language as default, `<html lang dir>`, the RTL
stylesheet for Arabic, links that keep the language, caches per language, and complete catalogues."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from conftest import first_paint

from dashboard import i18n

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = {lang: i18n.TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
              for lang in i18n.LANGUAGES if lang != i18n.DEFAULT}
HTML_TAG = re.compile(r"<html[^>]*>")


@pytest.fixture(scope="module")
def client(app_config):
    from dashboard import create_app
    return create_app(app_config).server.test_client()


# --- which language a request is in -------------------------------------------------------------------

@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_first_response_has_lang_dir_and_stylesheet(client, lang):
    body = client.get(f"/methodology?lang={lang}").get_data(as_text=True)
    rtl = lang == "ar"
    assert HTML_TAG.search(body).group(0) == f'<html lang="{lang}" dir="{"rtl" if rtl else "ltr"}">'
    assert ("vendor/bootstrap.rtl.min.css?m=" in body) is rtl  # the mirrored Bootstrap: Arabic only
    assert ("vendor/bootstrap.min.css?m=" in body) is not rtl
    assert "Skip to content" in body if lang == "en" else "Skip to content" not in body


def test_accept_language_picks_the_default_and_the_url_wins(client):
    def lang_of(url, accept=None):
        body = client.get(url, headers={"Accept-Language": accept} if accept else {}).get_data(as_text=True)
        return HTML_TAG.search(body).group(0)

    assert lang_of("/") == '<html lang="en" dir="ltr">'
    assert lang_of("/", "fr-CA,fr;q=0.9,en;q=0.5") == '<html lang="fr" dir="ltr">'
    assert lang_of("/", "de-DE,ar-LB;q=0.8") == '<html lang="ar" dir="rtl">'  # first one offered we have
    assert lang_of("/", "de-DE") == '<html lang="en" dir="ltr">'
    assert lang_of("/?lang=ru", "fr") == '<html lang="ru" dir="ltr">'
    assert lang_of("/?lang=pt-BR") == '<html lang="pt" dir="ltr">'
    assert lang_of("/?lang=xx", "es") == '<html lang="es" dir="ltr">'  # an unknown one is ignored


def test_parse():
    assert [i18n.parse(c) for c in ("es", "es-CO", "pt_BR", "ZH-hans", "xx", "", None, 3)] == [
        "es", "es", "pt", "zh", None, None, None, None]


def test_answers_vary_by_accept_language(client):
    assert "Accept-Language" in client.get("/").headers.get("Vary", "")
    assert "Accept-Language" in client.get("/api/v1/methodology").headers.get("Vary", "")


# --- the language follows links, the layout and callbacks -----------------------------------------------

def hrefs(text: str) -> list[str]:
    return re.findall(r'href="([^"#]*)"', text)


def test_internal_links_keep_an_explicit_language(client):
    copy = first_paint(client.get("/country/COL?year=2021&lang=es").get_data(as_text=True))
    links = [h.replace("&amp;", "&") for h in hrefs(copy)]
    internal = [h for h in links if h.startswith("/")]
    assert "/?lang=es" in internal and "/methodology?lang=es" in internal
    assert all("lang=es" in h for h in internal), [h for h in internal if "lang=es" not in h]
    assert any(h.startswith("https://") and "lang=" not in h for h in links)  # publishers' links untouched
    # without an explicit language the links stay as they were: the reader's browser decides
    plain = [h for h in hrefs(first_paint(client.get("/country/COL?year=2021",
                                                     headers={"Accept-Language": "es"}).get_data(as_text=True)))]
    assert "/methodology" in plain and [h for h in plain if "lang=" in h and not h.startswith("?")] == []


def test_links_in_static_html_keep_an_explicit_language(client):
    """A StaticHtml part (the profile's cards, trend, tensions, the footer) is cached per language and
    shared by every visitor: an explicit ?lang= is added to its internal links on the way out only."""
    from dash import dcc, html

    from dashboard.components.static import static
    from dashboard.i18n import localise_html, localise_links
    part = static(html.P([dcc.Link("Method", href="/methodology?x=1&y=2"), html.A("V-Dem", href="https://v-dem.net")]))
    text = part.html
    assert 'href="/methodology?x=1&amp;y=2" data-drd-link="true"' in text
    localised = localise_links(part.to_plotly_json(), "es")["props"]["html"]
    assert 'href="/methodology?x=1&amp;y=2&amp;lang=es"' in localised and 'href="https://v-dem.net"' in localised
    assert localise_html(text, None) == text
    # in a real answer: the profile's year change in Arabic (the page's language sent as X-DRD-Lang)
    deps = client.get("/_dash-dependencies").json
    dep = next(d for d in deps if [i["id"] for i in d["inputs"]] == ["country-year"] and "country-cards" in d["output"])
    outs = [dict(zip(("id", "property"), p.rsplit(".", 1))) for p in dep["output"].strip(".").split("...")]
    r = client.post("/_dash-update-component", headers={i18n.HEADER: "ar"}, json={
        "output": dep["output"], "outputs": outs,
        "inputs": [{"id": "country-year", "property": "value", "value": 2020}],
        "state": [{"id": "country-iso3", "property": "data", "value": "COL"},
                  {"id": "country-drilldown", "property": "active_item", "value": None}],
        "changedPropIds": ["country-year.value"]})
    cards = r.get_json()["response"]["country-cards"]["children"]["props"]["html"]
    assert 'href="/methodology?lang=ar" data-drd-link="true"' in cards


def test_dash_layout_follows_the_page_language(client):
    """The script in the page sends the URL's lang as X-DRD-Lang with Dash's own requests."""
    layout = client.get("/_dash-layout", headers={i18n.HEADER: "zh"}).get_json()
    text = json.dumps(layout, ensure_ascii=False)
    assert "数字权利仪表板" in text and "跳到内容" in text
    assert '"href": "/methodology?lang=zh"' in text
    english = json.dumps(client.get("/_dash-layout").get_json())
    assert "Digital Rights Dashboard" in english and "/methodology?lang=" not in english


def test_the_shell_sends_the_language_header(client):
    body = client.get("/?lang=fr").get_data(as_text=True)
    assert f"headers.set('{i18n.HEADER}', lang)" in body
    assert body.index(i18n.HEADER) < body.index("dash_renderer")  # before Dash's first request


def test_language_menu_lists_every_language_in_its_own_name(client):
    copy = first_paint(client.get("/?lang=ar").get_data(as_text=True))
    assert "العربية" in copy  # the menu's label: the current language
    layout = json.dumps(client.get("/_dash-layout", headers={"Accept-Language": "id"}).get_json(),
                        ensure_ascii=False)
    for code, name in i18n.LANGUAGES.items():
        assert f'"href": "?lang={code}"' in layout and name in layout


def test_first_paint_cache_is_per_language(client):
    """The copy is cached per page address: a visitor in another language never gets the first one's."""
    spanish = first_paint(client.get("/trends?lang=es").get_data(as_text=True))
    english = first_paint(client.get("/trends").get_data(as_text=True))
    french = first_paint(client.get("/trends", headers={"Accept-Language": "fr"}).get_data(as_text=True))
    assert "Tendencias" in spanish and "Tendencias" not in english and "Tendencias" not in french
    assert ">Trends<" in english and "Tendances" in french


def test_rtl_stylesheet_is_the_same_bootstrap_version():
    vendor = ROOT / "assets" / "vendor"
    head = re.compile(r"Bootstrap\s+v(\d+\.\d+\.\d+)")
    ltr = head.search((vendor / "bootstrap.min.css").read_text()[:400]).group(1)
    rtl = head.search((vendor / "bootstrap.rtl.min.css").read_text()[:400]).group(1)
    assert ltr == rtl


def test_with_lang():
    assert i18n.with_lang("/country/COL?year=2021", "ar") == "/country/COL?year=2021&lang=ar"
    assert i18n.with_lang("/?lang=fr&year=2021", "ar") == "/?year=2021&lang=ar"
    assert i18n.with_lang("/compare?countries=COL,IDN", "es") == "/compare?countries=COL,IDN&lang=es"
    for href in ("https://v-dem.net/", "//cdn.example/x", "/assets/drd.css", "#main", "?lang=es"):
        assert i18n.with_lang(href, "es") == href
    assert i18n.with_lang("/methodology", None) == "/methodology"


# --- the catalogues ---------------------------------------------------------------------------------------

def load(path: Path):
    with path.open("rb") as fh:
        return read_po(fh)


def code_messages() -> set[str]:
    """Every msgid marked in the code (what `pybabel extract -F babel.cfg` finds)."""
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=[("dashboard/**.py", "python"), ("indicators/**.py", "python")],
            keywords=DEFAULT_KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_language_has_a_catalogue():
    assert set(CATALOGUES) == {p.parent.parent.name for p in i18n.TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")}


def test_template_is_up_to_date_with_the_code():
    """A string marked in the code but missing from messages.pot: run pybabel extract and update (README)."""
    template = {m.id if isinstance(m.id, str) else m.id[0] for m in load(i18n.TRANSLATIONS / "messages.pot") if m.id}
    assert code_messages() - template == set()
    assert template - code_messages() == set()


# counts a plural form may write as a word ("one request", Arabic's dual) instead of the number
COUNTS = {"num", "placed"}


@pytest.mark.parametrize("lang", sorted(CATALOGUES))
def test_catalogue_is_complete_and_compiled(lang):
    catalogue = load(CATALOGUES[lang])
    template = {m.id if isinstance(m.id, str) else m.id[0] for m in load(i18n.TRANSLATIONS / "messages.pot") if m.id}
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}
    assert template - ids == set(), "pybabel update was not run"
    untranslated = [m.id for m in catalogue if m.id and not (all(m.string) if isinstance(m.string, tuple)
                                                          else m.string)]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert untranslated == [] and fuzzy == []
    assert "AWAITING REVIEW BY NATIVE SPEAKERS" in catalogue.header_comment
    for message in catalogue:  # placeholders survive translation
        if message.id and isinstance(message.id, str):
            assert sorted(re.findall(r"%\(\w+\)s", message.id)) == sorted(re.findall(r"%\(\w+\)s", message.string))
        elif message.id:  # a plural: every form keeps the names; only a count may be written out as a word
            names = set(re.findall(r"%\((\w+)\)s", message.id[1]))
            for form in message.string:
                used = set(re.findall(r"%\((\w+)\)s", form))
                assert used <= names and names - used <= COUNTS, (message.id[0], form)
    mo = CATALOGUES[lang].with_suffix(".mo")
    assert mo.exists(), "run pybabel compile -d dashboard/translations"

    def key(value):
        return tuple(value) if isinstance(value, list) else value

    with mo.open("rb") as fh:
        compiled = {key(m.id): key(m.string) for m in read_mo(fh) if m.id}
    assert compiled == {key(m.id): key(m.string) for m in catalogue if m.id}, "the .mo is stale: run pybabel compile"



def test_callback_redirect_keeps_the_language(client):
    """A callback's answer (here the profile's country finder, a dcc.Location href) carries the page's lang."""
    payload = {"output": "country-find-nav.href", "outputs": {"id": "country-find-nav", "property": "href"},
               "inputs": [{"id": "country-find", "property": "value", "value": "LBN"}],
               "changedPropIds": ["country-find.value"], "state": []}
    answer = client.post("/_dash-update-component", json=payload, headers={i18n.HEADER: "ar"}).get_json()
    assert answer["response"]["country-find-nav"]["href"] == "/country/LBN?lang=ar"
    answer = client.post("/_dash-update-component", json=payload).get_json()
    assert answer["response"]["country-find-nav"]["href"] == "/country/LBN"


# --- the methodology's own words (data/methodology/translations.csv) --------------------------------------

@pytest.fixture(scope="module")
def server(app_config):
    from dashboard import create_app
    return create_app(app_config).server


@pytest.mark.parametrize("lang", [lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT])
def test_the_methodology_page_shows_every_translated_text_of_its_tables(server, lang):
    """Indicator names and descriptions, pillar questions, band labels, actors, the changelog's changes and
    reasons, excluded candidates and their reasons, sensitivity choices: each in the page's language."""
    from html import escape

    from dashboard import data
    from dashboard.pages import methodology as page
    with server.test_request_context(f"/methodology?lang={lang}"):
        text = page.layout().html
    meth = data.dataset().methodology
    words = meth.translated(lang)
    assert {t for t, _k, _f in words} == {"indicators", "pillars", "actors", "bands", "changelog", "excluded",
                                          "sensitivity"}
    assert [k for k, x in words.items() if escape(x, quote=False) not in text] == []
    english = meth.indicators["description"].iloc[0]
    assert escape(english, quote=False) not in text  # the English is not shown beside (or instead of) it
    assert escape(meth.changelog["reason"].iloc[0], quote=False) not in text


def test_a_contribution_s_why_is_in_the_profile_s_language(server):
    """The trend's per-indicator 'why' is the engine's English (CLI, API), translated where the profile shows it."""
    from dashboard import data, prerender
    from dashboard.pages.country import trend_section, trend_span
    from indicators.trend import STATUS_TEXT
    for iso3 in ("MOZ", "COL", "LBN", "UZB", "IDN"):
        moved = [c for c in data.trend(iso3, *trend_span(iso3))["contributions"]
                 if c["contribution"] and abs(c["contribution"]) >= 0.005][:5]
        shown = {c["status"] for c in moved} - {"changed"}  # the profile gives a 'why' for these
        if shown:
            break
    assert shown, "no pilot's trend explains a contribution: pick another example"
    with server.test_request_context(f"/country/{iso3}?lang=fr"):
        text = prerender.to_html(trend_section(iso3)).html
        french = {s: i18n.gettext(STATUS_TEXT[s]) for s in shown}
    for status in shown:
        assert french[status] != STATUS_TEXT[status] and f"({french[status]})" in text
        assert STATUS_TEXT[status] not in text


# --- every user-facing string in the pages and components is marked ---------------------------------------

SCANNED = sorted([*(ROOT / "dashboard" / "pages").glob("*.py"), *(ROOT / "dashboard" / "components").glob("*.py")])
COMPONENT_MODULES = {"html", "dbc", "dcc", "dag"}  # html.P("text"), dbc.Badge("text"), ...
HELPERS = {"ui"}  # ui.section("Title", ...), ui.alert("text"), ui.labelled("Label", ...)
TEXT_KEYWORDS = {"children", "title", "label", "placeholder", "header", "caption", "text", "alt", "message"}
TEXT_KEYS = {"label", "headerName", "headerTooltip", "title", "placeholder"}  # in option and column dicts
WORDS = re.compile(r"[^\W\d_]{2,}")
# Strings that are not prose in any language: codes, file types, names of things
NOT_PROSE = {"COL", "IDN", "CSV", "PNG", "SVG", "ISO3", "/ 6"}
# Still English, said plainly (README "Languages"): (file, function or "*" for the whole file). Remove an
# entry when its strings are marked; the test then holds that part to the rule too.
PENDING = {
}


def _is_identifier(text: str) -> bool:
    """An id, a class name, a CSS or URL fragment: no space and lower case, or an address."""
    return (" " not in text and text == text.lower()) or text.startswith(("/", "#", "http", "?"))


def _literals(node):
    """String literals in `node` that read as prose (letters, not an identifier), through lists, +, if-else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if WORDS.search(node.value) and not _is_identifier(node.value) and node.value.strip() not in NOT_PROSE:
            yield node
    elif isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        if WORDS.search(text) and not _is_identifier(text.strip() or "x"):
            yield node
    elif isinstance(node, (ast.List, ast.Tuple)):
        for element in node.elts:
            yield from _literals(element)
    elif isinstance(node, ast.BinOp):
        yield from _literals(node.left)
        yield from _literals(node.right)
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body)
        yield from _literals(node.orelse)


def unmarked_strings(path: Path) -> list[tuple[str, int, str]]:
    """(function, line, text) of every prose literal given to a component, a ui helper or an option label
    without _() around it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []

    def visit(node, function: str):
        for child in ast.iter_child_nodes(node):
            name = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute) and isinstance(
                    child.func.value, ast.Name) and child.func.value.id in COMPONENT_MODULES | HELPERS:
                candidates = list(child.args) + [k.value for k in child.keywords if k.arg in TEXT_KEYWORDS]
                for literal in (lit for c in candidates for lit in _literals(c)):
                    found.append((name, literal.lineno, ast.unparse(literal)[:80]))
            if isinstance(child, ast.Dict):
                for key, value in zip(child.keys, child.values):
                    if isinstance(key, ast.Constant) and key.value in TEXT_KEYS:
                        found.extend((name, lit.lineno, ast.unparse(lit)[:80]) for lit in _literals(value))
            visit(child, name)

    visit(tree, "<module>")
    return [f for f in found if (path.name, "*") not in PENDING and (path.name, f[0]) not in PENDING]


@pytest.mark.parametrize("path", SCANNED, ids=lambda p: p.name)
def test_user_facing_strings_are_marked(path):
    assert unmarked_strings(path) == []


def test_the_scan_finds_an_unmarked_string(tmp_path):
    """The scan itself: a plain literal is found, a marked one, an id and punctuation are not."""
    sample = tmp_path / "sample.py"
    sample.write_text('from dash import html\nfrom dashboard.i18n import _\n'
                      'def page():\n'
                      '    return html.Div([html.H1("Digital rights"), html.P(_("Marked")), html.Span(" · "),\n'
                      '                     html.Div(id="map-view", className="drd-view"),\n'
                      '                     ui.section(f"Scores in {1}"),\n'
                      '                     dcc.Dropdown(options=[{"label": "All regions", "value": "all"}])])\n')
    assert [(f, line) for f, line, _text in unmarked_strings(sample)] == [("page", 4), ("page", 6), ("page", 7)]


def test_no_translation_call_hides_inside_an_f_string():
    """pybabel does not look inside f-strings: f"<h2>{_('Findings')}</h2>" would never reach a catalogue."""
    hidden = []
    for path in (ROOT / "dashboard").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                for call in ast.walk(node):
                    if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in (
                            "_", "gettext", "ngettext", "N_"):
                        hidden.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert hidden == []


# --- the review service's pages a person reads (the sign-in page) ----------------------------------------

def translated(lang: str, text: str) -> str:
    from babel.support import Translations
    return Translations.load(str(i18n.TRANSLATIONS), [lang]).gettext(text)


def test_signin_page_follows_the_language(client):
    english = client.get("/signin").get_data(as_text=True)
    assert HTML_TAG.search(english).group(0) == '<html lang="en" dir="ltr">' and "Sign in to review" in english
    spanish = client.get("/signin", headers={"Accept-Language": "es-CO,es;q=0.9"})
    body = spanish.get_data(as_text=True)
    assert HTML_TAG.search(body).group(0) == '<html lang="es" dir="ltr">'
    assert spanish.headers["Content-Language"] == "es" and "Accept-Language" in spanish.headers["Vary"]
    assert "Inicie sesión para revisar" in body and "Contraseña" in body and "Sign in to review" not in body
    assert 'action="/signin"' in body  # a language from the browser is not written into links
    arabic = client.get("/signin?next=/review%3Fcountry%3DLBN&lang=ar").get_data(as_text=True)
    assert HTML_TAG.search(arabic).group(0) == '<html lang="ar" dir="rtl">'
    assert "vendor/bootstrap.rtl.min.css" in arabic and "vendor/bootstrap.min.css" not in arabic
    assert translated("ar", "Sign in to review") in arabic and "Sign in" not in arabic
    assert 'action="/signin?lang=ar"' in arabic and 'class="navbar-brand" href="/?lang=ar"' in arabic
    assert 'href="/signin?next=%2Freview%3Fcountry%3DLBN&amp;lang=fr" lang="fr" hreflang="fr"' in arabic
    assert 'value="/review?country=LBN"' in arabic  # the page to return to, unchanged


def test_signin_errors_and_redirects_keep_the_language(client):
    guard = client.get("/review?country=LBN&lang=ru")
    assert guard.status_code == 302
    assert guard.headers["Location"].startswith("/signin?next=") and guard.headers["Location"].endswith("lang=ru")
    form = client.get("/signin?lang=fr").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    wrong = client.post("/signin?lang=fr", data={"name": "nobody", "password": "x", "csrf": csrf, "next": "/review"})
    assert wrong.status_code == 401
    assert "Nom d’utilisateur inconnu ou mot de passe erroné." in wrong.get_data(as_text=True)
    expired = client.post("/signin", data={"name": "nobody", "password": "x", "csrf": "forged"},
                          headers={"Accept-Language": "zh"})
    assert expired.status_code == 400 and "表单已过期，请重新登录。" in expired.get_data(as_text=True)
    english = client.post("/signin", data={"name": "nobody", "password": "x", "csrf": "forged"})
    assert "The form expired; please sign in again." in english.get_data(as_text=True)


def test_raw_values_use_the_minus_sign_and_dash_that_changes_use(client):
    """The profile's drill-down and its "what moved it" list write a raw value beside a change (−0.41):
    the same minus sign, not a hyphen, and the same dash for no value."""
    from dashboard.components.drilldown import num
    with client.application.test_request_context("/?lang=fr"):
        assert [num(v) for v in (None, float("nan"), -1.234, 2.5, -3e7, 0)] == \
            ["–", "–", "−1,234", "2,5", "−30\u202f000\u202f000", "0"]
    with client.application.test_request_context("/?lang=en"):
        assert num(-0.5) == "−0.5" and num(1234.5678) == "1235"


def test_review_grid_scales_follow_the_language_and_keep_the_publishers_units(client):
    """The raw value on its scale: the words and numbers in the language, the unit as the publisher wrote it."""
    from dashboard.review.present import country_page, value_text
    cases = [(3, "FIW item score (0-4)", None), (1.25, "V-Dem estimate (about -4..3)", None),
             (62.5, "% of population", None), (None, "FIW item score (0-4)", None)]
    expected = {"en": ["3 on 0–4 (FIW item score)", "1.25 on about −4 to 3 (V-Dem estimate)", "62.5 % of population",
                       "no data"],
                "fr": ["3 sur une échelle de 0–4 (FIW item score)",
                       "1,25 sur une échelle d’environ −4 à 3 (V-Dem estimate)", "62,5 % of population",
                       "pas de données"]}
    for lang, texts in expected.items():
        with client.application.test_request_context(f"/?lang={lang}"):
            assert [value_text(v, u, m) for v, u, m in cases] == texts
    with client.application.test_request_context("/?lang=es"):
        assert value_text(-1.5, "(about -4..3)") == "−1,5 en una escala de aproximadamente −4 a 3"
        page = country_page({"publisher": "V-Dem Institute", "url": "https://v-dem.net"}, "COL", "Colombia", 2021)
        assert page["label"] == "V-Dem Institute (página del conjunto de datos; no hay página por país)"


def test_embed_page_follows_the_language(client):
    """/embed (the snippet's page) in the reader's language: <html lang dir>, its words and the source line."""
    english = client.get("/embed/pillars?country=COL&year=2021&code=1").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in english and "Embed this chart" in english
    arabic = client.get("/embed/pillars?country=COL&year=2021&code=1&lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in arabic
    assert translated("ar", "Embed this chart") in arabic and "Embed this chart" not in arabic
    assert translated("ar", "PNG for print") in arabic and "Scale 1-6" not in arabic
    spanish = client.get("/embed/pillars?country=COL&year=2021&lang=es").get_data(as_text=True)
    assert "Fuente" in spanish  # the chart's source line, found in any language
    assert "/download/chart/pillars.svg?country=COL&amp;year=2021&amp;lang=es" in spanish  # the image too


def test_chart_image_notes_follow_the_language(client):
    """The lines a downloaded chart image gains (scale, year) are in its language, like the chart."""
    from dashboard.exports import images
    with client.application.test_request_context("/download/chart/pillars.png?country=COL&year=2021&lang=es"):
        params = {"country": "COL", "year": "2021"}
        fig = images.print_ready(images.build_chart("pillars", params), "pillars", params)
        notes = " ".join(a.text or "" for a in fig.layout.annotations)
    assert translated("es", images.SCALE_NOTE) in notes and "Scale 1-6" not in notes
    assert fig.layout.annotations[-2].font.size == images.SOURCE_FONT  # the source line, found in Spanish
