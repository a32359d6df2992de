"""The methodology as data: indicators, pillars, actors, band labels and parameters.

Every table lives in `data/methodology/` as a CSV; this module loads and validates them into a frozen
`Methodology`. Cross-table checks (an indicator's pillar exists, its source exists) happen here too, so
a broken methodology is reported in one go.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .validation import Field, Issue, check_reference, read_table

DIRECTIONS = frozenset({"higher_better", "higher_worse"})
METHODS = frozenset({"linear", "log", "categorical", "bands"})
BANDS = range(1, 7)


def parse_mapping(text: str) -> dict[float, float]:
    """Parse '0=1;1=3.5;2=6' into {0.0: 1.0, 1.0: 3.5, 2.0: 6.0}; raise ValueError when malformed."""
    mapping: dict[float, float] = {}
    for part in text.split(";"):
        key, sep, value = part.partition("=")
        if not sep:
            raise ValueError(f"'{part}' is not of the form value=score")
        score = float(value)
        if not 1 <= score <= 6:
            raise ValueError(f"score {score:g} for '{key}' is outside 1..6")
        if float(key) in mapping:
            raise ValueError(f"has the value '{key.strip()}' twice (which score would it get?)")
        mapping[float(key)] = score
    if not mapping:
        raise ValueError("is empty")
    return mapping


def _mapping_problem(text: str) -> str | None:
    try:
        parse_mapping(text)
    except ValueError as exc:
        return f"mapping {exc}"
    return None


INDICATOR_FIELDS = [
    Field("code", "code"),
    Field("name"),
    Field("pillar", "code"),
    Field("actor", "code"),
    Field("direction", choices=DIRECTIONS),
    Field("method", choices=METHODS),
    Field("lo", "float", required=False),
    Field("hi", "float", required=False),
    Field("mapping", required=False, extra=_mapping_problem),
    Field("weight", "float", minimum=0),
    Field("window", "int", required=False, minimum=0, maximum=50),
    Field("max_score", "float", required=False, minimum=1, maximum=6),
    Field("absence_rule", required=False),
    Field("source_id"),
    Field("source_variable", required=False),
    Field("unit", required=False),
    Field("description", required=False),
]
PILLAR_FIELDS = [Field("code", "code"), Field("name"), Field("weight", "float", minimum=0),
                 Field("order", "int"), Field("question", required=False)]
ACTOR_FIELDS = [Field("code", "code"), Field("name"), Field("counts_as_abuse", "bool"),
                Field("needs_evidence", "bool", required=False), Field("description", required=False)]
BAND_FIELDS = [Field("node", "code"), Field("band", "int", minimum=1, maximum=6), Field("label")]
EXCLUDED_FIELDS = [Field("candidate"), Field("variables"), Field("publisher"), Field("reason")]
CHANGELOG_FIELDS = [Field("version"), Field("order", "int", minimum=1), Field("area"), Field("change"),
                    Field("reason"), Field("indicators_removed", required=False),
                    Field("indicators_added", required=False)] + [
    Field(f"effect_{iso3}", "float", required=False, minimum=-5, maximum=5) for iso3 in
    ("COL", "LBN", "MOZ", "UZB", "IDN")]
CHANGELOG_EFFECTS = [f.name for f in CHANGELOG_FIELDS if f.name.startswith("effect_")]
PARAMETER_FIELDS = [Field("name", "code"), Field("value"), Field("description", required=False)]
# translations.csv: the methodology's words in other languages (one row per table row, field and language)
TRANSLATION_FIELDS = [Field("table"), Field("key"), Field("field"), Field("lang"), Field("text")]
# optional `source`: the English a text was translated from, as source_hash(english). Where the column
# exists, every row needs it and a row whose English has changed since is refused (the text may be stale).
TRANSLATION_SOURCE = [Field("source", required=False)]
# which fields of which table are translated: every one of them needs a text in every language the file
# has (a language appears as soon as one row names it). Keys: the table's key columns joined by ":"
# (`code`; `node:band` for bands, `version:order` for the changelog, `candidate` for excluded
# candidates, `choice` for sensitivity.csv). Tables after bands are optional files: checked when present.
TRANSLATED = {"indicators": ("name", "description"), "pillars": ("name", "question"),
              "actors": ("name", "description"), "bands": ("label",), "changelog": ("area", "change", "reason"),
              "excluded": ("candidate", "reason"), "sensitivity": ("description",)}
TABLE_KEYS = {"bands": ("node", "band"), "changelog": ("version", "order"), "excluded": ("candidate",),
              "sensitivity": ("choice",)}  # every other translated table: ("code",)
PARAMETERS = {  # name -> (converter, minimum, maximum)
    "methodology_version": (str, None, None),
    "first_year": (int, 1990, 2100),
    "last_year": (int, 1990, 2100),
    "window_years": (int, 0, 50),
    "min_coverage": (float, 0.0, 1.0),
}


@dataclass(frozen=True)
class Parameters:
    methodology_version: str
    first_year: int
    last_year: int
    window_years: int
    min_coverage: float

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))


@dataclass(frozen=True)
class Methodology:
    """Validated methodology tables. DataFrames are not to be mutated; functions return new ones."""

    indicators: pd.DataFrame   # one row per indicator, index = code
    pillars: pd.DataFrame      # index = code, sorted by `order`
    actors: pd.DataFrame       # index = code
    bands: pd.DataFrame        # node, band, label
    parameters: Parameters
    excluded: pd.DataFrame | None = None  # candidates deliberately not scored, with the reason
    changelog: pd.DataFrame | None = None  # every change from the previous version, with its effect
    translations: pd.DataFrame | None = None  # table, key, field, lang, text (translations.csv)

    def translated(self, lang: str) -> dict[tuple[str, str, str], str]:
        """(table, key, field) -> text in `lang` (empty for a language the file does not have)."""
        if self.translations is None:
            return {}
        part = self.translations[self.translations["lang"] == lang]
        return {(t, k, f): x for t, k, f, x in part[["table", "key", "field", "text"]].itertuples(index=False)}

    @property
    def evidence_actors(self) -> set[str]:
        """Actors whose nodes exist only where a non-absence observation stands behind them."""
        return set(self.actors.index[self.actors["needs_evidence"]])

    def is_banded(self, actor: str | None) -> bool:
        """Nodes of an actor that is not abuse (structural conditions) carry a score but no band label."""
        return actor is None or pd.isna(actor) or bool(self.actors.at[actor, "counts_as_abuse"])

    @property
    def pillar_codes(self) -> list[str]:
        return list(self.pillars.index)

    @property
    def actor_codes(self) -> list[str]:
        return list(self.actors.index)

    def band_label(self, node: str, score: float | None) -> str:
        """Label of the band a score falls in: nearest whole step, so 4.49 -> band 4, 4.5 -> band 5."""
        if score is None or pd.isna(score):
            return "No data"
        band = band_of(score)
        table = self.bands
        rows = table[(table["node"] == node) & (table["band"] == band)]
        if rows.empty:
            rows = table[(table["node"] == "overall") & (table["band"] == band)]
        return str(rows["label"].iloc[0])

    def window(self, indicator: str) -> int:
        value = self.indicators.at[indicator, "window"]
        return self.parameters.window_years if pd.isna(value) else int(value)


def band_of(score: float) -> int:
    """The band (1..6) of a score: the nearest whole step, halves rounded up."""
    return int(min(6, max(1, int(score + 0.5))))


def _weight(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")  # reported as not a number


def _check_weights(raw_ind: pd.DataFrame, raw_pil: pd.DataFrame, prefix: str, issues: list[Issue]) -> None:
    """A weighted mean needs some weight: all pillars at 0, or all of one pillar's indicators at 0, is refused."""
    pillar_weights = [_weight(w) for w in raw_pil["weight"]]
    if pillar_weights and all(w == 0 for w in pillar_weights):
        issues.append(Issue(prefix + "pillars.csv", None, "weight", "every pillar weight is 0: the overall score "
                                                                    "would have no weight to average"))
    for pillar in raw_pil["code"]:
        rows = raw_ind[raw_ind["pillar"] == pillar]
        weights = [_weight(w) for w in rows["weight"]]
        if weights and all(w == 0 for w in weights):
            issues.append(Issue(prefix + "indicators.csv", int(rows["_line"].iloc[0]), "weight",
                                f"every indicator of pillar '{pillar}' has weight 0 (lines "
                                f"{', '.join(str(n) for n in rows['_line'])}): the pillar could never be scored"))


