"""The URL parameter vocabulary: one parser per name, shared by the pages, the charts, the downloads and the API.

    year       one scored year (`2021`); `years()` also takes `2019,2021`, `2015-2023` or `all`
    country    one ISO3 code, case-insensitive (charts, brief); the data exports take a comma-separated
               list (`countries(value, "country")`)
    countries  the compare chart's comma-separated list (at most 8); any country list takes at most 300 codes
    region     a World Bank region, case-insensitive; empty, `all` or `world` mean no filter ("")
    node       `overall` or a pillar code
    actor      `all` or an actor code (state, corporate, structural)
    level      `pillar` or `indicator` (data exports)
    pillar     a pillar code, or none (data exports)
    width, height   image size in CSS pixels, 200-4000
    pilots     `1` to star the pilot countries on an exported map (default: no stars)

Every parser takes the raw text (None or "" when absent) and returns the clean value or raises
`ParamError` (a ValueError whose text starts with the parameter's name, e.g. "year: 1800 is not a scored
year (2015-2023)"). The pages show that text and fall back to the default; the downloads and the API
answer it as JSON 400/404 naming the parameter. Only dashboard.data is read here (no Flask, no Dash).
"""

from __future__ import annotations

import re

from indicators.text import N_, Sentence

from . import data

ALL = "all"
LEVELS = ("pillar", "indicator")
MIN_PX, MAX_PX = 200, 4000
MAX_COMPARE = 8
MAX_COUNTRIES = 300  # more codes than there are countries: a longer list is refused before any look-up


class ParamError(ValueError):
    """A bad request parameter: `parameter` names it, `message` says why (English), `status` is 400 or 404.

    `message` may be a catalogue template with `values` (`ParamError("year", N_("%(year)s is not a scored
    year"), year="1800")`): `sentence` keeps it so the API answers it in the request's language
    (`localised`), while `message` and `str()` stay English and `parameter` is the same in every language.
    """

    def __init__(self, parameter: str, message: str, status: int = 400, **values):
        sentence = message if isinstance(message, Sentence) else Sentence(message, **values)
        self.prefixed = not sentence.startswith(f"{parameter}:")
        text = f"{parameter}: {sentence}" if self.prefixed else str(sentence)
        super().__init__(text)
        self.parameter = parameter
        self.message = text
        self.sentence = sentence
        self.status = status

    def localised(self, localise) -> str:
        """The message with its prose through `localise` (dashboard.i18n.localise), the parameter's name kept."""
        prose = localise(self.sentence)
        return f"{self.parameter}: {prose}" if self.prefixed else prose


def text(params: dict | None, name: str) -> str:
    """The raw text of parameter `name` in a dict of URL-style values (lists joined with commas)."""
    value = (params or {}).get(name)
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = ",".join(str(v) for v in value)
    return str(value).strip()


def _years_range() -> str:
    ys = data.years()
    return f"{min(ys)}-{max(ys)}"


def year(value: str | None) -> int:
    """One scored year; the latest when absent."""
    raw = str(value or "").strip()
    scored = data.years()
    if not raw:
        return max(scored)
    try:
        chosen = int(raw)
    except ValueError:
        raise ParamError("year", N_("'%(value)s' is not a year"), value=raw) from None
    if chosen not in scored:
        raise ParamError("year", N_("%(year)s is not a scored year (%(range)s)"), year=chosen, range=_years_range())
    return chosen


def years(value: str | None, allow_many: bool = True) -> list[int]:
    """`2021`, `2019,2021`, `2015-2023` or `all` (default: the latest scored year), sorted."""
    scored = data.years()
    raw = str(value or "").strip().lower()
    if not raw:
        return [max(scored)]
    if raw == ALL:
        chosen = list(scored)
    else:
        chosen = []
        parts = raw.split(",")
        if len(parts) > 100:  # bounds the work per request
            raise ParamError("year", N_("at most 100 years or ranges"))
        for part in parts:
            lo, sep, hi = part.strip().partition("-")
            try:
                ends = [int(lo), int(hi)] if sep else [int(lo)]
            except ValueError:
                raise ParamError("year", N_("'%(value)s' is not a year, a list (2019,2021), a range (2015-2023) or "
                                            "'all'"), value=str(value)[:40]) from None
            outside = [e for e in ends if not min(scored) <= e <= max(scored)]
            if outside:  # checked before anything is expanded: 0-999999999 costs what 2015 costs
                raise ParamError("year", N_("%(year)s is not a scored year (%(range)s)"), year=outside[0],
                                 range=_years_range())
            chosen += list(range(ends[0], ends[-1] + 1))
    bad = [y for y in chosen if y not in scored]
    if bad or not chosen:
        raise ParamError("year", N_("%(year)s is not a scored year (%(range)s)"), year=bad[0] if bad else value,
                         range=_years_range())
    chosen = sorted(set(chosen))
    if len(chosen) > 1 and not allow_many:
        raise ParamError("year", N_("this export takes one year (e.g. year=2021)"))
    return chosen


