"""Country brief: a report page for one country and year, as an accessible, tagged PDF (PDF/UA-1).

Contents, in reading order: title; findings in words generated from the data (strongest and weakest
pillar, state vs corporate, the like-for-like change since the earliest comparable year when
indicators/trend.py is present, how sure the score is, where evidence is thin); scores and bands; the
pillar, state-vs-corporate and trend charts (each with alt text and a caption); the tensions section
when dashboard.exports has one to offer; the indicators with raw values, observation years and sources;
sources and licence; full absolute links (DRD_BASE_URL, see dashboard/exports/links.py).

Written as HTML and laid out by WeasyPrint, which writes tagged PDF: headings, tables, lists and
figures become structure elements in reading order, `<img alt>` becomes the figure's /Alt and
`<html lang>` the document's /Lang. (reportlab, used before, cannot tag a PDF.)
Served at /download/brief/<ISO3>.pdf?year=YYYY; `brief_html()` is the same document as HTML.
"""

from __future__ import annotations

import base64
import logging
from datetime import date
from html import escape

import pandas as pd

from .. import data
from . import evidence
from .images import chart_kinds, figure_image
from .links import absolute
from .tables import DATA_LICENCE, LICENCE_URL, PROJECT

log = logging.getLogger(__name__)
# The viridis steps of the dashboard's scale, one per band (1 = severe violations .. 6 = fully respected)
BAND_COLOURS = {1: "#440154", 2: "#414487", 3: "#2a788e", 4: "#22a884", 5: "#7ad151", 6: "#fde725"}
CHART_WIDTH = 760  # layout px for a chart printed 17 cm wide: 12 px text prints at about 7.5 pt
SCALE = "6 = rights fully respected, 1 = severe violations"

CSS = """
@page { size: A4; margin: 16mm 16mm 18mm 16mm;
        @bottom-left { content: "FOOTER"; font: 7.5pt 'DejaVu Sans', sans-serif; color: #495057; }
        @bottom-right { content: "page " counter(page) " of " counter(pages);
                        font: 7.5pt 'DejaVu Sans', sans-serif; color: #495057; } }
html { font: 9.5pt/1.4 'DejaVu Sans', sans-serif; color: #212529; }
h1 { font-size: 18pt; margin: 0 0 2pt; line-height: 1.2; }
h2 { font-size: 12pt; margin: 12pt 0 4pt; border-bottom: 0.6pt solid #adb5bd; padding-bottom: 1pt; }
.sub { color: #495057; font-size: 8.5pt; margin: 0 0 8pt; }
.lead { font-size: 10.5pt; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; }
caption { text-align: left; font-weight: bold; padding-bottom: 2pt; caption-side: top; }
th, td { text-align: left; padding: 1.5pt 3pt; border-bottom: 0.4pt solid #dee2e6; vertical-align: top; }
thead th { border-bottom: 0.9pt solid #212529; }
td.num, th.num { text-align: right; }
.band { display: inline-block; min-width: 9pt; text-align: center; padding: 0 2pt; font-weight: bold; }
figure { margin: 8pt 0; break-inside: avoid; }
figure img { width: 86%; }
figcaption { font-size: 8pt; color: #343a40; }
.small { font-size: 8pt; }
ul.sources { padding-left: 12pt; font-size: 8pt; }
a { color: #0b5394; }
"""


def _fmt(value, digits: int = 2) -> str:
    return "no data" if value is None or pd.isna(value) else f"{value:.{digits}f}"


def _pct(value) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:.0%}"


def _raw(value) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def _scored(nodes: list[dict]) -> list[dict]:
    return [n for n in nodes if n["score"] is not None and not pd.isna(n["score"])]