def load_methodology(directory: Path, known_sources: set[str] | None,
                     issues: list[Issue]) -> Methodology | None:
    """Read and check the methodology tables in `directory`; append problems to `issues`."""
    prefix = "methodology/"
    raw_ind = read_table(directory / "indicators.csv", INDICATOR_FIELDS, issues, key=["code"],
                         name=prefix + "indicators.csv")
    raw_pil = read_table(directory / "pillars.csv", PILLAR_FIELDS, issues, key=["code"],
                         name=prefix + "pillars.csv")
    raw_act = read_table(directory / "actors.csv", ACTOR_FIELDS, issues, key=["code"],
                         name=prefix + "actors.csv")
    raw_band = read_table(directory / "bands.csv", BAND_FIELDS, issues, key=["node", "band"],
                          name=prefix + "bands.csv")
    raw_par = read_table(directory / "parameters.csv", PARAMETER_FIELDS, issues, key=["name"],
                         name=prefix + "parameters.csv")
    excluded = raw_exc = None
    if (directory / "excluded.csv").exists():  # optional: documentation of what is left out, and why
        raw_exc = read_table(directory / "excluded.csv", EXCLUDED_FIELDS, issues, name=prefix + "excluded.csv",
                             key=["candidate"], allow_empty=True)
        excluded = None if raw_exc is None else raw_exc.drop(columns="_line")
    changelog = None
    if (directory / "changelog.csv").exists():  # optional: what changed from the previous version
        raw_log = read_table(directory / "changelog.csv", CHANGELOG_FIELDS, issues, key=["version", "order"],
                             name=prefix + "changelog.csv")
        changelog = None if raw_log is None else raw_log
    translations = None
    if (directory / "translations.csv").exists():  # optional: the words of the methodology in other languages
        translations = read_table(directory / "translations.csv", TRANSLATION_FIELDS, issues,
                                  key=["table", "key", "field", "lang"], name=prefix + "translations.csv",
                                  optional=TRANSLATION_SOURCE)
    if any(t is None for t in (raw_ind, raw_pil, raw_act, raw_band, raw_par)):
        return None
    if translations is not None:
        optional = {"changelog": changelog, "excluded": raw_exc, "sensitivity": _sensitivity_rows(directory)}
        _check_translations(translations, {"indicators": raw_ind, "pillars": raw_pil, "actors": raw_act,
                                           "bands": raw_band, **{t: f for t, f in optional.items() if f is not None}},
                            prefix, issues)
        translations = translations.drop(columns="_line")

    label = prefix + "indicators.csv"
    check_reference(raw_ind, "pillar", set(raw_pil["code"]), label, "pillar (methodology/pillars.csv)", issues)
    check_reference(raw_ind, "actor", set(raw_act["code"]), label, "actor (methodology/actors.csv)", issues)
    if known_sources is not None:
        check_reference(raw_ind, "source_id", known_sources, label, "source_id (sources.csv)", issues)
    for _, row in raw_ind.iterrows():
        line = int(row["_line"])
        if row["method"] in {"linear", "log"}:
            for bound in ("lo", "hi"):
                if row[bound] == "":
                    issues.append(Issue(label, line, bound, f"a goalpost is required for method '{row['method']}'"))
            try:
                if row["lo"] and row["hi"] and float(row["lo"]) >= float(row["hi"]):
                    issues.append(Issue(label, line, "hi", f"must be above lo ({row['lo']})"))
                if row["method"] == "log" and row["lo"] and float(row["lo"]) < 0:
                    issues.append(Issue(label, line, "lo", "log goalposts need lo >= 0"))
            except ValueError:
                pass  # already reported as not a number
        elif row["mapping"] == "":
            issues.append(Issue(label, line, "mapping", f"a mapping is required for method '{row['method']}'"))
        if row["max_score"] != "" and row["method"] not in {"linear", "log"}:
            issues.append(Issue(label, line, "max_score", "only goalpost methods (linear, log) take a max_score; "
                                                          "a mapping writes its scores directly"))
    _check_weights(raw_ind, raw_pil, prefix, issues)
    evidence = set(raw_act.loc[raw_act["needs_evidence"].isin({"1", "true", "True"}), "code"])
    for _, row in raw_ind[(raw_ind["absence_rule"] != "") & raw_ind["actor"].isin(evidence)].iterrows():
        issues.append(Issue(label, int(row["_line"]), "absence_rule",
                            f"actor '{row['actor']}' needs positive evidence: an absence rule can never score it"))
    if changelog is not None:
        _check_changelog(changelog, set(raw_ind["code"]), prefix + "changelog.csv", issues)
    nodes = {"overall"} | set(raw_pil["code"])
    check_reference(raw_band, "node", nodes, prefix + "bands.csv", "node (overall or a pillar)", issues)
    have = raw_band[raw_band["node"] == "overall"]["band"].tolist()
    if sorted(have) != [str(b) for b in BANDS]:
        issues.append(Issue(prefix + "bands.csv", None, "band", "the node 'overall' needs labels for bands 1 to 6"))

    params = {}
    for _, row in raw_par.iterrows():
        spec = PARAMETERS.get(row["name"])
        if spec is None:
            issues.append(Issue(prefix + "parameters.csv", int(row["_line"]), "name",
                                f"'{row['name']}' is not a known parameter ({', '.join(PARAMETERS)})"))
            continue
        convert, low, high = spec
        try:
            value = convert(row["value"])
        except ValueError:
            issues.append(Issue(prefix + "parameters.csv", int(row["_line"]), "value",
                                f"'{row['value']}' is not a valid {convert.__name__}"))
            continue
        if low is not None and not low <= value <= high:
            issues.append(Issue(prefix + "parameters.csv", int(row["_line"]), "value",
                                f"{row['name']} = {value} is outside {low}..{high}"))
        params[row["name"]] = value
    for name in PARAMETERS:
        if name not in params and not any(i.message.startswith(f"'{name}'") for i in issues):
            issues.append(Issue(prefix + "parameters.csv", None, "name", f"parameter '{name}' is missing"))
    if issues:
        return None

    indicators = raw_ind.drop(columns="_line").copy()
    for column in ("lo", "hi", "weight", "window", "max_score"):
        indicators[column] = pd.to_numeric(indicators[column].replace("", None), errors="coerce")
    indicators = indicators.set_index("code")
    pillars = raw_pil.drop(columns="_line").assign(
        weight=lambda d: d["weight"].astype(float), order=lambda d: d["order"].astype(int)
    ).sort_values("order").set_index("code")
    actors = raw_act.drop(columns="_line").assign(
        counts_as_abuse=lambda d: d["counts_as_abuse"].isin({"1", "true", "True"}),
        needs_evidence=lambda d: d["needs_evidence"].isin({"1", "true", "True"})).set_index("code")
    bands = raw_band.drop(columns="_line").assign(band=lambda d: d["band"].astype(int))
    parameters = Parameters(**params)
    if parameters.first_year > parameters.last_year:
        issues.append(Issue(prefix + "parameters.csv", None, "value", "first_year is after last_year"))
        return None
    if changelog is not None:
        changelog = changelog.drop(columns="_line").assign(order=lambda d: d["order"].astype(int))
        for column in CHANGELOG_EFFECTS:
            changelog[column] = pd.to_numeric(changelog[column].replace("", None), errors="coerce")
        changelog = changelog.sort_values(["version", "order"]).reset_index(drop=True)
    return Methodology(indicators, pillars, actors, bands, parameters, excluded, changelog, translations)


