"""Country brief: a one-to-two page PDF for a country and year (reportlab; charts rendered by kaleido).

Contents: scores and bands (overall, pillars, actors) with coverage; the pillar chart and the
state-vs-corporate split (the same builders as the pages, dashboard.figures.CHARTS); the indicators
with their raw values, observation years and sources; the sources cited with their licences; the date
and the methodology version. Served at /download/brief/<ISO3>.pdf?year=YYYY.
"""

from __future__ import annotations

import io
import logging
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .. import data
from .images import chart_kinds, figure_image
from .tables import DATA_LICENCE, PROJECT

log = logging.getLogger(__name__)
MARGIN = 1.5 * cm
WIDTH = A4[0] - 2 * MARGIN
# The viridis steps of the dashboard's scale, one per band (1 = severe violations .. 6 = fully respected)
BAND_COLOURS = {1: "#440154", 2: "#414487", 3: "#2a788e", 4: "#22a884", 5: "#7ad151", 6: "#fde725"}
GRID = colors.HexColor("#dee2e6")


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName="Helvetica", fontSize=8.5, leading=10.5,
                          alignment=TA_LEFT)
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName="Helvetica-Bold", fontSize=18, leading=22,
                                alignment=TA_LEFT, spaceAfter=2),
        "sub": ParagraphStyle("sub", parent=body, fontSize=9, textColor=colors.HexColor("#495057")),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName="Helvetica-Bold", fontSize=11.5, leading=14,
                             spaceBefore=8, spaceAfter=3),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7, leading=8.5),
        "cell": ParagraphStyle("cell", parent=body, fontSize=7.2, leading=8.6),
        "big": ParagraphStyle("big", parent=body, fontName="Helvetica-Bold", fontSize=13, leading=16),
    }


def _fmt(value, digits: int = 2) -> str:
    return "no data" if value is None else f"{value:.{digits}f}"


def _pct(value) -> str:
    return "-" if value is None else f"{value:.0%}"


def _raw(value) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def _chart(kind: str, iso3: str, year: int, width_px: int, height_px: int, width_cm: float):
    """The page's chart as a PNG flowable; None when it cannot be drawn (the brief still builds)."""
    build = chart_kinds().get(kind)
    if build is None:
        return None
    try:
        fig = build({"country": iso3, "year": str(year)})
        height_px = int(fig.layout.height or height_px)
        png = figure_image(fig, "png", width_px, height_px, scale=2.5)
    except Exception:  # noqa: BLE001 - a chart failing must not cost the brief
        log.exception("brief chart %s failed for %s %s", kind, iso3, year)
        return None
    return Image(io.BytesIO(png), width=width_cm, height=width_cm * height_px / width_px)


def _band_cell(band, label: str, style) -> Paragraph | str:
    if band is None:
        return Paragraph("no data", style)
    colour = BAND_COLOURS[int(band)]
    text_colour = "#000000" if int(band) >= 4 else "#ffffff"
    return Paragraph(f'<font backColor="{colour}" color="{text_colour}">&nbsp;{int(band)}&nbsp;</font> '
                     f"{escape(label)}", style)


