"""Files a report can publish as-is, read back: XLSX style (openpyxl), the brief's PDF tags, language and
absolute links (pypdf), region-zoomed maps, file names, every chart at 200x200 and 4000x4000, /embed."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from conftest import chromium_path

YEAR = 2021
MENA = "Middle East & North Africa"
BASE = "https://rights.example.org"
needs_chromium = pytest.mark.skipif(chromium_path() is None,
                                    reason="chart images need Chromium for kaleido (apt-get install chromium)")
CHART_PARAMS = {
    "map": {"year": "2021", "region": MENA},
    "pillars": {"country": "LBN", "year": "2021"},
    "split": {"country": "LBN", "year": "2021"},
    "trend": {"country": "LBN"},
    "compare": {"countries": "LBN,COL", "year": "2021"},
    "compare_trend": {"countries": "LBN,COL", "node": "privacy"},
    "region_trends": {"region": MENA},
    "region_compare": {"country": "LBN", "year": "2021"},
    "tensions": {"year": "2021", "region": MENA},
}


@pytest.fixture(scope="module")
def client(app_config):
    from dashboard import create_app
    return create_app(replace(app_config, base_url=BASE)).server.test_client()


def get_ok(client, url: str, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code, response.data[:300])
    return response


def filename(response) -> str:
    return re.search(r'filename="([^"]+)"', response.headers["Content-Disposition"]).group(1)


# --- XLSX that reads like a publication ---------------------------------------------------------------

def test_xlsx_header_row_filters_panes_formats_and_reproduce(client):
    import openpyxl
    response = get_ok(client, "/download/scores.xlsx", query_string={"year": YEAR, "region": MENA})
    assert filename(response) == f"drd_scores_MENA_{YEAR}_pillar.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book["scores"]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["ISO3", "Country", "Year", "Overall score (1-6)"]
    assert all(c.font.b for c in sheet[1]), "bold header row"
    assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(headers))}{sheet.max_row}"
    assert sheet.freeze_panes == "C2", "header row and the country columns stay in view"
    col = {h: i + 1 for i, h in enumerate(headers)}
    # band labels beside band numbers; the words of the methodology (data/methodology/bands.csv)
    assert headers[col["Overall: band (1-6)"]] == "Overall: band label"
    from dashboard import data
    bands = data.dataset().methodology.bands
    words = {(n, int(b)): lab for n, b, lab in bands[["node", "band", "label"]].itertuples(index=False)}
    for row in range(2, sheet.max_row + 1):
        band = sheet.cell(row, col["Overall: band (1-6)"]).value
        label = sheet.cell(row, col["Overall: band label"]).value
        assert label == (words[("overall", int(band))] if band is not None else "No data")
    scored = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, col["Overall score (1-6)"]).value)
    assert sheet.cell(scored, col["Overall score (1-6)"]).number_format == "0.00"
    assert sheet.cell(scored, col["Coverage (overall)"]).number_format == "0%"
    assert {sheet.cell(r, col["Region"]).value for r in range(2, sheet.max_row + 1)} == {MENA}
    about = {r[0]: r[1:] for r in book["about"].iter_rows(values_only=True) if r[0]}
    assert about["Reproduce"][0] == (f"{BASE}/download/scores.xlsx?year={YEAR}"
                                     "&region=Middle+East+%26+North+Africa&level=pillar")
    # the machine name of every human header is kept in the about sheet
    assert about["Overall score (1-6)"][0] == "overall" and about["Overall: band label"][0] == "overall_band_label"
    assert about["Column"][0] == "Machine name (CSV, API)"
    sources = book["sources"]
    assert all(c.font.b for c in sources[1]) and sources.auto_filter.ref


def test_xlsx_strings_stay_text_never_formulas():
    import openpyxl
    import pandas as pd

    from dashboard.exports import formats
    frame = pd.DataFrame({"iso3": ["COL"], "country": ["=HYPERLINK(\"http://x\")"], "year": [2021]})
    book = openpyxl.load_workbook(io.BytesIO(formats.to_xlsx(frame)))
    cell = book["scores"]["B2"]
    # a string cell (never a formula), neutralised with a leading apostrophe as OWASP's CSV-injection advice asks
    assert cell.data_type == "s" and cell.value == "'=HYPERLINK(\"http://x\")"


def test_map_menu_offers_the_same_rows_per_indicator():
    from dashboard.components.downloads import download_menu
    menu = download_menu("map", {"year": 2021, "region": MENA}, {"year": 2021, "region": MENA}, gis=True)
    links = [node for node in menu.tree._traverse() if getattr(node, "href", None)]  # noqa: SLF001
    items = {str(a.children): a.href for a in links}
    assert 'href="/download/scores.xlsx?year=2021&amp;region=Middle+East+%26+North+Africa&amp;level=indicator"' in (
        menu.html)
    assert items["Excel, per indicator values"] == (
        "/download/scores.xlsx?year=2021&region=Middle+East+%26+North+Africa&level=indicator")
    assert items["Embed (HTML snippet for your site)"].startswith("/embed/map?year=2021&region=")


# --- Maps of a region, file names ---------------------------------------------------------------------

def test_region_map_is_zoomed_to_the_region():
    from dashboard import data, geo
    from dashboard.figures import CHARTS
    fig = CHARTS["map"]({"year": "2021", "region": MENA})
    (lon0, lon1), (lat0, lat1) = fig.layout.geo.lonaxis.range, fig.layout.geo.lataxis.range
    assert fig.layout.geo.fitbounds is False
    countries = data.countries()
    boxes = geo.country_boxes()
    members = [c for c in countries.index[countries["region"] == MENA] if c in boxes]
    for iso3 in members:  # every member inside the box ...
        x0, y0, x1, y1 = boxes[iso3]
        assert lon0 <= x0 and x1 <= lon1 and lat0 <= y0 and y1 <= lat1, iso3
    assert lon1 - lon0 < 110 and lat1 - lat0 < 45  # ... and the box far smaller than the world (360 x 143)
    world = CHARTS["map"]({"year": "2021"})
    assert world.layout.geo.lonaxis.range is None


def test_country_box_keeps_main_landmasses_only():
    from dashboard import geo
    boxes = geo.country_boxes()
    lon0, lat0, lon1, lat1 = boxes["LBN"]
    assert 35 < lon0 < lon1 < 37 and 33 < lat0 < lat1 < 35
    assert boxes["FRA"][0] > -10, "French Guiana does not stretch France's box to South America"


def test_pilot_stars_are_optional_on_exported_maps():
    from dashboard.exports.images import build_chart
    names = {t.name for t in build_chart("map", {"year": "2021"}).data}
    assert "Pilot country" not in names
    assert "Pilot country" in {t.name for t in build_chart("map", {"year": "2021", "pilots": "1"}).data}


@needs_chromium
def test_file_names_carry_their_context(client):
    cases = {
        "/download/chart/split.png?country=lbn&year=2023": "drd_split_LBN_2023.png",
        "/download/chart/map.png?year=2023&region=Middle%20East%20%26%20North%20Africa": "drd_map_MENA_2023.png",
        "/download/chart/map.png?year=2023": "drd_map_world_2023.png",
        "/download/chart/map.svg?year=2023&node=privacy&actor=state": "drd_map_world_2023_privacy_state.svg",
        "/download/chart/compare.svg?countries=COL,LBN&year=2021": "drd_compare_COL-LBN_2021.svg",
    }
    for url, name in cases.items():
        assert filename(get_ok(client, url)) == name, url
    assert filename(get_ok(client, "/download/scores.csv?year=2021&country=LBN&level=indicator")) == \
        "drd_scores_LBN_2021_indicator.csv"
    assert filename(get_ok(client, "/download/scores.geojson?year=2021")) == "drd_scores_world_2021_pillar.geojson"


# --- Chart images at every documented size -------------------------------------------------------------

@needs_chromium
@pytest.mark.parametrize("kind", sorted(CHART_PARAMS))
def test_every_chart_at_200_and_4000_px(client, kind):
    from PIL import Image

    from dashboard.figures import CHARTS
    assert set(CHARTS) <= set(CHART_PARAMS), "add parameters for the new chart kind"
    for size in (200, 4000):
        response = get_ok(client, "/download/chart/" + kind + ".png",
                          query_string={**CHART_PARAMS[kind], "width": size, "height": size})
        image = Image.open(io.BytesIO(response.data))
        scale = min(4.0, max(1.0, 3000 / size))
        assert image.size == (round(size * scale), round(size * scale)), (kind, size, image.size)
    svg = get_ok(client, f"/download/chart/{kind}.svg", query_string={**CHART_PARAMS[kind], "width": 200,
                                                                       "height": 200}).data.decode()
    head = svg[: svg.index(">")]
    assert 'width="200"' in head and 'height="200"' in head and "viewBox" in head


@needs_chromium
def test_images_say_what_the_scale_means_and_what_the_bars_rest_on(client):
    svg = get_ok(client, "/download/chart/split.svg?country=LBN&year=2023").data.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", svg).split())
    assert "6 = rights fully respected, 1 = severe violations" in text
    from dashboard.exports import evidence
    ev = evidence.node_evidence("LBN", 2023)
    for code, item in ev.items():
        if "." in code and not code.endswith("structural") and evidence.status(item) == "none":
            assert f"{item['name']}: {evidence.missing_words(code)}" in text, code
        if "." in code and not code.endswith("structural") and evidence.status(item) == "thin":
            assert f"{item['name']} ({item['used']} of {item['total']} indicator" in text, code


def test_evidence_status_is_hand_checkable():
    from dashboard.exports.evidence import status
    assert status({"score": None, "coverage": 0.0, "used": 0, "total": 2}) == "none"
    assert status({"score": 3.5, "coverage": 0.5, "used": 1, "total": 2}) == "thin"
    assert status({"score": 6.0, "coverage": 1.0, "used": 1, "total": 1}) == "thin"  # one indicator only
    assert status({"score": 3.1, "coverage": 1.0, "used": 5, "total": 5}) == "ok"


def test_layout_size_fits_margins_and_keeps_text_readable():
    import plotly.graph_objects as go

    from dashboard.exports.images import LAYOUT_MAX_W, LAYOUT_MIN_W, layout_size
    fig = go.Figure()
    fig.update_layout(margin={"l": 50, "r": 20, "t": 120, "b": 200})
    lw, lh, k = layout_size(fig, 200, 200)
    assert lh >= 120 + 200 + 140 and lw >= LAYOUT_MIN_W and lw / lh == pytest.approx(1, abs=0.01)
    lw, lh, k = layout_size(fig, 4000, 4000)
    assert lw == LAYOUT_MAX_W and k == pytest.approx(LAYOUT_MAX_W / 4000)
    assert layout_size(fig, 1000, 800) == (1000, 800, 1.0)


# --- The brief: a tagged, accessible PDF with absolute links -----------------------------------------------

@needs_chromium
def test_brief_pdf_is_tagged_with_language_alt_text_and_absolute_links(client):
    from pypdf import PdfReader
    response = get_ok(client, f"/download/brief/LBN.pdf?year={YEAR}")
    assert filename(response) == f"drd_brief_LBN_{YEAR}.pdf"
    reader = PdfReader(io.BytesIO(response.data))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert bool(root["/MarkInfo"]["/Marked"])
    tree = root["/StructTreeRoot"].get_object()
    kinds, alts = [], []

    def walk(node, depth=0):
        node = node.get_object()
        if isinstance(node, dict) or hasattr(node, "get"):
            if "/S" in node:
                kinds.append(str(node["/S"]))
                if str(node["/S"]) == "/Figure" and "/Alt" in node:
                    alts.append(str(node["/Alt"]))
            kids = node.get("/K")
            if kids is not None and depth < 60:
                for kid in kids if isinstance(kids, list) else [kids]:
                    if hasattr(kid, "get_object") or isinstance(kid, dict):
                        walk(kid, depth + 1)
    walk(tree)
    assert "/H1" in kinds and "/H2" in kinds and "/Table" in kinds and "/Figure" in kinds
    assert len(alts) >= 3 and any("Lebanon" in a and "Scale 1–6" in a for a in alts)
    xmp = reader.xmp_metadata
    assert xmp is not None and "pdfuaid" in xmp.stream.get_data().decode("utf-8", "replace")
    uris = [a.get_object()["/A"]["/URI"] for page in reader.pages for a in page.get("/Annots", [])
            if "/A" in a.get_object() and "/URI" in a.get_object()["/A"]]
    own = [u for u in uris if "rights.example.org" in u]
    assert f"{BASE}/country/LBN?year={YEAR}" in own
    assert f"{BASE}/download/scores.xlsx?year={YEAR}&country=LBN&level=indicator" in own
    assert all(u.startswith(("http://", "https://")) for u in uris), "no relative link in a PDF"
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Findings" in text and "strongest pillar" in text and "How sure" in text


def test_findings_name_strongest_and_weakest_pillar_and_thin_evidence():
    from dashboard import data
    from dashboard.exports.brief import findings
    d = data.drilldown("LBN", YEAR)
    text = " ".join(findings(d, "LBN", YEAR))
    pillars = [p for p in d["pillars"] if p["score"] is not None]
    best, worst = max(pillars, key=lambda p: p["score"]), min(pillars, key=lambda p: p["score"])
    assert f"strongest pillar is {best['name']} ({best['score']:.2f}" in text
    assert f"weakest {worst['name']} ({worst['score']:.2f}" in text
    assert f"{d['overall']['score']:.2f} of 6 overall" in text


# --- /embed ----------------------------------------------------------------------------------------------

def test_embed_page_is_self_contained_and_links_back(client):
    html = get_ok(client, "/embed/split?country=LBN&year=2021&utm_source=x").data.decode()
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en" dir="ltr">' in html
    assert '<img src="/download/chart/split.svg?country=LBN&amp;year=2021"' in html
    assert re.search(r'alt="Lebanon: state vs corporate[^"]+Scale 1-6', html)
    assert f'href="{BASE}/country/LBN?year=2021"' in html and "CC BY-SA 4.0" in html
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")
    code = get_ok(client, "/embed/split?country=LBN&year=2021&code=1").data.decode()
    assert f"&lt;iframe src=&quot;{BASE}/embed/split?country=LBN&amp;amp;year=2021&quot;" in code
    assert client.get("/embed/split?country=XXX").status_code == 400
    assert client.get("/embed/pie").status_code == 404