def _sensitivity_rows(directory: Path) -> pd.DataFrame | None:
    """sensitivity.csv's rows (for its translations), or None when absent or unreadable: its own problems
    are reported by indicators.alternatives, which every interval reads it with."""
    from .alternatives import FIELDS  # here: alternatives needs nothing of this module, keep the import light
    if not (directory / "sensitivity.csv").exists():
        return None
    problems: list[Issue] = []
    frame = read_table(directory / "sensitivity.csv", FIELDS, problems, key=["choice"])
    return None if problems else frame


def source_hash(english: str) -> str:
    """The English a translation was made from, in 8 hex digits (SHA-256): translations.csv's `source`."""
    return hashlib.sha256(english.strip().encode("utf-8")).hexdigest()[:8]


def translation_key(table: str, row) -> str:
    """The key of a table row in translations.csv: its key columns joined by ':' (e.g. '2.0:1')."""
    return ":".join(str(row[c]) for c in TABLE_KEYS.get(table, ("code",)))


def _table_keys(table: str, frame: pd.DataFrame) -> list[tuple[str, int]]:
    """(key, line) of each row (see TABLE_KEYS)."""
    return [(translation_key(table, row), int(row["_line"])) for _, row in frame.iterrows()]


def _check_translations(frame: pd.DataFrame, tables: dict[str, pd.DataFrame], prefix: str,
                        issues: list[Issue]) -> None:
    """Every translated field of every row has a text in every language of translations.csv; every
    row of translations.csv names a table, row and field that exist."""
    label = prefix + "translations.csv"
    keys = {t: dict(_table_keys(t, f)) for t, f in tables.items()}
    keys |= {t: {} for t in TRANSLATED if t not in keys}  # an optional table that is absent has no rows
    for _, row in frame.iterrows():
        line = int(row["_line"])
        if row["table"] not in TRANSLATED:
            issues.append(Issue(label, line, "table", f"'{row['table']}' is not a translated table "
                                                      f"({', '.join(TRANSLATED)})"))
        elif row["field"] not in TRANSLATED[row["table"]]:
            issues.append(Issue(label, line, "field", f"'{row['field']}' is not a translated field of "
                                                      f"{row['table']} ({', '.join(TRANSLATED[row['table']])})"))
        elif row["key"] not in keys[row["table"]]:
            issues.append(Issue(label, line, "key", f"no row '{row['key']}' in methodology/{row['table']}.csv"))
        if not str(row["lang"]).isalpha() or len(str(row["lang"])) not in (2, 3) or row["lang"] != row["lang"].lower():
            issues.append(Issue(label, line, "lang", f"'{row['lang']}' is not a language code such as 'es'"))
    have = set(zip(frame["table"], frame["key"], frame["field"], frame["lang"]))
    for lang in sorted(set(frame["lang"])):
        for table, fields in TRANSLATED.items():
            if table not in tables:
                continue
            source = tables[table]
            for (key, line), (_, row) in zip(_table_keys(table, source), source.iterrows()):
                for field in fields:
                    if str(row.get(field, "")) == "":
                        continue  # nothing to translate (an optional field left empty)
                    if (table, key, field, lang) not in have:
                        issues.append(Issue(prefix + f"{table}.csv", line, field,
                                            f"no '{lang}' translation of {field} for '{key}' "
                                            f"(add it to {label})"))
    if "source" in frame.columns:
        _check_sources(frame, tables, prefix, issues)


