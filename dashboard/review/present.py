"""How review things read and link for people (pure functions, no Dash, no database).

- `split_source`: a source as typed ("https://... (E1)", "FH 2022 report, https://...") -> the link and
  the words around it, so a label never ends up inside a URL.
- `country_page`: the publisher's page for this country where the publisher has one, else its page.
- `value_text`, `edition`: a raw value with its scale ("3 on 0–4 (FIW item score)"), the edition. The
  words around the numbers and the numbers themselves follow the request's language ("3 sur 0–4 (FIW
  item score)", "1,2 sur environ −4 à 3 (V-Dem estimate)"); the unit, the publisher's own words, does not.
- `action_text`: the audit trail's verbs in plain words (English, marked for the catalogues: the page
  shows them through gettext).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlencode, urlparse

from .. import i18n
from ..i18n import N_

URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
RANGE = re.compile(r"\(?\s*(about\s+)?(-?\d+(?:\.\d+)?)\s*(?:-|–|\.\.)\s*(-?\d+(?:\.\d+)?)\s*\)?\s*$", re.IGNORECASE)
EDITION = re.compile(r"edition\s+(\d{4})", re.IGNORECASE)

ACTIONS = {
    "user.create": N_("Account created"),
    "user.update": N_("Account changed"),
    "user.display_name": N_("Public name given"),
    "review.confirmed": N_("Confirmed the value"),
    "review.disputed": N_("Disputed the value"),
    "correction.propose_dispute": N_("Proposed a corrected value"),
    "correction.propose_observation": N_("Proposed a missing value"),
    "correction.accept": N_("Accepted a correction"),
    "correction.reject": N_("Rejected a correction"),
}


def split_source(text) -> tuple[str | None, str]:
    """(the first http(s) URL in `text` or None, the rest of the text as a label).

    Trailing punctuation and an unbalanced closing bracket stay out of the URL:
    "https://x.org/a (E1)" -> ("https://x.org/a", "E1"); "see https://x.org/a." -> ("https://x.org/a", "see").
    """
    text = " ".join(str(text or "").split())
    match = URL.search(text)
    if not match:
        return None, text
    url = match.group(0)
    while url and (url[-1] in ".,;:!?" or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url = url[:-1]
    if not urlparse(url).netloc:
        return None, text
    rest = (text[:match.start()] + " " + text[match.start() + len(url):]).strip()
    rest = re.sub(r"^[\s,;:.\-–]+|[\s,;:\-–]+$", "", rest)
    rest = re.sub(r"^\((.*)\)$", r"\1", rest).strip()
    return url, rest


def _slug(name: str) -> str | None:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    if not re.fullmatch(r"[A-Za-z][A-Za-z \-]*", plain or ""):
        return None  # punctuation ("Congo, Dem. Rep.", "Côte d'Ivoire"): the publisher's slug is not predictable
    return re.sub(r"[\s\-]+", "-", plain.strip().lower())


def edition(note) -> int | None:
    """The publisher's edition named in an observation's note ("FIW edition 2022 ...")."""
    match = EDITION.search(str(note or ""))
    return int(match.group(1)) if match else None


def country_page(source: dict | None, iso3: str, country: str, obs_year: int | None, note=None) -> dict:
    """{"url", "label", "country_page": bool}: the publisher's page for this country where it has one.

    Freedom House has a page per country and edition; Our World in Data charts open on one country.
    Other publishers (V-Dem, Access Now, RDR, ...) publish one dataset page: that is the link."""
    source = source or {}
    url, publisher = source.get("url") or None, source.get("publisher") or "source"
    sid = source.get("source_id")
    if sid == "FH_FIW":
        slug = _slug(country)
        year = edition(note) or (obs_year + 1 if obs_year else None)  # FIW edition Y assesses year Y - 1
        if slug and year:
            return {"url": f"https://freedomhouse.org/country/{slug}/freedom-world/{year}",
                    "label": f"Freedom House: {country}, Freedom in the World {year}", "country_page": True}
    if url and "ourworldindata.org/grapher/" in url and iso3:
        return {"url": url.split("?")[0] + "?" + urlencode({"country": f"~{iso3}"}),
                "label": i18n.gettext("%(publisher)s: chart for %(country)s", publisher=publisher, country=country),
                "country_page": True}
    return {"url": url, "label": i18n.gettext("%(publisher)s (dataset page; no page per country)",
                                              publisher=publisher), "country_page": False}


def _num(value: float) -> str:
    """A raw value as the publisher gives it (up to 6 significant digits), in the language's style."""
    return i18n.measured(value, 6)


def value_text(value, unit, method: str | None = None) -> str:
    """A raw value with its scale: "3 on 0–4 (FIW item score)", "1.2 on about −4 to 3 (V-Dem estimate)",
    "62 % of population", "2 (0 none, 1 draft or partial, 2 enacted)"; "no data" when missing."""
    if value is None or value != value:
        return i18n.gettext("no data")
    v, unit = _num(float(value)), " ".join(str(unit or "").split())
    if not unit:
        return v
    if method == "categorical":
        return f"{v} ({unit})"
    match = RANGE.search(unit)
    if match:
        lo, hi = float(match.group(2)), float(match.group(3))
        span = (f"{_num(lo)}–{_num(hi)}" if lo >= 0 and hi >= 0 else
                i18n.gettext("%(low)s to %(high)s", low=_num(lo), high=_num(hi)))
        what = unit[:match.start()].strip(" ,(")  # the publisher's unit: as written
        text = (i18n.gettext("%(value)s on about %(scale)s", value=v, scale=span) if match.group(1) else
                i18n.gettext("%(value)s on %(scale)s", value=v, scale=span))
        return text + (f" ({what})" if what else "")
    return f"{v} {unit}"


def action_text(action: str) -> str:
    """"correction.propose_dispute" -> "Proposed a corrected value" (unknown verbs: made readable)."""
    return ACTIONS.get(action) or action.replace(".", ": ").replace("_", " ").capitalize()
