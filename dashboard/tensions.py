"""The rows behind the /tensions view, for the API and the downloads: the one place their columns are decided.

- `view_table(year, countries, region)`: one row per country (placed or not) with both axes, safeguards
  and stated harm (indicators.tensions.tensions_view), and a `sources` column of source ids.
- `source_rows(year, countries)`: the rows each point rests on: the tidy rows of data/tensions.csv
  for that year (plus the ITU and Natural Earth rows of the denominator) and the scored indicator rows
  (restriction in practice, content-regulation law) with their raw value, observation year and source.
"""

from __future__ import annotations

import pandas as pd

from indicators.tensions import AXIS_TEXT, LAW

from . import data
from .i18n import N_, _

VIEW_COLUMNS = {
    "iso3": "ISO 3166-1 alpha-3 code", "country": "Country name (Natural Earth)",
    "region": "World Bank region (Natural Earth)", "pilot": "Pilot country of the dashboard",
    "year": "Year of the view", "placed": "Drawn in the chart: has both a harm and a restriction reading",
    "harm": AXIS_TEXT["harm"],
    "parties": "DSP v8 v2smpardom as published: parties' domestic disinformation (higher = less)",
    "foreign": "DSP v8 v2smfordom as published: foreign governments' disinformation (higher = less)",
    "gov_disinfo": "DSP v8 v2smgovdom as published: the government's own domestic disinformation (higher = less)",
    "restriction": AXIS_TEXT["restriction"],
    "restriction_n": "Restriction indicators with data for the country this year",
    "restriction_of": "Restriction indicators in the methodology",
    "restriction_parts": "Each restriction indicator: score 1-6 (value, observation year, source id)",
    "law": "V-Dem v2smregcon as scored this year (raw estimate; higher = law protects political speech more)",
    "law_year": "Observation year of v2smregcon", "law_score": "v2smregcon on the dashboard's 1-6 scale",
    "court_share": "Court orders / all removal requests to Google this year (where there were any)",
    "requests": "Removal requests to Google this year (sum of number_of_requests over Google's rows)",
    "requests_harm": "Of those, rows citing hate speech, violence or national security",
    "requests_criticism": "Of those, rows citing government criticism",
    "users_million": "Internet users, millions: ITU % of population x Natural Earth population estimate",
    "users_year": "Year of the ITU internet-users share used", "population_year": "Year of the population estimate",
    "requests_harm_per_million": "Requests citing hate speech, violence or national security per million "
                                 "internet users",
    "shutdowns": "Shutdowns Access Now #KeepItOn lists this year (a running one is listed again each year)",
    "shutdowns_harm": "Of those, justified by the government by hate speech/incitement, public safety or national "
                      "security (the government's own claim)",
    "shutdowns_hate": "Of those, justified by fake news, hate speech, incendiary content or promoting violence",
    "sources": "Source ids behind the row (see the sources sheet or /download/sources.csv)",
}
SOURCE_ROW_COLUMNS = {
    "iso3": "ISO3 code", "year": "Year of the row (for a scored indicator: the view year)",
    "measure": "tensions.csv measure, or the scored indicator's code",
    "value": "Value as published (counts derived by counting rows are said so in the note)",
    "obs_year": "Year the value was observed (differs from year when a score carries it forward)",
    "score": "For a scored indicator: its 1-6 score", "source_id": "Source id (sources sheet)",
    "note": "How the value was read", "table": "Where the row lives in data/",
}


def _sources(row) -> str:
    ids = []
    if pd.notna(row.get("harm")) or pd.notna(row.get("gov_disinfo")):
        ids.append("DSP_V8")
    ids += [s for s in str(row.get("restriction_sources") or "").split(",") if s]
    if pd.notna(row.get("law")):
        ids.append(str(row.get("law_source")))
    if pd.notna(row.get("requests")):
        ids.append("GOOGLE_TR_REMOVALS")
    if pd.notna(row.get("users_million")):
        ids += ["ITU_VIA_OWID_USERS", "NE_10M_ATTR"]
    if pd.notna(row.get("shutdowns")):
        ids.append("ACCESSNOW_STOP_2025")
    return ";".join(dict.fromkeys(ids))


def view_table(year: int, countries: list[str] | None = None, region: str | None = None) -> pd.DataFrame:
    frame = data.tensions_view(year)
    if countries:
        frame = frame[frame["iso3"].isin(countries)]
    if region:
        frame = frame[frame["region"] == region]
    frame = frame.rename(columns={"name": "country"})
    frame = frame.assign(sources=[_sources(r) for _, r in frame.iterrows()])
    return frame[[c for c in VIEW_COLUMNS if c in frame.columns]].reset_index(drop=True)


def source_rows(year: int, countries: list[str]) -> pd.DataFrame:
    t = data.tensions()
    own = t[t["iso3"].isin(countries)]
    users = own[own["measure"] == "itu_internet_users_pct"]
    users = users[users["year"].between(year - 3, year)].sort_values("year").drop_duplicates("iso3", keep="last")
    rows = pd.concat([own[(own["year"] == year) & ~own["measure"].isin(["itu_internet_users_pct", "population"])],
                      users, own[own["measure"] == "population"]], ignore_index=True)
    rows = rows.assign(obs_year=rows["year"], year=year, score=float("nan"), table="tensions.csv")
    ind = data.results().indicators
    scored = ind[(ind["year"] == year) & ind["iso3"].isin(countries)
                 & ind["indicator"].isin([*data.tensions_codes(), LAW])]
    scored = pd.DataFrame({"iso3": scored["iso3"], "year": year, "measure": scored["indicator"],
                           "value": scored["value"], "obs_year": scored["obs_year"], "score": scored["score"],
                           "source_id": scored["source_id"], "note": scored["note"],
                           "table": "observations.csv (scored indicator)"})
    out = pd.concat([rows, scored], ignore_index=True).sort_values(["iso3", "table", "measure"])
    return out[list(SOURCE_ROW_COLUMNS)].reset_index(drop=True)


