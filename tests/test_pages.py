"""Page layouts and callbacks called directly (no browser): URL parameters, edge cases, provenance."""

from __future__ import annotations

import json
import os

import pytest
from dash.development.base_component import Component

from tests.conftest import DATA


@pytest.fixture(scope="module")
def pages():
    """The page modules, imported the way Dash imports them (after the app exists)."""
    import importlib

    from dashboard import create_app, data
    from dashboard.config import Config
    create_app(Config(data_dir=DATA, secret_key="test"))
    data.configure(DATA)
    names = ["home", "country", "compare", "trends", "methodology", "not_found_404"]
    return {n: importlib.import_module(f"dashboard.pages.{n}") for n in names}


def text_of(component) -> str:
    """All text in a component tree (what a reader would see, roughly)."""
    return json.dumps(component.to_plotly_json() if isinstance(component, Component) else component,
                      default=lambda c: c.to_plotly_json() if isinstance(c, Component) else str(c),
                      ensure_ascii=False)


@pytest.mark.parametrize("name", ["home", "country", "compare", "trends", "methodology", "not_found_404"])
def test_every_layout_renders_with_defaults(pages, name):
    assert isinstance(pages[name].layout(), Component)


@pytest.mark.parametrize("params, expected", [
    ({"year": "2019", "node": "privacy", "actor": "state", "region": "South Asia", "pilots": "0"},
     {"year": 2019, "node": "privacy", "actor": "state", "region": "South Asia", "pilots": False}),
    ({}, {"year": 2025, "node": "overall", "actor": "all", "region": "", "pilots": True}),
    ({"year": "1800", "node": "bogus"}, {"year": 2025, "node": "overall", "actor": "all", "region": "",
                                         "pilots": True}),
])
def test_map_reads_its_view_from_the_url(pages, params, expected):
    view, problems = pages["home"].parse(params)
    assert view == expected
    assert bool(problems) == ("1800" in params.values())


def test_map_layout_warns_about_bad_parameters(pages):
    out = text_of(pages["home"].layout(year="1800", node="bogus"))
    assert "year: 1800 is not a scored year" in out and "node: 'bogus'" in out


def test_map_callback_redraws_and_rebuilds_downloads(pages):
    fig, menu, summary = pages["home"].update_map(2018, "access", "corporate", "all", ["1"])
    assert fig["layout"]["title"]["text"].startswith("Access score, corporate actors only, 2018")
    assert "height" not in fig["layout"]          # CSS sizes the on-screen map
    links = text_of(menu)
    assert "node=access" in links and "actor=corporate" in links and "year=2018" in links
    assert "geojson" in links                      # GIS formats on the map page
    assert "countries" in summary and "no data" in summary


def test_map_click_and_picker_open_the_profile(pages):
    import dash
    from dash._callback_context import context_value
    from dash._utils import AttributeDict
    context_value.set(AttributeDict(triggered_inputs=[{"prop_id": "map-graph.clickData", "value": None}]))
    click = {"points": [{"location": "BRA", "customdata": "BRA"}]}
    assert pages["home"].open_country(click, None, 2021) == "/country/BRA?year=2021"
    context_value.set(AttributeDict(triggered_inputs=[{"prop_id": "map-country.value", "value": "LBN"}]))
    assert pages["home"].open_country(None, "LBN", 2020) == "/country/LBN?year=2020"
    context_value.set(AttributeDict(triggered_inputs=[{"prop_id": "map-graph.clickData", "value": None}]))
    assert pages["home"].open_country({"points": []}, None, 2020) is dash.no_update


def test_score_table_lists_no_data_as_no_data(pages):
    table = text_of(pages["home"].score_table({"year": 2021, "node": "overall", "actor": "all", "region": ""}))
    assert "/country/COL?year=2021" in table and "No data" in table


@pytest.mark.parametrize("iso3", ["COL", "VIR", "XKX", "SGP", "col"])
def test_country_profiles_render_even_without_scores(pages, iso3):
    out = text_of(pages["country"].layout(iso3=iso3, year="2021"))
    assert "Drill-down" in out and "not a country code" not in out


def test_country_unknown_code_and_year(pages):
    assert "is not a country code we know" in text_of(pages["country"].layout(iso3="XYZ"))
    out = text_of(pages["country"].layout(iso3="COL", year="1999"))
    assert "There are no scores for the year" in out and "showing 2025" in out