def country(value: str | None, name: str = "country", status: int = 400) -> str:
    """One known ISO3 code (required)."""
    code = str(value or "").strip().upper()
    if not code:
        raise ParamError(name, N_("a country code (ISO3, e.g. COL) is required"), status)
    if code not in data.countries().index:
        raise ParamError(name, N_("'%(code)s' is not a known country code"), status, code=code)
    return code


def countries(value: str | None, name: str = "country", required: bool = False,
              limit: int | None = None) -> list[str] | None:
    """Comma-separated ISO3 codes, case-insensitive, without repeats; None when absent and not required."""
    parts = str(value or "").split(",")
    if len(parts) > MAX_COUNTRIES:  # bounds the work per request, like the year list
        raise ParamError(name, N_("at most %(num)s country codes"), num=MAX_COUNTRIES)
    codes = [c.strip().upper() for c in parts if c.strip()]
    if not codes:
        if required:
            raise ParamError(name, N_("give one or more country codes, comma-separated (e.g. COL,IDN)"))
        return None
    known = data.countries().index
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ParamError(name, N_("%(codes)s is not a known country code"), codes=", ".join(unknown))
    codes = list(dict.fromkeys(codes))
    if limit and len(codes) > limit:
        raise ParamError(name, N_("at most %(num)s countries side by side"), num=limit)
    return codes


def regions() -> list[str]:
    return sorted(set(data.countries()["region"].dropna().astype(str)) - {""})


def region(value: str | None) -> str:
    """A region's exact name, or "" for no filter (empty, `all`, `world`)."""
    raw = str(value or "").strip()
    if raw.lower() in ("", ALL, "world"):
        return ""
    match = [r for r in regions() if r.lower() == raw.lower()]
    if not match:
        raise ParamError("region", N_("'%(value)s' is not a region (%(regions)s)"), value=raw,
                         regions="; ".join(regions()))
    return match[0]


def _pillars() -> list[str]:
    return list(data.dataset().methodology.pillar_codes)


def node(value: str | None) -> str:
    raw = str(value or "").strip().lower() or "overall"
    if raw != "overall" and raw not in _pillars():
        raise ParamError("node", N_("'%(value)s' is not 'overall' or a pillar (%(pillars)s)"), value=raw,
                         pillars=", ".join(_pillars()))
    return raw


def actor(value: str | None) -> str:
    raw = str(value or "").strip().lower() or ALL
    actors = list(data.dataset().methodology.actor_codes)
    if raw != ALL and raw not in actors:
        raise ParamError("actor", N_("'%(value)s' is not 'all' or an actor (%(actors)s)"), value=raw,
                         actors=", ".join(actors))
    return raw


def level(value: str | None) -> str:
    raw = str(value or "").strip().lower() or "pillar"
    if raw not in LEVELS:
        raise ParamError("level", N_("'%(value)s' is not one of %(allowed)s"), value=value, allowed=", ".join(LEVELS))
    return raw


def pillar(value: str | None) -> str | None:
    raw = str(value or "").strip()
    if not raw:
        return None
    if raw not in _pillars():
        raise ParamError("pillar", N_("'%(value)s' is not one of %(allowed)s"), value=raw,
                         allowed=", ".join(_pillars()))
    return raw


REGION_CODES = {
    "East Asia & Pacific": "EAP", "Europe & Central Asia": "ECA", "Latin America & Caribbean": "LAC",
    "Middle East & North Africa": "MENA", "North America": "NAM", "South Asia": "SAR",
    "Sub-Saharan Africa": "SSA",
}
"""The World Bank's short names of its regions, used in file names (drd_map_MENA_2023.png)."""


def region_code(name: str) -> str:
    return REGION_CODES.get(name) or re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")


def flag(value: str | None, name: str) -> bool:
    raw = str(value or "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ParamError(name, N_("'%(value)s' is not 1 or 0"), value=value)


def size(value: str | None, name: str) -> int | None:
    """An image width or height in CSS pixels (200-4000), None when absent."""
    raw = str(value or "").strip()
    if not raw:
        return None
    try:
        px = int(raw)
    except ValueError:
        raise ParamError(name, N_("must be a whole number of pixels")) from None
    if not MIN_PX <= px <= MAX_PX:
        raise ParamError(name, N_("must be between %(low)s and %(high)s"), low=MIN_PX, high=MAX_PX)
    return px


PARSERS = {"year": year, "country": country, "region": region, "node": node,
           "countries": lambda v: countries(v, "countries", required=True, limit=MAX_COMPARE),
           "actor": actor, "level": level, "pillar": pillar,
           "width": lambda v: size(v, "width"), "height": lambda v: size(v, "height"),
           "pilots": lambda v: flag(v, "pilots")}
"""Name -> parser of the raw text: what a URL of the dashboard may carry."""