def trend_text(iso3: str, year: int) -> str:
    """The like-for-like change of the overall score since the earliest year it was published, from
    indicators/trend.py; without that module, what the trend chart can and cannot say."""
    frame = data.nodes()
    own = frame[(frame["iso3"] == iso3) & (frame["node"] == "overall") & frame["score"].notna()]
    own = own[own["year"] <= year]
    if own.empty or own["year"].min() >= year:
        return f"There is no earlier published overall score to compare {year} with."
    first = int(own["year"].min())
    try:
        from indicators import trend
        t = trend.country_trend(data.results(), data.dataset().methodology, iso3, first, year)
        return trend.trend_sentence(t)
    except ImportError:
        pass
    except Exception:  # noqa: BLE001 - a trend that cannot be computed must not cost the brief
        log.exception("brief trend failed for %s %s", iso3, year)
    shares = frame[(frame["iso3"] == iso3) & (frame["node"] == "overall")].set_index("year")["measured_share"]
    return (f"The trend chart shows each year's overall score as published, {first}–{year}. It is not a "
            f"like-for-like comparison: {_pct(shares.get(first))} of the methodology was measured in {first} and "
            f"{_pct(shares.get(year))} in {year}, so part of any difference comes from indicators added since.")


def findings(d: dict, iso3: str, year: int) -> list[str]:
    """The findings paragraph, sentence by sentence, from the drill-down and the sensitivity runs."""
    country, o = d["country"], d["overall"]
    out = []
    if o["score"] is None or pd.isna(o["score"]):
        out.append(f"{country} has no overall score for {year}: only {_pct(o['coverage'])} of the methodology's "
                   f"weight has data, below the {d['min_coverage']:.0%} needed. Missing data is never filled in.")
    else:
        out.append(f"{country} scores {o['score']:.2f} of 6 overall in {year}, band {o['band']}: "
                   f"{o['label'].lower()} (scale 1–6, {SCALE}).")
    pillars = _scored(d["pillars"])
    if len(pillars) >= 2:
        best, worst = max(pillars, key=lambda p: p["score"]), min(pillars, key=lambda p: p["score"])
        out.append(f"Its strongest pillar is {best['name']} ({best['score']:.2f}, {best['label'].lower()}), "
                   f"its weakest {worst['name']} ({worst['score']:.2f}, {worst['label'].lower()}).")
    actors = {a["actor"]: a for a in d["actors"]}
    state, corp = actors.get("state"), actors.get("corporate")
    if state and corp:
        if _scored([corp]) and _scored([state]):
            out.append(f"What the state does or allows scores {state['score']:.2f}; what companies do "
                       f"{corp['score']:.2f} (lower means more abuse).")
        elif _scored([state]):
            out.append(f"What the state does or allows scores {state['score']:.2f}; there is no corporate evidence "
                       f"for {country} in {year}, so no corporate score is given.")
    out.append(trend_text(iso3, year))
    sure = data.how_sure(iso3, year) if o["score"] is not None and not pd.isna(o["score"]) else None
    if sure:
        out.append(f"How sure: when the methodological choices are varied 1,000 times the overall score stays "
                   f"{sure['overall'].split('(', 1)[-1].rstrip(')').replace('likely ', 'within ')} in 90% of runs; "
                   f"{sure['rank']}.")
    notes = evidence.evidence_notes(iso3, year, ["overall", *(p["node"] for p in d["pillars"]),
                                                 *(a["node"] for p in d["pillars"] for a in p["actors"])])
    out += notes or ["Every score shown rests on most of its indicators."]
    return out


def _chart(kind: str, iso3: str, year: int, alt: str, caption: str) -> str:
    """The page's chart as an <img> with alt text in a <figure>; '' when it cannot be drawn."""
    build = chart_kinds().get(kind)
    if build is None:
        return ""
    try:
        fig = build({"country": iso3, "year": str(year)})
        fig = type(fig)(fig)
        for annotation in fig.layout.annotations or ():
            if (annotation.text or "").startswith("Source:"):
                annotation.font.size = 12
        height = int(fig.layout.height or 500)
        png = figure_image(fig, "png", CHART_WIDTH, height, scale=2.5)
    except Exception:  # noqa: BLE001 - a chart failing must not cost the brief
        log.exception("brief chart %s failed for %s %s", kind, iso3, year)
        return ""
    src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return (f'<figure><img src="{src}" alt="{escape(alt)}"><figcaption>{escape(caption)}</figcaption></figure>')