def build_brief(iso3: str, year: int) -> bytes:
    """The PDF bytes of the brief for `iso3` in `year` (the caller validates both)."""
    d = data.drilldown(iso3, year)
    ds = data.dataset()
    st = _styles()
    today = date.today().isoformat()
    story = []

    country = d["country"]
    story.append(Paragraph(f"Digital rights in {escape(country)}, {year}", st["title"]))
    pilot = " &middot; pilot country" if d["pilot"] else ""
    story.append(Paragraph(
        f"{PROJECT} country brief &middot; {escape(str(d['region'] or ''))}{pilot} &middot; "
        f"methodology {escape(d['methodology_version'])} &middot; generated {today}", st["sub"]))
    story.append(Spacer(1, 6))

    o = d["overall"]
    story.append(Paragraph(
        f"Overall score {_fmt(o['score'])} / 6 &nbsp; band {o['band'] or '-'}: {escape(o['label'])}", st["big"]))
    story.append(Paragraph(
        f"Scale 1-6: 6 = rights fully respected, 1 = severe violations. Coverage {_pct(o['coverage'])} of the "
        f"indicators measured in {year} have data for {escape(country)} ({o['indicators_with_data']} of "
        f"{o['indicators']} indicators in the methodology); {_pct(o['measured_share'])} of the methodology was "
        f"measured by some source that year. Scores below {d['min_coverage']:.0%} coverage are withheld, never "
        f"estimated. Each indicator uses its latest observation in the {d['window_years']} years up to {year}.",
        st["body"]))

    # Scores table: overall, pillars, actors
    story.append(Paragraph("Scores and bands", st["h2"]))
    rows = [["", "Score", "Band", "Coverage", "Indicators with data"]]
    lines = [("Overall", o)] + [(p["name"], p) for p in d["pillars"]] + \
            [(f"Actor: {a['actor']}", a) for a in d["actors"]]
    for name, node in lines:
        rows.append([Paragraph(escape(name), st["cell"]), _fmt(node["score"]),
                     _band_cell(node["band"], node["label"], st["cell"]), _pct(node["coverage"]),
                     f"{node['indicators_with_data']} / {node['indicators']}"])
    table = Table(rows, colWidths=[4.6 * cm, 2 * cm, 6.4 * cm, 2.2 * cm, 2.8 * cm], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8), ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
        ("FONT", (0, 1), (1, 1), "Helvetica-Bold", 8),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black), ("LINEBELOW", (0, 1), (-1, -1), 0.3, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("ALIGN", (3, 0), (4, -1), "RIGHT"), ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
    story.append(table)

    # Charts side by side
    half = (WIDTH - 0.4 * cm) / 2
    charts = [_chart("pillars", iso3, year, 640, 470, half), _chart("split", iso3, year, 640, 470, half)]
    charts = [c for c in charts if c is not None]
    if charts:
        story.append(Spacer(1, 6))
        story.append(Table([charts], colWidths=[half + 0.2 * cm] * len(charts),
                           style=[("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))

    # Indicators
    story.append(Paragraph("Indicators behind the scores", st["h2"]))
    head = ["Pillar", "Indicator", "Actor", "Raw value", "Year", "Score", "Weight", "Source"]
    rows = [head]
    missing = []
    for p in d["pillars"]:
        for it in p["items"]:
            if it["status"] != "used":
                missing.append((p["name"], it))
                continue
            flags = []
            if it.get("carried"):
                flags.append("carried forward")
            if it.get("corrected"):
                c = it.get("correction") or {}
                flags.append(f"expert correction (was {_raw(c.get('original_value'))}, {c.get('author') or ''})")
            name = escape(it["name"]) + (f" <i>({escape('; '.join(flags))})</i>" if flags else "")
            src = it["source"]["publisher"] if it.get("source") else "expert panel"
            rows.append([Paragraph(escape(p["name"]), st["cell"]), Paragraph(name, st["cell"]), it["actor"],
                         _raw(it["value"]), str(it["obs_year"]), _fmt(it["score"]), f"{it['weight']:g}",
                         Paragraph(escape(src), st["cell"])])
    if len(rows) == 1:
        rows.append(["", Paragraph("No indicator has data for this country and year.", st["cell"]),
                     "", "", "", "", "", ""])
    table = Table(rows, colWidths=[2.7 * cm, 5.1 * cm, 1.7 * cm, 1.6 * cm, 1.0 * cm, 1.1 * cm, 1.1 * cm,
                                   3.7 * cm], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), "Helvetica", 7.2), ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 7.2),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black), ("LINEBELOW", (0, 1), (-1, -1), 0.25, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (3, 0), (6, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    story.append(table)
    if missing:
        text = "; ".join(f"{escape(it['name'])} ({it['status']})" for _, it in missing)
        story.append(Spacer(1, 3))
        story.append(Paragraph(f"<b>Without data for {escape(country)} in {year}:</b> {text}. Missing values are "
                               "never filled: they lower coverage, not the score.", st["small"]))

    # Sources
    used = []
    for p in d["pillars"]:
        for it in p["items"]:
            if it["status"] == "used" and it.get("source") and it["source"]["source_id"] not in used:
                used.append(it["source"]["source_id"])
    src_rows = []
    for sid in used:
        s = ds.sources.loc[sid]
        src_rows.append(Paragraph(
            f"<b>{escape(s['publisher'])}</b>, {escape(s['dataset'])}. {escape(s['url'])}. "
            f"Licence: {escape(s['licence'])}. Cite: {escape(s['citation'] or '')}", st["small"]))
    block = [Paragraph("Sources and licence", st["h2"]), *src_rows, Spacer(1, 3),
             Paragraph(f"Scores and data: {PROJECT}, {DATA_LICENCE} (https://creativecommons.org/licenses/by-sa/4.0/). "
                       "Third-party figures stay under their publishers' terms. Full drill-down: "
                       f"/api/v1/countries/{iso3}?year={year}; data: "
                       f"/download/scores.xlsx?year={year}&amp;country={iso3}&amp;level=indicator.", st["small"])]
    story.append(KeepTogether(block))

    footer = (f"{PROJECT} · {country} {year} · methodology {d['methodology_version']} · {today} · "
              f"data {DATA_LICENCE}; sources as listed")

    def on_page(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(colors.HexColor("#6c757d"))
        canvas.drawString(MARGIN, 0.9 * cm, footer)
        canvas.drawRightString(A4[0] - MARGIN, 0.9 * cm, f"page {doc.page}")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=1.3 * cm,
                            bottomMargin=1.5 * cm, title=f"Digital rights in {country}, {year}",
                            author=PROJECT, subject=f"Country brief, methodology {d['methodology_version']}",
                            creator=PROJECT)
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