def _check_sources(frame: pd.DataFrame, tables: dict[str, pd.DataFrame], prefix: str,
                   issues: list[Issue]) -> None:
    """Each translation names the English it was made from (`source`): one whose English was edited since
    is reported, so a changed goalpost or reason is not left saying the old thing in another language."""
    english = {(table, key, field): (str(row[field]), line)
               for table, source in tables.items() if table in TRANSLATED
               for (key, line), (_, row) in zip(_table_keys(table, source), source.iterrows())
               for field in TRANSLATED[table] if field in row.index}
    for _, row in frame.iterrows():
        found = english.get((row["table"], row["key"], row["field"]))
        if found is None:
            continue  # a translation of nothing: reported above
        text, line = found
        expected = source_hash(text)
        where = f"methodology/{row['table']}.csv, line {line}"
        if row["source"] == "":
            issues.append(Issue(prefix + "translations.csv", int(row["_line"]), "source",
                                f"no source: set it to '{expected}' (the English of {row['field']} for "
                                f"'{row['key']}', {where}, that this text translates)"))
        elif row["source"] != expected:
            issues.append(Issue(prefix + "translations.csv", int(row["_line"]), "source",
                                f"the English of {row['field']} for '{row['key']}' ({where}) changed after "
                                f"this '{row['lang']}' text was written: check the text, then set source to "
                                f"'{expected}'"))


def _check_changelog(frame: pd.DataFrame, codes: set[str], label: str, issues: list[Issue]) -> None:
    """Every indicator a change adds must be in indicators.csv; one it removes must no longer be."""
    for _, row in frame.iterrows():
        line = int(row["_line"])
        for column, must_exist in (("indicators_added", True), ("indicators_removed", False)):
            for code in (c.strip() for c in row[column].split(";") if c.strip()):
                if must_exist and code not in codes:
                    issues.append(Issue(label, line, column, f"'{code}' is not in methodology/indicators.csv"))
                if not must_exist and code in codes:
                    issues.append(Issue(label, line, column, f"'{code}' is still in methodology/indicators.csv"))
