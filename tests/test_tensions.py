"""Tensions within rights (issue 10): validation of data/tensions.csv, the axes computed by hand on tiny
tables, the figure built from a hand-made table, the API route and the page and profile sections."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from dash.development.base_component import Component

from datadir import write_data_dir
from indicators import DataValidationError
from indicators.tensions import (
    axis_coverage,
    country_tensions,
    harm_axis,
    load_tensions,
    restriction_axis,
    safeguards,
    stated_harm,
    tensions_view,
)
from tests.conftest import DATA

HEADER = "iso3,year,measure,value,source_id,note\n"


def tidy(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["iso3", "year", "measure", "value", "source_id", "note"])


def indicator_rows(rows) -> pd.DataFrame:
    """(iso3, year, indicator, score, value) -> the columns of pipeline Results.indicators that matter here."""
    frame = pd.DataFrame(rows, columns=["iso3", "year", "indicator", "score", "value"])
    return frame.assign(weight=1.0, obs_year=frame["year"], source_id="SRC", note="")


# --- validation -----------------------------------------------------------------------------------

def test_load_tensions_reads_a_good_file(tmp_path):
    write_data_dir(tmp_path, [("AAA", 2021, "a_lin", 3)])
    (tmp_path / "tensions.csv").write_text(HEADER + "AAA,2021,keepiton_events,2,SRC,counted\n"
                                                    "AAA,2021,dsp_v2smpardom,-1.5,SRC,\n")
    frame = load_tensions(tmp_path, {"AAA", "BBB", "CCC"}, {"SRC"})
    assert list(frame["value"]) == [2.0, -1.5] and frame["year"].dtype.kind == "i"


def test_missing_tensions_file_means_no_rows(tmp_path):
    assert load_tensions(tmp_path, {"AAA"}, {"SRC"}).empty


def test_bad_tension_rows_are_named_by_file_line_and_field(tmp_path):
    (tmp_path / "tensions.csv").write_text(
        HEADER
        + "AAA,2021,keepiton_events,2,SRC,\n"         # line 2: fine
        + "ZZZ,2021,keepiton_events,1,SRC,\n"         # line 3: unknown country
        + "AAA,2021,no_such_measure,1,SRC,\n"         # line 4: unknown measure
        + "AAA,2021,keepiton_events,3,SRC,\n"         # line 5: duplicate of line 2
        + "AAA,2020,google_requests,-4,SRC,\n"        # line 6: a count below zero
        + "AAA,2020,google_reason_hate_speech,1.5,SRC,\n"  # line 7: not a whole count
        + "AAA,2020,itu_internet_users_pct,140,SRC,\n"     # line 8: not a percentage
        + "AAA,2020,dsp_v2smgovdom,9,SRC,\n"          # line 9: outside the model's range
        + "AAA,20x0,population,100,SRC,\n"            # line 10: not a year
        + "AAA,2019,population,1000,NOPE,\n"          # line 11: unknown source
        + "AAA,2019,keepiton_cause_protests,abc,SRC,\n")  # line 12: not a number
    with pytest.raises(DataValidationError) as err:
        load_tensions(tmp_path, {"AAA"}, {"SRC"})
    where = {(i.line, i.field) for i in err.value.issues}
    assert {(3, "iso3"), (4, "measure"), (5, "iso3, year, measure"), (6, "value"), (7, "value"), (8, "value"),
            (9, "value"), (10, "year"), (11, "source_id"), (12, "value")} <= where
    assert (2, "value") not in where
    text = str(err.value)
    assert "tensions.csv, line 4, field 'measure'" in text and "not a known tensions measure" in text
    assert "tensions.csv, line 8, field 'value': 140 is not a percentage" in text


def test_missing_column_is_reported(tmp_path):
    (tmp_path / "tensions.csv").write_text("iso3,year,value,source_id\nAAA,2021,1,SRC\n")
    with pytest.raises(DataValidationError) as err:
        load_tensions(tmp_path, {"AAA"}, {"SRC"})
    assert [(i.line, i.field) for i in err.value.issues] == [(1, "measure")]


def test_the_repository_file_is_valid(dataset):
    frame = load_tensions(DATA, set(dataset.countries.index), set(dataset.sources.index))
    assert len(frame) > 10_000
    assert {"DSP_V8", "GOOGLE_TR_REMOVALS", "ACCESSNOW_STOP_2025"} <= set(frame["source_id"])


# --- the axes, by hand ------------------------------------------------------------------------------

T = tidy([
    ("AAA", 2021, "dsp_v2smpardom", -1.0, "DSP", ""), ("AAA", 2021, "dsp_v2smfordom", -2.0, "DSP", ""),
    ("AAA", 2021, "dsp_v2smgovdom", 0.5, "DSP", ""),
    ("BBB", 2021, "dsp_v2smpardom", 1.0, "DSP", ""),            # one item only: no harm reading
    ("CCC", 2021, "dsp_v2smpardom", 2.0, "DSP", ""), ("CCC", 2021, "dsp_v2smfordom", 1.0, "DSP", ""),
    ("AAA", 2021, "keepiton_events", 4, "AN", ""), ("AAA", 2021, "keepiton_justification_hate_incitement", 1, "AN", ""),
    ("AAA", 2021, "keepiton_justification_national_security", 2, "AN", ""),
    ("AAA", 2021, "keepiton_justification_unknown", 1, "AN", ""),
    ("AAA", 2021, "keepiton_cause_protests", 3, "AN", "counted rows: actual_cause 'Protests'"),
    ("AAA", 2021, "google_requests", 10, "G", ""), ("AAA", 2021, "google_requests_court", 4, "G", ""),
    ("AAA", 2021, "google_requests_other", 6, "G", ""), ("AAA", 2021, "google_reason_hate_speech", 3, "G", ""),
    ("AAA", 2021, "google_reason_violence", 1, "G", ""), ("AAA", 2021, "google_reason_defamation", 6, "G", ""),
    ("AAA", 2019, "itu_internet_users_pct", 50.0, "ITU", ""), ("AAA", 2020, "itu_internet_users_pct", 40.0, "ITU", ""),
    ("AAA", 2019, "population", 10_000_000, "NE", ""),
    ("CCC", 2021, "google_requests", 0, "G", ""),               # zero requests: no court share
])
IND = indicator_rows([
    ("AAA", 2021, "e_sm_censorship", 2.0, -1.0), ("AAA", 2021, "e_filtering", 3.0, 0.0),
    ("AAA", 2021, "e_arrests", 4.0, 1.0),
    ("BBB", 2021, "e_sm_censorship", 5.0, 2.0), ("BBB", 2021, "e_filtering", 5.0, 2.0),
    ("BBB", 2021, "e_arrests", 5.0, 2.0),
    ("CCC", 2021, "e_sm_censorship", 1.0, -3.0),                 # 1 of 4: withheld
    ("AAA", 2021, "e_regulation_content", 4.5, 1.2),
])
CODES = ["e_sm_censorship", "e_filtering", "e_arrests", "a_shutdowns_recorded"]
COUNTRIES = pd.DataFrame({"name": ["Aland", "Bland", "Cland", "Dland"], "region": ["N", "N", "S", "S"],
                          "pilot": [1, 0, 0, 0]}, index=pd.Index(["AAA", "BBB", "CCC", "DDD"], name="iso3"))


def test_harm_is_the_reversed_mean_of_parties_and_foreign_and_needs_both():
    h = harm_axis(T, 2021)
    assert h.at["AAA", "harm"] == pytest.approx(1.5)        # -((-1) + (-2)) / 2
    assert h.at["CCC", "harm"] == pytest.approx(-1.5)
    assert "BBB" not in h.index or math.isnan(h.at["BBB", "harm"])
    assert h.at["AAA", "gov_disinfo"] == 0.5
    assert harm_axis(T, 2020).empty


def test_restriction_is_seven_minus_the_mean_score_and_needs_half_the_indicators():
    r = restriction_axis(IND, 2021, CODES)
    assert r.at["AAA", "restriction"] == pytest.approx(7 - 3.0)     # mean of 2, 3, 4
    assert (r.at["AAA", "restriction_n"], r.at["AAA", "restriction_of"]) == (3, 4)
    assert r.at["BBB", "restriction"] == pytest.approx(2.0)
    assert math.isnan(r.at["CCC", "restriction"]) and r.at["CCC", "restriction_n"] == 1
    assert "e_filtering 3.00 (value 0, 2021, SRC)" in r.at["AAA", "restriction_parts"]


def test_stated_harm_and_the_denominator():
    s = stated_harm(T, 2021)
    assert s.at["AAA", "shutdowns"] == 4 and s.at["AAA", "shutdowns_harm"] == 3   # hate 1 + national security 2
    assert s.at["AAA", "requests_harm"] == 4                                       # hate speech 3 + violence 1
    # users: the latest ITU year within three years (2020: 40 %) x population 10 million = 4 million
    assert s.at["AAA", "users_million"] == pytest.approx(4.0) and s.at["AAA", "users_year"] == 2020
    assert s.at["AAA", "requests_harm_per_million"] == pytest.approx(1.0)
    assert math.isnan(s.at["CCC", "users_million"])       # no denominator: no rate, never zero


def test_safeguards_court_share_and_law():
    g = safeguards(T, IND, 2021)
    assert g.at["AAA", "court_share"] == pytest.approx(0.4)
    assert math.isnan(g.at["CCC", "court_share"])          # no requests: no share
    assert g.at["AAA", "law"] == 1.2
    assert "BBB" not in g.index or math.isnan(g.at["BBB", "law"])


def test_view_places_only_countries_with_both_axes_and_fills_nothing():
    v = tensions_view(T, IND, COUNTRIES, 2021, CODES).set_index("iso3")
    assert list(v.index) == ["AAA", "BBB", "CCC", "DDD"]
    assert v["placed"].to_dict() == {"AAA": True, "BBB": False, "CCC": False, "DDD": False}
    assert v.loc["DDD", ["harm", "restriction", "shutdowns", "requests", "law"]].isna().all()
    cov = axis_coverage(T, IND, COUNTRIES, [2020, 2021], CODES).set_index("year")
    assert cov.loc[2021, ["harm", "restriction", "placed", "court_share", "law"]].tolist() == [2, 2, 1, 1, 1]
    assert cov.loc[2020, "placed"] == 0


def test_country_tensions_splits_one_country():
    t = country_tensions(T, "AAA")
    assert t["events"]["value"].tolist() == [4]
    assert set(t["justifications"]["category"]) == {"hate_incitement", "national_security", "unknown"}
    assert t["requests"].loc[2021].to_dict() == {"google_requests": 10, "google_requests_court": 4,
                                                 "google_requests_other": 6}
    assert country_tensions(T, "DDD")["events"].empty


# --- the figure, from a hand-made table ----------------------------------------------------------------

def hand_table() -> pd.DataFrame:
    return pd.DataFrame({
        "iso3": ["AAA", "BBB", "CCC", "DDD"], "name": ["Aland", "Bland", "Cland", "Dland"], "year": 2021,
        "pilot": [True, False, False, False], "harm": [1.5, -0.5, 2.0, math.nan],
        "restriction": [4.0, 2.0, 3.0, 5.0], "restriction_n": [3, 4, 2, 4], "restriction_of": 4,
        "restriction_sources": ["SRC", "SRC", "SRC", "SRC"], "law": [1.2, math.nan, -2.0, 0.0],
        "law_year": [2021, math.nan, 2021, 2021], "law_source": ["SRC", None, "SRC", "SRC"],
        "parties": [-1.0, 0.5, -2.0, math.nan], "foreign": [-2.0, 0.5, -2.0, math.nan],
        "court_share": [0.4, math.nan, math.nan, math.nan], "requests": [10, math.nan, math.nan, math.nan],
        "shutdowns": [4, math.nan, math.nan, math.nan], "shutdowns_harm": [3, math.nan, math.nan, math.nan],
    })


def test_tensions_figure_from_a_hand_made_table():
    from dashboard.figures import tensions_figure
    fig = tensions_figure(hand_table(), title="Tensions, 2021", source="Source: test. Data CC BY-SA 4.0",
                          publishers={"SRC": "Test Publisher", "DSP_V8": "DSP v8"})
    by_name = {t.name: t for t in fig.data}
    # DDD has no harm reading: not placed, never drawn at zero
    drawn = [c for t in fig.data for c in t.customdata]
    assert sorted(drawn) == ["AAA", "BBB", "CCC"]
    pilot = by_name["Pilot country"]
    assert pilot.marker.symbol == "star" and list(pilot.text) == ["Aland"]      # shape and label, not colour
    assert by_name["Country, no content-law reading"].marker.symbol == "circle-open"
    assert list(by_name["Country, no content-law reading"].customdata) == ["BBB"]
    assert list(by_name["Country"].x) == [2.0] and list(by_name["Country"].y) == [3.0]
    hover = pilot.hovertext[0]
    assert "Harm pressure 1.50 (DSP v8, 2021)" in hover and "parties -1.00" in hover
    assert "Restriction in practice 4.00 / 6" in hover and "3 of 4 indicators (Test Publisher)" in hover
    assert "Court orders: 40% of 10 removal requests" in hover and "3 justified by a stated harm" in hover
    assert "Content-regulation law (v2smregcon) no data" in by_name["Country, no content-law reading"].hovertext[0]
    texts = [a.text for a in fig.layout.annotations]
    assert "More harm,<br>more restriction" in texts and any("CC BY-SA 4.0" in t for t in texts)
    assert fig.layout.coloraxis.cmin == -3 and fig.layout.coloraxis.cmax == 3


# --- on the real data: chart, API, page, profile ---------------------------------------------------------

@pytest.fixture(scope="module")
def app():
    from dashboard import create_app, data
    from dashboard.config import Config
    application = create_app(Config(data_dir=DATA, secret_key="test"))
    data.configure(DATA)
    return application


def test_coverage_counts_follow_the_view_rules(app):
    from dashboard import data
    cov = axis_coverage(data.tensions(), data.results().indicators, data.countries(), data.years(),
                        data.tensions_codes()).set_index("year")
    for year in (2019, 2021, max(data.years())):
        v = data.tensions_view(year)
        got = cov.loc[year]
        assert got["harm"] == v["harm"].notna().sum() and got["restriction"] == v["restriction"].notna().sum()
        assert got["placed"] == v["placed"].sum() and got["law"] == v["law"].notna().sum()
        assert got["court_share"] == v["court_share"].notna().sum() and got["shutdowns"] == v["shutdowns"].notna().sum()


def test_latest_year_places_at_least_sixty_countries(app):
    from dashboard import data, figures
    latest = 2024  # the last year the V-Dem restriction items (2021) reach; 2025 has no restriction axis
    view = data.tensions_view(latest)
    assert view["placed"].sum() >= 60
    fig = figures.CHARTS["tensions"]({"year": str(latest)})
    drawn = {c for t in fig.data for c in t.customdata}
    assert drawn == set(view.loc[view["placed"], "iso3"])
    title = fig.layout.title.text.replace("<br>", " ")
    assert str(latest) in title and f"{len(drawn)} of {len(view)} placed" in title


def test_chart_parameters_are_checked(app):
    from dashboard import figures
    with pytest.raises(ValueError, match="^year"):
        figures.CHARTS["tensions"]({"year": "1850"})
    with pytest.raises(ValueError, match="^region"):
        figures.CHARTS["tensions"]({"region": "Atlantis"})
    fig = figures.CHARTS["tensions"]({"region": "Sub-Saharan Africa", "year": "2021"})
    assert "Sub-Saharan Africa" in fig.layout.title.text.replace("<br>", " ")


def test_api_rows_trace_every_point(app):
    client = app.server.test_client()
    body = client.get("/api/v1/tensions?year=2024").get_json()
    assert client.get("/api/v1/tensions").get_json()["year"] == 2025
    assert body["year"] == 2024 and body["part_of_scores"] is False
    assert body["placed"] >= 60 and body["count"] == len(body["data"])
    rows = pd.DataFrame(body["rows"])
    sources = {s["source_id"] for s in body["sources"]}
    for point in [d for d in body["data"] if d["placed"]]:
        own = rows[rows["iso3"] == point["iso3"]]
        assert {"dsp_v2smpardom", "dsp_v2smfordom"} <= set(own["measure"]), point["iso3"]
        assert len(own[own["table"].str.startswith("observations")]) >= point["restriction_n"]
        assert set(point["sources"].split(";")) <= sources
    one = client.get("/api/v1/tensions?year=2021&country=lbn,MOZ").get_json()
    assert [d["iso3"] for d in one["data"]] == ["LBN", "MOZ"] and one["year"] == 2021


@pytest.mark.parametrize("query, parameter", [("year=1850", "year"), ("year=2019,2021", "year"),
                                              ("country=XXX", "country"), ("region=Atlantis", "region")])
def test_api_rejects_bad_parameters(app, query, parameter):
    response = app.server.test_client().get(f"/api/v1/tensions?{query}")
    assert response.status_code == 400 and response.get_json()["parameter"] == parameter


def test_api_is_documented(app):
    spec = app.server.test_client().get("/api/v1/openapi.json").get_json()
    op = spec["paths"]["/api/v1/tensions"]["get"]
    assert {p["name"] for p in op["parameters"]} == {"year", "country", "region"}
    assert {"/download/chart/tensions.{format}", "/embed/tensions", "/download/tensions.{format}",
            "/download/tensions_sources.csv"} <= set(spec["paths"])


def text_of(component) -> str:
    return json.dumps(component.to_plotly_json() if isinstance(component, Component) else component,
                      default=lambda c: c.to_plotly_json() if isinstance(c, Component) else str(c), ensure_ascii=False)


def test_page_layout_and_callback(app):
    import importlib
    page = importlib.import_module("dashboard.pages.tensions")
    out = text_of(page.layout())
    assert "Stated reasons are governments' own claims" in out and "Absence from a dataset is not evidence" in out
    assert "per million internet users" in out and "Natural Earth" in out
    assert "/download/tensions.csv" in out and "/download/chart/tensions.png" in out
    fig, menu, summary, table, missing = page.update(2019, "all")
    assert "No country is placed this year" in text_of(summary)
    fig, menu, summary, table, missing = page.update(2021, "Sub-Saharan Africa")
    assert "region=Sub-Saharan" in text_of(menu) and "Mozambique" in text_of(table)
    bad = text_of(page.layout(year="1850", region="Atlantis"))
    assert "year: 1850 is not a scored year" in bad and "region: 'Atlantis'" in bad


@pytest.mark.parametrize("iso3", ["COL", "LBN", "MOZ", "UZB", "IDN"])
def test_each_pilot_profile_has_its_tensions_section(app, iso3):
    import importlib
    country = importlib.import_module("dashboard.pages.country")
    out = text_of(country.tensions_section(iso3, 2021))
    assert "Tensions within rights" in out and "Not part of the scores" in out
    for what in ("Access Now", "Google Transparency Report", "Digital Society Project"):
        assert what in out, what
    assert "Licence:" in out
    assert ("recorded shutdown listings" in out) or ("lists no shutdown" in out)
    assert ("requests to remove content from" in out) or ("lists no government request" in out)


def test_lebanon_profile_names_its_justifications_and_causes(app):
    import importlib
    country = importlib.import_module("dashboard.pages.country")
    out = text_of(country.tensions_section("LBN", 2021))
    assert "Lebanon has 7 recorded shutdown listings (2019–2025" in out
    assert "Of these, 0 were justified by the government by hate speech or incitement" in out
    assert "Actual causes recorded by Access Now: information control 7" in out


def test_downloads_carry_the_rows_and_their_sources(app):
    import io
    client = app.server.test_client()
    csv = client.get("/download/tensions.csv?year=2021&region=Sub-Saharan%20Africa")
    assert csv.status_code == 200 and "attachment" in csv.headers["Content-Disposition"]
    assert "/download/tensions_sources.csv?year=2021" in csv.headers["Link"]
    frame = pd.read_csv(io.StringIO(csv.data.decode()))
    assert set(frame["region"]) == {"Sub-Saharan Africa"} and "MOZ" in set(frame["iso3"])
    assert {"harm", "restriction", "placed", "sources"} <= set(frame.columns)
    sources = pd.read_csv(io.StringIO(client.get("/download/tensions_sources.csv?year=2021&country=MOZ").data.decode()))
    assert {"DSP_V8", "VDEM13_2021"} <= set(sources["source_id"]) and sources["licence"].notna().all()
    xlsx = client.get("/download/tensions.xlsx?year=2021&country=LBN")
    sheets = pd.read_excel(io.BytesIO(xlsx.data), sheet_name=None)
    assert list(sheets) == ["tensions", "rows", "about", "sources"]
    assert sheets["tensions"]["iso3"].tolist() == ["LBN"]
    assert {"dsp_v2smpardom", "e_arrests"} <= set(sheets["rows"]["measure"])
    about = " ".join(str(v) for v in sheets["about"].fillna("").to_numpy().ravel())
    assert "Not part of the scores" in about and "CC BY-SA 4.0" in about
    assert client.get("/download/tensions.pdf").status_code == 404
    bad = client.get("/download/tensions.csv?year=1850")
    assert bad.status_code == 400 and bad.get_json()["parameter"] == "year"


def test_validate_command_checks_tensions_csv(tmp_path):
    import subprocess
    import sys
    write_data_dir(tmp_path, [("AAA", 2021, "a_lin", 3)])
    (tmp_path / "tensions.csv").write_text(HEADER + "AAA,2021,keepiton_events,-1,SRC,\n")
    run = subprocess.run([sys.executable, "-m", "indicators", "validate", "--data", str(tmp_path)],
                         capture_output=True, text=True)
    assert run.returncode == 1 and "tensions.csv, line 2, field 'value'" in run.stderr


def test_page_opens_on_the_latest_year_it_can_draw(app):
    """The newest scored year (2025) has no restriction axis (the V-Dem items end in 2024 with the
    carry-forward window): the page opens on the latest year that places countries and says so."""
    from dashboard import data
    from dashboard.pages import tensions as page
    latest = data.tensions_latest_year()
    assert latest < max(data.years()) and data.tensions_view(latest)["placed"].sum() >= 60
    assert not data.tensions_view(max(data.years()))["placed"].any()
    view, problems = page.parse({})
    assert view["year"] == latest and not problems
    text = page.summary({"year": max(data.years()), "region": ""}).children
    assert f"only 2021-{latest} can be drawn" in text
