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

from .. import data, i18n
from ..i18n import _
from . import evidence
from .images import chart_kinds, figure_image
from .links import absolute
from .tables import DATA_LICENCE, LICENCE_URL, PROJECT

log = logging.getLogger(__name__)
# The viridis steps of the dashboard's scale, one per band (1 = severe violations .. 6 = fully respected)
BAND_COLOURS = {1: "#440154", 2: "#414487", 3: "#2a788e", 4: "#22a884", 5: "#7ad151", 6: "#fde725"}
CHART_WIDTH = 760  # layout px for a chart printed 17 cm wide: 12 px text prints at about 7.5 pt
def scale() -> str:
    return _("6 = rights fully respected, 1 = severe violations")


# Fonts: DejaVu Sans (Latin, Cyrillic, Arabic; Debian fonts-dejavu-core) then Noto Sans CJK SC (Chinese;
# fonts-noto-cjk): Pango picks, glyph by glyph, the first that has it. Both are system packages (.ci/run).
FONTS = "'DejaVu Sans', 'Noto Sans CJK SC', 'Noto Sans CJK', sans-serif"

CSS_TEMPLATE = """
@page { size: A4; margin: 16mm 16mm 18mm 16mm;
        @bottom-left { content: "FOOTER"; font: 7.5pt FONTS; color: #495057; }
        @bottom-right { content: counter(page) " / " counter(pages);
                        font: 7.5pt FONTS; color: #495057; } }
html { font: 9.5pt/1.4 FONTS; color: #212529; }
h1 { font-size: 18pt; margin: 0 0 2pt; line-height: 1.2; }
h2 { font-size: 12pt; margin: 12pt 0 4pt; border-bottom: 0.6pt solid #adb5bd; padding-bottom: 1pt; }
.sub { color: #495057; font-size: 8.5pt; margin: 0 0 8pt; }
.lead { font-size: 10.5pt; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; }
caption { text-align: start; font-weight: bold; padding-bottom: 2pt; caption-side: top; }
th, td { text-align: start; padding: 1.5pt 3pt; border-bottom: 0.4pt solid #dee2e6; vertical-align: top; }
thead th { border-bottom: 0.9pt solid #212529; }
td.num, th.num { text-align: end; }
.band { display: inline-block; min-width: 9pt; text-align: center; padding: 0 2pt; font-weight: bold; }
figure { margin: 8pt 0; break-inside: avoid; }
figure img { width: 86%; }
figcaption { font-size: 8pt; color: #343a40; }
.small { font-size: 8pt; }
ul.sources { padding-inline-start: 12pt; font-size: 8pt; }
a { color: #0b5394; }
"""
CSS = CSS_TEMPLATE.replace("FONTS", FONTS)


def _fmt(value, digits: int = 2) -> str:
    return _("no data") if value is None or pd.isna(value) else i18n.number(value, digits)


def _pct(value) -> str:
    return "–" if value is None or pd.isna(value) else i18n.percent(value)


def _scored(nodes: list[dict]) -> list[dict]:
    return [n for n in nodes if n["score"] is not None and not pd.isna(n["score"])]


def trend_text(iso3: str, year: int) -> str:
    """The like-for-like change of the overall score since the earliest year it was published, from
    indicators/trend.py; without that module, what the trend chart can and cannot say."""
    frame = data.nodes()
    own = frame[(frame["iso3"] == iso3) & (frame["node"] == "overall") & frame["score"].notna()]
    own = own[own["year"] <= year]
    if own.empty or own["year"].min() >= year:
        return _("There is no earlier published overall score to compare %(year)s with.", year=year)
    first = int(own["year"].min())
    try:
        from indicators import trend
        t = trend.country_trend(data.results(), data.dataset().methodology, iso3, first, year)
        from .. import sentences
        return sentences.trend_sentence(t)
    except ImportError:
        pass
    except Exception:  # noqa: BLE001 - a trend that cannot be computed must not cost the brief
        log.exception("brief trend failed for %s %s", iso3, year)
    shares = frame[(frame["iso3"] == iso3) & (frame["node"] == "overall")].set_index("year")["measured_share"]
    return _("The trend chart shows each year's overall score as published, %(first)s–%(year)s. It is not a "
             "like-for-like comparison: %(share_first)s of the methodology was measured in %(first)s and "
             "%(share_last)s in %(year)s, so part of any difference comes from indicators added since.", first=first,
             year=year, share_first=_pct(shares.get(first)), share_last=_pct(shares.get(year)))


