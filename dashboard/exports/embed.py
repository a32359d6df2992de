"""/embed/<chart>?...: one chart alone for another site's iframe, with its title, source, licence and a
link back to the page it comes from. Plain HTML, no script, nothing from outside (works offline); the
chart is the server-rendered SVG of /download/chart/<chart>.svg, described by its alt text.
`code=1` adds the iframe snippet to copy (what the download menu's "Embed" item opens).
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from flask import Blueprint, Response, request

from .. import i18n
from .. import params as P
from ..i18n import _
from .images import SOURCE_FONT, build_chart, chart_params, evidence_notes
from .links import absolute
from .tables import DATA_LICENCE, LICENCE_URL, PROJECT

bp = Blueprint("embed", __name__, url_prefix="/embed")

PAGES = {  # chart -> (page path, the chart parameters the page takes)
    "map": ("/", ("year", "node", "actor", "region")),
    "pillars": ("/country/{country}", ("year",)),
    "split": ("/country/{country}", ("year",)),
    "trend": ("/country/{country}", ()),
    "region_compare": ("/country/{country}", ("year",)),
    "compare": ("/compare", ("countries", "year", "actor")),
    "region_trends": ("/trends", ("node", "actor", "region")),
}


def page_url(kind: str, parsed: dict[str, str]) -> str:
    """The dashboard page that shows this chart, with the same view."""
    path, keys = PAGES.get(kind, ("/", ()))
    path = path.format(country=parsed.get("country", ""))
    query = {k: parsed[k] for k in keys if parsed.get(k)}
    return absolute(path + ("?" + urlencode(query, safe=",") if query else ""))


def _query(parsed: dict[str, str]) -> str:
    return urlencode(parsed, safe=",")


def snippet(kind: str, params: dict[str, str], title: str | None = None) -> str:
    """The HTML to paste into another page: an iframe of /embed/<chart> with a title for screen readers."""
    parsed = dict(chart_params(params))
    title = title or _plain(build_chart(kind, parsed).layout.title.text or kind)
    src = absolute(f"/embed/{kind}" + (f"?{_query(parsed)}" if parsed else ""))
    return (f'<iframe src="{escape(src)}" title="{escape(title)}" width="720" height="620" '
            'style="border:0;max-width:100%" loading="lazy"></iframe>')


def _plain(text: str) -> str:
    return " ".join(str(text).replace("<br>", " ").split())


def embed_html(kind: str, params: dict[str, str], with_code: bool = False) -> str:
    parsed = dict(chart_params(params))
    fig = build_chart(kind, parsed)  # validates the parameters (ParamError -> JSON 400/404)
    title = _plain(fig.layout.title.text or kind)
    # the source line, in any language: the note print_ready set in the credit's font (images.print_ready)
    source = next((_plain(a.text or "") for a in fig.layout.annotations or () if a.font.size == SOURCE_FONT), "")
    query = _query({k: v for k, v in parsed.items() if k not in ("width", "height")})
    explicit = i18n.url_language()  # an explicit ?lang= goes on to the chart and its PNG link
    svg = i18n.with_lang(f"/download/chart/{kind}.svg" + (f"?{query}" if query else ""), explicit)
    notes = evidence_notes(kind, parsed)
    alt = " ".join([f"{title}.", _("Scale 1-6: 6 = rights fully respected, 1 = severe violations."), *notes])
    back = page_url(kind, parsed)
    png = "/download/chart/" + kind + ".png" + (f"?{query}" if query else "")
    data_link = absolute(i18n.with_lang(png, explicit))
    code = ""
    if with_code:
        heading, label = escape(_("Embed this chart")), escape(_("Copy this HTML into your page:"))
        code = (f'<section aria-labelledby="code-h"><h2 id="code-h">{heading}</h2>'
                f'<p><label for="code">{label}</label></p>'
                f'<textarea id="code" readonly rows="4">{escape(snippet(kind, parsed, title))}</textarea></section>')
    lang = i18n.current()
    project = _(PROJECT)
    # outside the f-string below, so pybabel finds them (it does not read inside f-strings)
    words = {"scores": _("Scores and data:"), "terms": _("Third-party figures stay under their publishers' terms."),
             "back": _("See this chart in the %(project)s", project=project), "print": _("PNG for print")}
    words = {k: escape(v) for k, v in words.items()}
    return f"""<!DOCTYPE html>
<html lang="{lang}" dir="{i18n.direction(lang)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · {escape(project)}</title>
<style>
body {{ margin: 0; font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif;
       color: #212529; background: #fff; }}
main {{ max-width: 1000px; margin: 0 auto; padding: 8px 12px; }}
h1 {{ font-size: 1.15rem; margin: 4px 0 8px; }}
h2 {{ font-size: 1rem; margin: 16px 0 4px; }}
img {{ width: 100%; height: auto; display: block; }}
p {{ margin: 6px 0; }}
.small {{ font-size: 0.85rem; color: #343a40; }}
a {{ color: #0b5394; }}
textarea {{ width: 100%; font: 13px/1.4 ui-monospace, monospace; }}
</style></head>
<body><main>
<h1>{escape(title)}</h1>
<figure style="margin:0"><img src="{escape(svg)}" alt="{escape(alt)}"></figure>
{''.join(f'<p class="small">{escape(n)}</p>' for n in notes)}
<p class="small">{escape(source)}</p>
<p class="small">{words["scores"]} {escape(project)},
<a href="{LICENCE_URL}" target="_blank" rel="noopener">{DATA_LICENCE}</a>.
{words["terms"]}
<a href="{escape(back)}" target="_blank" rel="noopener">{words["back"]}</a> ·
<a href="{escape(data_link)}" target="_blank" rel="noopener">{words["print"]}</a></p>
{code}
</main></body></html>"""


@bp.get("/<kind>")
def embed(kind: str):
    args = request.args.to_dict()
    with_code = P.flag(args.pop("code", None), "code")
    response = Response(embed_html(kind, args, with_code), content_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
