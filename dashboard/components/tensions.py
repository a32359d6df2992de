"""Layout pieces the /tensions page and the methodology page share: the coverage-by-year table."""

from __future__ import annotations

import pandas as pd
from dash import html

from .. import data
from . import ui

COVERAGE_ROWS = [("harm", "Harm pressure (DSP v8)"), ("restriction", "Restriction in practice"),
                 ("placed", "Placed (both axes)"), ("law", "Content-regulation law"),
                 ("court_share", "Court-ordered share (Google)"), ("shutdowns", "Shutdowns listed (Access Now)")]


def coverage() -> pd.DataFrame:
    """Countries per axis and year (indicators.tensions.axis_coverage), cached per scoring run."""
    from indicators.tensions import axis_coverage

    from ..figures import context
    ctx = context()
    if ("tensions-coverage",) not in ctx.cache:
        ctx.cache[("tensions-coverage",)] = axis_coverage(data.tensions(), data.results().indicators,
                                                          data.countries(), ctx.years, data.tensions_codes())
    return ctx.cache[("tensions-coverage",)]


def coverage_table(table_id: str = "tensions-coverage") -> html.Div:
    cov = coverage()
    head = html.Thead(html.Tr([html.Th("Countries with a reading", scope="col")]
                              + [html.Th(str(y), scope="col") for y in cov["year"]]))
    body = [html.Tr([html.Th(label, scope="row")] + [html.Td(str(v)) for v in cov[col]])
            for col, label in COVERAGE_ROWS]
    return ui.table("How many countries each axis of the tensions view covers, by year", head, body,
                    "Coverage of the tensions view by year", class_name="drd-table small", id=table_id)
