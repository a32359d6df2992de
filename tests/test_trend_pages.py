"""The like-for-like trend on the pages: the country profile's words and table, the trend chart, the
trends page's lines and change table (called directly, no browser)."""

from __future__ import annotations

import pytest

from indicators.trend import signed
from tests.conftest import DATA
from tests.test_pages import text_of


@pytest.fixture(scope="module")
def pages():
    import importlib

    from dashboard import create_app, data
    from dashboard.config import Config
    create_app(Config(data_dir=DATA, secret_key="test"))
    data.configure(DATA)
    return {n: importlib.import_module(f"dashboard.pages.{n}") for n in ("country", "trends", "methodology")}


def test_country_trend_words_use_the_like_for_like_figure(pages):
    from dashboard import data
    t = data.trend("MOZ")
    text = text_of(pages["country"].layout(iso3="MOZ"))
    assert f"{signed(t['like_for_like'])} since {t['from']} on the same indicators" in text
    assert f"{signed(t['composition'])} from indicators" in text
    assert f"published change {signed(t['published'])}" in text
    # the yearly table: one row per year of the span, levels and the three changes
    assert "On the same indicators" in text and "Same-indicator level" in text
    for y in t["years"]:
        assert f'"{y["year"]}"' in text
    assert t["published"] == pytest.approx(t["like_for_like"] + t["composition"], abs=2e-4)


def test_country_trend_chart_draws_the_same_indicator_line(pages):
    from dashboard import data, figures
    fig = figures.build_trend({"country": "MOZ"})
    names = [d.name for d in fig.data]
    assert "Overall on the same indicators" in names
    line = next(d for d in fig.data if d.name == "Overall on the same indicators")
    t = data.trend("MOZ")
    assert list(line.y) == pytest.approx([y["like_for_like_level"] for y in t["years"]])


def test_trends_page_lines_are_like_for_like_and_the_table_splits_the_change(pages):
    from dashboard import data, figures
    fig = figures.build_region_trends({})
    names = [d.name for d in fig.data]
    assert "All countries" in names and "All countries, as published" in names
    world = data.group_trends("overall")
    world = world[world["group"] == "All countries"]
    drawn = next(d for d in fig.data if d.name == "All countries")
    assert list(drawn.y) == pytest.approx(world["like_for_like_level"].tolist())
    published = next(d for d in fig.data if d.name == "All countries, as published")
    assert list(published.y) == pytest.approx(world["mean"].tolist())
    text = text_of(pages["trends"].layout())
    assert "mean of the world" in text and "on the same indicators" in text
    assert "from indicators added or dropped" in text
    assert "Countries scored changing" in text


def test_trends_change_section_follows_the_view(pages):
    text = text_of(pages["trends"].change_section({"node": "privacy", "actor": "state", "region": "South Asia"}))
    assert "Privacy score, state actors only, mean of South Asia" in text


def test_methodology_page_explains_the_method(pages):
    text = text_of(pages["methodology"].layout())
    assert "Changes over time, like for like" in text and "carried forward" in text
