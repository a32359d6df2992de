"""Issue 13, finding 6: the gaps the audit found in `validate`, and the app refusing to start on bad data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from datadir import write_data_dir
from indicators import DataValidationError, load_dataset

ROOT = Path(__file__).resolve().parent.parent
GOOD = [("AAA", 2021, "a_lin", 3), ("BBB", 2021, "a_lin", 2), ("AAA", 2021, "d_log", 2)]


def issues_of(path) -> list[str]:
    with pytest.raises(DataValidationError) as err:
        load_dataset(path)
    return [str(i) for i in err.value.issues]


def one(issues: list[str], start: str, words: str) -> None:
    assert any(i.startswith(start) and words in i for i in issues), f"no '{start}' ... '{words}' in {issues}"


def test_a_broken_sensitivity_csv_is_refused(tmp_path):
    root = write_data_dir(tmp_path, GOOD)
    (root / "methodology" / "sensitivity.csv").write_text(
        "choice,enabled,values,spread,description\nweights,1,,lots,\nwindow,1,2;x,,\n")
    issues = issues_of(root)
    one(issues, "methodology/sensitivity.csv, line 2, field 'spread'", "'lots' is not a number")
    one(issues, "methodology/sensitivity.csv, line 3, field 'values'", "'x' is not a whole number")


def test_a_negative_count_for_a_log_indicator_is_refused(tmp_path):
    root = write_data_dir(tmp_path, GOOD + [("BBB", 2021, "d_log", -3)])
    one(issues_of(root), "observations.csv, line 5, field 'value'", "-3 is negative, but d_log is a count")


def test_a_header_only_observations_file_is_refused(tmp_path):
    root = write_data_dir(tmp_path, GOOD)
    (root / "observations.csv").write_text("iso3,year,indicator,value,source_id,note\n")
    one(issues_of(root), "observations.csv", "has a header but no rows")


def test_all_weights_zero_are_refused(tmp_path):
    root = write_data_dir(tmp_path, GOOD)
    pillars = root / "methodology" / "pillars.csv"
    pillars.write_text(pillars.read_text().replace("Privacy,1,1", "Privacy,0,1").replace("expression,1,2",
                                                                                          "expression,0,2"))
    one(issues_of(root), "methodology/pillars.csv, field 'weight'", "every pillar weight is 0")
    root = write_data_dir(tmp_path / "b", GOOD)
    ind = root / "methodology" / "indicators.csv"
    lines = ind.read_text().splitlines()
    lines = [ln.replace(",1,,SRC", ",0,,SRC").replace(",2,,SRC", ",0,,SRC") if ",privacy," in ln else ln
             for ln in lines]
    ind.write_text("\n".join(lines) + "\n")
    one(issues_of(root), "methodology/indicators.csv, line 2, field 'weight'",
        "every indicator of pillar 'privacy' has weight 0 (lines 2, 3, 4)")


def test_a_mapping_with_a_duplicate_value_is_refused(tmp_path):
    root = write_data_dir(tmp_path, GOOD)
    ind = root / "methodology" / "indicators.csv"
    ind.write_text(ind.read_text().replace("0=1;1=3.5;2=6", "0=1;1=3.5;1=6"))
    one(issues_of(root), "methodology/indicators.csv, line 4, field 'mapping'", "has the value '1' twice")


def test_an_extra_column_is_refused_but_value_sd_is_known(tmp_path):
    root = write_data_dir(tmp_path, GOOD)
    obs = root / "observations.csv"
    text = obs.read_text().splitlines()
    obs.write_text("\n".join([text[0] + ",valeu_sd"] + [ln + ",0.1" for ln in text[1:]]) + "\n")
    one(issues_of(root), "observations.csv, line 1, field 'valeu_sd'", "unknown column (it would be ignored)")
    obs.write_text("\n".join([text[0] + ",value_sd"] + [ln + ",0.1" for ln in text[1:]]) + "\n")
    assert "value_sd" in load_dataset(root).observations.columns


def test_a_year_after_last_year_is_refused(tmp_path):
    root = write_data_dir(tmp_path, GOOD + [("BBB", 2031, "a_lin", 2)])
    one(issues_of(root), "observations.csv, line 5, field 'year'", "2031 is after last_year 2021")


def test_the_app_refuses_to_start_on_invalid_data(tmp_path):
    from dashboard import create_app
    from dashboard.config import Config
    root = write_data_dir(tmp_path / "data", GOOD + [("BBB", 2021, "d_log", -3)])
    with pytest.raises(DataValidationError, match="observations.csv, line 5, field 'value'"):
        create_app(Config(data_dir=root, instance_dir=tmp_path / "inst"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"DRD_DATA_DIR": str(root), "DRD_INSTANCE_DIR": str(tmp_path / "inst")}
    r = subprocess.run([sys.executable, "app.py", "--port", "0"], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 2
    assert "refusing to start" in r.stderr and "observations.csv, line 5, field 'value'" in r.stderr
    assert "Traceback" not in r.stderr
