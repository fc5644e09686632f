"""compare: change between two inspections, checked against independent computations."""

from __future__ import annotations

import dataclasses
import json
import warnings

import numpy as np
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep

from sampling import (
    SamplingError,
    SamplingWarning,
    band_probabilities,
    compare,
    list_reports,
    load_report,
    rating_distribution,
    synthetic,
)
from sampling.across import difference_interval
from sampling.cli import main
from sampling.framework import proportion_cutoffs


@pytest.fixture(scope="module")
def held_out_pairs():
    """Pairs of synthetic reports (seeds used nowhere else), as a before and an after."""
    many = synthetic.reports(6, rng=20_161)
    return [(many[i], many[i + 1]) for i in range(0, 6, 2)]


# Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10 (hybrid score, no
# continuity correction), 95 %: (yes_1, n_1, yes_2, n_2) -> interval for p_1 - p_2.
NEWCOMBE_TABLE_II = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((6, 7, 2, 7), (0.0582, 0.8062)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((0, 10, 0, 10), (-0.2775, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0000)),
    ((10, 10, 0, 10), (0.6075, 1.0000)),
]


@pytest.mark.parametrize(("counts", "expected"), NEWCOMBE_TABLE_II)
def test_difference_interval_reproduces_newcombe_table_ii(counts, expected):
    after_yes, after_n, before_yes, before_n = counts
    low, high = difference_interval(before_yes, before_n, after_yes, after_n, confidence=0.95)
    assert (round(low, 4), round(high, 4)) == expected


@pytest.mark.parametrize("confidence", [0.80, 0.95])
def test_compare_matches_statsmodels_newcomb_on_held_out_pairs(held_out_pairs, confidence):
    # independent implementation: statsmodels 0.15.0,
    # confint_proportions_2indep(count1, nobs1, count2, nobs2, method="newcomb", compare="diff")
    checked = 0
    for before, after in held_out_pairs:
        result = compare(before, after, confidence=confidence)
        for kq, row in result.key_questions.iterrows():
            old, new = before.key_question(kq), after.key_question(kq)
            low, high = confint_proportions_2indep(new.k, new.n, old.k, old.n, method="newcomb",
                                                   compare="diff", alpha=1 - confidence)
            assert row.low == pytest.approx(100 * low, abs=1e-9)
            assert row.high == pytest.approx(100 * high, abs=1e-9)
            assert row.difference == pytest.approx(100 * (new.k / new.n - old.k / old.n), abs=1e-12)
            assert row.confidence == confidence
            checked += 1
    assert checked == 3 * 21


def test_intervals_contain_the_difference_and_widen_with_confidence(held_out_pairs):
    before, after = held_out_pairs[0]
    narrow = compare(before, after, confidence=0.80).key_questions
    wide = compare(before, after, confidence=0.95).key_questions
    assert ((narrow.low <= narrow.difference) & (narrow.difference <= narrow.high)).all()
    assert ((wide.low <= narrow.low + 1e-12) & (narrow.high <= wide.high + 1e-12)).all()
    assert ((wide.low >= -100) & (wide.high <= 100)).all()


def test_swapping_before_and_after_mirrors_everything(held_out_pairs):
    before, after = held_out_pairs[1]
    forward = compare(before, after).key_questions
    backward = compare(after, before).key_questions
    assert np.allclose(forward.difference, -backward.difference)
    assert np.allclose(forward.low, -backward.high) and np.allclose(forward.high, -backward.low)
    assert np.allclose(forward.p_band_changed, backward.p_band_changed)
    assert np.allclose(forward.p_band_up, backward.p_band_down)


def test_band_change_probability_against_monte_carlo(held_out_pairs):
    # independent route: draw each inspection's rate from its Beta(k + 1/2, n - k + 1/2)
    # posterior (Jeffreys), take the band of the true rate from the cut-offs, count the draws
    # whose bands differ; the exact answer must lie within 4 Monte Carlo standard errors.
    before, after = held_out_pairs[2]
    result = compare(before, after)
    rng = np.random.default_rng(16)
    cuts = np.array(proportion_cutoffs())
    draws = 200_000
    for kq, row in result.key_questions.iterrows():
        old, new = before.key_question(kq), after.key_question(kq)
        band_old = np.searchsorted(cuts, rng.beta(old.k + 0.5, old.n - old.k + 0.5, draws), side="right")
        band_new = np.searchsorted(cuts, rng.beta(new.k + 0.5, new.n - new.k + 0.5, draws), side="right")
        for column, estimate in (("p_band_changed", np.mean(band_old != band_new)),
                                 ("p_band_up", np.mean(band_new > band_old))):
            error = np.sqrt(max(estimate * (1 - estimate), 1e-6) / draws)
            assert abs(row[column] - estimate) < 4 * error, (kq, column)


def test_probabilities_sum_to_one_and_flag_follows_confidence(held_out_pairs):
    before, after = held_out_pairs[0]
    for confidence in (0.6, 0.8, 0.9):
        result = compare(before, after, confidence=confidence)
        table = result.key_questions
        assert np.allclose(table.p_band_up + table.p_band_down + (1 - table.p_band_changed), 1)
        assert (table.band_change_likely == (table.p_band_changed >= confidence)).all()
        overall = result.overall
        assert overall["p_higher"] + overall["p_same"] + overall["p_lower"] == pytest.approx(1)
        assert sum(overall["before_distribution"].values()) == pytest.approx(1)
        standards = result.standards
        assert ((standards.p_higher + standards.p_lower) <= standards.p_changed + 1e-12).all()


