"""Figure builders: pure functions on hand-made tables, and the CHARTS registry on the real data."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import data, figures
from dashboard.figures import CHARTS, NO_DATA


@pytest.fixture(scope="module", autouse=True)
def real_data():
    from tests.conftest import DATA
    data.configure(DATA)
    yield


TINY_POINTS = {"SGP": (103.795, 1.357), "MLT": (14.471, 35.857)}  # as in data/geo/points.csv


def tiny_map_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "iso3": ["AAA", "BBB", "CCC", "SGP", "MLT"],
        "name": ["Alpha", "Beta", "Gamma", "Singapore", "Malta"],
        "score": [1.2, math.nan, 5.5, 3.0, math.nan],
        "band": [1, pd.NA, 6, 3, pd.NA],
        "label": ["Severely restricted", "No data", "Fully respected", "Partly restricted", "No data"],
        "coverage": [0.9, 0.3, 1.0, 0.8, 0.2],
        "pilot": [False, True, False, False, False],
    })


def test_map_no_data_is_grey_not_low():
    fig = figures.map_figure(tiny_map_frame(), title="T", source="S", node_label="Overall", points=TINY_POINTS)
    scored = next(t for t in fig.data if t.name == "Scored")
    nodata = next(t for t in fig.data if t.name == "No data")
    assert list(scored.locations) == ["AAA", "CCC"]          # only scored countries on the colour axis
    assert list(nodata.locations) == ["BBB"]
    assert scored.coloraxis == "coloraxis" and nodata.coloraxis is None
    assert all(c[1] == NO_DATA for c in nodata.colorscale)    # a single neutral grey
    assert fig.layout.coloraxis.cmin == 1 and fig.layout.coloraxis.cmax == 6  # fixed range, not data-driven
    assert not any(s.startswith("#bdbdbd") for _, s in fig.layout.coloraxis.colorscale)


def test_map_small_states_are_points_and_no_data_points_grey():
    fig = figures.map_figure(tiny_map_frame(), title="T", source="S", node_label="Overall", points=TINY_POINTS)
    points = {t.name: t for t in fig.data if isinstance(t, go.Scattergeo) and t.lon and t.lon[0] is not None}
    assert list(points["Small states"].customdata) == ["SGP"]
    assert points["Small states"].marker.coloraxis == "coloraxis"
    assert list(points["No data (small state)"].customdata) == ["MLT"]
    assert points["No data (small state)"].marker.color == NO_DATA


def test_map_hover_has_score_band_and_coverage():
    fig = figures.map_figure(tiny_map_frame(), title="T", source="S", node_label="Privacy")
    scored = next(t for t in fig.data if t.name == "Scored")
    assert "1.20" in scored.text[0] and "Band 1: Severely restricted" in scored.text[0]
    assert "Coverage 90%" in scored.text[0]
    nodata = next(t for t in fig.data if t.name == "No data")
    assert "no data" in nodata.text[0] and "Coverage 30%" in nodata.text[0] and "50%" in nodata.text[0]


def test_map_marks_pilots_and_has_legend_key_for_no_data():
    fig = figures.map_figure(tiny_map_frame(), title="T", source="S", node_label="Overall")
    pilot = next(t for t in fig.data if t.name == "Pilot country" and t.type == "choropleth")
    # an outline, not a star over the country (a star hid Lebanon): transparent fill, thick black edge
    assert list(pilot.locations) == ["BBB"] and pilot.type == "choropleth" and pilot.marker.line.width >= 2
    assert all(c[1] == "rgba(0,0,0,0)" for c in pilot.colorscale)
    assert any(t.name == "Pilot country" and t.type == "scattergeo" and t.showlegend is not False for t in fig.data)
    assert any(t.name.startswith("No data") and t.showlegend is not False for t in fig.data)
    plain = figures.map_figure(tiny_map_frame(), title="T", source="S", node_label="Overall", mark_pilots=False)
    assert not any(str(t.name).startswith("Pilot") for t in plain.data)


def test_line_series_differ_without_colour():
    """Every line differs from every other in dash and marker, not only in colour (two regions
    used to share colour and dash)."""
    series = [f"Region {i}" for i in range(8)]
    frame = pd.DataFrame([{"year": y, "series": s, "score": 3.0} for s in series for y in (2020, 2021)])
    fig = figures.lines_figure(frame, None, title="T", source="S", emphasis="Region 0")
    lines = [t for t in fig.data if t.type == "scatter"]
    styles = [(t.line.dash, t.marker.symbol) for t in lines]
    assert len(set(d for d, _ in styles)) == len(styles) - 1  # the emphasis line is solid, thick and black
    assert len(set(m for _, m in styles)) == len(styles)
    assert next(t for t in lines if t.name == "Region 0").line.width > 3


def test_map_keeps_a_stable_world_view():
    fig = figures.map_figure(tiny_map_frame(), title="T", source="S", node_label="Overall")
    assert fig.layout.geo.fitbounds is False
    zoomed = figures.map_figure(tiny_map_frame(), title="T", source="S", node_label="Overall", zoom_to_data=True)
    assert zoomed.layout.geo.fitbounds == "locations"


def test_every_figure_carries_title_and_source():
    fig = figures.pillars_figure(pd.DataFrame({"name": ["Overall", "Privacy"], "score": [3.0, math.nan],
                                               "band": [3, pd.NA], "label": ["Partly restricted", "No data"],
                                               "coverage": [0.9, 0.2]}),
                                 title="My title", source="Source: X. Data CC BY-SA 4.0")
    assert "My title" in fig.layout.title.text
    assert any("CC BY-SA 4.0" in a.text for a in fig.layout.annotations)
    assert any("no data" in a.text for a in fig.layout.annotations)  # the missing pillar says so


def test_pillar_bars_are_filled_with_colour_strings_from_the_scale():
    """plotly.js warned 'Invalid color specifier: number 3.5' for every bar given a number to colour."""
    fig = figures.pillars_figure(pd.DataFrame({"name": ["Overall", "Privacy", "Access"], "score": [6.0, 1.0, math.nan],
                                               "band": [6, 1, pd.NA], "label": ["a", "b", "No data"],
                                               "coverage": [1.0, 1.0, 0.0]}), title="T", source="S")
    colours = list(fig.data[0].marker.color)  # bottom to top: Access, Privacy, Overall
    assert colours == ["rgb(68, 1, 84)", "rgb(68, 1, 84)", "rgb(253, 231, 37)"]  # SCALE's ends: #440154, #fde725
    assert fig.data[0].marker.colorscale is None and list(fig.data[0].x)[0] == 0  # no score: a bar of length 0
    assert figures.scale_colours([3.5])[0] not in colours


def test_split_leaves_missing_actor_out_and_says_so():
    frame = pd.DataFrame({"pillar": ["privacy"] * 2, "pillar_name": ["Privacy"] * 2,
                          "actor": ["state", "corporate"], "actor_name": ["State", "Corporate"],
                          "score": [3.0, math.nan], "coverage": [1.0, 0.0], "label": ["x", "No data"]})
    fig = figures.split_figure(frame, title="T", source="S")
    assert [t.name for t in fig.data] == ["State", "Corporate"]
    assert list(fig.data[1].y) == [None]
    assert any("Privacy corporate" in a.text for a in fig.layout.annotations)


def test_lines_do_not_bridge_gaps_and_show_measured_share():
    frame = pd.DataFrame({"year": [2019, 2020, 2021], "series": ["A"] * 3, "score": [3.0, math.nan, 4.0]})
    measured = pd.DataFrame({"year": [2019, 2020, 2021], "measured_share": [0.5, 0.5, 0.9]})
    fig = figures.lines_figure(frame, measured, title="T", source="S")
    line = fig.data[0]
    assert line.connectgaps is False and math.isnan(line.y[1])
    assert fig.data[-1].yaxis == "y2" and list(fig.data[-1].y) == [0.5, 0.5, 0.9]


def test_source_line_credits_publishers_year_and_licence():
    text = figures.source_line(["V-Dem Institute", "Freedom House"], 2021, "1.0")
    assert "V-Dem Institute" in text and "Freedom House" in text and "2021" in text and "CC BY-SA 4.0" in text


@pytest.mark.parametrize("kind", sorted(CHARTS))
def test_charts_build_from_url_params(kind):
    params = {"year": "2021", "country": "COL", "countries": "COL,IDN", "node": "privacy", "region": ""}
    fig = CHARTS[kind](params)
    assert isinstance(fig, go.Figure)
    assert fig.layout.title.text
    credit = " ".join(a.text for a in fig.layout.annotations)
    assert "CC BY-SA 4.0" in credit and "Source:" in credit and "V-Dem" in credit


def test_required_chart_kinds_exist():
    assert {"map", "pillars", "split", "trend", "compare", "region_trends"} <= set(CHARTS)


@pytest.mark.parametrize("kind, params, name", [
    ("map", {"year": "1999"}, "year"),
    ("map", {"year": "abc"}, "year"),
    ("map", {"node": "happiness"}, "node"),
    ("map", {"actor": "aliens"}, "actor"),
    ("map", {"region": "Atlantis"}, "region"),
    ("map", {"node": "privacy", "actor": "structural"}, "actor"),
    ("pillars", {}, "country"),
    ("pillars", {"country": "XYZ"}, "country"),
    ("compare", {"countries": "COL,XYZ"}, "countries"),
    ("compare", {}, "countries"),
])
def test_bad_params_name_the_parameter(kind, params, name):
    with pytest.raises(ValueError, match=f"^{name}:"):
        CHARTS[kind](params)


def test_map_chart_matches_engine_scores():
    fig = CHARTS["map"]({"year": "2021", "node": "overall"})
    nodes = data.nodes(2021)
    overall = nodes[nodes["node"] == "overall"].set_index("iso3")["score"]
    scored = next(t for t in fig.data if t.name == "Scored")
    for iso3, z in zip(scored.locations, scored.z):
        assert z == pytest.approx(overall[iso3])
    drawn = set(scored.locations)
    for t in fig.data:
        if t.name == "Small states":
            drawn |= set(t.customdata)
    assert drawn == set(overall.dropna().index)   # every scored country is drawn, as a shape or a point


def test_region_filter_and_actor_split():
    fig = CHARTS["map"]({"year": "2021", "node": "privacy", "actor": "state", "region": "South Asia"})
    assert "state" in fig.layout.title.text and "South Asia" in fig.layout.title.text
    codes = {c for t in fig.data if t.customdata is not None for c in t.customdata}
    regions = data.countries().loc[list(codes), "region"]
    assert set(regions) == {"South Asia"}


def test_a_view_drawn_before_is_not_rebuilt():
    """What keeps map updates and year changes fast: a view drawn before is served from the cache of
    this scoring run (the speed itself is measured by benchmarks/pages_benchmark.py, not here)."""
    params = {"year": "2019", "node": "access", "actor": "corporate"}
    first = figures.figure_dict("map", params, fixed_height=False)
    assert figures.figure_dict("map", dict(params), fixed_height=False) is first
    assert figures.figure_dict("map", {**params, "pilots": "0"}, fixed_height=False) is not first


def test_compare_draws_likely_ranges_only_where_the_runs_give_one():
    frame = pd.DataFrame({
        "country": ["Alpha", "Alpha", "Beta", "Beta"], "node_name": ["Overall", "Privacy"] * 2,
        "score": [3.0, 4.0, 3.2, math.nan], "label": ["x", "y", "z", "No data"], "coverage": [1, 1, 1, 0.2],
        "low": [2.8, math.nan, 3.0, math.nan], "high": [3.3, math.nan, 3.5, math.nan]})
    fig = figures.compare_figure(frame, title="T", source="S")
    alpha, beta = (t for t in fig.data if t.type == "bar")
    assert alpha.error_y.array[0] == pytest.approx(0.3) and alpha.error_y.arrayminus[0] == pytest.approx(0.2)
    assert alpha.error_y.array[1] is None  # a score without a range gets no bar, not a zero-width one
    assert "Likely 2.80–3.30" in alpha.hovertext[0]
    assert beta.y[1] is None  # no data: no bar at all


def test_compare_chart_carries_sensitivity_ranges():
    fig = figures.CHARTS["compare"]({"countries": "COL,IDN", "year": "2021"})
    iv = data.sensitivity(2021).set_index("iso3")
    col = next(t for t in fig.data if t.name == "Colombia")
    assert col.error_y.array[0] == pytest.approx(iv.at["COL", "overall_high"] - col.y[0])


# --- right to left (Arabic): the builders mirror what reads from the right; time keeps running left to right ---

@pytest.fixture(scope="module")
def server(app_config):
    from dashboard import create_app
    return create_app(app_config).server


def _built(server, lang, build):
    with server.test_request_context(f"/?lang={lang}"):
        return build()


PILLARS = pd.DataFrame({"name": ["Overall", "Privacy"], "score": [3.0, math.nan], "band": [3, pd.NA],
                        "label": ["Partly restricted", "No data"], "coverage": [0.9, 0.2],
                        "low": [2.5, math.nan], "high": [3.5, math.nan]})
RLI, PDI = "\u2067", "\u2069"


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_horizontal_bars_are_mirrored_in_arabic_only(server, lang):
    fig = _built(server, lang, lambda: figures.pillars_figure(PILLARS, title="Colombia: scores, 2025",
                                                              source="Source: X. Data CC BY-SA 4.0"))
    arabic = lang == "ar"
    # the value axis: zero on the right and the bars growing leftwards, the category labels on the right
    assert list(fig.layout.xaxis.range) == ([7.6, 0] if arabic else [0, 7.6])
    assert fig.layout.yaxis.side == ("right" if arabic else None)
    assert fig.layout.title.x == (0.99 if arabic else 0.01)
    assert fig.layout.title.xanchor == ("right" if arabic else "left")
    source = next(a for a in fig.layout.annotations if "CC BY-SA" in a.text)
    assert (source.x, source.xanchor, source.align) == ((1, "right", "right") if arabic else (0, "left", "left"))
    no_data = next(a for a in fig.layout.annotations if a.xref != "paper")
    assert no_data.xanchor == ("right" if arabic else "left")
    assert fig.data[1].textposition == ("middle left" if arabic else "middle right")  # the likely range's label
    # each line of text is a right-to-left isolate in Arabic, untouched otherwise
    assert fig.layout.title.text.startswith(RLI) is arabic and (RLI in source.text) is arabic
    if arabic:
        assert all(line.startswith(RLI) and line.endswith(PDI) for line in source.text.split("<br>"))
        assert fig.layout.margin.r > fig.layout.margin.l  # room for the value axis on the right


def test_vertical_bars_put_the_first_category_on_the_right_in_arabic(server):
    frame = pd.DataFrame({"country": ["A", "A", "B", "B"], "node_name": ["Overall", "Privacy"] * 2,
                          "score": [3.0, 4.0, 2.0, 5.0], "label": ["x"] * 4, "coverage": [1.0] * 4})
    for lang, reversed_ in (("en", False), ("ar", True)):
        fig = _built(server, lang, lambda: figures.compare_figure(frame, title="T", source="S"))
        assert (fig.layout.xaxis.autorange == "reversed") is reversed_
        assert fig.layout.yaxis.side == ("right" if reversed_ else None)
        assert list(fig.layout.yaxis.range) == [0, 6.3]  # scores still grow upwards from zero
        assert fig.layout.legend.xanchor == ("right" if reversed_ else "left")
        assert [t.name for t in fig.data] == ([f"{RLI}A{PDI}", f"{RLI}B{PDI}"] if reversed_ else ["A", "B"])


def test_time_runs_left_to_right_in_arabic_too(server):
    frame = pd.DataFrame({"year": [2019, 2020, 2021], "series": ["A"] * 3, "score": [3.0, 3.5, 4.0]})
    measured = pd.DataFrame({"year": [2019, 2020, 2021], "measured_share": [0.5, 0.5, 0.9]})
    en = _built(server, "en", lambda: figures.lines_figure(frame, measured, title="T", source="S"))
    ar = _built(server, "ar", lambda: figures.lines_figure(frame, measured, title="T", source="S"))
    for fig in (en, ar):
        assert fig.layout.xaxis.autorange is None and fig.layout.xaxis.range is None  # years left to right
        assert fig.layout.yaxis.side is None  # the score axis where time starts
    assert (en.layout.title.xanchor, ar.layout.title.xanchor) == ("left", "right")
    caption = [a for a in ar.layout.annotations if a.yanchor == "bottom"][0]  # the measured share's caption
    assert (caption.x, caption.xanchor) == (1, "right")


def test_an_arabic_chart_from_the_registry_is_mirrored(server):
    fig = _built(server, "ar", lambda: CHARTS["pillars"]({"country": "COL", "year": "2021"}))
    assert fig.layout.yaxis.side == "right" and fig.layout.xaxis.range[0] > fig.layout.xaxis.range[1]
    fig = _built(server, "en", lambda: CHARTS["pillars"]({"country": "COL", "year": "2021"}))
    assert fig.layout.yaxis.side is None and fig.layout.xaxis.range[0] < fig.layout.xaxis.range[1]


def test_label_room_is_the_widest_line_of_the_labels_at_its_own_size():
    from dashboard.figures import label_room
    # "Mostly respected": 16 regular characters at 10 px x 0.52 = 83.2 -> 84, wider than bold "Overall" at 12 px
    # x 0.62 (52.1); + 20 (the tick's own gap and a few pixels for other fonts)
    assert label_room(["<b>Overall</b><br><span style='font-size:10px'>Mostly respected</span>"]) == 104
    assert label_room(["<b>Freedom of association</b>"]) == 164 + 20  # 22 x 12 x 0.62 = 163.7
    assert label_room(["隐私隐私"]) == 48 + 20  # 4 characters x 12 px x 1
    assert label_room(["隐私", "Access"]) == 38 + 20  # the wider: 6 x 12 x 0.52 = 37.4 against 2 x 12
    assert label_room(["الخصوصية"]) == 48 + 20  # 8 Arabic letters x 12 px x 0.5
    assert label_room([]) == 20


def test_the_pillar_chart_reserves_its_labels_room(app_config):
    from dashboard import create_app, figures
    app = create_app(app_config)
    with app.server.test_request_context("/?lang=en"):
        fig = figures.build_pillars({"country": "COL", "year": 2021})
    assert fig.layout.margin.l == figures.label_room(fig.data[0].y) > 50
