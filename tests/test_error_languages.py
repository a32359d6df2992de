# ruff: noqa: F811  (pytest fixtures imported from review_fixtures, then requested by name)
"""API error messages in the reader's language (issue 15): the JSON error bodies keep their machine fields
(`status`, `parameter`) the same in every language, and the prose of `error` follows `?lang=` or
Accept-Language (default English): the open-data API and downloads, and the review API, whose validation
messages the review page shows too."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from flask import Flask

sys.path.insert(0, str(Path(__file__).resolve().parent / "review"))
from review_fixtures import REVIEW, basic, people  # noqa: E402, F401 (fixtures)

from dashboard import i18n  # noqa: E402
from dashboard.params import ParamError  # noqa: E402


@pytest.fixture(scope="module")
def client(app_config):
    from dashboard import create_app
    return create_app(app_config).server.test_client()


def _answer(client, url, **headers):
    r = client.get(url, headers=headers)
    return r.status_code, r.json, r.headers.get("Content-Language")


@pytest.mark.parametrize(("url", "parameter", "english", "spanish", "arabic"), [
    ("/api/v1/scores?year=1800", "year", "year: 1800 is not a scored year ({range})",
     "year: 1800 no es un año puntuado ({range})", "year: 1800 ليست سنة مقيَّمة ({range})"),
    ("/api/v1/countries/XYZ", "country", "country: 'XYZ' is not a known country code",
     "country: 'XYZ' no es un código de país conocido", "country: 'XYZ' ليس رمز بلد معروفًا"),
    ("/download/scores.doc?year=2021", "format", "format: format 'doc' is not one of csv, xlsx, geojson, gpkg",
     "format: el formato 'doc' no es uno de estos: csv, xlsx, geojson, gpkg",
     "format: الصيغة 'doc' ليست من الصيغ csv, xlsx, geojson, gpkg"),
    ("/api/v1/nothing", "path", "path: /api/v1/nothing is not an API route: see /api/v1/openapi.json",
     "path: /api/v1/nothing no es una ruta de la API: vea /api/v1/openapi.json",
     "path: /api/v1/nothing ليس مسارًا في واجهة البرمجة: راجع /api/v1/openapi.json"),
    ("/download/scores.geojson?year=2021&level=indicator", "level",
     "level: GIS layers are at pillar level (one feature per country)",
     "level: las capas SIG son a nivel de pilar (un elemento por país)",
     "level: طبقات نظم المعلومات الجغرافية على مستوى الركائز (عنصر واحد لكل بلد)"),
    ("/download/chart/map.gif", "format", "format: chart format 'gif' is not one of png, svg",
     "format: el formato de gráfico 'gif' no es uno de estos: png, svg",
     "format: صيغة الرسم البياني 'gif' ليست من الصيغ png, svg"),
    ("/api/v1/scores?year=2021&year=2022", "year",
     "year: given 2 times; give it once (a list is comma-separated, e.g. country=COL,IDN)",
     "year: indicado 2 veces; indíquelo una sola vez (una lista va separada por comas, p. ej., country=COL,IDN)",
     "year: ورد 2 مرات؛ أدخله مرة واحدة (القائمة مفصولة بفواصل، مثل country=COL,IDN)"),
])
def test_open_api_errors_follow_the_language(client, url, parameter, english, spanish, arabic):
    from dashboard import data
    years = data.years()
    english, spanish, arabic = (t.replace("{range}", f"{min(years)}-{max(years)}") for t in (english, spanish, arabic))
    sep = "&" if "?" in url else "?"
    status, body, lang = _answer(client, url)
    assert body == {"error": english, "status": status, "parameter": parameter} and lang == "en"
    status_es, body_es, lang_es = _answer(client, url, **{"Accept-Language": "es-CO,es;q=0.9"})
    status_ar, body_ar, lang_ar = _answer(client, url + f"{sep}lang=ar", **{"Accept-Language": "es"})
    assert (status_es, body_es, lang_es) == (status, {"error": spanish, "status": status, "parameter": parameter},
                                             "es")
    assert (status_ar, body_ar, lang_ar) == (status, {"error": arabic, "status": status, "parameter": parameter},
                                             "ar")  # the URL's language wins over the header


def test_trend_errors_from_the_engine_follow_the_language(client):
    """indicators/trend.py's TrendError keeps English for the CLI; the API answers it in the language."""
    url = "/api/v1/countries/COL/trend?from=2021&to=2019"
    english = client.get(url).json
    french = client.get(url + "&lang=fr").json
    assert english == {"error": "from: 2021 must be before to (2019)", "status": 400, "parameter": "from"}
    assert french == {"error": "from : 2021 doit précéder to (2019)", "status": 400, "parameter": "from"}
    node = client.get("/api/v1/countries/COL/trend?node=nope", headers={"Accept-Language": "ru"}).json
    assert node["parameter"] == "node" and node["error"].startswith("node: 'nope' — не 'overall'")