def test_overall_joint_picture_from_the_two_rating_distributions(held_out_pairs):
    # brute force over the 4 x 4 pairs of ratings from the two published distributions
    before, after = held_out_pairs[1]
    result = compare(before, after)
    p_old = rating_distribution(before).overall.to_numpy()
    p_new = rating_distribution(after).overall.to_numpy()
    higher = sum(p_old[i] * p_new[j] for i in range(4) for j in range(4) if j > i)
    same = sum(p_old[i] * p_new[i] for i in range(4))
    assert result.overall["p_higher"] == pytest.approx(higher, abs=1e-12)
    assert result.overall["p_same"] == pytest.approx(same, abs=1e-12)


def test_qualitative_standards_change_only_as_published():
    result = compare("essex-2018", "nottingham-city-2020")
    for sid, row in result.standards[result.standards.qualitative].iterrows():
        assert row.p_changed == (1.0 if row.before != row.after else 0.0), sid


def test_frameworks_2018_and_2021_matched_where_they_exist():
    with pytest.warns(SamplingWarning, match="different frameworks") as caught:
        result = compare("nottingham-city-2020", "calderdale-2022")
    assert len(caught) == 1 and "\n" not in str(caught[0].message)
    assert result.warnings == (str(caught[0].message),) and result.to_dict()["warnings"] == list(result.warnings)
    assert len(result.key_questions) == 21  # 2.1.1 ... 3.3.3 in both frameworks
    unmatched = set(result.unmatched)
    assert {("key_question", "3.4.1", "before"), ("key_question", "3.4.2", "before")} <= unmatched
    # 3.4 is "Joint working" in 2018 and "Out-of-court disposal policy and provision" in 2021
    assert {("standard", "3.4", "before"), ("standard", "3.4", "after"), ("standard", "4.1", "after")} <= unmatched
    assert "3.4" not in result.standards.index


def test_no_key_question_in_common_is_a_one_line_error():
    essex = load_report("essex-2018")
    qualitative_only = dataclasses.replace(essex, standards=tuple(s for s in essex.standards if s.qualitative))
    with pytest.raises(SamplingError, match="no key question in common") as caught:
        compare(qualitative_only, "calderdale-2022")
    assert "\n" not in str(caught.value)


def test_bad_arguments():
    with pytest.raises(SamplingError, match="confidence must be between 0 and 1"):
        compare("essex-2018", "calderdale-2022", confidence=80)
    with pytest.raises(SamplingError, match="before: .*not a bundled report id"):
        compare("no-such-report", "calderdale-2022")
    with pytest.raises(SamplingError, match="prior"):
        compare("essex-2018", "calderdale-2022", prior="flat")


def test_accepts_a_prior_pair_and_uses_it():
    flat = compare("calderdale-2022", "sunderland-2022", prior=(1, 1)).key_questions
    jeffreys = compare("calderdale-2022", "sunderland-2022").key_questions
    for kq in ("2.1.1", "3.3.2"):
        old = load_report("calderdale-2022").key_question(kq)
        new = load_report("sunderland-2022").key_question(kq)
        p_old = band_probabilities(old.k, old.n, prior=(1, 1))
        p_new = band_probabilities(new.k, new.n, prior=(1, 1))
        assert flat.loc[kq, "p_band_changed"] == pytest.approx(1 - float((p_old * p_new).sum()), abs=1e-12)
    assert not np.allclose(flat.p_band_changed, jeffreys.p_band_changed)


def test_json_shape(capsys):
    code = main(["compare", "calderdale-2022", "cambridgeshire-2023", "--json", "--confidence", "0.9"])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["confidence"] == 0.9 and "Newcombe" in data["interval"]
    row = data["key_questions"][0]
    assert set(row) >= {"key_question", "before", "after", "difference", "low", "high", "p_band_changed",
                        "confidence"}
    assert set(row["before"]) == {"yes", "relevant", "percent"} and row["confidence"] == 0.9
    assert set(data["overall"]) >= {"before", "after", "p_higher", "p_same", "p_lower"}
    assert data["overall"]["confidence"] == 0.9
    assert all(row["confidence"] == 0.9 for row in data["key_questions"] + data["standards"])


def test_cli_text_plot_and_errors(capsys, tmp_path):
    plot = tmp_path / "change.png"
    code = main(["compare", "essex-2018", "calderdale-2022", "--plot", str(plot)])
    out, err = capsys.readouterr()
    assert code == 0 and plot.stat().st_size > 0
    warned = [line for line in err.splitlines() if line.startswith("warning:")]
    assert len(warned) == 1 and "youth-2018: essex-2018; youth-2021: calderdale-2022" in warned[0]
    assert "not compared: key question 3.4.1 (only in before)" in out
    code = main(["compare", "essex-2018", "nowhere"])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "after:" in err
    with pytest.raises(SystemExit):
        main(["compare", "--help"])
    assert "%%" not in capsys.readouterr().out


def test_every_bundled_pair_runs():
    ids = list_reports()
    for before in ids:
        for after in ids:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SamplingWarning)  # 2018 against 2021: warned, compared
                result = compare(before, after)
            same = load_report(before).framework.name == load_report(after).framework.name
            assert bool(result.warnings) is not same
            assert len(result.key_questions) >= 21
