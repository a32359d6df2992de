"""Placeholder home page (the map arrives with the pages issue)."""

import dash
from dash import html

from dashboard import data

dash.register_page(__name__, path="/", name="Map", title="Digital Rights Dashboard")


def layout(**_params):
    frame = data.nodes()
    latest = max(data.years())
    scored = frame[(frame["node"] == "overall") & (frame["year"] == latest)]["score"].notna().sum()
    return html.Div([html.H1("Digital rights dashboard"),
                     html.P(f"{scored} countries have an overall score for {latest}.")])
