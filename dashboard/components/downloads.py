"""The download menu every page shows: the chart as PNG/SVG, the rows in view as CSV/XLSX (GIS layers on
the map), the sources cited and, for one country in one year, its PDF brief.

Links point at the stable URLs served by dashboard.exports, so a link reproduces the file without
a browser. Pages rebuild the menu in the callback that redraws their chart, passing the same
parameters the chart was drawn with.

The menu is Bootstrap's dropdown markup sent as one StaticHtml (dashboard.components.static), opened,
closed and moved through from the keyboard by assets/drd.js (`.drd-menu`): a dbc.DropdownMenu was a
dozen Dash components per menu, remounted by every callback that rebuilds it (three per year change on
the profile), for a list of plain links.
"""

from __future__ import annotations

from urllib.parse import urlencode

from dash import html

from ..i18n import _
from .static import StaticHtml


def _query(params: dict | None) -> str:
    clean = {k: v for k, v in (params or {}).items() if v not in (None, "", [])}
    for key, value in list(clean.items()):
        if isinstance(value, (list, tuple)):
            clean[key] = ",".join(str(v) for v in value)
    return f"?{urlencode(clean)}" if clean else ""


def chart_url(chart: str, fmt: str, params: dict | None = None) -> str:
    return f"/download/chart/{chart}.{fmt}{_query(params)}"


def data_url(fmt: str, params: dict | None = None, data: str = "scores") -> str:
    return f"/download/{data}.{fmt}{_query(params)}"


def embed_url(chart: str, params: dict | None = None, code: bool = False) -> str:
    return f"/embed/{chart}{_query({**(params or {}), **({'code': 1} if code else {})})}"


def brief_url(iso3: str, year: int | str | None = None) -> str:
    return f"/download/brief/{iso3.upper()}.pdf{_query({'year': year})}"


def sources_url(params: dict | None = None, data: str = "scores") -> str:
    name = "sources" if data == "scores" else f"{data}_sources"
    return f"/download/{name}.csv{_query(params)}"


def _single_country_year(params: dict | None) -> tuple[str, str] | None:
    """(iso3, year) when the data in view is one country in one year: the menu then offers its brief."""
    params = params or {}
    country, year = str(params.get("country") or ""), str(params.get("year") or "")
    if country and "," not in country and year.isdigit():
        return country, year
    return None


def _item(text: str, href: str, new_tab: bool = False) -> html.Li:
    # a plain request the server answers with Content-Disposition: attachment (a download)
    return html.Li(html.A(text, href=href, className="dropdown-item", **({"target": "_blank"} if new_tab else {})))


def _header(text: str) -> html.Li:
    return html.Li(html.H6(text, className="dropdown-header"))


def menu_items(chart: str | None, chart_params: dict | None = None, data_params: dict | None = None,
               gis: bool = False, data: str = "scores") -> list[html.Li]:
    """The menu's entries (see download_menu): headers and links, in order."""
    items = []
    if chart:
        items += [_header(_("Chart")),
                  _item(_("PNG image (print resolution)"), chart_url(chart, "png", chart_params)),
                  _item(_("SVG image"), chart_url(chart, "svg", chart_params)),
                  _item(_("Embed (HTML snippet for your site)"), embed_url(chart, chart_params, code=True),
                        new_tab=True)]
    items += [_header(_("Data")),
              _item("CSV", data_url("csv", data_params, data)),
              _item(_("Excel (with sources sheet)"), data_url("xlsx", data_params, data))]
    if data == "scores" and str((data_params or {}).get("level") or "pillar") != "indicator":
        items.append(_item(_("Excel, per indicator values"), data_url("xlsx", {**(data_params or {}),
                                                                            "level": "indicator"})))
    if gis:
        items += [_item(_("GeoJSON (map layer)"), data_url("geojson", data_params)),
                  _item(_("GeoPackage (map layer)"), data_url("gpkg", data_params))]
    items.append(_item(_("Sources cited (CSV)"), sources_url(data_params, data)))
    single = _single_country_year(data_params) if data == "scores" else None
    if single:
        items += [_header(_("Report")), _item(_("Country brief (PDF)"), brief_url(*single))]
    return items


def download_menu(chart: str | None, chart_params: dict | None = None, data_params: dict | None = None,
                  gis: bool = False, menu_id: str | None = None, data: str = "scores") -> StaticHtml:
    """A dropdown of download links for one chart and the data behind it.

    Always: CSV and Excel of the rows in view (and Excel of their per-indicator values), and the sources
    cited. With `chart`: PNG, SVG and the embed snippet (/embed/<chart>?...&code=1, a new tab).
    With `gis`: GeoJSON and GeoPackage. When the data is one country in one year: its PDF brief.
    `data` names the table behind the chart: `scores` or `tensions` (/download/tensions.csv|.xlsx).
    """
    tree = html.Div([
        html.Button(_("Download"), type="button", className="dropdown-toggle btn btn-secondary btn-sm",
                    **{"aria-expanded": "false"}),
        # data-bs-popper: Bootstrap's placement under the button without Popper (drd.js flips it to the end)
        html.Ul(menu_items(chart, chart_params, data_params, gis, data), className="dropdown-menu",
                **{"data-bs-popper": "static"}),
    ], className="dropdown")
    return StaticHtml(tree, id=menu_id, className="drd-static drd-menu d-inline-block")
