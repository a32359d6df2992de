"""Layout pieces the /tensions page, the profile's tensions section and the methodology page share: the
coverage-by-year table, and the publishers' category words in the reader's language.

The engine (indicators/tensions.py) keeps its words in English, marked with `N_` for extraction; they
are translated here, where they are shown (`axis_text`, `justification`). The category words of Access
Now's "actual cause" and of Google's removal reasons are the publishers' own categories, in English in
the data; `cause` and `reason` give them in the language (an unknown one is shown as the data has it).
"""

from __future__ import annotations

import pandas as pd
from dash import html

from .. import data
from ..i18n import N_, _
from . import ui

COVERAGE_ROWS = [("harm", N_("Harm pressure (DSP v8)")), ("restriction", N_("Restriction in practice")),
                 ("placed", N_("Placed (both axes)")), ("law", N_("Content-regulation law")),
                 ("court_share", N_("Court-ordered share (Google)")),
                 ("shutdowns", N_("Shutdowns listed (Access Now)"))]

# Access Now #KeepItOn "actual_cause" categories (data/tensions.csv keepiton_cause_<key>)
CAUSES = {
    "protests": N_("protests"), "information_control": N_("information control"), "conflict": N_("conflict"),
    "other": N_("other"), "exam_cheating": N_("exam cheating"), "elections": N_("elections"),
    "unknown": N_("unknown"), "political_instability": N_("political instability"),
    "communal_violence": N_("communal violence"),
    "religious_holiday_anniversary": N_("religious holiday or anniversary"),
    "visits_by_government_officials": N_("visits by government officials"),
}
# Google Transparency Report removal reasons (data/tensions.csv google_reason_<key>)
REASONS = {
    "adult_content": N_("adult content"), "bullying_harassment": N_("bullying or harassment"),
    "business_complaints": N_("business complaints"), "copyright": N_("copyright"),
    "defamation": N_("defamation"), "drug_abuse": N_("drug abuse"), "electoral_law": N_("electoral law"),
    "fraud": N_("fraud"), "geographical_dispute": N_("geographical dispute"),
    "government_criticism": N_("government criticism"), "hate_speech": N_("hate speech"),
    "impersonation": N_("impersonation"), "national_security": N_("national security"),
    "obscenity_nudity": N_("obscenity or nudity"), "other": N_("other"),
    "privacy_and_security": N_("privacy and security"),
    "regulated_goods_and_services": N_("regulated goods and services"),
    "religious_offense": N_("religious offence"), "suicide_promotion": N_("suicide promotion"),
    "trademark": N_("trademark"), "unspecified": N_("unspecified"), "violence": N_("violence"),
}


def axis_text(key: str) -> str:
    """One axis of the view explained (indicators.tensions.AXIS_TEXT), in the language."""
    from indicators.tensions import AXIS_TEXT
    return _(AXIS_TEXT[key])


def justification(key: str) -> str:
    """A government's stated justification for a shutdown (indicators.tensions.JUSTIFICATION_LABELS)."""
    from indicators.tensions import JUSTIFICATION_LABELS
    return _(JUSTIFICATION_LABELS[key]) if key in JUSTIFICATION_LABELS else key.replace("_", " ")


def cause(key: str, note: str = "") -> str:
    """Access Now's actual cause `key`; a category not listed here is shown as the publisher wrote it."""
    if key in CAUSES:
        return _(CAUSES[key])
    from indicators.tensions import cause_label
    return cause_label(note).lower() if note else key.replace("_", " ")


def reason(key: str) -> str:
    """Google's removal reason `key`; one not listed here is shown from its code."""
    return _(REASONS[key]) if key in REASONS else key.replace("_", " ")


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
    head = html.Thead(html.Tr([html.Th(_("Countries with a reading"), scope="col")]
                              + [html.Th(str(y), scope="col") for y in cov["year"]]))
    body = [html.Tr([html.Th(_(label), scope="row")] + [html.Td(str(v)) for v in cov[col]])
            for col, label in COVERAGE_ROWS]
    return ui.table(_("How many countries each axis of the tensions view covers, by year"), head, body,
                    _("Coverage of the tensions view by year"), class_name="drd-table small", id=table_id)