def test_drilldown_shows_every_level(pages):
    from dashboard import data
    d = data.drilldown("COL", 2021)
    out = text_of(pages["country"].drilldown(d))
    assert "Privacy: 3.18 · Privacy partly protected · coverage 75%" in out     # pillar, band, coverage
    assert "coverage 100% (3 of 6 indicators)" in out                            # pillar x actor
    assert "No corporate evidence" in out                                        # methodology 2.0
    assert "p_fiw_d4" in out and "https://freedomhouse.org" in out and "4.75" in out   # indicator to source
    assert "Not measured by its source in this window" in out


def test_drilldown_builds_only_the_open_pillars_tables(pages):
    """A closed pillar holds an empty box (filled when it is opened): the profile no longer renders the
    four indicator tables on every year change."""
    from dashboard import data
    from dashboard.components import drilldown as dd
    d = data.drilldown("COL", 2021)
    first, *others = [p["node"] for p in d["pillars"]]
    accordion = pages["country"].drilldown(d)
    assert accordion.active_item == [first]
    boxes = {item.item_id: item.children[-1] for item in accordion.children}
    assert boxes[first].className == dd.LOADED and "drd-indicator-table" in text_of(boxes[first])
    for node in others:
        assert boxes[node].id == {"type": dd.TABLE_BOX, "node": node} and boxes[node].className == dd.EMPTY
        assert "Loading the indicators" in text_of(boxes[node]) and "drd-indicator-table" not in text_of(boxes[node])
    opened = pages["country"].drilldown(d, ["access", "no-such-pillar"])
    assert opened.active_item == ["access"]
    assert "a_shutdowns" in text_of(opened) and "p_fiw_d4" not in text_of(opened)


def test_an_opened_pillar_gets_its_table_once(pages):
    from dashboard import data
    from dashboard.components import drilldown as dd
    d = data.drilldown("COL", 2021)
    nodes = [p["node"] for p in d["pillars"]]
    classes = [dd.LOADED] + [dd.EMPTY] * (len(nodes) - 1)
    children, class_names = dd.pillar_tables(d, nodes, classes, [nodes[0], "access"])
    access = nodes.index("access")
    assert children[0] is None and class_names[0] is None          # already on the page: not sent again
    assert "a_shutdowns" in text_of(children[access]) and class_names[access] == dd.LOADED
    assert all(c is None for i, c in enumerate(children) if i not in (access,))  # closed ones stay empty
    # closing a pillar keeps its table (nothing to rebuild when it is opened again)
    assert dd.pillar_tables(d, nodes, [dd.LOADED] * len(nodes), None) == ([None] * len(nodes), [None] * len(nodes))


def test_correction_provenance_is_shown(pages):
    pillar = {"node": "privacy", "items": [{
        "indicator": "p_fiw_d4", "name": "Expression without fear", "actor": "state", "weight": 1.0,
        "status": "used", "value": 2.0, "obs_year": 2021, "carried": False, "score": 3.5, "note": "fiw_d4",
        "corrected": True,
        "correction": {"original_value": 3.0, "reason": "Edition misread", "author": "Panel member A",
                       "date": "2026-11-01", "source": "https://freedomhouse.org/country/colombia"},
        "source": {"source_id": "FH_FIW", "publisher": "Freedom House", "dataset": "FIW", "url": "https://x",
                   "licence": "terms"}}]}
    out = text_of(pages["country"].indicator_table(pillar, 2021))
    for expected in ("Expert correction", "Published value 3 replaced by 2", "Panel member A", "2026-11-01",
                     "Edition misread", "https://freedomhouse.org/country/colombia"):
        assert expected in out


def test_compare_view_and_empty_selection(pages):
    view, problems = pages["compare"].parse({"countries": "col,IDN", "year": "2020", "actor": "state"})
    assert view == {"year": 2020, "actor": "state", "node": "overall", "view": "year",
                    "countries": ["COL", "IDN"]} and not problems
    fig, menu, table, *_ = pages["compare"].update([], 2020, "all")
    assert "Choose one or more countries" in json.dumps(fig if isinstance(fig, dict) else fig.to_plotly_json())
    fig, menu, table, *_ = pages["compare"].update(["COL", "UZB"], 2021, "corporate")
    assert [t["name"] for t in fig["data"]] == ["Colombia", "Uzbekistan"]
    assert "Privacy, corporate" in text_of(table) and "country=COL%2CUZB" in text_of(menu)


