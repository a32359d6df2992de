"""Everything a page shows can leave it, with its sources attached: data, GIS layers, chart images, briefs.

One module per concern (imports point down this list, never back up):

    dashboard/params.py  the URL parameter vocabulary shared with the pages and the API
    query.py     Query: the row filter of the data exports and the scores API
    cache.py     ExportCache: built files, keyed by the parsed request, per data version
    tables.py    scores_table / sources_table / credit_line; register_columns() adds columns everywhere
    formats.py   FORMATS: one writer per data format (csv, xlsx, geojson, gpkg); shapes and points
    images.py    render_chart: dashboard.figures.CHARTS as PNG/SVG through a warm kaleido server
    brief.py     build_brief: the country brief (PDF)
    routes.py    the /download/... blueprint and the JSON error handlers shared with the API

Credits travel with every file. The CSV body stays machine-readable (no comment lines): every row says
which sources it rests on (`sources` column at pillar level; publisher, dataset, URL and licence columns
at indicator level), the full citations are one link away (`/download/sources.csv`, also announced in
a `Link: <...>; rel="describedby"` header). The XLSX carries `about` (columns, licence) and `sources`
sheets; GeoJSON a top-level `attribution` and `sources` member; the GeoPackage a `sources` table and
layer metadata; images and the brief print the credit line.

To add a data format: one function in formats.py and one entry in FORMATS. To add a chart: one builder
in dashboard/figures.py registered in CHARTS (images, downloads and the API pick it up).
"""

from __future__ import annotations

from ..params import ParamError
from .cache import ExportCache, _cache
from .formats import (
    DATA_FORMATS,
    FORMATS,
    GEO_FILE,
    MEDIA_TYPES,
    POINTS_FILE,
    export_data,
    gis_frame,
    missing_shapes,
    shapes,
    small_state_points,
    to_csv,
    to_geojson,
    to_gpkg,
    to_xlsx,
)
from .images import IMAGE_FORMATS, chart_kinds, figure_image, print_ready, render_chart, warm_up
from .query import Query, parse_countries, parse_country, parse_region, parse_year
from .routes import bp, error_response, handle_http_error, handle_param_error, handle_unexpected, init_app
from .tables import (
    BASE_DOCS,
    DATA_LICENCE,
    PROJECT,
    SHAPES_SOURCE,
    _column_hooks,
    column_docs,
    credit_line,
    register_columns,
    scores_table,
    sources_table,
)

__all__ = [
    "BASE_DOCS", "DATA_FORMATS", "DATA_LICENCE", "FORMATS", "GEO_FILE", "IMAGE_FORMATS", "MEDIA_TYPES",
    "POINTS_FILE", "PROJECT", "SHAPES_SOURCE", "ExportCache", "ParamError", "Query", "_cache", "_column_hooks",
    "bp", "chart_kinds", "column_docs", "credit_line", "error_response", "export_data", "figure_image",
    "gis_frame", "handle_http_error", "handle_param_error", "handle_unexpected", "init_app", "missing_shapes",
    "parse_countries", "parse_country", "parse_region", "parse_year", "print_ready", "register_columns",
    "render_chart", "scores_table", "shapes", "small_state_points", "sources_table", "to_csv", "to_geojson",
    "to_gpkg", "to_xlsx", "warm_up",
]
