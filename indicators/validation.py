"""Table checks that report every problem at once, each naming the file, the line and the field.

A table is read as text (nothing coerced), checked column by column against a list of `Field`s, and
only then converted. Line numbers are the CSV's own: the header is line 1, the first record line 2.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

ISO3 = re.compile(r"^[A-Z]{3}$")
CODE = re.compile(r"^[a-z][a-z0-9_]*$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
URL = re.compile(r"^https?://\S+$")


@dataclass(frozen=True)
class Issue:
    """One problem in one place."""

    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


class DataValidationError(Exception):
    """Raised with every issue found; `issues` keeps them for callers that list them."""

    def __init__(self, issues: Iterable[Issue]):
        self.issues = list(issues)
        super().__init__(f"{len(self.issues)} problem(s) in the data:\n"
                         + "\n".join(f"  - {i}" for i in self.issues))


@dataclass(frozen=True)
class Field:
    """A column's rule. `kind` is text, code, iso3, int, float, bool, date or url."""

    name: str
    kind: str = "text"
    required: bool = True
    choices: frozenset[str] | None = None
    minimum: float | None = None
    maximum: float | None = None
    extra: Callable[[str], str | None] | None = field(default=None, compare=False)


def _check_value(value: str, rule: Field) -> str | None:
    """Return a message when `value` breaks `rule`, else None. Empty optional values pass."""
    if value == "":
        return "is empty but required" if rule.required else None
    if rule.choices is not None and value not in rule.choices:
        return f"'{value}' is not one of {', '.join(sorted(rule.choices))}"
    kind = rule.kind
    if kind == "iso3" and not ISO3.match(value):
        return f"'{value}' is not an ISO 3166-1 alpha-3 code (three capital letters)"
    if kind == "code" and not CODE.match(value):
        return f"'{value}' is not a code (lower-case letters, digits and underscores)"
    if kind == "date" and not DATE.match(value):
        return f"'{value}' is not a date (YYYY-MM-DD)"
    if kind == "url" and not URL.match(value):
        return f"'{value}' is not an http(s) URL"
    if kind == "bool" and value not in {"0", "1", "true", "false", "True", "False"}:
        return f"'{value}' is not 0/1 or true/false"
    if kind in {"int", "float"}:
        try:
            number = float(value)
        except ValueError:
            return f"'{value}' is not a number"
        if not math.isfinite(number):
            return f"'{value}' is not a finite number"
        if kind == "int" and not number.is_integer():
            return f"'{value}' is not a whole number"
        if rule.minimum is not None and number < rule.minimum:
            return f"{value} is below the minimum {rule.minimum:g}"
        if rule.maximum is not None and number > rule.maximum:
            return f"{value} is above the maximum {rule.maximum:g}"
    if rule.extra is not None:
        return rule.extra(value)
    return None


def read_table(path: Path, fields: list[Field], issues: list[Issue],
               key: list[str] | None = None, name: str | None = None, optional: list[Field] | None = None,
               allow_empty: bool = False) -> pd.DataFrame | None:
    """Read `path` as text, append every problem to `issues` and return the raw frame.

    The frame keeps a `_line` column with each record's line number. Returns None when the file is
    missing or unreadable (the reason is in `issues`). Rows with problems are kept, so that other
    checks (foreign keys) still see them; callers stop when `issues` is not empty. A column that is
    neither a field nor one of the `optional` ones (checked only when present) is refused: it would
    be silently ignored. So is a header without rows, unless `allow_empty`.
    """
    label = name or path.name
    if not path.exists():
        issues.append(Issue(label, None, None, f"file not found at {path}"))
        return None
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        issues.append(Issue(label, None, None, f"cannot be read as CSV: {exc}"))
        return None
    frame.columns = [c.strip() for c in frame.columns]
    optional = [f for f in (optional or []) if f.name in frame.columns]
    known = [f.name for f in fields] + [f.name for f in optional]
    for column in frame.columns:
        if column not in known:
            issues.append(Issue(label, 1, column, f"unknown column (it would be ignored); the columns are "
                                                  f"{', '.join(known)}"))
    if frame.columns.duplicated().any() or any(".1" in c and c.rsplit(".", 1)[0] in known for c in frame.columns):
        issues.append(Issue(label, 1, None, "a column name appears twice"))
    if len(frame) == 0 and not allow_empty:
        issues.append(Issue(label, None, None, "has a header but no rows"))
    fields = list(fields) + optional
    missing = [f.name for f in fields if f.name not in frame.columns and f.required]
    for column in missing:
        issues.append(Issue(label, 1, column, "required column is missing from the header"))
    if missing:
        return None
    for f in fields:
        if f.name not in frame.columns:
            frame[f.name] = ""
    frame = frame.apply(lambda col: col.str.strip())
    frame.insert(0, "_line", range(2, len(frame) + 2))

    for rule in fields:
        values = frame[rule.name]
        for line, value in zip(frame["_line"], values):
            message = _check_value(value, rule)
            if message:
                issues.append(Issue(label, int(line), rule.name, message))
    if key:
        dupes = frame[frame.duplicated(key, keep="first")]
        first = frame.drop_duplicates(key, keep="first").set_index(key)["_line"]
        for _, row in dupes.iterrows():
            ident = tuple(row[k] for k in key)
            first_line = first.loc[ident if len(key) > 1 else ident[0]]
            issues.append(Issue(label, int(row["_line"]), ", ".join(key),
                                f"duplicate of line {first_line} ({', '.join(ident)})"))
    return frame


def check_reference(frame: pd.DataFrame, column: str, allowed: set[str], label: str, what: str,
                    issues: list[Issue]) -> None:
    """Every non-empty value of `column` must be in `allowed` (a foreign key).

    A cell already reported (e.g. a malformed code) is not reported again as unknown.
    """
    reported = {i.line for i in issues if i.file == label and i.field == column}
    bad = frame[(frame[column] != "") & ~frame[column].isin(allowed) & ~frame["_line"].isin(reported)]
    for line, value in zip(bad["_line"], bad[column]):
        issues.append(Issue(label, int(line), column, f"'{value}' is not a known {what}"))
