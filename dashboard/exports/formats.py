"""The data formats: one writer per format, `FORMATS[fmt](query) -> bytes`; add a format by adding one entry.

    csv      the rows, machine-readable (no comment lines); sources one link away
    xlsx     sheets `scores`, `about` (title, reproduce URL, licence, one line per column), `sources`
    geojson  one feature per country, with top-level `attribution` and `sources`
    gpkg     layers `scores`, `small_states` (points), `sources`; credit in the layer metadata
"""

from __future__ import annotations

import io
import json
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd

from .. import data
from .. import params as P
from ..i18n import N_, _
from .cache import _cache
from .links import absolute
from .query import Query
from .tables import (
    DATA_LICENCE,
    LICENCE_URL,
    PROJECT,
    column_docs,
    column_headers,
    column_kind,
    credit_line,
    scores_table,
    sources_table,
)

ROOT = Path(__file__).resolve().parent.parent.parent
GEO_FILE = ROOT / "data" / "geo" / "ne_110m_admin0_countries.geojson"
POINTS_FILE = ROOT / "data" / "geo" / "points.csv"
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
}


# OWASP CSV injection: a text cell starting with one of these is read by spreadsheets as a formula
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """A text value a spreadsheet would run as a formula, prefixed with `'` (OWASP); anything else unchanged."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell made inert (`inert`) and its column names too; numbers untouched.
    Every CSV and XLSX writer goes through this."""
    out = frame.rename(columns=inert)
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column].dtype):
            out[column] = out[column].map(inert)
    return out


