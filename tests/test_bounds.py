"""Every command answers or refuses within seconds: the bounds on the work a number can ask for.

The exact and band-accuracy searches are limited by an a-priori bound on their work (the tail
bound of ``_exact_size.Criterion.search_sizes`` against ``SEARCH_LIMITS``, measured by
``benchmarks/bench_exact_bound.py``); counts that size work or memory (simulated inspections,
synthetic case lists, populations, a rule's cases) have a stated maximum. Nothing here is timed:
the tests check that the bound fires for the big inputs and not for ordinary ones, and that the
command line refuses in one line (exit 2, nothing written) or answers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import sampling
from sampling import _exact_size as engine
from sampling import _validation, rules
from sampling._exact_tables import BAND_TABLES, MARGIN_TABLES
from sampling.size import compare_sample_sizes, exact_unavailable, sample_size, sample_size_for_bands

ROOT = Path(__file__).resolve().parent.parent


def command(*argv, cwd=None):
    """``python -m sampling ARGV`` in a fresh process that imports this repository's package."""
    return subprocess.run([sys.executable, "-m", "sampling", *argv], capture_output=True, text=True,
                          check=False, cwd=cwd or ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))


def refused(result, fragment):
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0], result.stderr


# --------------------------------------------------------------------------------------------
# the exact size: a bound on the search's work, decided before it starts


def test_narrow_margin_gives_the_normal_sizes_and_says_why_not_the_exact_one():
    result = command("size", "--population", "1000", "--margin", "0.001")
    assert result.returncode == 0 and result.stderr == ""
    first, second = result.stdout.strip().splitlines()
    # normal size: n0 = 1.2816^2 x 0.25 / 0.001^2 = 410,481 (Cochran 1977, eq. 4.2), then
    # n0 / (1 + (n0 - 1) / 1000) = 997.6, rounded up (eq. 4.3)
    assert first.startswith("n = 998 from 1000 cases") and "cochran 998, simple 998 cases" in first
    # the floor: sqrt(log(2 / 0.2) / (2 x 1200)) = 0.03098, shown rounded up (SEARCH_LIMITS["margin"])
    assert second == ("exact size not given: at 80% confidence the exact search would not answer within "
                      "seconds below a margin of 3.10 points (the exact size is offered from 3.10 points up)")


