"""The one place the app reads the engine's results: loaded on first use, cached per process.

Pages, exports and the API call these functions; none of them recomputes scores. Nothing is read at
import time. `refresh()` drops the cache; `recompute()` (after a correction is accepted) builds the new
results while the previous ones keep being served (see its docstring).
"""

from __future__ import annotations

import contextvars
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from indicators import Dataset, Results, default_data_dir, load_dataset, score
from indicators.drilldown import explain
from indicators.pipeline import combine_corrections
from indicators.rescore import RescoreError, score_elsewhere

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_state: dict[str, Bundle] = {}
_settings: dict[str, object] = {"data_dir": None, "extra_corrections": None, "background": False}
_warmers: list[Callable[[Bundle | None], None]] = []
_tensions_cache: dict[tuple, pd.DataFrame] = {}  # data/tensions.csv by its files' stamps (see tensions())
_job: dict[str, object] = {"thread": None, "wanted": 0, "done": 0}
_building: contextvars.ContextVar[Bundle | None] = contextvars.ContextVar("drd_building_bundle", default=None)


@dataclass(frozen=True)
class Bundle:
    dataset: Dataset
    results: Results
    corrections: pd.DataFrame | None = None  # the corrections the results were scored with
    derived: dict = field(default_factory=dict, compare=False, repr=False)  # per-run caches (sensitivity)


def configure(data_dir: Path | None = None, extra_corrections=None, background: bool = False) -> None:
    """Point the cache at a data directory; `extra_corrections` is a callable returning a corrections
    frame (same columns as corrections.csv) added to the file's, e.g. the review store's accepted ones.
    `background=True` (the app) makes `recompute()` build new results in a thread."""
    with _lock:
        _settings["data_dir"] = data_dir
        _settings["extra_corrections"] = extra_corrections
        _settings["background"] = background
        _job["key"] = None  # a new store's decision ids start again
        _state.clear()


def refresh() -> None:
    """Drop the cache now: the next call scores again (in the caller's request)."""
    with _lock:
        _state.clear()


def add_warmer(warm: Callable[[Bundle | None], None]) -> None:
    """Register `warm(previous_bundle)`, run by `recompute()` with the new results in force (in that
    thread only) before they are served: pages rebuild what they had cached, so no visitor waits."""
    if warm not in _warmers:
        _warmers.append(warm)


def recompute(key: object = None) -> None:
    """New scores after a correction was accepted (by this worker or another).

    Without background mode (tests, scripts) this is `refresh()`. In background mode the current results
    keep being served, unchanged, while a thread has a child process score again and compute the likely
    ranges of the years the change reaches (`_build_elsewhere`), then lets the pages rebuild what they
    had cached (`add_warmer`); then the new results replace the old in one step. A decision made
    meanwhile is folded in by another pass before anything is swapped.
    `key` (e.g. the id of the decision) makes a second request for the same change a no-op."""
    with _lock:
        if key is not None and key == _job.get("key"):
            return
        _job["key"] = key
        if not _settings["background"] or "bundle" not in _state:
            _state.clear()
            return
        _job["wanted"] = int(_job["wanted"]) + 1
        thread = _job["thread"]
        if thread is not None and thread.is_alive():
            return  # the running job sees `wanted` move and goes round again
        thread = threading.Thread(target=_recompute_loop, name="drd-recompute", daemon=True)
        _job["thread"] = thread
    thread.start()


def recomputing() -> bool:
    """True while new results are being prepared (the previous ones are served meanwhile)."""
    with _lock:
        return int(_job["done"]) < int(_job["wanted"])


def wait_recomputed(timeout: float = 300.0) -> bool:
    """Block until the background job (if any) has swapped its results in; True when done."""
    thread = _job["thread"]
    if thread is not None:
        thread.join(timeout)
    return not recomputing()


RECOMPUTE_NICE = 10  # the background job's CPU priority: below the requests' (Linux threads have their own)


