"""Everything a page shows can leave it, with its sources attached: data, GIS layers, chart images.

Stable URLs (plain Flask routes, blueprint `downloads`):

    /download/scores.csv|.xlsx|.geojson|.gpkg?year=2021[&country=COL,LBN][&region=...][&level=pillar|indicator]
    /download/sources.csv?year=2021[&country=...]     the citation table for the sources behind those rows
    /download/chart/<kind>.png|.svg?...               a chart of dashboard.figures.CHARTS, server-rendered
    /download/brief/<ISO3>.pdf?year=2021              the country brief (dashboard.brief)

Credits travel with every file. The CSV body stays machine-readable (no comment lines): every row says
which sources it rests on (`sources` column at pillar level; publisher, dataset, URL and licence columns
at indicator level), the full citations are one link away (`/download/sources.csv`, also announced in
a `Link: <...>; rel="describedby"` header). The XLSX carries `about` (columns, licence) and `sources`
sheets; GeoJSON a top-level `attribution` and `sources` member; the GeoPackage a `sources` table and
layer metadata; images and the brief print the credit line.

All score tables are built by `scores_table()`: to add columns (e.g. sensitivity intervals), register a
function with `register_columns()`; every export and the API pick it up.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import HTTPException, InternalServerError

from indicators.pipeline import SCORE_NODES, wide_scores

from . import data

ROOT = Path(__file__).resolve().parent.parent
GEO_FILE = ROOT / "data" / "geo" / "ne_110m_admin0_countries.geojson"
TOPOJSON_DIR = ROOT / "assets" / "topojson"
PROJECT = "Digital Rights Dashboard"
DATA_LICENCE = "CC BY-SA 4.0"
SHAPES_SOURCE = "NE_110M"
LEVELS = ("pillar", "indicator")
DATA_FORMATS = ("csv", "xlsx", "geojson", "gpkg")
IMAGE_FORMATS = ("png", "svg")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
}


# --------------------------------------------------------------------------------------------------
# Errors and parameters


class ParamError(ValueError):
    """A bad request parameter: answered as JSON `{"error", "parameter"}` with `status` (400 or 404)."""

    def __init__(self, parameter: str, message: str, status: int = 400):
        super().__init__(message)
        self.parameter = parameter
        self.message = message
        self.status = status


def error_response(status: int, message: str, parameter: str | None = None) -> Response:
    body = {"error": message, "status": status}
    if parameter:
        body["parameter"] = parameter
    response = jsonify(body)
    response.status_code = status
    return response


def parse_year(value: str | None, allow_many: bool = True) -> list[int]:
    """`2021`, `2019,2021`, `2015-2023` or `all` (default: the latest scored year)."""
    years = data.years()
    if value is None or str(value).strip() == "":
        return [max(years)]
    text = str(value).strip().lower()
    if text == "all":
        chosen = list(years)
    else:
        chosen = []
        for part in text.split(","):
            lo, sep, hi = part.strip().partition("-")
            try:
                span = range(int(lo), int(hi) + 1) if sep else [int(lo)]
            except ValueError:
                raise ParamError("year", f"year '{value}' is not a year, a list (2019,2021), a range "
                                         f"(2015-2023) or 'all'") from None
            chosen += list(span)
    bad = [y for y in chosen if y not in years]
    if bad or not chosen:
        raise ParamError("year", f"year {bad[0] if bad else value} is outside the scored years "
                                 f"{min(years)}-{max(years)}")
    chosen = sorted(set(chosen))
    if len(chosen) > 1 and not allow_many:
        raise ParamError("year", "this export takes one year (e.g. year=2021)")
    return chosen


def parse_countries(value: str | None) -> list[str] | None:
    """Comma-separated ISO3 codes, case-insensitive; None when absent."""
    if value is None or str(value).strip() == "":
        return None
    codes = [c.strip().upper() for c in str(value).split(",") if c.strip()]
    known = data.countries().index
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ParamError("country", f"country {', '.join(unknown)} is not a known ISO3 code")
    return list(dict.fromkeys(codes))


def parse_country(iso3: str) -> str:
    code = (iso3 or "").strip().upper()
    if code not in data.countries().index:
        raise ParamError("country", f"country '{iso3}' is not a known ISO3 code", 404)
    return code


def parse_level(value: str | None) -> str:
    level = (value or "pillar").strip().lower()
    if level not in LEVELS:
        raise ParamError("level", f"level '{value}' is not one of {', '.join(LEVELS)}")
    return level


def parse_region(value: str | None) -> str | None:
    """A World Bank region, case-insensitive; empty, `all` or `world` mean no filter (as on the pages)."""
    text = str(value or "").strip()
    if text.lower() in ("", "all", "world"):
        return None
    regions = sorted(set(data.countries()["region"].dropna()))
    match = [r for r in regions if r.lower() == text.lower()]
    if not match:
        raise ParamError("region", f"region '{value}' is not one of: {'; '.join(regions)}")
    return match[0]


def parse_pillar(value: str | None) -> str | None:
    if value is None or str(value).strip() == "":
        return None
    pillars = data.dataset().methodology.pillar_codes
    if value not in pillars:
        raise ParamError("pillar", f"pillar '{value}' is not one of {', '.join(pillars)}")
    return value


@dataclass(frozen=True)
class Query:
    """The row filter shared by every data export and the scores API."""

    years: tuple[int, ...]
    countries: tuple[str, ...] | None
    region: str | None
    level: str
    pillar: str | None

    @classmethod
    def from_args(cls, args, one_year: bool = False) -> Query:
        countries = parse_countries(args.get("country"))
        return cls(tuple(parse_year(args.get("year"), allow_many=not one_year)),
                   tuple(countries) if countries else None, parse_region(args.get("region")),
                   parse_level(args.get("level")), parse_pillar(args.get("pillar")))

    def selected(self) -> list[str] | None:
        """The ISO3 codes the country and region filters allow (None: every country)."""
        if self.countries is None and self.region is None:
            return None
        frame = data.countries()
        codes = list(self.countries) if self.countries else list(frame.index)
        if self.region:
            codes = [c for c in codes if frame.at[c, "region"] == self.region]
        return codes

    def title(self) -> str:
        what = "Indicator values and scores" if self.level == "indicator" else "Scores by pillar and actor"
        where = ", ".join(self.countries) if self.countries else (self.region or "all countries")
        years = str(self.years[0]) if len(self.years) == 1 else f"{self.years[0]}-{self.years[-1]}"
        return f"{what}{' (' + self.pillar + ')' if self.pillar else ''}, {where}, {years}"

    def url(self, fmt: str) -> str:
        """The stable URL that reproduces this export."""
        from urllib.parse import urlencode
        contiguous = list(self.years) == list(range(self.years[0], self.years[-1] + 1))
        years = (str(self.years[0]) if len(self.years) == 1 else f"{self.years[0]}-{self.years[-1]}" if contiguous
                 else ",".join(str(y) for y in self.years))
        params = {"year": years, "country": ",".join(self.countries or ()), "region": self.region or "",
                  "level": self.level, "pillar": self.pillar or ""}
        return f"/download/scores.{fmt}?" + urlencode({k: v for k, v in params.items() if v}, safe=",")

    def slug(self) -> str:
        years = str(self.years[0]) if len(self.years) == 1 else f"{self.years[0]}-{self.years[-1]}"
        parts = [years] + ([("-".join(self.countries))[:40]] if self.countries else []) + [self.level]
        return "_".join(parts)


# --------------------------------------------------------------------------------------------------
# Score tables: the one place their columns are decided

ColumnHook = Callable[[pd.DataFrame, int, str], pd.DataFrame]
_column_hooks: list[tuple[ColumnHook, dict[str, str]]] = []


def register_columns(hook: ColumnHook, docs: dict[str, str] | None = None) -> None:
    """Add columns to every score table (API, CSV, XLSX, GIS): `hook(frame, year, level) -> frame`.

    `docs` maps each new column (or a regex matching several) to its description for the XLSX `about`
    sheet. Example: the sensitivity module adds `overall_low`, `overall_high`, `rank`.
    """
    _column_hooks.append((hook, dict(docs or {})))


BASE_DOCS = {
    "iso3": "ISO 3166-1 alpha-3 country code",
    "country": "Country name",
    "year": "Score year (each indicator uses its latest observation in [year - window, year])",
    "region": "World Bank region (Natural Earth attributes)",
    "pilot": "True for the five pilot countries",
    "overall": "Overall score, 1-6 (6 = rights fully respected); empty = withheld (coverage below the minimum)",
    "privacy": "Privacy pillar score, 1-6",
    "expression": "Free expression pillar score, 1-6",
    "access": "Access pillar score, 1-6",
    "association": "Freedom of association pillar score, 1-6",
    "state": "Score of what the state does or allows, across pillars, 1-6",
    "corporate": "Score of what companies do, across pillars, 1-6",
    "structural": "Structural conditions (connectivity), 1-6; never counted as abuse",
    r"(privacy|expression|access|association)_(state|corporate|structural)":
        "The pillar score cut by actor (state-vs-corporate split), 1-6",
    "coverage": "Share (0-1) of the overall score's measured weight that has data for this country",
    r".+_coverage": "Coverage (0-1) of that node: share of its measured weight with data",
    "measured_share": "Share (0-1) of the whole methodology that any source measured this year",
    r".+_band": "Band of that score: its nearest whole step, 1-6 (labels in the methodology)",
    "sources": "Source ids (see the sources sheet / /download/sources.csv) of the indicators behind this row",
    "indicator": "Indicator code (methodology/indicators.csv)",
    "indicator_name": "Indicator name",
    "pillar": "Pillar the indicator belongs to",
    "actor": "Actor the indicator measures: state, corporate or structural",
    "value": "Raw value as published (or as corrected by an expert panel)",
    "unit": "Unit of the raw value",
    "obs_year": "Year of the observation used",
    "carried": "True when the observation is older than the score year (carried forward within the window)",
    "score": "Indicator score, 1-6",
    "weight": "Weight of the indicator in its pillar",
    "pillar_score": "Score of the indicator's pillar, 1-6",
    "pillar_coverage": "Coverage (0-1) of the indicator's pillar",
    "source_id": "Source id (see the sources sheet)",
    "publisher": "Publisher of the raw value",
    "dataset": "Dataset the raw value comes from",
    "source_url": "Where the dataset is published",
    "licence": "Licence or terms of the raw value",
    "note": "How the value was derived",
    "corrected": "True when an expert panel corrected the published value",
    "original_value": "Published value before the correction",
    "correction_reason": "Why the value was corrected",
    "correction_author": "Who corrected it",
    "correction_date": "When",
    "correction_source": "The correction's own source",
}
INDICATOR_TABLE_COLUMNS = [
    "iso3", "country", "year", "pillar", "actor", "indicator", "indicator_name", "value", "unit", "obs_year",
    "carried", "score", "weight", "pillar_score", "pillar_coverage", "source_id", "publisher", "dataset",
    "source_url", "licence", "note", "corrected", "original_value", "correction_reason", "correction_author",
    "correction_date", "correction_source",
]


def column_docs(columns) -> list[tuple[str, str]]:
    docs = dict(BASE_DOCS)
    for _, extra in _column_hooks:
        docs.update(extra)
    out = []
    for column in columns:
        text = docs.get(column)
        if text is None:
            text = next((d for pattern, d in docs.items() if re.fullmatch(pattern, column)), "")
        out.append((column, text))
    return out


def _pillar_table(year: int, countries: list[str] | None) -> pd.DataFrame:
    b = data.bundle()
    frame = wide_scores(b.results, b.dataset, year, countries, scored_only=countries is None)
    nodes = b.results.nodes
    nodes = nodes[(nodes["year"] == year) & nodes["node"].isin(["overall", *b.dataset.methodology.pillar_codes])]
    bands = nodes.pivot(index="iso3", columns="node", values="band")
    bands.columns = [f"{c}_band" for c in bands.columns]
    ordered = [f"{c}_band" for c in ["overall", *b.dataset.methodology.pillar_codes]]
    measured = nodes[nodes["node"] == "overall"].set_index("iso3")["measured_share"].rename("measured_share")
    inds = b.results.indicators
    inds = inds[inds["year"] == year]
    used = inds.groupby("iso3")["source_id"].agg(lambda s: ";".join(sorted(set(s.dropna())))).rename("sources")
    frame = frame.join(bands[ordered], on="iso3").join(measured, on="iso3").join(used, on="iso3")
    main = [c for c in SCORE_NODES if c in frame.columns]
    first = ["iso3", "country", "year", *main, "coverage"]
    rest = [c for c in frame.columns if c not in first and c not in ("region", "pilot", "sources")]
    frame = frame[first + rest + ["region", "pilot", "sources"]]
    for column in ordered:
        frame[column] = frame[column].astype("Int64")
    return frame


def _indicator_table(year: int, countries: list[str] | None, pillar: str | None) -> pd.DataFrame:
    b = data.bundle()
    meth = b.dataset.methodology
    inds = b.results.indicators
    inds = inds[inds["year"] == year]
    if countries is not None:
        inds = inds[inds["iso3"].isin(countries)]
    if pillar:
        inds = inds[inds["pillar"] == pillar]
    spec = meth.indicators[["name", "unit"]].rename(columns={"name": "indicator_name"})
    src = b.dataset.sources[["publisher", "dataset", "url", "licence"]].rename(columns={"url": "source_url"})
    names = b.dataset.countries["name"].rename("country")
    nodes = b.results.nodes
    pil = nodes[(nodes["year"] == year) & (nodes["level"] == "pillar")][["iso3", "node", "score", "coverage"]]
    pil = pil.rename(columns={"node": "pillar", "score": "pillar_score", "coverage": "pillar_coverage"})
    frame = (inds.join(spec, on="indicator").join(src, on="source_id").join(names, on="iso3")
             .merge(pil, on=["iso3", "pillar"], how="left"))
    added = frame["source_id"].isna()
    frame.loc[added, "publisher"] = frame.loc[added, "correction_source"]
    frame["weight"] = frame["weight"].astype(float)
    return frame[INDICATOR_TABLE_COLUMNS].sort_values(["iso3", "pillar", "indicator"]).reset_index(drop=True)


def scores_table(query: Query) -> pd.DataFrame:
    """The rows in view: one per country (pillar level) or per country x indicator, for each year."""
    countries = query.selected()
    parts = []
    for year in query.years:
        if query.level == "indicator":
            frame = _indicator_table(year, countries, query.pillar)
        else:
            frame = _pillar_table(year, countries)
        for hook, _ in _column_hooks:
            frame = hook(frame, year, query.level)
        parts.append(frame)
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)
    numeric = frame.select_dtypes("float").columns
    frame[numeric] = frame[numeric].round(4)
    return frame


def _interval_columns(frame: pd.DataFrame, year: int, level: str) -> pd.DataFrame:
    """Sensitivity (indicators/sensitivity.py): X_low, X_high per score column, rank, rank_low, rank_high."""
    if level != "pillar":
        return frame
    intervals = data.sensitivity(year).set_index("iso3")
    columns = [c for c in intervals.columns if c.endswith(("_low", "_high")) or c == "rank"]
    columns = [c for c in columns if c not in frame.columns]
    return frame.join(intervals[columns], on="iso3")


register_columns(_interval_columns, {
    r".+_low": "Low end of the score's likely range: 5th percentile over 1,000 runs of alternative "
               "methodological choices (weights, goalposts, window, one indicator left out); see README "
               "'How sure is a score?'",
    r".+_high": "High end of the score's likely range: 95th percentile over the same runs",
    "rank": "Rank of the overall score among countries with one (1 = best)",
    "rank_low": "Best likely rank: 5th percentile of the rank over the same runs",
    "rank_high": "Worst likely rank: 95th percentile of the rank over the same runs",
})


def sources_table(frame: pd.DataFrame | None = None, gis: bool = False) -> pd.DataFrame:
    """Publisher, dataset, URL, licence and citation of every source behind `frame` (all when None)."""
    sources = data.dataset().sources
    if frame is None:
        ids = list(sources.index)
    else:
        ids = set()
        if "source_id" in frame.columns:
            ids |= set(frame["source_id"].dropna())
        if "sources" in frame.columns:
            for cell in frame["sources"].dropna():
                ids |= set(filter(None, cell.split(";")))
        if gis:
            ids.add(SHAPES_SOURCE)
        ids = [i for i in sources.index if i in ids]
    table = sources.loc[ids, ["publisher", "dataset", "url", "licence", "citation", "accessed"]]
    return table.rename_axis("source_id").reset_index()


def credit_line(year: int | str | None = None, publishers: list[str] | None = None) -> str:
    """One line naming the project, its licence and every publisher."""
    pubs = publishers if publishers is not None else list(dict.fromkeys(data.dataset().sources["publisher"]))
    meth = data.dataset().methodology.parameters.methodology_version
    when = f", {year}" if year else ""
    return (f"{PROJECT}{when} (methodology {meth}), data {DATA_LICENCE}. Sources: {'; '.join(pubs)}. "
            "Third-party figures under their publishers' terms.")


def _data_version() -> int:
    """Changes when the data layer reloads (e.g. after a correction is accepted)."""
    return id(_cache.owner())


# --------------------------------------------------------------------------------------------------
# Cache: LRU keyed by request and data version; emptied when the data layer reloads


class ExportCache:
    """LRU of built exports, at most `size` entries and `max_bytes` of file bytes; per data version."""

    def __init__(self, size: int = 256, max_bytes: int = 96 * 2**20):
        self.size = size
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._items: OrderedDict = OrderedDict()
        self._bytes = 0
        self._owner = None

    def owner(self):
        bundle = data.bundle()
        with self._lock:
            if bundle is not self._owner:  # new data: everything cached is stale
                self._items.clear()
                self._bytes = 0
                self._owner = bundle
        return bundle

    @staticmethod
    def _weight(value) -> int:
        return len(value) if isinstance(value, (bytes, bytearray)) else 0

    def get(self, key, compute: Callable[[], object]):
        self.owner()
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()
        with self._lock:
            if key not in self._items:
                self._items[key] = value
                self._bytes += self._weight(value)
            self._items.move_to_end(key)
            while len(self._items) > 1 and (len(self._items) > self.size or self._bytes > self.max_bytes):
                _, dropped = self._items.popitem(last=False)
                self._bytes -= self._weight(dropped)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


_cache = ExportCache()


# --------------------------------------------------------------------------------------------------
# File writers


def to_csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def to_xlsx(frame: pd.DataFrame, query: Query | None = None, title: str | None = None) -> bytes:
    """Sheets: `scores` (the rows), `about` (what, licence, one line per column), `sources` (citations).

    Written with XlsxWriter (about 5x faster than openpyxl on the indicator-level tables)."""
    sources = sources_table(frame)
    meth = data.dataset().methodology.parameters
    years = sorted(set(frame["year"])) if "year" in frame.columns and len(frame) else []
    title = title or (query.title() if query else "Scores")
    about = [("Title", f"{PROJECT}: {title}"),
             ("Reproduce", query.url("xlsx") if query else ""),
             ("Years", ", ".join(str(y) for y in years)),
             ("Level", query.level if query else "pillar"),
             ("Methodology version", meth.methodology_version),
             ("Scale", "1-6, 6 = rights fully respected, 1 = severe violations"),
             ("Generated", date.today().isoformat()),
             ("Licence", f"Scores and data: {DATA_LICENCE} (https://creativecommons.org/licenses/by-sa/4.0/). "
                         "Third-party figures stay under their publishers' terms (sources sheet)."),
             ("Credit", credit_line(None, list(dict.fromkeys(sources["publisher"])))),
             ("", ""), ("Column", "Meaning")]
    header_row = len(about) - 1
    about += column_docs(frame.columns)
    frame = frame.copy()
    for column in frame.columns:  # nullable ints and NA-holding objects: plain floats / None for the writer
        if str(frame[column].dtype) in ("Int64", "boolean"):
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        frame.to_excel(writer, sheet_name="scores", index=False)
        pd.DataFrame(about).to_excel(writer, sheet_name="about", index=False, header=False)
        sources.to_excel(writer, sheet_name="sources", index=False)
        bold = writer.book.add_format({"bold": True})
        wrap = writer.book.add_format({"text_wrap": True, "valign": "top"})
        scores, sheet_about, sheet_sources = (writer.sheets[n] for n in ("scores", "about", "sources"))
        scores.freeze_panes(1, 3)
        scores.set_column(0, 0, 8)
        scores.set_column(1, 1, 22)
        scores.set_column(2, len(frame.columns) - 1, 13)
        sheet_sources.freeze_panes(1, 0)
        sheet_sources.set_column(0, 6, 32)
        sheet_about.set_column(0, 0, 24, bold)
        sheet_about.set_column(1, 1, 110, wrap)
        sheet_about.set_row(header_row, None, bold)
    return buffer.getvalue()


def shapes():
    """Natural Earth 1:110m country shapes (iso3, geometry), read once per data version."""
    return _cache.get(("shapes",), _read_shapes)


def _read_shapes():
    import geopandas as gpd
    frame = gpd.read_file(GEO_FILE)[["iso3", "name", "geometry"]]
    frame = frame[frame["iso3"].str.fullmatch(r"[A-Z]{3}")]
    return frame.drop_duplicates("iso3").rename(columns={"name": "shape_name"})


POINTS_FILE = ROOT / "data" / "geo" / "points.csv"


def small_state_points():
    """Points (approximate location) for places too small for the 110m shapes, when data/geo/points.csv exists."""
    return _cache.get(("points",), _read_points)


def _read_points():
    import geopandas as gpd
    if not POINTS_FILE.exists():
        return None
    frame = pd.read_csv(POINTS_FILE)
    frame = frame[~frame["iso3"].isin(set(shapes()["iso3"]))]
    return gpd.GeoDataFrame(frame[["iso3", "source_id"]].rename(columns={"source_id": "point_source_id"}),
                            geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326")


def missing_shapes(year: int) -> list[str]:
    """Scored countries (an overall or any pillar score in `year`) without a 110m shape."""
    table = scores_table(Query((year,), None, None, "pillar", None))
    have = set(shapes()["iso3"])
    return sorted(set(table["iso3"]) - have)


def gis_frame(query: Query):
    import geopandas as gpd
    if query.level != "pillar":
        raise ParamError("level", "GIS layers are at pillar level (one feature per country)")
    if len(query.years) != 1:
        raise ParamError("year", "GIS layers take one year (e.g. year=2021)")
    table = scores_table(query)
    geo = shapes()[["iso3", "geometry"]].merge(table, on="iso3", how="inner")
    geo = gpd.GeoDataFrame(geo, geometry="geometry", crs="EPSG:4326")
    columns = [c for c in geo.columns if c != "geometry"] + ["geometry"]
    geo = geo[columns]
    for column in geo.columns:
        if str(geo[column].dtype) == "Int64":
            geo[column] = geo[column].astype("float")
    return geo, table


def to_geojson(query: Query) -> bytes:
    geo, table = gis_frame(query)
    doc = json.loads(geo.to_json(na="null", drop_id=True))
    sources = sources_table(table, gis=True)
    doc = {"type": "FeatureCollection", "name": f"drd_scores_{query.slug()}",
           "attribution": credit_line(query.years[0], list(dict.fromkeys(sources["publisher"]))),
           "licence": DATA_LICENCE,
           "methodology_version": data.dataset().methodology.parameters.methodology_version,
           "sources": json.loads(sources.to_json(orient="records")),
           "countries_without_shape": sorted(set(table["iso3"]) - set(geo["iso3"])),
           "features": doc["features"]}
    return json.dumps(doc, separators=(",", ":"), allow_nan=False).encode("utf-8")


def small_state_frame(table: pd.DataFrame):
    """The scored rows of `table` that have no shape but a point, as a point layer (or None)."""
    import geopandas as gpd
    points = small_state_points()
    if points is None:
        return None
    rows = points.merge(table, on="iso3", how="inner")
    if rows.empty:
        return None
    rows = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    rows = rows[[c for c in rows.columns if c != "geometry"] + ["geometry"]]
    for column in rows.columns:
        if str(rows[column].dtype) == "Int64":
            rows[column] = rows[column].astype("float")
    return rows


def to_gpkg(query: Query) -> bytes:
    """Layers: `scores` (the shapes with their scores; credit in layer metadata), `small_states` (points
    for scored places without a 110m shape, when data/geo/points.csv is present) and `sources`."""
    import pyogrio
    geo, table = gis_frame(query)
    small = small_state_frame(table[~table["iso3"].isin(set(geo["iso3"]))])
    sources = sources_table(table, gis=True)
    if small is not None:
        extra = sources_table(pd.DataFrame({"source_id": sorted(set(small["point_source_id"]))}))
        sources = pd.concat([sources, extra]).drop_duplicates("source_id", ignore_index=True)
    credit = credit_line(query.years[0], list(dict.fromkeys(sources["publisher"])))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scores.gpkg"
        pyogrio.write_dataframe(geo, path, layer="scores", driver="GPKG",
                                layer_metadata={"DESCRIPTION": credit, "LICENCE": DATA_LICENCE},
                                dataset_metadata={"TITLE": f"{PROJECT} scores {query.years[0]}",
                                                  "DESCRIPTION": credit})
        if small is not None:
            pyogrio.write_dataframe(small, path, layer="small_states", driver="GPKG",
                                    layer_metadata={"DESCRIPTION": "Scored places too small for the 1:110m "
                                                    "shapes, as points. " + credit, "LICENCE": DATA_LICENCE})
        pyogrio.write_dataframe(sources, path, layer="sources", driver="GPKG")
        return path.read_bytes()


def export_data(query: Query, fmt: str) -> bytes:
    """The bytes of one data export (cached)."""
    def build() -> bytes:
        if fmt in ("geojson", "gpkg"):
            return to_geojson(query) if fmt == "geojson" else to_gpkg(query)
        frame = scores_table(query)
        return to_csv(frame) if fmt == "csv" else to_xlsx(frame, query)
    return _cache.get(("data", query, fmt), build)


# --------------------------------------------------------------------------------------------------
# Charts: dashboard.figures.CHARTS rendered by a warm kaleido server

PRINT_SIZE = {"map": (1200, 700)}
DEFAULT_SIZE = (1000, 600)
PRINT_PX = 3000  # PNG width: 10 in at 300 dpi (the scale follows the chart's CSS width)
PRINT_DPI = 300
_kaleido_lock = threading.Lock()
_kaleido_started = False


def chart_kinds() -> dict[str, Callable]:
    try:
        from . import figures
    except ImportError:
        return {}
    return dict(getattr(figures, "CHARTS", {}))


def _ensure_kaleido() -> None:
    """Start kaleido's sync server once per process (caller holds _kaleido_lock)."""
    global _kaleido_started
    import kaleido
    import plotly.io as pio
    if not _kaleido_started:
        pio.defaults.topojson = TOPOJSON_DIR.resolve().as_uri()
        kaleido.start_sync_server(mathjax=False, silence_warnings=True)
        _kaleido_started = True


