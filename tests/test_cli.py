"""The command line as panels and scripts use it."""

import io
import json
import subprocess
import sys

import pandas as pd
import pytest

BASE = ["iso3", "country", "year", "overall", "privacy", "expression", "access", "association", "state",
        "corporate", "coverage"]


def run(*args):
    res = subprocess.run([sys.executable, "-m", "indicators", *args], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    return res.stdout


def test_scores_csv():
    out = run("scores", "--year", "2021", "--format", "csv")
    frame = pd.read_csv(io.StringIO(out))
    assert list(frame.columns[:len(BASE)]) == BASE
    assert (frame["year"] == 2021).all()
    assert frame["overall"].notna().sum() >= 150
    scores = frame[BASE[3:10]].stack().dropna()
    assert scores.between(1, 6).all()
    assert frame["coverage"].between(0, 1).all()
    # two decimals in the text itself
    first = out.splitlines()[1].split(",")
    assert all(len(v.split(".")[1]) == 2 for v in first[3:11] if "." in v)


def test_scores_country_and_json_agree():
    csv_row = pd.read_csv(io.StringIO(run("scores", "--year", "2021", "--country", "COL"))).iloc[0]
    js = json.loads(run("scores", "--year", "2021", "--country", "COL", "--format", "json"))
    assert len(js) == 1 and js[0]["iso3"] == "COL"
    for col in BASE[3:]:
        if pd.isna(csv_row[col]):  # no score (e.g. no corporate evidence): empty in CSV, null in JSON
            assert js[0][col] is None, col
        else:
            assert js[0][col] == pytest.approx(csv_row[col])


def test_corporate_is_empty_not_zero_where_no_corporate_data():
    frame = pd.read_csv(io.StringIO(run("scores", "--year", "2016")))
    assert frame["corporate"].isna().sum() > 100
    assert not (frame["corporate"] == 0).any()


def test_explain_shows_drilldown():
    out = run("explain", "COL", "--year", "2021")
    assert "Colombia (COL), 2021" in out and "OVERALL" in out
    assert "e_filtering" in out and "V-Dem Institute" in out
    js = json.loads(run("explain", "COL", "--year", "2021", "--format", "json"))
    item = next(i for p in js["pillars"] for i in p["items"] if i["indicator"] == "e_filtering")
    assert item["value"] == pytest.approx(0.882) and item["obs_year"] == 2021
    assert item["score"] == pytest.approx(1 + 5 * (0.882 + 3) / 6, abs=1e-4)
    assert item["source"]["url"].startswith("https://")


def test_bad_arguments_are_clear():
    res = subprocess.run([sys.executable, "-m", "indicators", "scores", "--year", "1999"], capture_output=True,
                         text=True)
    assert res.returncode != 0 and "--year 1999 is outside" in res.stderr
    res = subprocess.run([sys.executable, "-m", "indicators", "explain", "XYZ"], capture_output=True, text=True)
    assert res.returncode != 0 and "XYZ is not in countries.csv" in res.stderr
