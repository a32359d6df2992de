"""Scoring again in a separate process (indicators.rescore), as the app does after an accepted correction."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators import score
from indicators.pipeline import combine_corrections
from indicators.rescore import RescoreError, score_elsewhere
from indicators.sensitivity import cache_key
from tests.conftest import DATA

CORRECTION = pd.DataFrame([{"iso3": "COL", "year": 2021, "indicator": "p_fiw_d4", "value": 1.0,
                            "reason": "test", "author": "panel", "date": "2026-12-02", "source": "test"}])


def test_the_child_scores_like_this_process_and_fills_the_likely_range_cache(dataset, tmp_path):
    got_dataset, got, corrections = score_elsewhere(DATA, CORRECTION, sensitivity_years=[2021], cache_dir=tmp_path)
    expected_corrections = combine_corrections(dataset.corrections, CORRECTION)
    pd.testing.assert_frame_equal(corrections, expected_corrections)
    expected = score(dataset, corrections=expected_corrections)
    assert got.years == expected.years
    pd.testing.assert_frame_equal(got.nodes, expected.nodes)
    pd.testing.assert_frame_equal(got.indicators, expected.indicators)
    col = got.indicators[(got.indicators["iso3"] == "COL") & (got.indicators["year"] == 2021)
                         & (got.indicators["indicator"] == "p_fiw_d4")]
    assert col["value"].tolist() == [1.0]  # the correction is in
    assert got_dataset.data_dir == dataset.data_dir
    key = cache_key(dataset, 2021, 1000, 0, _default_alternatives(), expected_corrections)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(f"sensitivity-2021-{key}-{part}.csv" for part in ("intervals", "nodes", "shares"))


def _default_alternatives():
    from indicators.alternatives import default_alternatives
    return default_alternatives(DATA)


def test_a_failing_child_is_an_error_with_what_it_said(tmp_path):
    with pytest.raises(RescoreError, match="exited with 1: .*no-such-data: data directory not found"):
        score_elsewhere(tmp_path / "no-such-data", None)


def test_a_child_that_takes_too_long_is_stopped(tmp_path):
    with pytest.raises(RescoreError, match="could not run"):
        score_elsewhere(DATA, None, sensitivity_years=[2021], cache_dir=tmp_path, timeout=0.5)