def figure_image(fig, fmt: str, width: int | None = None, height: int | None = None,
                 scale: float | None = None) -> bytes:
    """Render a plotly figure to PNG/SVG/PDF bytes with the warm kaleido server (thread-safe)."""
    global _kaleido_started
    import kaleido
    import plotly.io as pio
    spec = fig.to_plotly_json() if hasattr(fig, "to_plotly_json") else fig
    w, h = width or DEFAULT_SIZE[0], height or DEFAULT_SIZE[1]
    if scale is None:
        scale = min(4.0, max(1.0, PRINT_PX / w)) if fmt == "png" else 1
    opts = {"format": fmt, "width": w, "height": h, "scale": scale}
    with _kaleido_lock:
        _ensure_kaleido()
        try:
            return kaleido.calc_fig_sync(spec, opts=opts, topojson=pio.defaults.topojson)
        except Exception:  # a crashed browser: restart the server once, then retry
            kaleido.stop_sync_server(silence_warnings=True)
            _kaleido_started = False
            _ensure_kaleido()
            return kaleido.calc_fig_sync(spec, opts=opts, topojson=pio.defaults.topojson)


def png_dpi(png: bytes, dpi: int = 300) -> bytes:
    """Stamp the PNG's physical resolution (a pHYs chunk after IHDR) so print software sizes it right."""
    import struct
    import zlib
    if png[:8] != b"\x89PNG\r\n\x1a\n" or b"pHYs" in png[:200]:
        return png
    ppm = round(dpi / 0.0254)
    body = b"pHYs" + struct.pack(">IIB", ppm, ppm, 1)
    chunk = struct.pack(">I", 9) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    end_ihdr = 8 + 8 + 13 + 4
    return png[:end_ihdr] + chunk + png[end_ihdr:]


