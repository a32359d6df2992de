"""Every export is opened and read back: CSV, XLSX, GeoJSON, GeoPackage, PNG, SVG and the country brief.

Values are compared with the engine's (the `results` fixture), credits with data/sources.csv.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pandas as pd
import pytest
from conftest import chromium_path

from indicators import wide_scores

YEAR = 2021
needs_chromium = pytest.mark.skipif(chromium_path() is None,
                                    reason="chart images need Chromium for kaleido (apt-get install chromium)")
SCORE_COLUMNS = ["overall", "privacy", "expression", "access", "association", "state", "corporate"]


@pytest.fixture(scope="module")
def client(app_config):
    from dashboard import create_app
    return create_app(app_config).server.test_client()


def get_ok(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.data[:300])
    assert "attachment" in response.headers["Content-Disposition"]
    return response


def engine_wide(results, dataset, year=YEAR):
    return wide_scores(results, dataset, year).set_index("iso3")


# --- CSV ------------------------------------------------------------------------------------------

def test_csv_pillar_level_matches_engine(client, results, dataset):
    response = get_ok(client, f"/download/scores.csv?year={YEAR}")
    assert response.mimetype == "text/csv"
    frame = pd.read_csv(io.BytesIO(response.data), keep_default_na=True)
    for column in ["iso3", "country", "year", *SCORE_COLUMNS, "coverage", "sources"]:
        assert column in frame.columns, column
    assert frame.columns[:3].tolist() == ["iso3", "country", "year"]
    expected = engine_wide(results, dataset)
    assert set(frame["iso3"]) == set(expected.index)
    frame = frame.set_index("iso3")
    for column in [*SCORE_COLUMNS, "coverage", "privacy_state", "privacy_corporate"]:
        pd.testing.assert_series_equal(frame[column], expected.loc[frame.index, column].astype(float),
                                       check_names=False, atol=1e-4, rtol=0)
    # every row credits its sources, and the sources link resolves them
    assert frame["sources"].notna().all()
    assert 'rel="describedby"' in response.headers["Link"]
    link = response.headers["Link"].split(">")[0].lstrip("<")
    sources = pd.read_csv(io.BytesIO(get_ok(client, link).data))
    used = {s for cell in frame["sources"] for s in cell.split(";")}
    assert used <= set(sources["source_id"])
    assert sources[["publisher", "dataset", "url", "licence", "citation"]].notna().all().all()


def test_csv_indicator_level_has_raw_values_and_sources(client, results, dataset):
    url = f"/download/scores.csv?year={YEAR}&country=COL&level=indicator"
    frame = pd.read_csv(io.BytesIO(get_ok(client, url).data))
    for column in ["iso3", "country", "year", "indicator", "value", "obs_year", "score", "weight", "source_id",
                   "publisher", "dataset", "source_url", "licence", "corrected", "original_value",
                   "correction_reason", "correction_author", "correction_date", "correction_source",
                   "pillar_coverage"]:
        assert column in frame.columns, column
    engine = results.indicators[(results.indicators["iso3"] == "COL") & (results.indicators["year"] == YEAR)]
    assert sorted(frame["indicator"]) == sorted(engine["indicator"])
    merged = frame.merge(engine, on="indicator", suffixes=("", "_engine"))
    assert (merged["value"] - merged["value_engine"]).abs().max() < 1e-4
    assert (merged["score"] - merged["score_engine"]).abs().max() < 1e-4
    assert (merged["obs_year"] == merged["obs_year_engine"]).all()
    assert (merged["source_id"] == merged["source_id_engine"]).all()
    src = dataset.sources
    assert (merged["publisher"] == merged["source_id"].map(src["publisher"])).all()
    assert (merged["licence"] == merged["source_id"].map(src["licence"])).all()
    assert (frame["country"] == "Colombia").all()


def test_filters_years_regions_and_pillar(client, results, dataset):
    frame = pd.read_csv(io.BytesIO(get_ok(client, "/download/scores.csv?year=2019-2021&country=COL,lbn").data))
    assert sorted(set(frame["year"])) == [2019, 2020, 2021]
    assert set(frame["iso3"]) == {"COL", "LBN"} and len(frame) == 6
    region = dataset.countries.at["COL", "region"]
    url = "/download/scores.csv?" + urlencode({"year": YEAR, "region": region.upper()})
    frame = pd.read_csv(io.BytesIO(get_ok(client, url).data))
    assert set(frame["region"]) == {region}
    url = f"/download/scores.csv?year={YEAR}&level=indicator&pillar=access"
    frame = pd.read_csv(io.BytesIO(get_ok(client, url).data))
    assert set(frame["pillar"]) == {"access"}


def test_corrected_values_carry_their_provenance(dataset):
    """An accepted correction shows in the indicator table with who, when, why and the original value."""
    from dashboard import data, exports
    correction = pd.DataFrame([{"iso3": "COL", "year": 2021, "indicator": "e_fiw_d1", "value": 3.0,
                                "reason": "test correction", "author": "Panel A", "date": "2026-11-01",
                                "source": "test source"}])
    data.configure(dataset.data_dir, extra_corrections=lambda: correction)
    try:
        query = exports.Query((2021,), ("COL",), None, "indicator", None)
        frame = exports.scores_table(query).set_index("indicator")
        row = frame.loc["e_fiw_d1"]
        assert bool(row["corrected"]) and row["value"] == 3.0 and row["correction_author"] == "Panel A"
        assert row["correction_reason"] == "test correction" and row["original_value"] != 3.0
        assert not frame.drop(index="e_fiw_d1")["corrected"].any()
    finally:
        data.configure(dataset.data_dir)


def test_register_columns_reaches_every_table(client):
    """Sensitivity (or anyone) can add columns in one place; the API and downloads pick them up."""
    from dashboard import exports

    def hook(frame, year, level):
        return frame.assign(overall_low=frame["overall"] - 0.1) if level == "pillar" else frame

    exports.register_columns(hook, {"overall_low": "Lower bound"})
    exports._cache.clear()
    try:
        frame = pd.read_csv(io.BytesIO(get_ok(client, f"/download/scores.csv?year={YEAR}&country=COL").data))
        assert "overall_low" in frame.columns
        assert dict(exports.column_docs(["overall_low"]))["overall_low"] == "Lower bound"
    finally:
        exports._column_hooks.remove((hook, {"overall_low": "Lower bound"}))
        exports._cache.clear()


# --- XLSX -----------------------------------------------------------------------------------------

def test_xlsx_has_scores_about_and_sources(client, results, dataset):
    response = get_ok(client, f"/download/scores.xlsx?year={YEAR}")
    sheets = pd.read_excel(io.BytesIO(response.data), sheet_name=None)
    assert set(sheets) == {"scores", "about", "sources"}
    about = pd.read_excel(io.BytesIO(response.data), sheet_name="about", header=None)
    machine = dict(zip(about[0].astype(str), about[1].astype(str)))  # header -> machine name
    sheets["scores"] = sheets["scores"].rename(columns=machine)
    scores = sheets["scores"].set_index("iso3")
    expected = engine_wide(results, dataset)
    assert set(scores.index) == set(expected.index)
    for column in [*SCORE_COLUMNS, "coverage"]:
        pd.testing.assert_series_equal(scores[column].astype(float), expected.loc[scores.index, column].astype(float),
                                       check_names=False, atol=1e-4, rtol=0)
    explained = dict(zip(about[1].astype(str), about[2].astype(str)))  # machine name -> meaning
    for column in sheets["scores"].columns:
        assert column in explained and explained[column] not in ("", "nan"), column
    explained.update(zip(about[0].astype(str), about[1].astype(str)))
    assert "CC BY-SA 4.0" in explained["Licence"]
    assert explained["Reproduce"] == f"http://localhost/download/scores.xlsx?year={YEAR}&level=pillar"
    sources = sheets["sources"]
    used = {s for cell in scores["sources"].dropna() for s in cell.split(";")}
    assert used == set(sources["source_id"])
    for column in ["publisher", "dataset", "url", "licence", "citation"]:
        assert sources[column].notna().all(), column
    for publisher in sources["publisher"]:
        assert publisher in explained["Credit"]


def test_xlsx_indicator_level(client):
    url = f"/download/scores.xlsx?year={YEAR}&country=IDN&level=indicator"
    body = get_ok(client, url).data
    sheets = pd.read_excel(io.BytesIO(body), sheet_name=None)
    about = pd.read_excel(io.BytesIO(body), sheet_name="about", header=None)
    scores = sheets["scores"].rename(columns=dict(zip(about[0].astype(str), about[1].astype(str))))
    assert {"value", "obs_year", "source_id", "source_url", "licence"} <= set(scores.columns)
    assert set(scores["source_id"]) == set(sheets["sources"]["source_id"])


# --- GIS ------------------------------------------------------------------------------------------

def _scored_with_shape(results, dataset):
    from dashboard import exports
    wide = wide_scores(results, dataset, YEAR)
    have = set(exports.shapes()["iso3"])
    return set(wide["iso3"]) & have, set(wide["iso3"]) - have


def test_geojson_one_feature_per_scored_country_with_shape(client, results, dataset):
    import geopandas as gpd
    response = get_ok(client, f"/download/scores.geojson?year={YEAR}")
    assert response.mimetype == "application/geo+json"
    doc = json.loads(response.data)
    layer = gpd.read_file(io.BytesIO(response.data))
    with_shape, without = _scored_with_shape(results, dataset)
    assert len(layer) == len(with_shape) and set(layer["iso3"]) == with_shape
    assert set(doc["countries_without_shape"]) == without
    expected = engine_wide(results, dataset)
    layer = layer.set_index("iso3")
    assert (layer["overall"] - expected.loc[layer.index, "overall"]).abs().max() < 1e-4
    assert layer.geometry.notna().all() and not layer.geometry.is_empty.any()
    for source in doc["sources"]:
        assert source["publisher"] in doc["attribution"]
    assert "Natural Earth" in doc["attribution"]


def test_geopackage_loads_with_sources_layer(client, results, dataset, tmp_path):
    import geopandas as gpd
    import pyogrio
    path = tmp_path / "scores.gpkg"
    path.write_bytes(get_ok(client, f"/download/scores.gpkg?year={YEAR}").data)
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert {"scores", "sources"} <= layers <= {"scores", "sources", "small_states"}
    layer = gpd.read_file(path, layer="scores")
    with_shape, _ = _scored_with_shape(results, dataset)
    assert set(layer["iso3"]) == with_shape and len(layer) == len(with_shape)
    assert layer.crs.to_epsg() == 4326
    sources = gpd.read_file(path, layer="sources")
    assert "NE_110M" in set(sources["source_id"])
    assert "CC BY-SA 4.0" in pyogrio.read_info(path, layer="scores")["layer_metadata"]["DESCRIPTION"]


def test_geopackage_small_states_are_points(client, results, dataset, tmp_path):
    import geopandas as gpd

    from dashboard import exports
    if not exports.POINTS_FILE.exists():
        pytest.skip("no data/geo/points.csv")
    path = tmp_path / "scores.gpkg"
    path.write_bytes(get_ok(client, f"/download/scores.gpkg?year={YEAR}").data)
    points = gpd.read_file(path, layer="small_states")
    _, without = _scored_with_shape(results, dataset)
    assert set(points["iso3"]) == without & set(pd.read_csv(exports.POINTS_FILE)["iso3"])
    assert (points.geometry.geom_type == "Point").all()
    expected = engine_wide(results, dataset)
    points = points.set_index("iso3")
    assert ((points["coverage"] - expected.loc[points.index, "coverage"]).abs() < 1e-4).all()


def test_gis_refuses_several_years(client):
    response = client.get("/download/scores.geojson?year=2019-2021")
    assert response.status_code == 400 and response.get_json()["parameter"] == "year"


# --- Charts ---------------------------------------------------------------------------------------

CHART_PARAMS = {
    "map": {"year": "2021"},
    "pillars": {"country": "COL", "year": "2021"},
    "split": {"country": "COL", "year": "2021"},
    "trend": {"country": "COL"},
    "compare": {"countries": "COL,IDN,LBN", "year": "2021"},
    "compare_trend": {"countries": "COL,IDN"},
    "tensions": {"year": "2021"},
    "region_trends": {},
    "region_compare": {"country": "MOZ", "year": "2021"},
}


def chart_url(kind: str, fmt: str, params: dict) -> str:
    from dashboard.components.downloads import chart_url as url
    return url(kind, fmt, params)


def test_every_chart_kind_has_test_parameters():
    from dashboard.figures import CHARTS
    assert {"map", "pillars", "split", "trend", "compare", "region_trends"} <= set(CHARTS)
    assert set(CHARTS) <= set(CHART_PARAMS), "add parameters for the new chart kind"


@needs_chromium
@pytest.mark.parametrize("kind", sorted(CHART_PARAMS))
def test_chart_png_and_svg(client, kind):
    from PIL import Image

    from dashboard.figures import CHARTS
    if kind not in CHARTS:
        pytest.skip(f"{kind} is not a chart kind")
    params = CHART_PARAMS[kind]
    png = get_ok(client, chart_url(kind, "png", params))
    assert png.mimetype == "image/png"
    image = Image.open(io.BytesIO(png.data))
    image.verify()
    image = Image.open(io.BytesIO(png.data))
    assert image.width >= 2400, "print resolution: at least 8 in at 300 dpi"
    assert round(image.info["dpi"][0]) == 300
    svg = get_ok(client, chart_url(kind, "svg", params))
    assert svg.mimetype == "image/svg+xml"
    root = ET.fromstring(svg.data)
    assert root.tag.endswith("svg")
    text = " ".join(t for t in root.itertext())
    title = CHARTS[kind](dict(params)).layout.title.text.split("<br>")[0]
    assert title[:30] in text, (title, text[:200])
    assert "CC BY-SA 4.0" in text
    year = params.get("year")
    if year:
        assert year in text


@needs_chromium
def test_chart_cache_serves_repeats_and_ignores_unknown_parameters(client, monkeypatch):
    """A repeat request, or the same chart with a parameter outside the vocabulary (utm_source, a cache
    buster) or another spelling of the same values, is served from the cache: nothing is rendered again.
    (Render times are in benchmarks/exports_benchmark.py.)"""
    from dashboard.exports import images
    first = get_ok(client, chart_url("pillars", "png", {"country": "UZB", "year": "2020"})).data
    renders = []
    real = images.figure_image
    monkeypatch.setattr(images, "figure_image", lambda *a, **k: renders.append(a) or real(*a, **k))
    again = get_ok(client, chart_url("pillars", "png", {"country": "UZB", "year": "2020"})).data
    extra = get_ok(client, chart_url("pillars", "png", {"country": "uzb", "year": "2020", "utm_source": "x",
                                                        "_": "123"})).data
    assert renders == [] and first == again == extra
    get_ok(client, chart_url("pillars", "png", {"country": "UZB", "year": "2019"}))
    assert len(renders) == 1  # a different chart is rendered


@needs_chromium
def test_concurrent_renders_are_safe(client):
    """Requests in parallel threads share one kaleido server: each gets its own, valid image."""
    from concurrent.futures import ThreadPoolExecutor

    from dashboard.exports import render_chart
    jobs = [("pillars", "png", {"country": c, "year": "2019"}) for c in ("COL", "LBN", "MOZ", "IDN")]
    jobs += [("split", "svg", {"country": c, "year": "2019"}) for c in ("COL", "LBN")]
    with ThreadPoolExecutor(4) as pool:
        images = list(pool.map(lambda job: render_chart(*job), jobs))
    for (_kind, fmt, _params), image in zip(jobs, images):
        if fmt == "png":
            assert image[:8] == b"\x89PNG\r\n\x1a\n"
        else:
            assert image.lstrip().startswith(b"<svg") and b"state vs corporate" in image
    assert len({bytes(i) for i in images}) == len(images)


def test_cache_is_dropped_when_the_data_reloads(client):
    from dashboard import data, exports
    exports.export_data(exports.Query((2021,), ("COL",), None, "pillar", None), "csv")
    key = ("data", exports.Query((2021,), ("COL",), None, "pillar", None), "csv")
    assert key in exports._cache._items
    data.refresh()
    exports._cache.owner()
    assert key not in exports._cache._items


def test_cache_is_bounded_in_entries_and_bytes():
    from dashboard.exports import ExportCache
    cache = ExportCache(size=3, max_bytes=250)
    for i in range(5):
        cache.get(i, lambda: b"x" * 100)
    assert list(cache._items) == [3, 4] and cache._bytes == 200
    cache.get(3, lambda: b"never built")
    cache.get(5, lambda: b"y")
    assert list(cache._items) == [4, 3, 5] and cache._bytes == 201


@needs_chromium
def test_map_png_names_the_year_in_the_image(client):
    svg = get_ok(client, chart_url("map", "svg", {"year": "2018", "node": "privacy"})).data.decode()
    assert "2018" in svg


def test_a_chart_over_the_years_is_not_labelled_with_one_year():
    """region_trends draws every scored year: a year= carried over from a page URL must not stamp
    "Year: 2021" on it (the image would claim a year it does not show)."""
    from dashboard.exports.images import build_chart
    fig = build_chart("region_trends", {"year": "2021", "node": "overall"})
    texts = " ".join(a.text or "" for a in fig.layout.annotations)
    assert "Year: 2021" not in texts
    assert "2021" in " ".join(a.text or "" for a in build_chart("map", {"year": "2021"}).layout.annotations)


# --- Country brief --------------------------------------------------------------------------------

@needs_chromium
def test_brief_pdf_has_country_scores_and_sources(client, results, dataset):
    from pypdf import PdfReader
    response = get_ok(client, f"/download/brief/col.pdf?year={YEAR}")
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert 2 <= len(reader.pages) <= 8
    text = " ".join(page.extract_text() for page in reader.pages)
    text = " ".join(text.split())
    assert "Colombia" in text and str(YEAR) in text
    nodes = results.nodes[(results.nodes["iso3"] == "COL") & (results.nodes["year"] == YEAR)].set_index("node")
    for node in ["overall", "privacy", "expression", "access", "association", "state", "corporate"]:
        if pd.isna(nodes.at[node, "score"]):  # Colombia has no corporate evidence in 2021 (methodology 2.0)
            assert node == "corporate" and "No corporate evidence" in text
        else:
            assert f"{nodes.at[node, 'score']:.2f}" in text, node
    assert f"methodology {dataset.methodology.parameters.methodology_version}" in text
    used = results.indicators[(results.indicators["iso3"] == "COL") & (results.indicators["year"] == YEAR)]
    for publisher in dataset.sources.loc[sorted(set(used["source_id"])), "publisher"]:
        assert publisher in text, publisher
    assert "CC BY-SA 4.0" in text
    assert sum(len(page.images) for page in reader.pages) >= 3, "the pillar, split and trend charts are embedded"


def test_brief_for_a_country_without_scores_still_builds(client):
    from pypdf import PdfReader
    reader = PdfReader(io.BytesIO(get_ok(client, "/download/brief/ABW.pdf?year=2021").data))
    assert "Aruba" in reader.pages[0].extract_text()


# --- Bad parameters: JSON 400/404 naming the parameter, never a 500 ---------------------------------

@pytest.mark.parametrize("url, status, parameter", [
    ("/download/scores.csv?year=1990", 400, "year"),
    ("/download/scores.csv?year=abc", 400, "year"),
    ("/download/scores.csv?country=XXX", 400, "country"),
    ("/download/scores.csv?level=node", 400, "level"),
    ("/download/scores.csv?region=Atlantis", 400, "region"),
    ("/download/scores.xlsx?pillar=nope&level=indicator", 400, "pillar"),
    ("/download/scores.geojson?level=indicator", 400, "level"),
    ("/download/scores.parquet?year=2021", 404, "format"),
    ("/download/chart/pie.png", 404, "chart"),
    ("/download/chart/map.gif", 404, "format"),
    ("/download/chart/map.png?year=1800", 400, "year"),
    ("/download/chart/pillars.svg?country=XXX", 400, "country"),
    ("/download/chart/pillars.svg", 400, "country"),
    ("/download/chart/map.png?width=abc", 400, "width"),
    # every chart parameter is parsed before rendering, whether the chart uses it or not (issue 13
    # finding 10: schemathesis's year=%1Eh reached kaleido on region_trends, which takes no year: 500)
    ("/download/chart/region_trends.png?node=overall&year=%1Eh%C3%A9", 400, "year"),
    ("/download/chart/region_trends.svg?year=1800", 400, "year"),
    ("/download/chart/trend.png?country=COL&year=abc", 400, "year"),
    ("/download/chart/map.svg?pilots=maybe", 400, "pilots"),
    ("/download/chart/tensions.png?country=Colombia", 400, "country"),
    ("/embed/region_trends?year=%00", 400, "year"),
    ("/download/brief/XXX.pdf?year=2021", 404, "country"),
    ("/download/brief/COL.pdf?year=2050", 400, "year"),
    ("/download/brief/COL.docx", 404, "format"),
    ("/download/nothing-here", 404, "path"),
])
def test_bad_parameters_answer_json(client, url, status, parameter):
    response = client.get(url)
    assert response.status_code == status, (url, response.data[:200])
    body = response.get_json()
    assert body["parameter"] == parameter and body["error"]


# --- Every download link the pages show answers ---------------------------------------------------

def _page_download_links() -> list[str]:
    import re as _re

    import dash
    links = []
    for page in dash.page_registry.values():
        layout = page["layout"]
        if callable(layout):
            template = page.get("path_template") or ""
            variables = {name: "COL" for name in _re.findall(r"<(\w+)>", template)}
            layout = layout(**variables)
        links += [href for href in _hrefs(layout) if href.startswith("/download/")]
    return sorted(set(links))


def _hrefs(tree):
    """Every href in a component tree, including the components a StaticHtml was written from."""
    if not hasattr(tree, "_traverse"):  # text or None
        return
    for component in [tree, *tree._traverse()]:  # noqa: SLF001
        if isinstance(getattr(component, "href", None), str):
            yield component.href
        inner = getattr(component, "tree", None)  # dashboard/components/static.py
        for part in inner if isinstance(inner, list) else [inner] if inner is not None else []:
            yield from _hrefs(part)


@needs_chromium
def test_every_download_link_on_the_pages_answers(client):
    links = _page_download_links()
    assert any(link.startswith("/download/chart/") for link in links)
    assert any(link.startswith("/download/scores.") for link in links)
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, (link, response.data[:200])


def test_formula_text_is_inert_in_csv_and_xlsx(dataset):
    """Issue 13 finding 3 (OWASP CSV injection): a correction reason like =HYPERLINK(...) comes back as text,
    prefixed with ', from CSV and XLSX (no formula in any cell); numbers stay numbers."""
    import openpyxl

    from dashboard import data, exports
    from dashboard.exports.formats import to_csv, to_xlsx
    from dashboard.exports.tables import column_headers
    payload = '=HYPERLINK("http://x","y")'
    correction = pd.DataFrame([{"iso3": "COL", "year": 2021, "indicator": "e_fiw_d1", "value": 3.0,
                                "reason": payload, "author": "@panel", "date": "2026-11-01",
                                "source": "+cmd|' /C calc'!A0"}])
    data.configure(dataset.data_dir, extra_corrections=lambda: correction)
    try:
        query = exports.Query((2021,), ("COL",), None, "indicator", None)
        frame = exports.scores_table(query)
        csv_frame = pd.read_csv(io.BytesIO(to_csv(frame)), keep_default_na=False).set_index("indicator")
        assert csv_frame.loc["e_fiw_d1", "correction_reason"] == "'" + payload
        assert csv_frame.loc["e_fiw_d1", "correction_author"] == "'@panel"
        assert float(csv_frame.loc["e_fiw_d1", "value"]) == 3.0
        book = openpyxl.load_workbook(io.BytesIO(to_xlsx(frame, query)))
        cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        assert not [c.value for c in cells if isinstance(c.value, str) and c.value.startswith(("=", "+", "@"))]
        texts = {c.value for c in cells if isinstance(c.value, str)}
        assert "'" + payload in texts and "'@panel" in texts
        sheet = book["scores"]
        header = [c.value for c in sheet[1]]
        row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if "e_fiw_d1" in r)
        assert row[header.index(column_headers(["value"])["value"])] == 3.0
    finally:
        data.configure(dataset.data_dir)


