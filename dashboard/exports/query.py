"""The row filter of the data exports and the scores API, read from the shared vocabulary (dashboard.params)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from .. import data
from .. import params as P


def parse_year(value: str | None, allow_many: bool = True) -> list[int]:
    """`2021`, `2019,2021`, `2015-2023` or `all` (default: the latest scored year)."""
    return P.years(value, allow_many)


def parse_countries(value: str | None) -> list[str] | None:
    return P.countries(value, "country")


def parse_country(iso3: str) -> str:
    """A country in a path (/brief/<ISO3>.pdf, /api/v1/countries/<ISO3>): unknown is 404."""
    return P.country(iso3, "country", status=404)


def parse_region(value: str | None) -> str | None:
    return P.region(value) or None


@dataclass(frozen=True)
class Query:
    """The row filter shared by every data export and the scores API."""

    years: tuple[int, ...]
    countries: tuple[str, ...] | None
    region: str | None
    level: str
    pillar: str | None

    @classmethod
    def from_args(cls, args, one_year: bool = False) -> Query:
        countries = parse_countries(args.get("country"))
        return cls(tuple(parse_year(args.get("year"), allow_many=not one_year)),
                   tuple(countries) if countries else None, parse_region(args.get("region")),
                   P.level(args.get("level")), P.pillar(args.get("pillar")))

    def selected(self) -> list[str] | None:
        """The ISO3 codes the country and region filters allow (None: every country)."""
        if self.countries is None and self.region is None:
            return None
        frame = data.countries()
        codes = list(self.countries) if self.countries else list(frame.index)
        if self.region:
            codes = [c for c in codes if frame.at[c, "region"] == self.region]
        return codes

    def years_text(self) -> str:
        ys = list(self.years)
        if len(ys) == 1:
            return str(ys[0])
        if ys == list(range(ys[0], ys[-1] + 1)):
            return f"{ys[0]}-{ys[-1]}"
        return ",".join(str(y) for y in ys)

    def title(self) -> str:
        what = "Indicator values and scores" if self.level == "indicator" else "Scores by pillar and actor"
        where = ", ".join(self.countries) if self.countries else (self.region or "all countries")
        years = str(self.years[0]) if len(self.years) == 1 else f"{self.years[0]}-{self.years[-1]}"
        return f"{what}{' (' + self.pillar + ')' if self.pillar else ''}, {where}, {years}"

    def query_string(self) -> str:
        """This query's parameters, rebuilt from the parsed values (never the raw request text)."""
        params = {"year": self.years_text(), "country": ",".join(self.countries or ()), "region": self.region or "",
                  "level": self.level, "pillar": self.pillar or ""}
        return urlencode({k: v for k, v in params.items() if v}, safe=",")

    def url(self, fmt: str) -> str:
        """The stable URL (path and query) that reproduces this export."""
        return f"/download/scores.{fmt}?" + self.query_string()

    def sources_url(self) -> str:
        """The /download/sources.csv URL for the sources behind this export's rows (the CSV's `Link`)."""
        return "/download/sources.csv?" + self.query_string()

    def slug(self) -> str:
        """`<where>_<years>_<level>[_<pillar>]`: MENA_2023_pillar, LBN_2021_indicator, world_2015-2023_pillar."""
        years = str(self.years[0]) if len(self.years) == 1 else f"{self.years[0]}-{self.years[-1]}"
        where = "-".join(self.countries)[:40] if self.countries else ""
        if self.region:
            where = f"{where}-{P.region_code(self.region)}" if where else P.region_code(self.region)
        parts = [where or "world", years, self.level] + ([self.pillar] if self.pillar else [])
        return "_".join(parts)