def test_the_english_message_stays_for_logs_and_the_cli():
    exc = ParamError("year", "%(year)s is not a scored year (%(range)s)", year=1800, range="2015-2023")
    assert str(exc) == exc.message == "year: 1800 is not a scored year (2015-2023)"
    assert i18n.localise(exc) == str(exc)  # outside a request: English
    assert i18n.localise(ParamError("year", "year: plain text")) == "year: plain text"


@pytest.fixture
def review_api(tmp_path, people):
    """The review API on a bare Flask app with Flask-Babel, as create_app wires it."""
    from dashboard.review import Review, attach
    from dashboard.review.store import Store
    store = Store(f"sqlite:///{tmp_path / 'review.sqlite3'}")
    server = Flask(__name__)
    server.secret_key = "test"
    i18n.init_app(server)
    attach(server, Review(store))
    people(store)
    yield server.test_client()
    store.dispose()


def test_review_api_errors_follow_the_language(review_api):
    from dashboard import data
    span = f"{min(data.years())}-{max(data.years())}"
    bad = REVIEW | {"year": 1800, "proposed_value": None, "extra": 1}
    english = review_api.post("/api/v1/reviews", json=bad, headers=basic("rita"))
    spanish = review_api.post("/api/v1/reviews", json=bad, headers=basic("rita") | {"Accept-Language": "es"})
    arabic = review_api.post("/api/v1/reviews?lang=ar", json=bad, headers=basic("rita"))
    assert english.status_code == spanish.status_code == arabic.status_code == 400
    assert english.json["error"] == ("unknown field(s): extra (allowed: comment, country, indicator, "
                                     "proposed_value, source, status, year); year 1800 is not a scored year "
                                     f"({span}); a dispute needs a proposed_value (a number)")
    assert spanish.json == {"status": 400, "error": (
        "campo(s) desconocido(s): extra (se admiten: comment, country, indicator, proposed_value, source, status, "
        f"year); el año 1800 no es un año puntuado ({span}); una impugnación necesita un proposed_value (un "
        "número)")}
    assert arabic.json["status"] == 400 and arabic.json["error"].startswith("حقول غير معروفة: extra")
    assert spanish.headers["Content-Language"] == "es" and arabic.headers["Content-Language"] == "ar"
    # a role in the sentence is translated too; the name is not
    r = review_api.post("/api/v1/corrections/1/accept?lang=fr", headers=basic("rita"))
    assert (r.status_code, r.json) == (403, {"status": 403, "error": "seul un responsable peut faire cela ; rita a "
                                                                    "le rôle de vérificateur"})
    unsigned = review_api.get("/api/v1/reviews", headers={"Accept-Language": "zh"})
    assert (unsigned.status_code, unsigned.json) == (401, {"status": 401,
                                                           "error": "请登录：审核人或负责人的 HTTP Basic 凭据"})
    assert review_api.get("/api/v1/reviews").json["error"] == "sign in: HTTP Basic credentials of a reviewer or lead"


def test_display_name_errors_on_the_review_page_follow_the_language(client):
    """The account tool keeps its English; the errors the review page can meet are shown in its language."""
    from dashboard.review.auth import AuthError, check_display_name
    with pytest.raises(AuthError) as short:
        check_display_name("x", 3)
    with pytest.raises(AuthError) as taken:
        check_display_name("Panel member 7", 3)
    assert str(short.value) == "a display name has 2-64 printable characters"
    assert str(taken.value) == "'Panel member N' names are the accounts' defaults; use 'Panel member 3' or another name"
    with client.application.test_request_context("/?lang=es"):
        assert i18n.localise(short.value) == "un nombre público tiene de 2 a 64 caracteres imprimibles"
        assert i18n.localise(taken.value) == ("los nombres 'Panel member N' son los predeterminados de las cuentas; "
                                              "use 'Panel member 3' u otro nombre")