def findings(d: dict, iso3: str, year: int) -> list[str]:
    """The findings paragraph, sentence by sentence, from the drill-down and the sensitivity runs."""
    country, o = i18n.country_name(iso3, d["country"]), d["overall"]
    out = []
    if o["score"] is None or pd.isna(o["score"]):
        out.append(_("%(country)s has no overall score for %(year)s: only %(share)s of the methodology's weight has "
                     "data, below the %(needed)s needed. Missing data is never filled in.", country=country,
                     year=year, share=_pct(o["coverage"]), needed=_pct(d["min_coverage"])))
    else:
        out.append(_("%(country)s scores %(score)s of 6 overall in %(year)s, band %(band)s: %(label)s (scale 1–6, "
                     "%(scale)s).", country=country, score=_fmt(o["score"]), year=year, band=o["band"],
                     label=_lower(i18n.node_label("overall", o["label"])), scale=scale()))
    pillars = _scored(d["pillars"])
    if len(pillars) >= 2:
        best, worst = max(pillars, key=lambda p: p["score"]), min(pillars, key=lambda p: p["score"])
        out.append(_("Its strongest pillar is %(best)s (%(best_score)s, %(best_label)s), its weakest %(worst)s "
                     "(%(worst_score)s, %(worst_label)s).", best=_pillar(best), best_score=_fmt(best["score"]),
                     best_label=_lower(i18n.node_label(best["node"], best["label"])), worst=_pillar(worst),
                     worst_score=_fmt(worst["score"]),
                     worst_label=_lower(i18n.node_label(worst["node"], worst["label"]))))
    actors = {a["actor"]: a for a in d["actors"]}
    state, corp = actors.get("state"), actors.get("corporate")
    if state and corp:
        if _scored([corp]) and _scored([state]):
            out.append(_("What the state does or allows scores %(state)s; what companies do %(corporate)s (lower "
                         "means more abuse).", state=_fmt(state["score"]), corporate=_fmt(corp["score"])))
        elif _scored([state]):
            out.append(_("What the state does or allows scores %(state)s; there is no corporate evidence for "
                         "%(country)s in %(year)s, so no corporate score is given.", state=_fmt(state["score"]),
                         country=country, year=year))
    out.append(trend_text(iso3, year))
    from .. import sentences
    sure = (sentences.how_sure(data.how_sure(iso3, year)) if o["score"] is not None and not pd.isna(o["score"])
            else None)
    if sure and "values" in sure and None not in sure["values"]["scores"].get("overall", (None,) * 3):
        out.append(sentences.how_sure_line(sure))
    notes = evidence.evidence_notes(iso3, year, ["overall", *(p["node"] for p in d["pillars"]),
                                                 *(a["node"] for p in d["pillars"] for a in p["actors"])])
    out += notes or [_("Every score shown rests on most of its indicators.")]
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


def _h2(text: str) -> str:
    return f"<h2>{escape(text)}</h2>"


def _th(text: str, number: bool = False) -> str:
    return ('<th scope="col" class="num">' if number else '<th scope="col">') + f"{escape(text)}</th>"


def _lower(text: str) -> str:
    """A label inside a sentence: lower case where the script has case (German would keep it)."""
    return text[:1].lower() + text[1:] if text else text


def _pillar(node: dict) -> str:
    return i18n.methodology("pillars", node["node"], "name", node["name"])


def _band(node: dict) -> str:
    if node["band"] is None or pd.isna(node["band"]):  # no data, no corporate evidence, or a structural condition
        label = node.get("label") or "No data"
        return _("no data") if label == "No data" else escape(i18n.label(label))
    b = int(node["band"])
    fg = "#000" if b >= 4 else "#fff"
    return (f'<span class="band" style="background:{BAND_COLOURS[b]};color:{fg}">{b}</span> '
            f"{escape(i18n.node_label(node['node'], node['label']))}")


def _alt_bars(title: str, rows: list[tuple[str, object]]) -> str:
    return (title + ": " + "; ".join(f"{name} {_fmt(score)}" for name, score in rows) + ". "
            + _("Scale 1–6, %(scale)s.", scale=scale()))