def _annotation_text(fig) -> str:
    parts = [a.text or "" for a in (fig.layout.annotations or ())]
    title = fig.layout.title.text if fig.layout.title and fig.layout.title.text else ""
    return " ".join([title, *parts])


def print_ready(fig, kind: str, params: dict[str, str]):
    """Make sure the image names its year and credits its sources, and sits on white."""
    fig = type(fig)(fig)  # never mutate a cached figure
    text = _annotation_text(fig)
    year = params.get("year")
    lines = []
    if year and str(year) not in text:
        lines.append(f"Year: {year}")
    if "CC BY" not in text and "licen" not in text.lower():
        lines.append(credit_line(None))
    if lines:
        fig.add_annotation(text="<br>".join(_wrap(line, 150) for line in lines), xref="paper", yref="paper",
                           x=0, y=0, yshift=-10, xanchor="left", yanchor="top", showarrow=False,
                           align="left", font={"size": 9, "color": "#555"})
        margin_b = (fig.layout.margin.b or 80) + 14 * sum(len(_wrap(li, 150).split("<br>")) for li in lines)
        fig.update_layout(margin={"b": margin_b})
    pad = 14  # keep the last source line off the image's edge
    fig.update_layout(paper_bgcolor="white", margin={"b": (fig.layout.margin.b or 80) + pad})
    if fig.layout.height:
        fig.update_layout(height=fig.layout.height + pad)
    return fig