def test_neutralise_leaves_numbers_and_plain_text():
    from dashboard.exports.formats import neutralise
    frame = pd.DataFrame({"n": [-1.5, 2.0], "t": ["-1", "plain"], "u": ["\tx", "\rx"]})
    out = neutralise(frame)
    assert out["n"].tolist() == [-1.5, 2.0]
    assert out["t"].tolist() == ["'-1", "plain"] and out["u"].tolist() == ["'\tx", "'\rx"]


@pytest.mark.parametrize("extra", ["x=%3E%3B%20rel%3D%22preload%22", 'x=>;rel="preload"', "x=%0D%0ASet-Cookie:%20a=b",
                                   "x=\r\nSet-Cookie: a=b", "region=all%3E%3B%20rel%3Dnext"])
def test_csv_link_header_is_rebuilt_from_parsed_parameters(client, extra):
    """Issue 13 finding 9: the Link header of a CSV download never copies the raw query string."""
    response = client.get(f"/download/scores.csv?year={YEAR}&country=col&{extra}")
    if response.status_code == 400:  # a bad value (or a control character) is refused, naming it; nothing echoed
        assert response.get_json()["parameter"] in ("region", "x") and "Link" not in response.headers
        return
    assert response.status_code == 200
    assert response.headers["Link"] == \
        f'</download/sources.csv?year={YEAR}&country=COL&level=pillar>; rel="describedby"; type="text/csv"'
    assert "Set-Cookie" not in response.headers
    tensions = client.get(f"/download/tensions.csv?year={YEAR}&country=mOz&{extra}")
    if tensions.status_code == 200:
        assert tensions.headers["Link"] == \
            f'</download/tensions_sources.csv?year={YEAR}&country=MOZ>; rel="describedby"; type="text/csv"'


def test_country_list_is_capped(client):
    codes = ",".join(["COL"] * 301)
    response = client.get(f"/download/scores.csv?year={YEAR}&country={codes}")
    assert response.status_code == 400 and "at most 300" in response.get_json()["error"]
    response = client.get(f"/api/v1/scores?year={YEAR}&country={codes}")
    assert response.status_code == 400 and response.get_json()["parameter"] == "country"
    assert client.get(f"/download/scores.csv?year={YEAR}&country={','.join(['COL'] * 300)}").status_code == 200