def test_half_a_point_unlimited_answers_in_json_with_a_null_and_a_reason():
    result = command("size", "--population", "inf", "--margin", "0.005", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    # the keys of an ordinary answer are all kept (tests/test_cli_size.py reads them)
    ordinary = json.loads(command("size", "--population", "57", "--json").stdout)
    assert set(ordinary) <= set(data) and ordinary["exact_reason"] is None
    # 1.2816^2 x 0.25 / 0.005^2 = 16,423.7 (Cochran 1977, eq. 4.2)
    assert (data["n"], data["n_cochran"], data["n_exact"], data["margin_exact"]) == (16424, 16424, None, None)
    assert "offered from 3.10 points up" in data["exact_reason"]


def test_asking_for_the_exact_size_below_the_floor_is_refused_in_one_line():
    refused(command("size", "--population", "1000", "--margin", "0.001", "--method", "exact"),
            "margin = 0.001 with method 'exact'")
    with pytest.raises(sampling.SamplingError, match="offered from 3.10 points up"):
        sample_size(1000, margin=0.001, method="exact")
    with pytest.raises(sampling.SamplingError, match="wider margin"):
        compare_sample_sizes(None, margin=0.005).pick("exact")


def test_the_bound_is_decided_before_any_search(monkeypatch):
    def no_search(criterion):
        raise AssertionError("a search was started")

    monkeypatch.setattr(engine, "process_values", no_search)
    sizes = compare_sample_sizes(1000, margin=0.001)
    assert sizes.exact is None and sizes.cochran.n == 998
    assert str(sizes) == "cochran 998, simple 998, exact not given"
    assert sizes.to_frame().loc["exact", "note"] == sizes.exact_reason


@pytest.mark.parametrize("confidence", [0.5, 0.8, 0.9, 0.95, 0.99])
def test_the_floor_printed_is_offered_and_a_hundredth_of_a_point_below_it_is_not(confidence):
    reason = exact_unavailable(confidence, 0.001)
    floor = float(reason.split("offered from ")[1].split(" points")[0]) / 100
    assert exact_unavailable(confidence, floor) is None
    assert exact_unavailable(confidence, floor - 0.0001) is not None


def test_the_bound_fires_for_big_searches_and_not_for_ordinary_ones():
    # ordinary: every tabled design (the reports' 80 % and 5 points among them) is searched
    for confidence, margin in MARGIN_TABLES:
        assert engine.Criterion("margin", confidence, margin).searchable
    for accuracy, distance in BAND_TABLES:
        assert engine.Criterion("bands", accuracy, distance=engine.Fraction(distance)).searchable
    assert sample_size(57, margin=0.04, method="exact").n == compare_sample_sizes(57, margin=0.04).exact.n
    # big: half a point, a tenth of a point; the band search a tenth of a point from the rounding
    for margin in (0.005, 0.001, 1e-6):
        criterion = engine.Criterion("margin", 0.8, margin)
        assert criterion.search_sizes > engine.SEARCH_LIMITS["margin"] and not criterion.searchable
    assert not engine.Criterion("bands", 0.8, distance=engine.Fraction(6, 10)).searchable


def test_band_accuracy_too_near_a_boundary_is_refused_and_an_ordinary_distance_answers():
    refused(command("size", "--population", "1000", "--criterion", "bands", "--distance", "0.6"),
            "give a distance of at least 2.46 points")
    # floor: 0.5 + 100 sqrt(log(10) / (2 x 3000)) = 2.459 points (SEARCH_LIMITS["bands"] = 3000);
    # at 2.5, deviation 2.0 points: log(10) / 2 / 0.02^2 = 2,878.3 sizes, within the limit
    assert sample_size_for_bands(None, distance=2.5).n is not None
    assert sample_size_for_bands(57).n == 38  # the docstring's Essex example, unchanged


# --------------------------------------------------------------------------------------------
# populations


def test_a_population_beyond_ten_to_the_fifteen_is_refused_in_one_line():
    refused(command("size", "--population", "1e30"), "give an unlimited population instead")
    refused(command("simulate", "--n", "11", "--true", "0.7", "--population", str(10**21)),
            "population = 1e+21 cases is more than 10**15")
    refused(command("uncertainty", "calderdale-2022", "--mode", "finite", "--populations",
                    f"court={10**18},out-of-court=40"), "populations['court']")


def test_ten_to_the_fifteen_is_still_a_population_and_sizes_like_an_unlimited_one():
    assert sample_size(_validation.MAX_POPULATION).n == sample_size(None).n == 165
    for method in ("normal", "exact"):
        with pytest.raises(sampling.SamplingError, match="more than 10"):
            sample_size(_validation.MAX_POPULATION + 1, method=method)
    with pytest.raises(sampling.SamplingError, match="more than 10"):
        sampling.margin_of_error(100, 10**18, method="exact")  # came out 1.0 before: int64 overflow
    with pytest.raises(sampling.SamplingError, match="more than 10"):
        sampling.interval(5, 11, population=10**16)


# --------------------------------------------------------------------------------------------
# counts that size work or memory


def test_simulated_inspections_are_bounded_with_the_maximum_named(tmp_path):
    refused(command("simulate", "--n", "11", "--true", "0.7", "--reps", str(10**12)),
            "give at most 200,000")
    with pytest.raises(sampling.SamplingError, match="200,000"):
        sampling.simulate([0.7], 11, reps=_validation.MAX_REPS + 1)
    from sampling.uncertainty import monte_carlo_score

    with pytest.raises(sampling.SamplingError, match="200,000"):
        monte_carlo_score("calderdale-2022", reps=_validation.MAX_REPS + 1)
    from sampling.plots import sample_spread

    with pytest.raises(sampling.SamplingError, match="draws = 200,001"):
        sample_spread(11, 30, 20, draws=_validation.MAX_REPS + 1)
    assert sampling.simulate([0.7], 11, reps=_validation.MAX_REPS, rng=1).reps == 200_000


def test_a_synthetic_case_list_is_bounded_and_nothing_is_written(tmp_path):
    refused(command("synthetic", "--n", str(10**12), "--out", "cases.csv", cwd=tmp_path),
            "give at most 100,000")
    assert list(tmp_path.iterdir()) == []
    from sampling.synthetic import case_list, messy_case_list

    for make in (case_list, messy_case_list):
        with pytest.raises(sampling.SamplingError, match="100,000"):
            make(_validation.MAX_CASE_LIST + 1)
    assert len(case_list(5, rng=1)) == 5


def test_a_rule_of_more_cases_than_any_key_question_judges_is_refused():
    refused(command("discretion", "calderdale-2022", "--rule", "cases(1000000000)"),
            "a rule may change at most 1,000 case judgements")
    with pytest.raises(sampling.SamplingError, match="cases"):
        rules.parse("cases(1001)")
    assert rules.cases(_validation.MAX_CASES_JUDGED).name == "cases(1000)"
    assert rules.parse("cases(2)").count == 2
