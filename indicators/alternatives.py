"""The sensitivity alternatives as data: `data/methodology/sensitivity.csv`, one row per choice.

Each row names a methodological choice the Monte Carlo in `indicators.sensitivity` varies, whether it
is varied (`enabled`), and its range: `spread` for continuous choices, `values` (separated by `;`)
for discrete ones. A choice that is absent, disabled, has spread 0 or a single value keeps the
published methodology. Problems are reported together, each naming the file, line and field.

    choice             range                 what varies per run
    indicator_weights  spread in [0, 0.9]    weight x U(1 - spread, 1 + spread), per indicator
    pillar_weights     spread in [0, 0.9]    pillar weight x U(1 - spread, 1 + spread), per pillar
    goalposts          spread in [0, 0.45]   lo, hi + U(-spread, spread) x (hi - lo), linear and log only
    normalisation      values fixed;minmax   published goalposts or the year's observed min..max
    window             values e.g. 1;2;3     carry-forward window for every indicator (years, 0..50)
    leave_one_out      (no range)            one indicator dropped (weight 0), or none
    absence_rules      (no range)            the zero rules on or off: off drops every observation an
                                             absence rule made ("none recorded"), so it counts as missing
    measurement_error  spread in [0, 5]      value + N(0, spread x value_sd), where value_sd exists
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from .validation import DataValidationError, Field, Issue, read_table

LABEL = "methodology/sensitivity.csv"
NORMALISATIONS = ("fixed", "minmax")
# choice -> (uses spread, uses values, spread maximum)
CHOICES: dict[str, tuple[bool, bool, float | None]] = {
    "indicator_weights": (True, False, 0.9),
    "pillar_weights": (True, False, 0.9),
    "goalposts": (True, False, 0.45),
    "normalisation": (False, True, None),
    "window": (False, True, None),
    "leave_one_out": (False, False, None),
    "measurement_error": (True, False, 5.0),
    "absence_rules": (False, False, None),
}
FIELDS = [Field("choice", "code", choices=frozenset(CHOICES)), Field("enabled", "bool"),
          Field("values", required=False), Field("spread", "float", required=False, minimum=0),
          Field("description", required=False)]


@dataclass(frozen=True)
class Alternatives:
    """What the Monte Carlo varies. The defaults (all off) reproduce the published scores.

    `window` None keeps each indicator's methodology window; a tuple overrides every indicator's.
    """

    indicator_weights: float = 0.0
    pillar_weights: float = 0.0
    goalposts: float = 0.0
    normalisation: tuple[str, ...] = ("fixed",)
    window: tuple[int, ...] | None = None
    leave_one_out: bool = False
    measurement_error: float = 0.0
    absence_rules: bool = False

    @classmethod
    def off(cls) -> Alternatives:
        return cls()

    def only(self, *choices: str) -> Alternatives:
        """A copy that varies only `choices` (the others switched off)."""
        off = Alternatives()
        return replace(off, **{c: getattr(self, c) for c in choices})

    @property
    def active(self) -> list[str]:
        """The choices that vary, in CHOICES order."""
        out = []
        for name in CHOICES:
            value = getattr(self, name)
            if name == "normalisation":
                on = len(set(value)) > 1
            elif name == "window":
                on = value is not None and len(set(value)) > 1
            else:
                on = bool(value)
            if on:
                out.append(name)
        return out

    def key(self) -> str:
        """Stable text for cache keys."""
        return ";".join(f"{name}={getattr(self, name)!r}" for name in CHOICES)


def load_alternatives(path: Path | str) -> Alternatives:
    """Read and check `sensitivity.csv`; raise DataValidationError listing every problem."""
    issues: list[Issue] = []
    raw = read_table(Path(path), FIELDS, issues, key=["choice"], name=LABEL)
    if raw is None:
        raise DataValidationError(issues)
    settings: dict[str, object] = {}
    for _, row in raw.iterrows():
        line, choice = int(row["_line"]), row["choice"]
        if choice not in CHOICES:
            continue  # reported by read_table
        uses_spread, uses_values, maximum = CHOICES[choice]
        enabled = row["enabled"] in {"1", "true", "True"}
        if uses_spread:
            if row["spread"] == "":
                if enabled:
                    issues.append(Issue(LABEL, line, "spread", f"a spread is required for '{choice}'"))
                continue
            try:
                spread = float(row["spread"])
            except ValueError:
                continue  # reported by read_table
            if maximum is not None and spread > maximum:
                issues.append(Issue(LABEL, line, "spread", f"{row['spread']} is above the maximum {maximum:g} "
                                                           f"for '{choice}'"))
                continue
            if enabled:
                settings[choice] = spread
        elif uses_values:
            parts = [p.strip() for p in row["values"].split(";") if p.strip()]
            if not parts:
                if enabled:
                    issues.append(Issue(LABEL, line, "values",
                                        f"values (separated by ';') are required for '{choice}'"))
                continue
            parsed = _parse_values(choice, parts, line, issues)
            if parsed is not None and enabled:
                settings[choice] = parsed
        elif enabled:
            settings[choice] = True
    if issues:
        raise DataValidationError(issues)
    return Alternatives(**settings)


def _parse_values(choice: str, parts: list[str], line: int, issues: list[Issue]) -> tuple | None:
    if choice == "normalisation":
        bad = [p for p in parts if p not in NORMALISATIONS]
        if bad:
            issues.append(Issue(LABEL, line, "values", f"'{bad[0]}' is not one of {', '.join(NORMALISATIONS)}"))
            return None
        return tuple(parts)
    windows = []
    for p in parts:
        try:
            number = float(p)
        except ValueError:
            issues.append(Issue(LABEL, line, "values", f"'{p}' is not a whole number of years"))
            return None
        if not number.is_integer() or not 0 <= number <= 50:
            issues.append(Issue(LABEL, line, "values", f"'{p}' is not a whole number of years in 0..50"))
            return None
        windows.append(int(number))
    return tuple(windows)


def default_alternatives(data_dir: Path | str) -> Alternatives:
    """The alternatives in `data_dir/methodology/sensitivity.csv`, or all off when it is absent."""
    path = Path(data_dir) / "methodology" / "sensitivity.csv"
    return load_alternatives(path) if path.exists() else Alternatives()