def brief_html(iso3: str, year: int, tensions_html: str = "") -> str:
    """The brief as one HTML document (what the PDF is made from), in the request's language."""
    d = data.drilldown(iso3, year)
    ds = data.dataset()
    lang = i18n.current()
    today = date.today().isoformat()
    country, o = i18n.country_name(iso3, d["country"]), d["overall"]
    query = f"&lang={lang}" if lang != i18n.DEFAULT else ""
    profile = absolute(f"/country/{iso3}?year={year}{query}")
    api = absolute(f"/api/v1/countries/{iso3}?year={year}")
    xlsx = absolute(f"/download/scores.xlsx?year={year}&country={iso3}&level=indicator{query}")
    pdf = absolute(f"/download/brief/{iso3}.pdf?year={year}{query}")
    project = _(PROJECT)
    version = d["methodology_version"]
    h = []
    footer = (f"{project} · {country} {year} · " + _("methodology %(version)s", version=version) + f" · {today} · "
              + _("data %(licence)s", licence=DATA_LICENCE)).replace("\\", "").replace('"', "'")
    title = _("Digital rights in %(country)s, %(year)s", country=country, year=year)
    h.append(f"<h1>{escape(title)}</h1>")
    region = i18n.region_name(str(d["region"] or ""))
    h.append('<p class="sub">' + escape(_("%(project)s country brief", project=project))
             + f" · {escape(region)} · " + escape(_("methodology %(version)s", version=version)) + " · "
             + escape(_("generated %(date)s", date=today))
             + f' · <a href="{escape(profile)}">{escape(profile)}</a></p>')

    h.append(_h2(_("Findings")))
    h.append('<p class="lead">' + " ".join(escape(s) for s in findings(d, iso3, year)) + "</p>")

    h.append(_h2(_("Scores and bands")))
    actor_names = {c: i18n.methodology("actors", c, "name", str(n)) for c, n in ds.methodology.actors["name"].items()}
    rows = [(_("Overall"), o)] + [(_pillar(p), p) for p in d["pillars"]] + \
           [(_("%(actor)s actors", actor=actor_names.get(a["actor"], a["actor"].capitalize())), a) for a in d["actors"]]
    h.append("<table><caption>" + escape(_("Scores of %(country)s, %(year)s (scale 1–6, %(scale)s)", country=country,
                                           year=year, scale=scale()))
             + "</caption><thead><tr>"
             + _th(_("Score of")) + _th(_("Score"), True) + _th(_("Band")) + _th(_("Coverage"), True)
             + _th(_("Indicators with data"), True) + "</tr></thead><tbody>")
    for name, node in rows:
        h.append(f'<tr><th scope="row">{escape(name)}</th><td class="num">{_fmt(node["score"])}</td>'
                 f"<td>{_band(node)}</td><td class=\"num\">{_pct(node['coverage'])}</td>"
                 f"<td class=\"num\">" + escape(_("%(with_data)s of %(total)s", with_data=node["indicators_with_data"],
                                                   total=node["indicators"])) + "</td></tr>")
    h.append("</tbody></table>")
    h.append('<p class="small">' + escape(_(
        "Coverage: the share of a score's weight that has data for %(country)s. Scores below %(needed)s coverage "
        "are withheld, never estimated. Each indicator uses its latest observation in the %(window)s years up to "
        "%(year)s.", country=country, needed=_pct(d["min_coverage"]), window=d["window_years"], year=year))
        + "</p>")

    h.append(_h2(_("Charts")))
    h.append(_chart("pillars", iso3, year,
                    _alt_bars(_("Bar chart of %(country)s's overall and pillar scores in %(year)s", country=country,
                                year=year),
                              [(_("Overall"), o["score"])] + [(_pillar(p), p["score"]) for p in d["pillars"]]),
                    _("Overall and pillar scores, %(year)s; whiskers show the likely range over 1,000 runs of "
                      "alternative methodological choices.", year=year)))
    split_rows = [(f"{_pillar(p)} {actor_names.get(a['actor'], a['actor'])}", a["score"]) for p in d["pillars"]
                  for a in p["actors"] if a["actor"] != "structural"]
    h.append(_chart("split", iso3, year,
                    _alt_bars(_("Grouped bar chart of %(country)s's state and corporate scores per pillar in %(year)s",
                                country=country, year=year), split_rows)
                    + " " + _("A missing value means no evidence, not a good score."),
                    _("State vs corporate, per pillar: who abuses the rights, the state or companies.")))
    h.append(_chart("trend", iso3, year,
                    _("Line chart of %(country)s's overall and pillar scores for every scored year, with the share of "
                      "the methodology measured each year underneath.", country=country) + " "
                    + trend_text(iso3, year),
                    _("Scores over time as published; the bars underneath show how much of the methodology was "
                      "measured each year.")))
    if tensions_html:
        h.append(tensions_html)

    h.append(_h2(_("Indicators behind the scores")))
    heads = (_("Pillar"), _("Indicator"), _("Actor"), _("Raw value"), _("Year"), _("Score"), _("Source"))
    h.append("<table><caption>" + escape(_("Raw values, the year they were observed and their source"))
             + "</caption><thead><tr>"
             + "".join(_th(t, i in (3, 4, 5)) for i, t in enumerate(heads)) + "</tr></thead><tbody>")
    missing, used = [], []
    for p in d["pillars"]:
        for it in p["items"]:
            if it["status"] != "used":
                missing.append(it)
                continue
            flags = []
            if it.get("carried"):
                flags.append(_("carried forward"))
            if it.get("corrected"):
                c = it.get("correction") or {}
                flags.append(_("expert correction, was %(value)s", value=i18n.measured(c.get("original_value"))))
            indicator = i18n.methodology("indicators", it["indicator"], "name", it["name"])
            name = escape(indicator) + (f" <i>({escape('; '.join(flags))})</i>" if flags else "")
            src = it["source"]["publisher"] if it.get("source") else _("expert panel")
            if it.get("source") and it["source"]["source_id"] not in used:
                used.append(it["source"]["source_id"])
            h.append(f"<tr><td>{escape(_pillar(p))}</td><td>{name}</td>"
                     f"<td>{escape(actor_names.get(it['actor'], it['actor']))}</td>"
                     f"<td class=\"num\">{i18n.measured(it['value'])}</td><td class=\"num\">{it['obs_year']}</td>"
                     f"<td class=\"num\">{_fmt(it['score'])}</td><td>{escape(src)}</td></tr>")
    if not used and not any(it["status"] == "used" for p in d["pillars"] for it in p["items"]):
        h.append('<tr><td colspan="7">' + escape(_("No indicator has data for this country and year.")) + "</td></tr>")
    h.append("</tbody></table>")
    if missing:
        text = "; ".join(f"{escape(i18n.methodology('indicators', it['indicator'], 'name', it['name']))} "
                         f"({escape(it['status'])})" for it in missing)
        h.append('<p class="small"><b>' + escape(_("Without data for %(country)s in %(year)s:", country=country,
                                                    year=year))
                 + f"</b> {text}. " + escape(_("Missing values are never filled: they lower coverage, not the score."))
                 + "</p>")

    h.append(_h2(_("Sources and licence")) + '<ul class="sources">')
    for sid in used:
        s = ds.sources.loc[sid]
        h.append(f"<li><b>{escape(s['publisher'])}</b>, {escape(s['dataset'])}. "
                 f"<a href=\"{escape(s['url'])}\">{escape(s['url'])}</a>. "
                 + escape(_("Licence: %(licence)s", licence=s["licence"])) + ". "
                 + escape(_("Cite: %(citation)s", citation=s["citation"] or "")) + "</li>")
    h.append("</ul>")
    link = '<a href="{0}">{0}</a>'
    h.append('<p class="small">' + escape(_("Scores and data: %(project)s, %(licence)s", project=project,
                                               licence=DATA_LICENCE))
             + f' (<a href="{LICENCE_URL}">{LICENCE_URL}</a>). '
             + escape(_("Third-party figures stay under their publishers' terms.")) + " "
             + escape(_("Country profile:")) + " " + link.format(escape(profile)) + ". "
             + escape(_("Full drill-down:")) + " " + link.format(escape(api)) + ". "
             + escape(_("Data:")) + " " + link.format(escape(xlsx)) + ". "
             + escape(_("This brief:")) + " " + link.format(escape(pdf)) + ".</p>")

    return (f'<!DOCTYPE html><html lang="{lang}" dir="{i18n.direction(lang)}"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title>"
            f'<meta name="author" content="{escape(project)}">'
            '<meta name="description" content="'
            + escape(_("Country brief, methodology %(version)s", version=version)) + '">'
            f'<meta name="generator" content="{escape(PROJECT)}">'
            f"<style>{CSS.replace('FOOTER', footer.replace('<', ''))}</style></head>"
            f"<body><main>{''.join(h)}</main></body></html>")


def build_brief(iso3: str, year: int) -> bytes:
    """The PDF bytes of the brief for `iso3` in `year` (the caller validates both): PDF/UA-1, tagged."""
    from weasyprint import HTML
    return HTML(string=brief_html(iso3, year), base_url=absolute("/")).write_pdf(pdf_variant="pdf/ua-1")