# --- Downloads: /download/tensions.csv|.xlsx and /download/tensions_sources.csv ------------------------

FORMATS = ("csv", "xlsx")


def selection(args) -> tuple[int, list[str] | None, str | None]:
    """year (one; default the latest), country (comma-separated ISO3) and region from request args."""
    from . import params as P
    return P.year(args.get("year")), P.countries(args.get("country")), P.region(args.get("region")) or None


def selection_query(year: int, countries: list[str] | None, region: str | None) -> str:
    """The query string of a parsed `selection`, rebuilt from its clean values."""
    from urllib.parse import urlencode
    params = {"year": year, "country": ",".join(countries or ()), "region": region or ""}
    return urlencode({k: v for k, v in params.items() if v}, safe=",")


def sources_for(frame: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    from .exports.tables import sources_table
    ids = {s for cell in frame["sources"] for s in str(cell).split(";") if s} | set(rows["source_id"])
    return sources_table(pd.DataFrame({"source_id": sorted(ids)}))


def to_xlsx(frame: pd.DataFrame, rows: pd.DataFrame, year: int, url: str) -> bytes:
    """Sheets: `tensions` (one row per country), `rows` (what each point rests on), `about`, `sources`."""
    import io

    from .exports.formats import neutralise
    from .exports.tables import DATA_LICENCE, LICENCE_URL, PROJECT, credit_line
    sources = sources_for(frame, rows)
    about = [(_("Title"), _("%(project)s: tensions within rights (harm pressure vs restriction in practice), "
                            "%(year)s", project=_(PROJECT), year=year)),
             (_("Not part of the scores"), _("This view informs reading the scores; it changes none.")),
             (_("Reproduce"), url), (_("Harm pressure"), _(AXIS_TEXT["harm"])),
             (_("Restriction"), _(AXIS_TEXT["restriction"])), (_("Safeguards"), _(AXIS_TEXT["safeguards"])),
             (_("Caveats"), _("Stated reasons are governments' own claims. Absence from a dataset is not evidence: "
                              "a country without data on an axis is not placed. Requests per million internet users "
                              "use ITU's internet-users share x Natural Earth's single-year population estimate.")),
             (_("Licence"), _("%(licence)s (%(url)s); third-party figures under their publishers' terms (sources "
                              "sheet).", licence=DATA_LICENCE, url=LICENCE_URL)),
             (_("Credit"), credit_line(year, list(dict.fromkeys(sources["publisher"])))), ("", ""),
             (_("Column (tensions sheet)"), _("Meaning")), *[(c, VIEW_COLUMNS[c]) for c in frame.columns],
             ("", ""), (_("Column (rows sheet)"), _("Meaning")), *[(c, SOURCE_ROW_COLUMNS[c]) for c in rows.columns]]
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter",
                        engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False,
                                                   "nan_inf_to_errors": False}}) as writer:
        neutralise(frame).to_excel(writer, sheet_name="tensions", index=False)
        neutralise(rows).to_excel(writer, sheet_name="rows", index=False)
        neutralise(pd.DataFrame(about)).to_excel(writer, sheet_name="about", index=False, header=False)
        neutralise(sources).to_excel(writer, sheet_name="sources", index=False)
        writer.sheets["tensions"].freeze_panes(1, 2)
        writer.sheets["rows"].freeze_panes(1, 3)
        writer.sheets["about"].set_column(0, 0, 26, writer.book.add_format({"bold": True}))
        writer.sheets["about"].set_column(1, 1, 110, writer.book.add_format({"text_wrap": True, "valign": "top"}))
        writer.sheets["sources"].set_column(0, 6, 32)
    return buffer.getvalue()


def init_app(server) -> None:
    """Register /download/tensions.<csv|xlsx> and /download/tensions_sources.csv (called by create_app)."""
    from flask import Blueprint, request

    from .exports.formats import to_csv
    from .exports.routes import _file, handle_unexpected
    from .params import ParamError
    bp = Blueprint("tensions_downloads", __name__, url_prefix="/download")
    bp.register_error_handler(Exception, handle_unexpected)

    @bp.get("/tensions.<fmt>")
    def download_tensions(fmt: str):
        if fmt not in FORMATS:
            raise ParamError("format", N_("format '%(value)s' is not one of %(allowed)s"), 404, value=fmt,
                             allowed=", ".join(FORMATS))
        year, countries, region = selection(request.args)
        frame = view_table(year, countries, region)
        query = selection_query(year, countries, region)  # from the parsed values: no header injection
        name = f"drd_tensions_{year}{'_' + '-'.join(countries)[:40] if countries else ''}.{fmt}"
        if fmt == "csv":
            return _file(to_csv(frame), "csv", name, f"/download/tensions_sources.csv?{query}")
        rows = source_rows(year, list(frame["iso3"]))
        return _file(to_xlsx(frame, rows, year, f"/download/tensions.xlsx?{query}"), "xlsx", name)

    @bp.get("/tensions_sources.csv")
    def download_tensions_sources():
        year, countries, region = selection(request.args)
        frame = view_table(year, countries, region)
        return _file(to_csv(sources_for(frame, source_rows(year, list(frame["iso3"])))), "csv",
                     f"drd_tensions_sources_{year}.csv")

    server.register_blueprint(bp)