def _lower_priority() -> None:
    """Make the calling thread yield the CPU to the workers' requests (Linux: niceness is per thread)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), RECOMPUTE_NICE)
    except (AttributeError, OSError):  # not Linux, or not allowed: the job runs at the process's priority
        logger.debug("could not lower the background recompute's priority")


def _recompute_loop() -> None:
    _lower_priority()
    while True:
        with _lock:
            target = int(_job["wanted"])
            previous = _state.get("bundle")
        try:
            new = _build_elsewhere(previous)
            token = _building.set(new)
            try:
                for year in new.results.years:
                    if not _reuse_sensitivity(previous, new, year):
                        sensitivity_result(year)
                for warm in list(_warmers):
                    try:
                        warm(previous)
                    except Exception:  # noqa: BLE001 - a page failing to warm is rebuilt on its first visit
                        logger.exception("warming %s after a recompute failed", getattr(warm, "__name__", warm))
            finally:
                _building.reset(token)
        except Exception:  # noqa: BLE001 - keep serving the previous results; the next request scores again
            logger.exception("background recompute failed: the cache is dropped instead")
            new = None
        with _lock:
            if int(_job["wanted"]) != target:
                continue  # another decision arrived while we worked: score again with it
            if new is None:
                _state.clear()
            else:
                points = _state.get("points")
                # what the warmers built for the new results (trends, change columns) is kept
                built = {k: v for k, v in _state.items() if isinstance(v, tuple) and v and v[0] is new}
                _state.clear()
                _state.update(built)
                _state["bundle"] = new
                if points is not None:
                    _state["points"] = points
            _job["done"] = target
            return


SENSITIVITY_REACH = 10  # years: more than the longest carry-forward window any sensitivity run draws (5)


def _reuse_sensitivity(previous: Bundle | None, new: Bundle, year: int) -> bool:
    """Hand the previous run's likely ranges for `year` to the new run when no correction that can reach
    that year (observation years year-10..year) changed: the computation would give the same numbers."""
    if _reached(previous, new.corrections, year) or previous.dataset.data_dir != new.dataset.data_dir:
        return False
    new.derived[f"sensitivity-{year}"] = previous.derived[f"sensitivity-{year}"]
    return True


def _reached(previous: Bundle | None, corrections: pd.DataFrame | None, year: int) -> bool:
    """True when the likely ranges of `year` must be computed for `corrections`: the previous run has none
    for that year, or a correction that can reach it differs."""
    return (previous is None or f"sensitivity-{year}" not in previous.derived
            or _reach(previous.corrections, year) != _reach(corrections, year))


def _reach(corrections: pd.DataFrame | None, year: int) -> list:
    """The corrections that can move the likely ranges of `year`, comparable between runs."""
    if corrections is None or corrections.empty:
        return []
    part = corrections[(corrections["year"] <= year) & (corrections["year"] >= year - SENSITIVITY_REACH)]
    return sorted((str(i), int(y), str(c), float(v))
                  for i, y, c, v in zip(part["iso3"], part["year"], part["indicator"], part["value"]))


def _more_corrections() -> pd.DataFrame | None:
    extra = _settings["extra_corrections"]
    return None if extra is None else extra()


def _build() -> Bundle:
    dataset = load_dataset(_settings["data_dir"])
    corrections = combine_corrections(dataset.corrections, _more_corrections())
    return Bundle(dataset, score(dataset, corrections=corrections), corrections)


def _build_elsewhere(previous: Bundle | None) -> Bundle:
    """`_build()` in a low-priority child process (indicators.rescore), which also computes the likely
    ranges of the years the new corrections reach (into the disk cache, where `sensitivity_result` and
    the other workers find them): the serving threads keep this process's interpreter to themselves.
    If the child fails, the scores are built here instead (logged)."""
    more = _more_corrections()
    years = []
    if previous is not None:  # predicted from the previous run; the loop still checks each year
        corrections = combine_corrections(previous.dataset.corrections, more)
        years = [y for y in previous.results.years if _reached(previous, corrections, y)]
    try:
        dataset, results, corrections = score_elsewhere(_settings["data_dir"], more, years)
    except RescoreError:
        logger.exception("scoring in a separate process failed: scoring in this one")
        return _build()
    return Bundle(dataset, results, corrections)


def bundle() -> Bundle:
    building = _building.get()
    if building is not None:
        return building
    with _lock:
        if "bundle" not in _state:
            _state["bundle"] = _build()
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


def sensitivity_result(year: int):
    """The Monte Carlo for `year` (indicators.sensitivity.Sensitivity: intervals, nodes, shares), read
    from the disk cache ($DRD_CACHE_DIR or instance/cache/) or computed once (about a second)."""
    from indicators.sensitivity import sensitivity_cached
    b = bundle()
    key = f"sensitivity-{year}"
    if key in b.derived:
        return b.derived[key]
    with b.derived.setdefault("sensitivity-lock", threading.Lock()):  # one computation per run and year
        if key not in b.derived:
            b.derived[key] = sensitivity_cached(b.dataset, year, corrections=b.corrections)
    return b.derived[key]


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
    # keyed by the files it rests on, not by the scoring run: an accepted correction changes neither
    # (reading and validating 23,000 rows took a second on the first profile after every correction)
    folder = Path(b.dataset.data_dir)
    stamp = tuple((f, (folder / f).stat().st_mtime_ns) if (folder / f).exists() else (f, None)
                  for f in ("tensions.csv", "countries.csv", "sources.csv"))
    key = (str(folder), stamp)
    with _lock:
        if key not in _tensions_cache:
            frame = load_tensions(b.dataset.data_dir, set(b.dataset.countries.index), set(b.dataset.sources.index))
            _tensions_cache.clear()
            _tensions_cache[key] = frame
        return _tensions_cache[key]


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