def _wrap(text: str, width: int) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


CHART_OWN_PARAMS = ("width", "height")


def render_chart(kind: str, fmt: str, params: dict[str, str]) -> bytes:
    """One chart of dashboard.figures.CHARTS as PNG (print resolution) or SVG; cached."""
    if fmt not in IMAGE_FORMATS:
        raise ParamError("format", f"chart format '{fmt}' is not one of {', '.join(IMAGE_FORMATS)}", 404)
    charts = chart_kinds()
    if kind not in charts:
        raise ParamError("chart", f"chart '{kind}' is not one of {', '.join(sorted(charts)) or '(none yet)'}",
                         404)
    size = {}
    for name in CHART_OWN_PARAMS:
        if params.get(name):
            try:
                size[name] = int(params[name])
            except ValueError:
                raise ParamError(name, f"{name} must be a whole number of pixels") from None
            if not 200 <= size[name] <= 4000:
                raise ParamError(name, f"{name} must be between 200 and 4000")
    build_params = {k: v for k, v in params.items() if k not in CHART_OWN_PARAMS}
    key = ("chart", kind, fmt, tuple(sorted(params.items())))

    def build() -> bytes:
        try:
            fig = charts[kind](dict(build_params))
        except ParamError:
            raise
        except (ValueError, KeyError) as exc:
            raise ParamError(_param_named(str(exc), build_params), str(exc).strip("'\"")) from None
        fig = print_ready(fig, kind, build_params)
        w0, h0 = PRINT_SIZE.get(kind, DEFAULT_SIZE)
        image = figure_image(fig, fmt, size.get("width") or fig.layout.width or w0,
                             size.get("height") or fig.layout.height or h0)
        return png_dpi(image, PRINT_DPI) if fmt == "png" else image
    return _cache.get(key, build)