def test_trends_measured_share_table(pages):
    out = text_of(pages["trends"].measured_table())
    assert "Measured share" in out and "31%" in out and "98%" in out


def test_methodology_comes_from_the_tables(pages):
    from dashboard import data
    out = text_of(pages["methodology"].layout())
    meth = data.dataset().methodology
    for code, row in meth.indicators.iterrows():
        assert code in out and row["name"] in out
    for label in meth.bands["label"]:
        assert label in out
    assert "50%" in out and "Tensions" in out and "12 operators" in out


def test_a_background_recompute_keeps_what_a_correction_does_not_change(pages):
    """After an accepted correction the new results are prepared in the background; the first profile
    served with them must not read tensions.csv again (a correction never changes it: 1 s) nor score
    the trends again (the warmers built them for the new results before the swap: 1.1 s)."""
    from dashboard import data
    data.configure(DATA, background=True)
    try:
        served = data.tensions()
        data.trend("COL")
        data.recompute("test-keep")
        assert data.wait_recomputed(600)
        new = data.bundle()
        assert data.tensions() is served
        kept = [k for k, v in list(data._state.items())  # noqa: SLF001 - the cache's own contents
                if isinstance(v, tuple) and v and v[0] is new and str(k).startswith("trend-COL-overall")]
        assert kept, "the warmers' trends for the new results were dropped at the swap"
    finally:
        data.configure(DATA)


def test_the_background_recompute_scores_in_a_child_process_and_scores_here_if_it_fails(pages, monkeypatch):
    """The scoring and the reached years' likely ranges run in another process (indicators.rescore), so the
    serving threads keep this interpreter; the years no correction reaches are kept; a failed child is
    logged and the scores are built in this process instead."""
    import pandas as pd

    from dashboard import data
    from indicators.rescore import RescoreError
    asked = []
    real = data.score_elsewhere

    def spy(data_dir, more, years, **kwargs):
        asked.append(list(years))
        return real(data_dir, more, years, **kwargs)

    more = pd.DataFrame([{"iso3": "COL", "year": 2023, "indicator": "p_fiw_d4", "value": 1.0, "reason": "test",
                          "author": "panel", "date": "2026-12-02", "source": "test"}])
    monkeypatch.setattr(data, "score_elsewhere", spy)
    data.configure(DATA, background=True)
    try:
        first = data.bundle()
        for year in first.results.years:
            data.sensitivity_result(year)
        data._settings["extra_corrections"] = lambda: more  # noqa: SLF001 - a lead accepted a correction
        data.recompute("test-child")
        assert data.wait_recomputed(600)
        new = data.bundle()
        assert asked == [[y for y in first.results.years if y >= 2023]]  # reach: the year and 10 after
        row = new.results.indicators.query("iso3 == 'COL' and year == 2023 and indicator == 'p_fiw_d4'")
        assert row["value"].tolist() == [1.0]
        assert new.derived["sensitivity-2022"] is first.derived["sensitivity-2022"]  # not reached: kept

        def broken(*args, **kwargs):
            raise RescoreError("the scoring process exited with 1: test")

        monkeypatch.setattr(data, "score_elsewhere", broken)
        more = pd.concat([more.assign(year=2024)])
        data.recompute("test-child-fails")
        assert data.wait_recomputed(600)
        row = data.bundle().results.indicators.query("iso3 == 'COL' and year == 2024 and indicator == 'p_fiw_d4'")
        assert row["value"].tolist() == [1.0]  # built in this process
    finally:
        data.configure(DATA)


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="thread niceness is a Linux (POSIX) feature")
def test_the_background_recompute_thread_yields_the_cpu_to_requests():
    """The recompute job's thread lowers its own priority; the thread serving requests keeps its own."""
    import threading

    from dashboard import data
    seen = {}

    def job():
        data._lower_priority()
        seen["job"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    worker = threading.Thread(target=job)
    worker.start()
    worker.join()
    assert seen["job"] == max(before, data.RECOMPUTE_NICE)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before  # the caller's thread unchanged
