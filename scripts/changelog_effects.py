"""Fill the effect columns of data/methodology/changelog.csv: each change's effect on the pilots' 2021 scores.

Run by a maintainer after a methodology change, never by the app or the tests:

    python scripts/changelog_effects.py --base 43c3b6c   # the commit that holds methodology 1.0

The changes are applied one at a time, in the table's order, starting from the previous version's
data/ (read from git at `--base`) and ending at the current data/. Each change swaps the indicators it
names (`indicators_removed` from the old tables, `indicators_added` from the new ones, with their
observations) or switches on the engine rule it describes. `effect_<ISO3>` is the change in that
pilot's 2021 overall score caused by that step, so the effects add up to the total change from the
previous version (tested). Effects depend on the order (a later step acts on the earlier ones' result).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indicators import load_dataset, score  # noqa: E402

PILOTS = ["COL", "LBN", "MOZ", "UZB", "IDN"]
YEAR = 2021
# Steps that change kept indicators or engine rules rather than swapping indicators:
SPEC_FROM_NEW = {4: ["p_rdr_telco_privacy", "e_rdr_telco_freedom"], 9: ["e_fiw_d1"]}
OBS_FROM_NEW = {4: ["p_rdr_telco_privacy", "e_rdr_telco_freedom"]}
EVIDENCE_STEP = 2   # actors.csv needs_evidence switched on
ABSENCE_STEP = 6    # absence flags and max_score of the zero-rule indicators switched on


def old_data(base: str, into: Path) -> Path:
    """The previous version's data/ at git commit `base`."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", base, "data"], check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "data"


def state_at(step: int, old: Path, new: Path, changes: pd.DataFrame, out: Path) -> Path:
    """data/ after applying the changes up to and including `step` (0 = the previous version)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "methodology").mkdir(exist_ok=True)
    old_ind = pd.read_csv(old / "methodology" / "indicators.csv", dtype=str, keep_default_na=False)
    new_ind = pd.read_csv(new / "methodology" / "indicators.csv", dtype=str, keep_default_na=False)
    old_obs = pd.read_csv(old / "observations.csv", dtype=str, keep_default_na=False)
    new_obs = pd.read_csv(new / "observations.csv", dtype=str, keep_default_na=False)
    ind = old_ind.reindex(columns=new_ind.columns, fill_value="")
    obs = old_obs.reindex(columns=new_obs.columns, fill_value="")
    obs["absence"] = "0"
    for _, change in changes[changes["order"] <= step].iterrows():
        removed = [c for c in str(change["indicators_removed"]).split(";") if c and c != "nan"]
        added = [c for c in str(change["indicators_added"]).split(";") if c and c != "nan"]
        order = int(change["order"])
        respec = added + SPEC_FROM_NEW.get(order, [])
        ind = pd.concat([ind[~ind["code"].isin(removed + respec)], new_ind[new_ind["code"].isin(respec)]])
        reobs = added + OBS_FROM_NEW.get(order, [])
        obs = pd.concat([obs[~obs["indicator"].isin(removed + reobs)], new_obs[new_obs["indicator"].isin(reobs)]])
    if step < ABSENCE_STEP:  # the zero-rule indicators without their flags and cap
        ruled = ind["absence_rule"] != ""
        ind.loc[ruled, ["max_score", "absence_rule"]] = ""
        obs["absence"] = "0"
    ind.to_csv(out / "methodology" / "indicators.csv", index=False)
    obs.to_csv(out / "observations.csv", index=False)
    actors = pd.read_csv(new / "methodology" / "actors.csv", dtype=str, keep_default_na=False)
    if step < EVIDENCE_STEP:
        actors["needs_evidence"] = "0"
    actors.to_csv(out / "methodology" / "actors.csv", index=False)
    for name in ("pillars.csv", "bands.csv", "parameters.csv"):
        (out / "methodology" / name).write_bytes((new / "methodology" / name).read_bytes())
    for name in ("sources.csv", "countries.csv"):
        (out / name).write_bytes((new / name).read_bytes())
    return out


def pilot_scores(data_dir: Path) -> pd.Series:
    dataset = load_dataset(data_dir)
    nodes = score(dataset, years=[YEAR]).nodes
    overall = nodes[(nodes["node"] == "overall") & nodes["iso3"].isin(PILOTS)].set_index("iso3")["score"]
    return overall.reindex(PILOTS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="git commit of the previous methodology version")
    args = parser.parse_args()
    new = ROOT / "data"
    path = new / "methodology" / "changelog.csv"
    changes = pd.read_csv(path, dtype={"version": str})
    with tempfile.TemporaryDirectory() as tmp:
        old = old_data(args.base, Path(tmp) / "old")
        before = pilot_scores(state_at(0, old, new, changes, Path(tmp) / "s0"))
        print("previous version", before.round(2).to_dict())
        for step in sorted(changes["order"]):
            after = pilot_scores(state_at(step, old, new, changes, Path(tmp) / f"s{step}"))
            effect = (after - before).round(2)
            for iso3 in PILOTS:
                changes.loc[changes["order"] == step, f"effect_{iso3}"] = effect[iso3]
            print(step, effect.to_dict())
            before = after
    final = pilot_scores(new)
    print("current version", final.round(2).to_dict())
    changes.to_csv(path, index=False, lineterminator="\n")


if __name__ == "__main__":
    main()