def _band(node: dict) -> str:
    if node["band"] is None or pd.isna(node["band"]):  # no data, no corporate evidence, or a structural condition
        label = node.get("label") or "No data"
        return "no data" if label == "No data" else escape(label)
    b = int(node["band"])
    fg = "#000" if b >= 4 else "#fff"
    return (f'<span class="band" style="background:{BAND_COLOURS[b]};color:{fg}">{b}</span> '
            f"{escape(node['label'])}")


def _alt_bars(title: str, rows: list[tuple[str, object]]) -> str:
    return title + ": " + "; ".join(f"{name} {_fmt(score)}" for name, score in rows) + f". Scale 1–6, {SCALE}."


def brief_html(iso3: str, year: int, tensions_html: str = "") -> str:
    """The brief as one HTML document (what the PDF is made from)."""
    d = data.drilldown(iso3, year)
    ds = data.dataset()
    today = date.today().isoformat()
    country, o = d["country"], d["overall"]
    profile = absolute(f"/country/{iso3}?year={year}")
    api = absolute(f"/api/v1/countries/{iso3}?year={year}")
    xlsx = absolute(f"/download/scores.xlsx?year={year}&country={iso3}&level=indicator")
    pdf = absolute(f"/download/brief/{iso3}.pdf?year={year}")
    h = []
    footer = (f"{PROJECT} · {country} {year} · methodology {d['methodology_version']} · {today} · "
              f"data {DATA_LICENCE}").replace("\\", "").replace('"', "'")
    h.append(f"<h1>Digital rights in {escape(country)}, {year}</h1>")
    h.append(f'<p class="sub">{escape(PROJECT)} country brief · {escape(str(d["region"] or ""))} · methodology '
             f"{escape(d['methodology_version'])} · generated {today} · <a href=\"{escape(profile)}\">"
             f"{escape(profile)}</a></p>")

    h.append("<h2>Findings</h2>")
    h.append('<p class="lead">' + " ".join(escape(s) for s in findings(d, iso3, year)) + "</p>")

    h.append("<h2>Scores and bands</h2>")
    rows = [("Overall", o)] + [(p["name"], p) for p in d["pillars"]] + \
           [(f"{a['actor'].capitalize()} actors", a) for a in d["actors"]]
    h.append(f"<table><caption>Scores of {escape(country)}, {year} (scale 1–6, {SCALE})</caption><thead><tr>"
             '<th scope="col">Score of</th><th scope="col" class="num">Score</th><th scope="col">Band</th>'
             '<th scope="col" class="num">Coverage</th><th scope="col" class="num">Indicators with data</th>'
             "</tr></thead><tbody>")
    for name, node in rows:
        h.append(f'<tr><th scope="row">{escape(name)}</th><td class="num">{_fmt(node["score"])}</td>'
                 f"<td>{_band(node)}</td><td class=\"num\">{_pct(node['coverage'])}</td>"
                 f"<td class=\"num\">{node['indicators_with_data']} of {node['indicators']}</td></tr>")
    h.append("</tbody></table>")
    h.append(f'<p class="small">Coverage: the share of a score\'s weight that has data for {escape(country)}. '
             f"Scores below {d['min_coverage']:.0%} coverage are withheld, never estimated. Each indicator uses "
             f"its latest observation in the {d['window_years']} years up to {year}.</p>")

    h.append("<h2>Charts</h2>")
    h.append(_chart("pillars", iso3, year,
                    _alt_bars(f"Bar chart of {country}'s overall and pillar scores in {year}",
                              [("overall", o["score"])] + [(p["name"], p["score"]) for p in d["pillars"]]),
                    f"Overall and pillar scores, {year}; whiskers show the likely range over 1,000 runs of "
                    "alternative methodological choices."))
    split_rows = [(f"{p['name']} {a['actor']}", a["score"]) for p in d["pillars"] for a in p["actors"]
                  if a["actor"] != "structural"]
    h.append(_chart("split", iso3, year,
                    _alt_bars(f"Grouped bar chart of {country}'s state and corporate scores per pillar in {year}",
                              split_rows) + " A missing value means no evidence, not a good score.",
                    "State vs corporate, per pillar: who abuses the rights, the state or companies."))
    h.append(_chart("trend", iso3, year,
                    f"Line chart of {country}'s overall and pillar scores for every scored year, with the share of "
                    f"the methodology measured each year underneath. {trend_text(iso3, year)}",
                    "Scores over time as published; the bars underneath show how much of the methodology was "
                    "measured each year."))
    if tensions_html:
        h.append(tensions_html)

    h.append("<h2>Indicators behind the scores</h2>")
    h.append("<table><caption>Raw values, the year they were observed and their source</caption><thead><tr>"
             '<th scope="col">Pillar</th><th scope="col">Indicator</th><th scope="col">Actor</th>'
             '<th scope="col" class="num">Raw value</th><th scope="col" class="num">Year</th>'
             '<th scope="col" class="num">Score</th><th scope="col">Source</th></tr></thead><tbody>')
    missing, used = [], []
    for p in d["pillars"]:
        for it in p["items"]:
            if it["status"] != "used":
                missing.append(it)
                continue
            flags = []
            if it.get("carried"):
                flags.append("carried forward")
            if it.get("corrected"):
                c = it.get("correction") or {}
                flags.append(f"expert correction, was {_raw(c.get('original_value'))}")
            name = escape(it["name"]) + (f" <i>({escape('; '.join(flags))})</i>" if flags else "")
            src = it["source"]["publisher"] if it.get("source") else "expert panel"
            if it.get("source") and it["source"]["source_id"] not in used:
                used.append(it["source"]["source_id"])
            h.append(f"<tr><td>{escape(p['name'])}</td><td>{name}</td><td>{escape(it['actor'])}</td>"
                     f"<td class=\"num\">{_raw(it['value'])}</td><td class=\"num\">{it['obs_year']}</td>"
                     f"<td class=\"num\">{_fmt(it['score'])}</td><td>{escape(src)}</td></tr>")
    if not used and not any(it["status"] == "used" for p in d["pillars"] for it in p["items"]):
        h.append('<tr><td colspan="7">No indicator has data for this country and year.</td></tr>')
    h.append("</tbody></table>")
    if missing:
        text = "; ".join(f"{escape(it['name'])} ({escape(it['status'])})" for it in missing)
        h.append(f'<p class="small"><b>Without data for {escape(country)} in {year}:</b> {text}. Missing values '
                 "are never filled: they lower coverage, not the score.</p>")

    h.append("<h2>Sources and licence</h2><ul class=\"sources\">")
    for sid in used:
        s = ds.sources.loc[sid]
        h.append(f"<li><b>{escape(s['publisher'])}</b>, {escape(s['dataset'])}. "
                 f"<a href=\"{escape(s['url'])}\">{escape(s['url'])}</a>. Licence: {escape(s['licence'])}. "
                 f"Cite: {escape(s['citation'] or '')}</li>")
    h.append("</ul>")
    h.append(f'<p class="small">Scores and data: {escape(PROJECT)}, {DATA_LICENCE} '
             f'(<a href="{LICENCE_URL}">{LICENCE_URL}</a>). Third-party figures stay under their publishers\' '
             f'terms. Country profile: <a href="{escape(profile)}">{escape(profile)}</a>. Full drill-down: '
             f'<a href="{escape(api)}">{escape(api)}</a>. Data: <a href="{escape(xlsx)}">{escape(xlsx)}</a>. '
             f'This brief: <a href="{escape(pdf)}">{escape(pdf)}</a>.</p>')

    title = f"Digital rights in {country}, {year}"
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<meta name="author" content="{escape(PROJECT)}">'
            f'<meta name="description" content="Country brief, methodology {escape(d["methodology_version"])}">'
            f'<meta name="generator" content="{escape(PROJECT)}">'
            f"<style>{CSS.replace('FOOTER', footer.replace('<', ''))}</style></head>"
            f"<body><main>{''.join(h)}</main></body></html>")


def build_brief(iso3: str, year: int) -> bytes:
    """The PDF bytes of the brief for `iso3` in `year` (the caller validates both): PDF/UA-1, tagged."""
    from weasyprint import HTML
    return HTML(string=brief_html(iso3, year), base_url=absolute("/")).write_pdf(pdf_variant="pdf/ua-1")
