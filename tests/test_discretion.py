"""Professional discretion: the rules, the five reports' assessments, simulation and OC curves."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sampling import Rating, SamplingError, rules
from sampling.discretion import (
    assess_discretion,
    compare_rules,
    operating_characteristic,
    simulate,
)
from sampling.rules import StandardEvidence

# --------------------------------------------------------------------------------------------
# rules


def test_rule_names_and_descriptions():
    names = [r.name for r in rules.default_rules()]
    assert names == ["strict", "within_points(5)", "cases(1)", "interval(0.8)", "posterior(0.5)"]
    assert all(r.description for r in rules.default_rules())
    assert rules.parse("within_points(5)").name == "within_points(5)"
    assert rules.parse("cases(2)").count == 2
    with pytest.raises(SamplingError, match="unknown rule 'often'"):
        rules.parse("often")
    with pytest.raises(SamplingError, match="'x' is not a number"):
        rules.parse("cases(x)")
    with pytest.raises(SamplingError, match="direction must be 'up' or 'down'"):
        rules.cases(1, direction="sideways")


def test_rules_on_the_reports_own_words():
    essex = StandardEvidence("3.4", (26, 17), (28, 27))  # 93 %, 63 %: 2 points below Good
    assert rules.within_points(5)(essex) and not rules.within_points(1)(essex)
    calderdale_23 = StandardEvidence("2.3", (6, 5, 7), (11, 11, 11))  # 55, 45, 64
    assert rules.cases(1)(calderdale_23)
    calderdale_24 = StandardEvidence("2.4", (6, 5, 5), (11, 11, 11))  # 55, 45, 45: two cases
    assert not rules.cases(1)(calderdale_24) and rules.cases(2)(calderdale_24)
    assert not rules.strict()(calderdale_23)
    outstanding = StandardEvidence("x", (10,), (10,))
    assert not any(r(outstanding) for r in rules.default_rules())  # no band above
    assert rules.cases(1, direction="down")(StandardEvidence("x", (11,), (17,)))  # 65 % -> 59 %


def test_custom_rule_is_wrapped():
    def two_below(evidence):
        return sum(p < 65 for p in evidence.percents) <= 1

    rule = rules.custom(two_below)
    assert rule.name == "two_below"
    assert rule(StandardEvidence("x", (6, 9), (10, 10)))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(4, 20), min_size=1, max_size=3), st.integers(0, 2**31 - 1),
       st.sampled_from(["up", "down"]))
def test_vectorised_rules_equal_the_scalar_ones(ns, seed, direction):
    rng = np.random.default_rng(seed)
    k = np.stack([rng.integers(0, n + 1, 60) for n in ns], axis=1)
    pops = tuple(n + 7 for n in ns)
    for rule in (*rules.default_rules(direction), rules.cases(2, direction=direction)):
        for populations in (None, pops):
            fast = rule.eligible_many(k, tuple(ns), populations)
            slow = [rule(StandardEvidence("x", tuple(int(v) for v in row), tuple(ns), populations)) for row in k]
            assert fast.tolist() == slow, (rule.name, populations)


# --------------------------------------------------------------------------------------------
# the five reports

# The three decisions the reports state, with the candidate rule their words use:
# Essex 2018 footnote 12 "within the 5 per cent margin of error"; Nottingham City 2020 "related to
# only one case"; Calderdale 2022 footnote 17 "a shift of one case".
APPLIED = {"essex-2018": ("3.4", "within_points(5)"), "nottingham-city-2020": ("2.4", "cases(1)"),
           "calderdale-2022": ("2.3", "cases(1)")}


def test_each_applied_decision_is_eligible_under_the_rule_it_cites(report_id):
    result = assess_discretion(report_id)
    applied = [row.id for row in result.applied]
    if report_id in APPLIED:
        sid, cited = APPLIED[report_id]
        assert applied == [sid]
        row = next(r for r in result.rows if r.id == sid)
        assert row.cited_rule == cited and row.eligible[cited]
        assert row.cases_to_next == 1
        assert 0 < row.p_higher < 0.5
    else:
        assert applied == []


def test_eligible_where_not_applied_stated_as_facts():
    # Calderdale 2.4 (two key questions at 45 %): within 5 points, but two cases from the next band
    calderdale = assess_discretion("calderdale-2022")
    row = next(r for r in calderdale.rows if r.id == "2.4")
    assert row.eligible["within_points(5)"] and not row.eligible["cases(1)"] and not row.applied
    assert any(f.startswith("2.4: Inadequate as the rule gives; eligible under within_points(5)")
               for f in calderdale.facts())
    # Sunderland 2.1, 2.3 and 2.4: each one case short of Good, none raised
    sunderland = assess_discretion("sunderland-2022")
    assert [r.id for r in sunderland.eligible_not_applied("cases(1)")] == ["2.1", "2.3", "2.4"]


def test_assessment_json_shape():
    data = assess_discretion("nottingham-city-2020", rules=["cases(1)"]).to_dict()
    assert set(data) == {"report", "standards"}
    row = next(r for r in data["standards"] if r["id"] == "2.4")
    assert set(row) == {"id", "rule_rating", "published_rating", "cases_to_next", "p_higher", "eligible", "applied"}
    assert row["eligible"] == {"cases(1)": True} and row["applied"] is True


# --------------------------------------------------------------------------------------------
# simulation against the exact operating characteristic


@pytest.mark.parametrize(
    ("n", "m", "rate", "population", "rule"),
    [(11, 1, 0.45, None, None), (11, 3, 0.62, None, "cases(1)"), (8, 3, 0.7, None, "within_points(5)"),
     (17, 2, 0.64, None, "interval(0.8)"), (20, 1, 0.5, 40, "cases(1)"), (12, 2, 0.6, 30, "posterior(0.5)")],
)
def test_simulation_agrees_with_exact_operating_characteristic(n, m, rate, population, rule):
    reps = 100_000
    result = simulate([rate] * m, n, population=population, rule=rule, reps=reps, rng=12345)
    oc = operating_characteristic(n, rule=rule, population=population, rates=[rate], key_questions=m).iloc[0]
    table = result.confusion_with_rule if rule else result.confusion
    truth = result.true_bands["standard"].label
    assert truth == oc["true_band"]
    for label in Rating.labels():
        p = oc[label]
        simulated = table.loc[truth, label] / reps
        assert abs(simulated - p) <= 5 * np.sqrt(p * (1 - p) / reps) + 1e-9, label


def test_zero_correlation_reproduces_independence():
    # The copula path with rho = 0 must give the independent model's distribution: compare the
    # correlated path at a tiny rho with the exact independent OC, and rho = 0 exactly.
    reps = 60_000
    exact = operating_characteristic(11, rates=[0.6], key_questions=3).iloc[0]
    near = simulate([0.6] * 3, 11, case_correlation=1e-9, reps=reps, rng=7)
    for label in Rating.labels():
        p = exact[label]
        assert abs(near.confusion.loc["Requires improvement", label] / reps - p) <= 5 * np.sqrt(p * (1 - p) / reps) + 1e-9


def test_correlation_makes_the_lowest_band_rule_less_harsh():
    # Three key questions truly Good (0.7): under independence the minimum often falls below Good;
    # with shared case quality the key questions fall together, so less often.
    independent = simulate([0.7] * 3, 20, reps=40_000, rng=3)
    correlated = simulate([0.7] * 3, 20, case_correlation=0.8, reps=40_000, rng=3)
    assert correlated.without_rule["p_correct"] > independent.without_rule["p_correct"] + 0.05


def test_judgement_error_flips_towards_one_half():
    exact = operating_characteristic(10, rates=[0.9], judgement_error=0.1).iloc[0]
    simulated = simulate([0.9], 10, judgement_error=0.1, reps=100_000, rng=5)
    p = exact["Outstanding"]
    assert abs(simulated.confusion.loc["Outstanding", "Outstanding"] / 100_000 - p) <= 5 * np.sqrt(p * (1 - p) / 1e5)
    # the observed rate is 0.9 x 0.9 + 0.1 x 0.1 = 0.82 per judgement
    from scipy.stats import binom
    assert p == pytest.approx(binom.sf(7, 10, 0.82), abs=1e-12)


def test_finite_population_with_correlation_uses_one_population():
    result = simulate([0.6, 0.7], 10, population=20, case_correlation=0.5, reps=5_000, rng=11)
    assert sum(result.confusion.loc[result.true_bands["standard"].label]) == 5_000


def test_determinism():
    a = simulate("calderdale-2022", rule="cases(1)", reps=3_000, rng=99)
    b = simulate("calderdale-2022", rule="cases(1)", reps=3_000, rng=99)
    assert a.to_dict() == b.to_dict()
    c = simulate("calderdale-2022", rule="cases(1)", reps=3_000, rng=100)
    assert a.to_dict() != c.to_dict()


def test_whole_report_simulation_reports_the_overall_rating():
    result = simulate("essex-2018", rule="within_points(5)", reps=20_000, rng=4)
    # printed rates taken as true: 3.4 is truly Requires improvement, the score 32, Outstanding
    assert result.true_overall is Rating.OUTSTANDING
    assert result.overall.sum().round(12).tolist() == [1.0, 1.0]
    assert result.overall.loc["Outstanding", "with rule"] >= result.overall.loc["Outstanding", "without rule"]


def test_operating_characteristic_properties():
    oc = operating_characteristic(11, rule="cases(1)")
    assert np.allclose(oc[Rating.labels()].sum(axis=1), 1.0)
    assert np.allclose(oc[["p_correct", "p_too_high", "p_too_low"]].sum(axis=1), 1.0)
    strict = operating_characteristic(11)
    assert (oc["p_too_high"] >= strict["p_too_high"] - 1e-12).all()  # an upward rule never lowers
    assert (strict["fire_rate"] == 0).all()
    # exact binomial check at one rate: P(awarded Good) for one key question of 11 at 0.7
    from scipy.stats import binom
    good = sum(binom.pmf(k, 11, 0.7) for k in range(12) if 65 <= (200 * k + 11) // 22 < 80)
    assert strict.loc[0.7, "Good"] == pytest.approx(good, abs=1e-12)


def test_compare_rules_table():
    table = compare_rules(n=11, prior="reports")
    assert list(table.index) == [r.name for r in rules.default_rules()]
    assert np.allclose(table[["p_correct", "p_too_high", "p_too_low"]].sum(axis=1), 1.0)
    assert table.loc["strict", "fire_rate"] == 0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: simulate([1.2], 11), "a true rate must be a proportion from 0 to 1"),
        (lambda: simulate([0.6], 11, case_correlation=1.0), "case_correlation must be from 0 to below 1"),
        (lambda: simulate([0.6], 11, judgement_error=0.6), "judgement_error must be from 0 to below 0.5"),
        (lambda: simulate([0.6], 11, population=5), "population = 5 is smaller than n = 11"),
        (lambda: simulate([0.6], None), "give the number of cases"),
        (lambda: simulate([0.6], 11, reps=0), "reps must be a whole number, at least 1"),
        (lambda: operating_characteristic(45, key_questions=4), "use simulate"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(SamplingError, match=message):
        call()