def _param_named(message: str, params: dict[str, str]) -> str:
    """Which parameter an error message names (the builders raise ValueError naming it)."""
    head = re.match(r"\s*'?([a-z_]+):", message)
    if head:
        return head.group(1)
    known = ["country", "countries", "year", "pillar", "actor", "region", "node", "indicator", "years", *params]
    for name in known:
        if re.search(rf"\b{re.escape(name)}\b", message):
            return name
    return "parameters"


# --------------------------------------------------------------------------------------------------
# Routes

bp = Blueprint("downloads", __name__, url_prefix="/download")


def _file(payload: bytes, fmt: str, filename: str, link: str | None = None) -> Response:
    response = Response(payload, content_type=MEDIA_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=300"
    if link:
        response.headers["Link"] = f'<{link}>; rel="describedby"; type="text/csv"'
    return response


@bp.get("/scores.<fmt>")
def download_scores(fmt: str):
    if fmt not in DATA_FORMATS:
        raise ParamError("format", f"format '{fmt}' is not one of {', '.join(DATA_FORMATS)}", 404)
    query = Query.from_args(request.args, one_year=fmt in ("geojson", "gpkg"))
    payload = export_data(query, fmt)
    link = "/download/sources.csv?" + request.query_string.decode() if fmt == "csv" else None
    return _file(payload, fmt, f"drd_scores_{query.slug()}.{fmt}", link)


@bp.get("/sources.csv")
def download_sources():
    if not any(request.args.get(k) for k in ("year", "country", "region", "level", "pillar")):
        frame = None
    else:
        frame = scores_table(Query.from_args(request.args))
    return _file(to_csv(sources_table(frame)), "csv", "drd_sources.csv")


@bp.get("/chart/<kind>.<fmt>")
def download_chart(kind: str, fmt: str):
    payload = render_chart(kind, fmt, request.args.to_dict())
    year = re.sub(r"[^0-9-]", "", request.args.get("year", ""))[:9]
    return _file(payload, fmt, f"drd_{kind}{'_' + year if year else ''}.{fmt}")


@bp.get("/brief/<iso3>.<fmt>")
def download_brief(iso3: str, fmt: str):
    from . import brief
    if fmt != "pdf":
        raise ParamError("format", f"briefs are PDF: use /download/brief/{iso3}.pdf", 404)
    code = parse_country(iso3)
    (year,) = parse_year(request.args.get("year"), allow_many=False)
    payload = _cache.get(("brief", code, year), lambda: brief.build_brief(code, year))
    return _file(payload, "pdf", f"drd_brief_{code}_{year}.pdf")


@bp.get("/", defaults={"rest": ""})
@bp.get("/<path:rest>")
def download_unknown(rest: str):
    raise ParamError("path", f"/download/{rest} is not a download: see /api/v1/openapi.json", 404)


# --------------------------------------------------------------------------------------------------
# Error handling shared by the API and downloads: JSON, never an HTML 500

JSON_PREFIXES = ("/api/", "/download/")


def _is_json_path() -> bool:
    return request.path.startswith(JSON_PREFIXES) or request.path in ("/api", "/download")


def handle_param_error(exc: ParamError):
    return error_response(exc.status, exc.message, exc.parameter)


def handle_http_error(exc: HTTPException):
    if not _is_json_path():
        return exc
    if isinstance(exc, InternalServerError):
        return error_response(500, "internal error while building the response")
    return error_response(exc.code or 500, exc.description or exc.name)


def handle_unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return handle_http_error(exc)
    if isinstance(exc, ParamError):
        return handle_param_error(exc)
    import logging
    logging.getLogger(__name__).exception("export failed: %s", request.path)
    return error_response(500, "internal error while building the response")


bp.register_error_handler(Exception, handle_unexpected)


def init_app(server) -> None:
    """Register the download routes and the JSON error handlers (called by create_app)."""
    server.register_blueprint(bp)
    server.register_error_handler(ParamError, handle_param_error)
    server.register_error_handler(HTTPException, handle_http_error)


def warm_up() -> float:
    """Start kaleido and render a tiny figure; returns the seconds it took (benchmarks, first request)."""
    import plotly.graph_objects as go
    t0 = time.perf_counter()
    figure_image(go.Figure(go.Bar(x=[1], y=[1])), "png", 200, 200, 1)
    return time.perf_counter() - t0
