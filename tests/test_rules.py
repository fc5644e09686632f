"""The candidate discretion rules: each one-standard answer against its vectorised twin over every
outcome, by brute force; the reports' own cases; names, parsing and bad input."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sampling import SamplingError, compare_rules, operating_characteristic, rules
from sampling.framework import Rating, band, percent
from sampling.rules import StandardEvidence

RULES = ["strict", "within_points(5)", "within_points(10)", "cases(1)", "cases(2)", "interval(0.8)",
         "interval(0.95)", "posterior(0.5)", "posterior(0.2)"]


@pytest.mark.parametrize("direction", ["up", "down"])
@pytest.mark.parametrize("name", RULES)
@pytest.mark.parametrize("n", [(8,), (11, 11), (9, 13), (12, 10, 11)])
def test_vectorised_rule_agrees_with_the_scalar_one_on_every_outcome(name, n, direction):
    rule = rules.parse(name, direction=direction)
    outcomes = np.array(list(itertools.product(*[range(nj + 1) for nj in n])))
    if len(outcomes) > 600:  # three key questions: every tenth outcome keeps the test quick
        outcomes = outcomes[::10]
    fast = rule.eligible_many(outcomes, n)
    slow = np.array([rule(StandardEvidence("s", tuple(int(v) for v in row), n)) for row in outcomes])
    assert np.array_equal(fast, slow)


@pytest.mark.parametrize("name", ["interval(0.8)", "posterior(0.5)"])
def test_vectorised_rule_with_populations_agrees(name):
    rule = rules.parse(name)
    n, populations = (11, 9), (30, 25)
    outcomes = np.array(list(itertools.product(range(12), range(10))))
    fast = rule.eligible_many(outcomes, n, populations)
    slow = np.array([rule(StandardEvidence("s", tuple(int(v) for v in row), n, populations)) for row in outcomes])
    assert np.array_equal(fast, slow)


def _cases_needed_by_hand(k, n, direction):
    """The cases rule's count by exhaustive search over every way of changing judgements."""
    rating = min(band(percent(kj, nj)) for kj, nj in zip(k, n, strict=True))
    target = int(rating) + (1 if direction == "up" else -1)
    if not 0 <= target < len(Rating):
        return None
    best = None
    ranges = [range(nj + 1) for nj in n]
    for new in itertools.product(*ranges):
        moved = min(band(percent(x, nj)) for x, nj in zip(new, n, strict=True))
        ok = moved >= target if direction == "up" else moved <= target
        changes = sum(abs(x - kj) for x, kj in zip(new, k, strict=True))
        if ok and (best is None or changes < best):
            best = changes
    return best


@pytest.mark.parametrize("direction", ["up", "down"])
def test_cases_rule_is_the_fewest_changed_judgements(direction):
    # brute force over every reachable set of counts, for two key questions of 7 and 9 cases
    n = (7, 9)
    for k in itertools.product(range(8), range(10)):
        needed = _cases_needed_by_hand(k, n, direction)
        for count in (1, 2, 3):
            expected = needed is not None and needed <= count
            assert rules.cases(count, direction=direction)(StandardEvidence("s", k, n)) == expected, (k, count)


def test_the_reports_cases():
    # Essex 2018 3.4: 93 % and 63 % from 28 and 27 cases, "within the 5 per cent margin of error
    # from the next grade" (Annex 2, footnote 12)
    assert rules.within_points(5)(StandardEvidence("3.4", (26, 17), (28, 27)))
    # Calderdale 2022 2.3: 5 of 11 (45 %), "a shift of one case makes a difference of 10 per cent"
    assert rules.cases(1)(StandardEvidence("2.3", (8, 5, 8), (11, 11, 11)))
    # Calderdale 2022 2.4: 55 %, 45 %, 45 % needs two cases
    assert not rules.cases(1)(StandardEvidence("2.4", (6, 5, 5), (11, 11, 11)))
    assert rules.cases(2)(StandardEvidence("2.4", (6, 5, 5), (11, 11, 11)))


def test_strict_never_fires_and_outstanding_cannot_go_up():
    top = StandardEvidence("s", (10, 10), (10, 10))
    for name in RULES:
        assert not rules.parse(name)(top), name
    bottom = StandardEvidence("s", (0,), (10,))
    for name in RULES:
        assert not rules.parse(name, direction="down")(bottom), name


def test_names_parse_back():
    for name in RULES:
        assert rules.parse(name).name == name
    assert rules.boundary_in_interval is rules.interval
    assert rules.parse("interval(0.8)").name == rules.boundary_in_interval(0.8).name


def test_custom_rule_and_resolve():
    rule = rules.custom(lambda evidence: min(evidence.percents) >= 60, name="sixty")
    assert rule(StandardEvidence("s", (7,), (10,))) and not rule(StandardEvidence("s", (5,), (10,)))
    assert [r.name for r in rules.resolve(["strict", rule])] == ["strict", "sixty"]
    assert [r.name for r in rules.resolve(None)] == [r.name for r in rules.default_rules()]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: rules.parse("magic(9)"), "unknown rule 'magic\\(9\\)'"),
        (lambda: rules.parse("cases(x)"), "is not a number"),
        (lambda: rules.cases(0), "cases needs a whole number"),
        (lambda: rules.within_points(-1), "within_points needs"),
        (lambda: rules.interval(1.5), "interval needs a confidence"),
        (lambda: rules.posterior(0.5, prior="bogus"), "prior must be one of 'jeffreys', 'uniform'"),
        (lambda: rules.resolve([]), "rules must name at least one rule"),
        (lambda: rules.resolve(["strict", "strict"]), "distinct names"),
        (lambda: rules.custom(42), "a rule must be a rule object or a callable"),
        (lambda: rules.strict().__class__(direction="sideways"), "direction must be 'up' or 'down'"),
    ],
)
def test_bad_rules_are_refused(call, message):
    with pytest.raises(SamplingError, match=message):
        call()


def test_named_priors_are_accepted_wherever_a_prior_is():
    # compare_rules(prior="jeffreys") used to fail with "too many values to unpack"
    jeffreys = compare_rules(["strict"], n=11, prior="jeffreys")
    pair = compare_rules(["strict"], n=11, prior=(0.5, 0.5))
    assert jeffreys.equals(pair)


@pytest.mark.parametrize(
    "call, argument",
    [
        (lambda: compare_rules(["strict"], n=11, prior=(0, 1)), "prior"),
        (lambda: compare_rules(["strict"], n=11, prior=(float("nan"), 1)), "prior"),
        (lambda: compare_rules(["strict"], n=11, prior="bogus"), "prior"),
        (lambda: compare_rules([], n=11), "rules"),
        (lambda: operating_characteristic(11, judgement_error=0.9), "judgement_error"),
        (lambda: operating_characteristic(11, judgement_error=-0.3), "judgement_error"),
        (lambda: operating_characteristic(11, judgement_error=float("nan")), "judgement_error"),
        (lambda: operating_characteristic(11, rates="0.5"), "rates"),
        (lambda: operating_characteristic(11.5), "n"),
        (lambda: operating_characteristic(11, population=5), "population"),
    ],
)
def test_meaningless_arguments_name_the_argument(call, argument):
    with pytest.raises(SamplingError, match=f"^{argument}"):
        call()
