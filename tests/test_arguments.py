"""Every public function of the uncertainty and discretion modules refuses what is meaningless with
the package's error (a ``ValueError`` subclass), in one line that names the argument."""

from __future__ import annotations

import re

import numpy as np
import pytest

from sampling import SamplingError, load_report
from sampling.discretion import assess_discretion, compare_rules, operating_characteristic, simulate
from sampling.uncertainty import (
    band_probabilities,
    cases_to_boundary,
    hypergeometric_pmf,
    interval,
    interval_table,
    key_question_population,
    monte_carlo_score,
    rating_distribution,
    report_uncertainty,
)

NAN, INF = float("nan"), float("inf")

CASES = [
    # counts: NaN, infinite, floats, text, negative, k above n
    (lambda: interval(NAN, 11), "k"),
    (lambda: interval(5, INF), "n"),
    (lambda: interval(5.0, 11), "k"),
    (lambda: interval(5, 11.5), "n"),
    (lambda: interval("5", 11), "k"),
    (lambda: interval(-1, 11), "k"),
    (lambda: interval(12, 11), "k"),
    (lambda: interval(5, 0), "n"),
    (lambda: interval(True, 11), "k"),
    (lambda: interval(np.float64(5), 11), "k"),
    # populations: below the sample, NaN, a float, zero
    (lambda: interval(5, 11, population=10), "population"),
    (lambda: interval(5, 11, population=NAN), "population"),
    (lambda: interval(5, 11, population=20.5), "population"),
    (lambda: interval(0, 1, population=0), "population"),
    # confidence: 0, 1, a percentage, NaN, text
    (lambda: interval(5, 11, confidence=0), "confidence"),
    (lambda: interval(5, 11, confidence=1), "confidence"),
    (lambda: interval(5, 11, confidence=80), "confidence"),
    (lambda: interval(5, 11, confidence=NAN), "confidence"),
    (lambda: interval(5, 11, confidence="0.8"), "confidence"),
    # unknown method strings
    (lambda: interval(5, 11, method="wald"), "method"),
    (lambda: interval(5, 11, method="Wilson"), "method"),
    (lambda: interval(5, 11, method=3), "method"),
    (lambda: interval(5, 11, method="hypergeometric"), "method"),
    (lambda: interval_table(11, method="exact"), "method"),
    (lambda: interval_table(11.0), "n"),
    (lambda: interval_table(11, population=5), "population"),
    (lambda: interval_table(11, confidence=1.5), "confidence"),
    (lambda: hypergeometric_pmf(3.5, [2], 5), "n"),
    (lambda: hypergeometric_pmf(3, [2], 2), "population"),
    # priors: not a positive pair, not a known name
    (lambda: band_probabilities(5, 11, prior="bogus"), "prior"),
    (lambda: band_probabilities(5, 11, prior=(NAN, 1)), "prior"),
    (lambda: band_probabilities(5, 11, prior=(0, 1)), "prior"),
    (lambda: band_probabilities(5, 11, prior=(1, -2)), "prior"),
    (lambda: band_probabilities(5, 11, prior=(1, INF)), "prior"),
    (lambda: band_probabilities(5, 11, prior=(1, 2, 3)), "prior"),
    (lambda: band_probabilities(5, 11, prior=None), "prior"),
    (lambda: band_probabilities(5.5, 11), "k"),
    (lambda: band_probabilities(5, 11, population=4), "population"),
    # cases to a boundary: floats, and an implausible sample
    (lambda: cases_to_boundary(5.5, 11), "k"),
    (lambda: cases_to_boundary(5, NAN), "n"),
    (lambda: cases_to_boundary(5, 10**8), "n"),
    # rating distributions and report uncertainty
    (lambda: rating_distribution("essex-2018", mode="bayes"), "mode"),
    (lambda: rating_distribution("essex-2018", mode="finite", populations="57"), "populations"),
    (lambda: rating_distribution("essex-2018", mode="finite", populations={"court": 60.5, "out_of_court": 40}),
     "populations"),
    (lambda: rating_distribution("essex-2018", mode="finite", populations={"court": -3, "out_of_court": 40}),
     "populations"),
    (lambda: rating_distribution("essex-2018", mode="finite", populations={"court": 60}), "populations"),
    (lambda: rating_distribution("essex-2018", mode="finite", populations={"court": 5, "out_of_court": 40}),
     "populations"),
    (lambda: rating_distribution("essex-2018", prior="bogus"), "prior"),
    (lambda: report_uncertainty("essex-2018", confidence=0), "confidence"),
    (lambda: report_uncertainty("essex-2018", method="wald"), "method"),
    (lambda: report_uncertainty("essex-2018", mode="Finite"), "mode"),
    (lambda: report_uncertainty("essex-2018", prior=(1, NAN)), "prior"),
    (lambda: monte_carlo_score("essex-2018", reps=0), "reps"),
    (lambda: monte_carlo_score("essex-2018", reps=10.5), "reps"),
    (lambda: monte_carlo_score("essex-2018", rng=-1), "rng"),
    (lambda: monte_carlo_score("essex-2018", rng=1.5), "rng"),
    (lambda: monte_carlo_score("essex-2018", mode="both"), "mode"),
    (lambda: key_question_population(load_report("essex-2018").key_question("2.1.1"),
                                     load_report("essex-2018"), {"out_of_court": 40}), "populations"),
    # simulate: a float where a count is meant, a string where a list is meant, rates, errors, seeds
    (lambda: simulate([0.7], 11.5), "n"),
    (lambda: simulate([0.7], "11"), "n"),
    (lambda: simulate([0.7], [11, 12]), "n"),
    (lambda: simulate("0.7", 11), "true_rates"),
    (lambda: simulate([NAN], 11), "true_rates"),
    (lambda: simulate([0.7, INF], 11), "true_rates"),
    (lambda: simulate([1.2], 11), "true_rates"),
    (lambda: simulate([], 11), "true_rates"),
    (lambda: simulate({"2.1": "0.7"}, 11), "true_rates"),
    (lambda: simulate([0.7], 11, judgement_error=0.5), "judgement_error"),
    (lambda: simulate([0.7], 11, judgement_error=-0.1), "judgement_error"),
    (lambda: simulate([0.7], 11, judgement_error=NAN), "judgement_error"),
    (lambda: simulate([0.7], 11, case_correlation=1.0), "case_correlation"),
    (lambda: simulate([0.7], 11, case_correlation=NAN), "case_correlation"),
    (lambda: simulate([0.7], 11, case_correlation=-0.2), "case_correlation"),
    (lambda: simulate([0.7], 11, population=10), "population"),
    (lambda: simulate([0.7], 11, population=30.5), "population"),
    (lambda: simulate([0.7], 11, rule="often"), "rule"),
    (lambda: simulate([0.7], 11, reps=0), "reps"),
    (lambda: simulate([0.7], 11, reps=1e4), "reps"),
    (lambda: simulate([0.7], 11, rng=-1), "rng"),
    (lambda: simulate([0.7], 11, rng=2.5), "rng"),
    (lambda: simulate([0.7], 10**8), "n"),
    (lambda: simulate("essex-2018", population=5), "population"),
    (lambda: simulate("essex-2018", population={"court": NAN, "out_of_court": 40}), "populations"),
    (lambda: simulate("essex-2018", population={"court": 60}), "populations"),
    # operating characteristics and rule comparisons
    (lambda: operating_characteristic(11.5), "n"),
    (lambda: operating_characteristic(0), "n"),
    (lambda: operating_characteristic(11, rates="0.5"), "rates"),
    (lambda: operating_characteristic(11, rates=[0.5, NAN]), "rates"),
    (lambda: operating_characteristic(11, rates=[1.5]), "rates"),
    (lambda: operating_characteristic(11, rates=[]), "rates"),
    (lambda: operating_characteristic(11, judgement_error=0.9), "judgement_error"),
    (lambda: operating_characteristic(11, judgement_error=1.5), "judgement_error"),
    (lambda: operating_characteristic(11, judgement_error=-0.3), "judgement_error"),
    (lambda: operating_characteristic(11, judgement_error=NAN), "judgement_error"),
    (lambda: operating_characteristic(11, key_questions=0), "key_questions"),
    (lambda: operating_characteristic(11, key_questions=2.0), "key_questions"),
    (lambda: operating_characteristic(45, key_questions=4), "key_questions"),
    (lambda: operating_characteristic(11, population=5), "population"),
    (lambda: operating_characteristic(11, rule="sometimes"), "rule"),
    (lambda: operating_characteristic(11, case_correlation=1), "case_correlation"),
    (lambda: operating_characteristic(11, key_questions=2, population=30, case_correlation=0.3),
     "case_correlation"),
    (lambda: compare_rules([]), "rules"),
    (lambda: compare_rules("bogus"), "rule"),
    (lambda: compare_rules(["strict", "strict"]), "rules"),
    (lambda: compare_rules(42), "rule"),
    (lambda: compare_rules(n=11.5), "n"),
    (lambda: compare_rules(n=11, prior="bogus"), "prior"),
    (lambda: compare_rules(n=11, prior=(NAN, 1)), "prior"),
    (lambda: compare_rules(n=11, prior=(2, 0)), "prior"),
    (lambda: compare_rules(n=11, rates=[]), "rates"),
    (lambda: compare_rules(n=11, judgement_error=0.5), "judgement_error"),
    (lambda: compare_rules(n=11, population=3), "population"),
    (lambda: assess_discretion("essex-2018", rules=[]), "rules"),
    (lambda: assess_discretion("essex-2018", mode="exact"), "mode"),
    (lambda: assess_discretion("essex-2018", prior="bogus"), "prior"),
    (lambda: assess_discretion("essex-2018", mode="finite", populations={"court": 5, "out_of_court": 40}),
     "populations"),
]


@pytest.mark.parametrize(("call", "argument"), CASES)
def test_meaningless_arguments_are_refused_naming_the_argument(call, argument):
    with pytest.raises(SamplingError) as caught:
        call()
    message = str(caught.value)
    assert re.search(rf"(^|[\s'\[(]){re.escape(argument)}\b", message), message
    assert "\n" not in message


def test_the_error_is_a_value_error():
    with pytest.raises(ValueError):
        interval(5, 11, confidence=1)
