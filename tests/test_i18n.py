"""Languages (issue 15): the language in the URL, Accept-Language as default, `<html lang dir>`, the RTL
stylesheet for Arabic, links that keep the language, caches per language, and complete catalogues."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from dashboard import i18n

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = {lang: i18n.TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
              for lang in i18n.LANGUAGES if lang != i18n.DEFAULT}
HTML_TAG = re.compile(r"<html[^>]*>")


@pytest.fixture(scope="module")
def client(app_config):
    from dashboard import create_app
    return create_app(app_config).server.test_client()


def first_paint(body: str) -> str:
    start = body.index('<div id="drd-first-paint"')
    return body[start:body.index('<div id="react-entry-point"', start)]


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
            str(ROOT), method_map=[("dashboard/**.py", "python")], keywords=DEFAULT_KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_language_has_a_catalogue():
    assert set(CATALOGUES) == {p.parent.parent.name for p in i18n.TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")}


def test_template_is_up_to_date_with_the_code():
    """A string marked in the code but missing from messages.pot: run pybabel extract and update (README)."""
    template = {m.id if isinstance(m.id, str) else m.id[0] for m in load(i18n.TRANSLATIONS / "messages.pot") if m.id}
    assert code_messages() - template == set()
    assert template - code_messages() == set()


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
    mo = CATALOGUES[lang].with_suffix(".mo")
    assert mo.exists(), "run pybabel compile -d dashboard/translations"
    with mo.open("rb") as fh:
        compiled = {m.id: m.string for m in read_mo(fh) if m.id}
    assert compiled == {m.id: m.string for m in catalogue if m.id}, "the .mo is stale: run pybabel compile"



def test_callback_redirect_keeps_the_language(client):
    """A callback's answer (here the profile's country finder, a dcc.Location href) carries the page's lang."""
    payload = {"output": "country-find-nav.href", "outputs": {"id": "country-find-nav", "property": "href"},
               "inputs": [{"id": "country-find", "property": "value", "value": "LBN"}],
               "changedPropIds": ["country-find.value"], "state": []}
    answer = client.post("/_dash-update-component", json=payload, headers={i18n.HEADER: "ar"}).get_json()
    assert answer["response"]["country-find-nav"]["href"] == "/country/LBN?lang=ar"
    answer = client.post("/_dash-update-component", json=payload).get_json()
    assert answer["response"]["country-find-nav"]["href"] == "/country/LBN"
