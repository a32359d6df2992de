"""Tiny hand-made data directories for engine tests (fictional countries AAA, BBB, CCC)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

INDICATORS = [
    # code, name, pillar, actor, direction, method, lo, hi, mapping, weight, window, source_id
    ("a_lin", "Linear item", "privacy", "state", "higher_better", "linear", 0, 4, "", 1, "", "SRC"),
    ("b_worse", "Higher is worse", "privacy", "state", "higher_worse", "linear", 0, 10, "", 1, "", "SRC"),
    ("c_cat", "Categorical", "privacy", "corporate", "higher_better", "categorical", "", "", "0=1;1=3.5;2=6", 2,
     "", "SRC"),
    ("d_log", "Log count", "expression", "state", "higher_worse", "log", 0, 50, "", 1, "", "SRC"),
    ("e_band", "Banded count", "expression", "corporate", "higher_worse", "bands", "", "", "0=6;1=4;3=3;6=2;10=1",
     1, "", "SRC"),
    ("f_struct", "Structural", "expression", "structural", "higher_better", "linear", 0, 100, "", 1, "", "SRC"),
]
INDICATOR_COLUMNS = ["code", "name", "pillar", "actor", "direction", "method", "lo", "hi", "mapping", "weight",
                     "window", "source_id"]


def write_data_dir(root: Path, observations: list[tuple], indicators: list[tuple] | None = None,
                   corrections: list[tuple] | None = None, parameters: dict | None = None) -> Path:
    """Write a complete, valid data directory; `observations` rows are (iso3, year, indicator, value)."""
    meth = root / "methodology"
    meth.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(indicators or INDICATORS, columns=INDICATOR_COLUMNS).to_csv(meth / "indicators.csv", index=False)
    pd.DataFrame({"code": ["privacy", "expression"], "name": ["Privacy", "Free expression"],
                  "weight": [1, 1], "order": [1, 2], "question": ["", ""]}).to_csv(meth / "pillars.csv", index=False)
    pd.DataFrame({"code": ["state", "corporate", "structural"], "name": ["State", "Corporate", "Structural"],
                  "counts_as_abuse": [1, 1, 0], "description": ["", "", ""]}).to_csv(meth / "actors.csv", index=False)
    bands = [(n, b, f"{n} band {b}") for n in ("overall", "privacy", "expression") for b in range(1, 7)]
    pd.DataFrame(bands, columns=["node", "band", "label"]).to_csv(meth / "bands.csv", index=False)
    params = {"methodology_version": "test", "first_year": 2019, "last_year": 2021, "window_years": 3,
              "min_coverage": 0.5} | (parameters or {})
    pd.DataFrame({"name": list(params), "value": list(params.values()), "description": ""}).to_csv(
        meth / "parameters.csv", index=False)
    pd.DataFrame([{"source_id": "SRC", "publisher": "Test Publisher", "dataset": "Test dataset",
                   "url": "https://example.org/data", "licence": "CC BY 4.0", "retrieved_from": "",
                   "citation": "Test citation", "accessed": "2026-01-01"}]).to_csv(root / "sources.csv", index=False)
    pd.DataFrame({"iso3": ["AAA", "BBB", "CCC"], "name": ["Aland", "Bland", "Cland"],
                  "region": ["North", "North", "South"], "income_group": "", "pilot": [1, 0, 0],
                  "source_id": ""}).to_csv(root / "countries.csv", index=False)
    obs = pd.DataFrame(observations, columns=["iso3", "year", "indicator", "value"])
    obs["source_id"], obs["note"] = "SRC", ""
    obs.to_csv(root / "observations.csv", index=False)
    if corrections is not None:
        pd.DataFrame(corrections, columns=["iso3", "year", "indicator", "value", "reason", "author", "date",
                                           "source"]).to_csv(root / "corrections.csv", index=False)
    return root
