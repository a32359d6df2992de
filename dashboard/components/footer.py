"""The app footer: every publisher the scores rest on, with its licence, and the data licence."""

from __future__ import annotations

from dash import html

from .. import data


def footer() -> html.Footer:
    """Credits read from data/sources.csv, so a new source is credited without touching code."""
    try:
        sources = data.dataset().sources
    except Exception as exc:  # the data failed validation: still render the app shell  # noqa: BLE001
        return html.Footer(html.P(f"Data could not be loaded: {exc}", className="small"),
                           className="drd-footer container-fluid py-3 mt-4")
    items = [html.Li([html.A(row["publisher"], href=row["url"], rel="noopener", target="_blank"),
                      f": {row['dataset']}. Licence: {row['licence']}."])
             for _, row in sources.iterrows()]
    return html.Footer([
        html.H2("Sources and licences", className="h6"),
        html.P(["Scores by the Digital Rights Dashboard from the publishers below. ",
                html.Strong("Data CC BY-SA 4.0"),
                " (the share-alike terms of V-Dem's data); third-party figures stay under their "
                "publishers' terms, listed here; Freedom House's are not openly licensed: cite Freedom House. "
                "Code under the MIT licence. ",
                html.A("How the scores are made", href="/methodology"), "."], className="small mb-2"),
        html.Ul(items, className="small mb-0 drd-credits"),
    ], className="drd-footer container-fluid py-3 mt-4")
