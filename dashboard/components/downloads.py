"""The download menu every page shows: the chart as PNG/SVG and the rows in view as CSV/XLSX.

Links point at the stable URLs served by dashboard.exports, so a link reproduces the file without
a browser. Pages rebuild the menu in the callback that redraws their chart, passing the same
parameters the chart was drawn with.
"""

from __future__ import annotations

from urllib.parse import urlencode

import dash_bootstrap_components as dbc


def _query(params: dict | None) -> str:
    clean = {k: v for k, v in (params or {}).items() if v not in (None, "", [])}
    for key, value in list(clean.items()):
        if isinstance(value, (list, tuple)):
            clean[key] = ",".join(str(v) for v in value)
    return f"?{urlencode(clean)}" if clean else ""


def chart_url(chart: str, fmt: str, params: dict | None = None) -> str:
    return f"/download/chart/{chart}.{fmt}{_query(params)}"


def data_url(fmt: str, params: dict | None = None) -> str:
    return f"/download/scores.{fmt}{_query(params)}"


def download_menu(chart: str | None, chart_params: dict | None = None, data_params: dict | None = None,
                  gis: bool = False, menu_id: str | None = None) -> dbc.DropdownMenu:
    """A dropdown of download links for one chart and the data behind it."""
    items = []
    if chart:
        items += [dbc.DropdownMenuItem("Chart", header=True),
                  dbc.DropdownMenuItem("PNG image (print resolution)", href=chart_url(chart, "png", chart_params),
                                       external_link=True, download=f"{chart}.png"),
                  dbc.DropdownMenuItem("SVG image", href=chart_url(chart, "svg", chart_params),
                                       external_link=True, download=f"{chart}.svg")]
    items += [dbc.DropdownMenuItem("Data", header=True),
              dbc.DropdownMenuItem("CSV", href=data_url("csv", data_params), external_link=True,
                                   download="scores.csv"),
              dbc.DropdownMenuItem("Excel (with sources sheet)", href=data_url("xlsx", data_params),
                                   external_link=True, download="scores.xlsx")]
    if gis:
        items += [dbc.DropdownMenuItem("GeoJSON", href=data_url("geojson", data_params), external_link=True,
                                       download="scores.geojson"),
                  dbc.DropdownMenuItem("GeoPackage", href=data_url("gpkg", data_params), external_link=True,
                                       download="scores.gpkg")]
    kwargs = {"id": menu_id} if menu_id else {}
    return dbc.DropdownMenu(items, label="Download", color="secondary", size="sm", className="d-inline-block",
                            **kwargs)
