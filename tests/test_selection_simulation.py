"""simulate_selection: many draws of a design, each case's inclusion count and each draw's balance.

Every case list is synthetic. Reference values are either brute-force recomputations in the test
(balance_table on the same sample, the same generator replayed) or the textbook fact that a simple
random sample without replacement includes every case with probability n / N (Cochran 1977, 2.2).
"""

from __future__ import annotations

import numpy as np
import pytest

from sampling import Recency, SamplingError, select, simulate_selection
from sampling.selection import DEFAULT_STRATA, balance_table
from sampling.synthetic import REFERENCE_DATE, case_list


def test_counts_add_up_and_shapes_echo_the_inputs():
    cases = case_list(30, rng=4)
    result = simulate_selection(cases, 10, draws=50, rng=3)
    assert int(result.counts.sum()) == 50 * 10  # every draw takes exactly n distinct cases
    assert result.counts.max() <= 50 and len(result.counts) == 30
    assert result.outside.shape == (50,) and result.deviation.shape == (50,)
    assert (result.n, result.population, result.draws, result.seed, result.design) == (10, 30, 50, 3, "balanced")
    frame = result.to_frame()
    assert list(frame.columns) == ["case_id", "count", "frequency", "expected", "ratio", "z"]
    assert frame["case_id"].tolist() == cases["case_id"].tolist()
    assert list(result.draws_frame().columns) == ["draw", "outside", "deviation", "balanced"]
    assert result.to_dict()["cases"][0].keys() == {"case_id", "count", "frequency", "expected", "ratio", "z"}


def test_first_balanced_draw_is_selects_sample():
    # One generator serves the draws in turn, so the first is select()'s sample for that seed.
    cases = case_list(50, rng=8)
    for seed in (0, 1, 2018):
        result = simulate_selection(cases, 15, draws=1, rng=seed)
        drawn = set(np.array(result.case_ids)[result.counts == 1])
        assert drawn == set(select(cases, 15, rng=seed).sample.case_id)


@pytest.mark.parametrize("seed", [0, 5, 11])
def test_balance_per_draw_agrees_with_balance_table(seed):
    # Recompute the one draw's balance with balance_table (a separate code path).
    cases = case_list(60, rng=2)
    chosen = select(cases, 20, rng=seed)
    balanced = simulate_selection(cases, 20, draws=1, rng=seed)
    assert balanced.outside[0] == int((~chosen.balance["within"]).sum())
    assert balanced.deviation[0] == pytest.approx(chosen.largest_deviation)
    # the simple design's one draw is numpy's choice without replacement from the same seed
    simple = simulate_selection(cases, 20, draws=1, design="simple", rng=seed)
    rows = np.random.default_rng(seed).choice(60, size=20, replace=False)
    table = balance_table(cases, cases.iloc[rows])
    assert simple.outside[0] == int((~table["within"]).sum())
    assert simple.deviation[0] == pytest.approx(table["deviation"].abs().max())


def test_simple_design_includes_every_case_at_n_over_N():
    # Simple random sampling without replacement: inclusion probability exactly n / N
    # (Cochran 1977, 2.2). 3,000 draws: every frequency within 4 Monte Carlo standard errors.
    cases = case_list(30, rng=4)
    result = simulate_selection(cases, 10, draws=3000, design="simple", rng=2024)
    assert result.expected == pytest.approx(10 / 30)
    assert result.standard_error == pytest.approx(np.sqrt((1 / 3) * (2 / 3) / 3000))
    assert np.abs(result.to_frame()["z"]).max() < 4


def test_one_variable_balanced_design_is_exact():
    # With one balancing variable every vertex of the flight is integral: each case's
    # probability is exactly n / N (methodology/stratified-selection.md), and every draw balanced.
    cases = case_list(24, rng=6)
    result = simulate_selection(cases, 8, draws=1500, strata=["gender"], rng=7)
    assert result.balanced_share == 1.0
    assert np.abs(result.to_frame()["z"]).max() < 4


def test_balance_on_more_variables_than_the_design():
    # Stratifying on gender keeps gender within a case in every draw but not the other three;
    # balance_on changes what is measured, never what is drawn.
    cases = case_list(60, rng=1)
    gender = simulate_selection(cases, 20, draws=200, strata=["gender"], rng=9)
    four = simulate_selection(cases, 20, draws=200, strata=["gender"], balance_on=DEFAULT_STRATA, rng=9)
    assert np.array_equal(gender.counts, four.counts)
    assert gender.balanced_share == 1.0 and (gender.outside == 0).all()
    assert four.balanced_share < 0.5 and four.outside.mean() > 2
    assert four.balance_on == DEFAULT_STRATA and four.strata == ("gender",)


def test_simple_random_samples_are_rarely_balanced_where_select_always_is():
    cases = case_list(120, rng=7)
    simple = simulate_selection(cases, 43, draws=300, design="simple", rng=1)
    balanced = simulate_selection(cases, 43, draws=60, rng=1)
    assert balanced.balanced_share == 1.0 and balanced.deviation.max() < 1
    assert simple.balanced_share < 0.05 and simple.deviation.mean() > 2


def test_recency_is_balanced_and_measured():
    cases = case_list(300, rng=7)
    recency = Recency("start_date", REFERENCE_DATE, (6, 9), 0.6)
    result = simulate_selection(cases, 43, draws=20, recency=recency, rng=3)
    assert result.balanced_share == 1.0
    # 16 categories on four variables and two for the window: a draw's outside counts all 18
    simple = simulate_selection(cases, 43, draws=200, design="simple", recency=recency, rng=3)
    window = recency.flags(cases, "start_date")
    assert window.mean() < 0.5 and simple.outside.mean() > 2  # the window is rarer than 60 %


def test_same_seed_same_result():
    cases = case_list(40, rng=3)
    first = simulate_selection(cases, 12, draws=30, rng=12)
    again = simulate_selection(cases, 12, draws=30, rng=12)
    other = simulate_selection(cases, 12, draws=30, rng=13)
    assert np.array_equal(first.counts, again.counts) and np.array_equal(first.outside, again.outside)
    assert not np.array_equal(first.counts, other.counts)


@pytest.mark.parametrize(
    "options, message",
    [
        ({"design": "stratified"}, "design must be one of 'balanced', 'simple'"),
        ({"draws": 0}, "draws must be a whole number of samples, at least 1, got 0"),
        ({"draws": 2.5}, "draws must be a whole number"),
        ({"strata": []}, "strata must name at least one column"),
        ({"balance_on": ["age"]}, "missing case list column 'age'"),
    ],
)
def test_bad_input_names_the_argument(options, message):
    with pytest.raises(SamplingError, match=message):
        simulate_selection(case_list(20, rng=1), 5, **options)


def test_n_larger_than_the_list_is_refused():
    with pytest.raises(SamplingError, match="n = 21 is more than the 20 cases"):
        simulate_selection(case_list(20, rng=1), 21)