def to_csv(frame: pd.DataFrame) -> bytes:
    return neutralise(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")


SCORE_FORMAT = "0.00"
SHARE_FORMAT = "0%"


def band_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """Each `<node>_band` column followed by `<node>_band_label`: the methodology's words for that band."""
    bands = data.dataset().methodology.bands
    labels = {(str(n), int(b)): str(lab) for n, b, lab in bands[["node", "band", "label"]].itertuples(index=False)}
    out = frame.copy()
    for column in [c for c in frame.columns if c.endswith("_band")]:
        node = column[: -len("_band")]
        words = [labels.get((node, int(b))) or labels.get(("overall", int(b)), "") if pd.notna(b) else "No data"
                 for b in frame[column]]
        out.insert(out.columns.get_loc(column) + 1, f"{column}_label", words)
    return out


def to_xlsx(frame: pd.DataFrame, query: Query | None = None, title: str | None = None) -> bytes:
    """Sheets: `scores` (the rows), `about` (what, how to reproduce it, licence, one line per column with
    its header and machine name), `sources` (citations). Every export to Excel goes through here.

    The scores sheet reads like a publication: human column headers in a bold, filtered, frozen header
    row; band labels beside band numbers; scores with 2 decimals, shares as percentages. Written with
    XlsxWriter (about 5x faster than openpyxl on the indicator-level tables), strings never turned into
    formulas."""
    sources = sources_table(frame)
    meth = data.dataset().methodology.parameters
    years = sorted(set(frame["year"])) if "year" in frame.columns and len(frame) else []
    title = title or (query.title() if query else "Scores")
    frame = band_labels(frame)
    headers = column_headers(frame.columns)
    about = [(_("Title"), _(PROJECT) + ": " + title),
             (_("Reproduce"), absolute(query.url("xlsx")) if query else ""),
             (_("Years"), ", ".join(str(y) for y in years)),
             (_("Level"), query.level if query else "pillar"),
             (_("Methodology version"), meth.methodology_version),
             (_("Scale"), _("1-6, 6 = rights fully respected, 1 = severe violations")),
             (_("Missing values"), _("An empty cell is missing data, never zero: a score is withheld when its "
                                     "coverage is below the methodology's minimum")),
             (_("Generated"), date.today().isoformat()),
             (_("Licence"), _("Scores and data: %(licence)s (%(url)s). Third-party figures stay under their "
                              "publishers' terms (sources sheet).", licence=DATA_LICENCE, url=LICENCE_URL)),
             (_("Credit"), credit_line(None, list(dict.fromkeys(sources["publisher"])))),
             ("", "", ""), (_("Column"), _("Machine name (CSV, API)"), _("Meaning"))]
    header_row = len(about) - 1
    about = [(*row, "") if len(row) == 2 else row for row in about]
    about += [(headers[c], c, text) for c, text in column_docs(frame.columns)]
    for column in frame.columns:  # nullable ints and NA-holding objects: plain values / None for the writer
        if str(frame[column].dtype) in ("Int64", "boolean"):
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter",
                        engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False,
                                                   "nan_inf_to_errors": False}}) as writer:
        book = writer.book
        bold = book.add_format({"bold": True})
        head = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1,
                                "bg_color": "#E9ECEF"})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        formats = {"score": book.add_format({"num_format": SCORE_FORMAT}),
                   "share": book.add_format({"num_format": SHARE_FORMAT}),
                   "int": book.add_format({"num_format": "0"})}
        sheets = (("scores", frame.rename(columns=headers)), ("sources", sources))
        for name, table in sheets:
            table = neutralise(table)
            table.to_excel(writer, sheet_name=name, index=False, header=False, startrow=1)
            sheet = writer.sheets[name]
            for col, header in enumerate(table.columns):
                sheet.write_string(0, col, str(header), head)
            sheet.autofilter(0, 0, max(len(table), 1), len(table.columns) - 1)
        scores, sheet_sources = writer.sheets["scores"], writer.sheets["sources"]
        scores.freeze_panes(1, 2 if "country" in frame.columns[:2] else 1)
        scores.set_row(0, 45)
        for col, column in enumerate(frame.columns):
            kind = column_kind(column)
            width = 22 if column in ("country", "indicator_name", "publisher", "dataset") else \
                24 if column.endswith("_label") else 12
            scores.set_column(col, col, width, formats.get(kind))
        sheet_sources.freeze_panes(1, 1)
        sheet_sources.set_column(0, 6, 32, wrap)
        neutralise(pd.DataFrame(about)).to_excel(writer, sheet_name="about", index=False, header=False)
        sheet_about = writer.sheets["about"]
        sheet_about.set_column(0, 0, 26, bold)
        sheet_about.set_column(1, 1, 70, wrap)
        sheet_about.set_column(2, 2, 90, wrap)
        sheet_about.set_row(header_row, None, head)
    return buffer.getvalue()


def shapes():
    """Natural Earth 1:110m country shapes (iso3, geometry), read once per data version."""
    return _cache.get(("shapes",), _read_shapes)


def _read_shapes():
    import geopandas as gpd
    frame = gpd.read_file(GEO_FILE)[["iso3", "name", "geometry"]]
    frame = frame[frame["iso3"].str.fullmatch(r"[A-Z]{3}")]
    return frame.drop_duplicates("iso3").rename(columns={"name": "shape_name"})


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
        raise P.ParamError("level", N_("GIS layers are at pillar level (one feature per country)"))
    if len(query.years) != 1:
        raise P.ParamError("year", N_("GIS layers take one year (e.g. year=2021)"))
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


FORMATS = {
    "csv": lambda query: to_csv(scores_table(query)),
    "xlsx": lambda query: to_xlsx(scores_table(query), query),
    "geojson": to_geojson,
    "gpkg": to_gpkg,
}
DATA_FORMATS = tuple(FORMATS)
ONE_YEAR_FORMATS = ("geojson", "gpkg")  # one feature per country


def export_data(query: Query, fmt: str) -> bytes:
    """The bytes of one data export (cached)."""
    if fmt not in FORMATS:
        raise P.ParamError("format", N_("format '%(value)s' is not one of %(allowed)s"), 404, value=fmt,
                           allowed=", ".join(DATA_FORMATS))
    return _cache.get(("data", query, fmt), lambda: FORMATS[fmt](query))
