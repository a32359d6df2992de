"""Normalisation methods against hand-computed values."""

import math

import numpy as np
import pandas as pd
import pytest

from indicators.normalise import bands, categorical, linear, score_values


def spec(**kw):
    base = {"method": "linear", "direction": "higher_better", "lo": 0.0, "hi": 4.0, "mapping": ""}
    return pd.Series(base | kw)


def test_linear_goalposts():
    # 1 + 5 * (3 - 0) / (4 - 0) = 4.75
    assert linear(np.array([3.0]), 0, 4)[0] == pytest.approx(4.75)
    # V-Dem style goalposts -3..3: x = 0.882 -> 1 + 5 * 3.882 / 6 = 4.235
    assert linear(np.array([0.882]), -3, 3)[0] == pytest.approx(4.235)


def test_linear_clips_to_scale():
    out = linear(np.array([-4.9, 3.5]), -3, 3)
    assert list(out) == [1.0, 6.0]


def test_direction_higher_worse_is_seven_minus():
    # 2 on 0..10 -> s = 2.0, higher is worse -> 7 - 2 = 5
    assert score_values(np.array([2.0]), spec(direction="higher_worse", hi=10.0))[0] == pytest.approx(5.0)
    # clipping happens before the flip: -1 -> s clipped to 1 -> 6
    assert score_values(np.array([-1.0]), spec(direction="higher_worse", hi=10.0))[0] == pytest.approx(6.0)


def test_log_goalposts():
    # 9 shutdowns on 0..50, higher is worse: 7 - (1 + 5 * ln 10 / ln 51)
    expected = 7 - (1 + 5 * math.log(10) / math.log(51))
    got = score_values(np.array([9.0]), spec(method="log", direction="higher_worse", hi=50.0))[0]
    assert got == pytest.approx(expected) and got == pytest.approx(3.0719, abs=1e-4)
    assert score_values(np.array([0.0]), spec(method="log", direction="higher_worse", hi=50.0))[0] == 6.0


def test_categorical_maps_each_category():
    out = categorical(np.array([0.0, 1.0, 2.0, 5.0]), mapping={0.0: 1.0, 1.0: 3.5, 2.0: 6.0})
    assert list(out[:3]) == [1.0, 3.5, 6.0] and math.isnan(out[3])


def test_bands_use_highest_threshold_reached():
    mapping = {0.0: 6.0, 1.0: 4.0, 3.0: 3.0, 6.0: 2.0, 10.0: 1.0}
    out = bands(np.array([0.0, 0.5, 1.0, 2.0, 3.0, 9.9, 10.0, 134.0, np.nan]), mapping=mapping)
    assert list(out[:8]) == [6.0, 6.0, 4.0, 4.0, 3.0, 2.0, 1.0, 1.0] and math.isnan(out[8])


def test_mapping_methods_ignore_direction_flip():
    # the mapping already carries direction: a higher_worse banded indicator is not flipped again
    s = spec(method="bands", direction="higher_worse", mapping="0=6;1=4;3=3;6=2;10=1")
    assert score_values(np.array([0.0, 3.0]), s).tolist() == [6.0, 3.0]
