"""The one place the app reads the engine's results: loaded on first use, cached per process.

Pages, exports and the API call these functions; none of them recomputes scores. Nothing is read at
import time. `refresh()` drops the cache (e.g. after a correction is accepted).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from indicators import Dataset, Results, default_data_dir, load_dataset, score
from indicators.drilldown import explain

_lock = threading.Lock()
_state: dict[str, Bundle] = {}
_settings: dict[str, object] = {"data_dir": None, "extra_corrections": None}


@dataclass(frozen=True)
class Bundle:
    dataset: Dataset
    results: Results
    corrections: pd.DataFrame | None = None  # the corrections the results were scored with


def configure(data_dir: Path | None = None, extra_corrections=None) -> None:
    """Point the cache at a data directory; `extra_corrections` is a callable returning a corrections
    frame (same columns as corrections.csv) added to the file's, e.g. the review store's accepted ones."""
    with _lock:
        _settings["data_dir"] = data_dir
        _settings["extra_corrections"] = extra_corrections
        _state.clear()


def refresh() -> None:
    with _lock:
        _state.clear()


def bundle() -> Bundle:
    with _lock:
        if "bundle" not in _state:
            dataset = load_dataset(_settings["data_dir"])
            corrections = dataset.corrections
            extra = _settings["extra_corrections"]
            if extra is not None:
                more = extra()
                if more is not None and not more.empty:
                    key = ["iso3", "year", "indicator"]
                    corrections = pd.concat([corrections, more], ignore_index=True).drop_duplicates(key, keep="last")
            _state["bundle"] = Bundle(dataset, score(dataset, corrections=corrections), corrections)
        return _state["bundle"]


def dataset() -> Dataset:
    return bundle().dataset


def results() -> Results:
    return bundle().results


def years() -> list[int]:
    return results().years


def countries() -> pd.DataFrame:
    """iso3-indexed: name, region, income_group, pilot."""
    return dataset().countries


def nodes(year: int | None = None) -> pd.DataFrame:
    frame = results().nodes
    return frame if year is None else frame[frame["year"] == year]


def map_points() -> dict[str, tuple[float, float]]:
    """(lon, lat) for scored places too small for the 1:110m map shapes, from data/geo/points.csv
    (representative points of Natural Earth's 1:10m shapes, made by scripts/build_data.py)."""
    path = Path(_settings["data_dir"] or default_data_dir()) / "geo" / "points.csv"
    with _lock:
        if "points" not in _state:
            frame = pd.read_csv(path) if path.exists() else pd.DataFrame(columns=["iso3", "lon", "lat"])
            _state["points"] = {i: (float(x), float(y)) for i, x, y in zip(frame["iso3"], frame["lon"], frame["lat"])}
        return _state["points"]


def drilldown(iso3: str, year: int) -> dict:
    """The drill-down for one country and year (see indicators.cli.explain)."""
    b = bundle()
    return explain(b.dataset, b.results, iso3, year)


_sensitivity_lock = threading.Lock()


def sensitivity_result(year: int):
    """The Monte Carlo for `year` (indicators.sensitivity.Sensitivity: intervals, nodes, shares), read
    from the disk cache ($DRD_CACHE_DIR or instance/cache/) or computed once (about a second)."""
    from indicators.sensitivity import sensitivity_cached
    b = bundle()
    key = f"sensitivity-{year}"
    with _sensitivity_lock:
        cached = _state.get(key)
        if cached is None or cached[0] is not b:
            cached = (b, sensitivity_cached(b.dataset, year, corrections=b.corrections))
            _state[key] = cached
    return cached[1]


def sensitivity(year: int) -> pd.DataFrame:
    """One row per scored country for `year`: each score column X with X_low and X_high (the 5th-95th
    percentile over 1,000 runs of alternative methodological choices), then rank, rank_low, rank_high."""
    return sensitivity_result(year).intervals


def how_sure(iso3: str, year: int) -> dict | None:
    """For the country page: interval texts ('3.91 (likely 3.74–4.05)') for overall and pillars, the
    rank interval and a 'How sure is this?' paragraph (indicators.sensitivity.how_sure)."""
    from indicators.sensitivity import how_sure as describe
    return describe(sensitivity_result(year), iso3)


def trend(iso3: str, year_from: int | None = None, year_to: int | None = None, node: str = "overall") -> dict:
    """Published, like-for-like and composition change of one node (indicators.trend.country_trend),
    cached per scoring run. Default span: the node's first to last scored year for the country.
    Raises indicators.trend.TrendError (a ValueError) naming the bad parameter."""
    from indicators.trend import country_trend
    b = bundle()
    if year_from is None or year_to is None:
        n = b.results.nodes
        scored = n[(n["iso3"] == iso3) & (n["node"] == node) & n["score"].notna()]["year"]
        if year_from is None:
            year_from = int(scored.min()) if len(scored) else min(b.results.years)
        if year_to is None:
            year_to = int(scored.max()) if len(scored) else max(b.results.years)
    key = f"trend-{iso3}-{node}-{year_from}-{year_to}"
    with _lock:
        cached = _state.get(key)
    if cached is not None and cached[0] is b:
        return cached[1]
    result = country_trend(b.results, b.dataset.methodology, iso3, year_from, year_to, node=node)
    with _lock:
        if sum(1 for k in _state if k.startswith("trend-")) >= 512:
            for k in [k for k in _state if k.startswith("trend-")]:
                _state.pop(k, None)
        _state[key] = (b, result)
    return result


def group_trends(node: str) -> pd.DataFrame:
    """Regional and world means of one node over the years, published and like-for-like
    (indicators.trend.group_trends; the world is the group 'All countries'), cached per scoring run."""
    from indicators.trend import group_trends as compute
    b = bundle()
    key = f"groups-{node}"
    with _lock:
        cached = _state.get(key)
    if cached is not None and cached[0] is b:
        return cached[1]
    meth, countries = b.dataset.methodology, b.dataset.countries
    region = countries["region"].where(countries["region"].fillna("").astype(str) != "")
    frame = pd.concat([compute(b.results, meth, node, pd.Series("All countries", index=countries.index)),
                       compute(b.results, meth, node, region)], ignore_index=True)
    with _lock:
        _state[key] = (b, frame)
    return frame


def changes() -> pd.DataFrame:
    """iso3, year and, for the overall score and each pillar, the change from the year before: published,
    like for like and composition (indicators.trend.change_columns), cached per scoring run."""
    from indicators.trend import change_columns
    b = bundle()
    with _lock:
        cached = _state.get("changes")
    if cached is not None and cached[0] is b:
        return cached[1]
    frame = change_columns(b.results, b.dataset.methodology)
    with _lock:
        _state["changes"] = (b, frame)
    return frame

# --- Tensions within rights (indicators/tensions.py): kept out of the scores -------------------------

def tensions() -> pd.DataFrame:
    """data/tensions.csv, validated (iso3, year, measure, value, source_id, note); cached per scoring run."""
    from indicators.tensions import load_tensions
    b = bundle()
    with _lock:
        cached = _state.get("tensions")
        if cached is None or cached[0] is not b:
            frame = load_tensions(b.dataset.data_dir, set(b.dataset.countries.index), set(b.dataset.sources.index))
            cached = (b, frame)
            _state["tensions"] = cached
    return cached[1]


def tensions_view(year: int) -> pd.DataFrame:
    """One row per country for `year`: both axes, safeguards, stated harm and `placed`
    (indicators.tensions.tensions_view over the scored indicators); cached per scoring run."""
    from indicators.tensions import tensions_view as view
    b = bundle()
    frame, codes = tensions(), tensions_codes()
    key = f"tensions-view-{year}"
    with _lock:
        cached = _state.get(key)
        if cached is None or cached[0] is not b:
            names = b.dataset.methodology.indicators["name"].to_dict()
            cached = (b, view(frame, b.results.indicators, b.dataset.countries, year, codes, names=names))
            _state[key] = cached
    return cached[1]


def tensions_latest_year() -> int:
    """The latest scored year in which the tensions view places at least one country (both axes read),
    else the latest scored year. The restriction axis rests on V-Dem items that end before the
    scores do, so the newest scored year may have nothing to draw."""
    for year in sorted(years(), reverse=True):
        if tensions_view(year)["placed"].any():
            return year
    return max(years())


def tensions_codes() -> list[str]:
    """The restriction-in-practice indicators (indicators.tensions.RESTRICTION) the methodology defines."""
    from indicators.tensions import RESTRICTION
    meth = dataset().methodology.indicators
    return [c for c in RESTRICTION if c in meth.index]
