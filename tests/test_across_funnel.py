"""funnel and empirical_prior: many services at once, checked against scipy and brute force."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from scipy.stats import betabinom, binom

from sampling import (
    SamplingError,
    SamplingWarning,
    band_probabilities,
    empirical_prior,
    funnel,
    list_reports,
    rating_distribution,
    report_from_answers,
    synthetic,
)
from sampling.across import beta_binomial_log_likelihood, funnel_limits
from sampling.cli import main
from sampling.framework import get_framework


@pytest.fixture(scope="module")
def held_out():
    """A held-out set of synthetic services (a seed used nowhere else)."""
    return synthetic.reports(40, rng=2_016_005)


def _quantile_by_enumeration(p: float, n: int, rate: float) -> int:
    """Smallest r with P(R <= r) >= p, R ~ Binomial(n, rate), by walking up from 0."""
    total = 0.0
    for r in range(n + 1):
        total += binom.pmf(r, n, rate)
        if total >= p - 1e-15:
            return r
    return n


@pytest.mark.parametrize("level", [0.8, 0.95, 0.998])
@pytest.mark.parametrize("rate", [0.237, 0.5031, 0.7444, 0.912])
def test_limits_bracket_the_exact_binomial_quantiles(level, rate):
    # reference: scipy.stats.binom.ppf (scipy 1.17.1) and a quantile found by enumeration; the
    # interpolated lower limit (Spiegelhalter 2005, Appendix A.1.1) lies in ((r - 1) / n, r / n]
    # for r the (1 - level) / 2 quantile of the yes count, the upper limit likewise for the no count
    n = np.arange(1, 61)
    tail = (1 - level) / 2
    low, high = funnel_limits(rate, n, level)
    for limit_yes, p_yes in ((low, rate), (1 - high, 1 - rate)):
        r = binom.ppf(tail, n, p_yes)
        assert [int(v) for v in r] == [_quantile_by_enumeration(tail, int(m), p_yes) for m in n]
        counts = limit_yes * n
        assert (((counts > r - 1 - 1e-9) & (counts <= r + 1e-9)) | (limit_yes == 0)).all()
        # the interpolation itself, written out: (r - alpha) / n
        at, below = binom.cdf(r, n, p_yes), binom.cdf(r - 1, n, p_yes)
        expected = np.clip((r - (at - tail) / (at - below)) / n, 0, 1)
        assert np.allclose(limit_yes, expected, atol=1e-12)
    assert (low <= high).all()


def test_wider_levels_give_wider_limits():
    n = np.arange(1, 80)
    previous = None
    for level in (0.5, 0.8, 0.95, 0.998):
        low, high = funnel_limits(0.71, n, level)
        if previous is not None:
            assert (low <= previous[0] + 1e-12).all() and (high >= previous[1] - 1e-12).all()
        previous = (low, high)


def test_flags_agree_with_exact_tails_on_held_out_services(held_out):
    # below the lower limit  <=>  P(Y <= y) < (1 - level) / 2
    # above the upper limit  <=>  P(Y >= y) < (1 - level) / 2   (scipy.stats.binom, by brute force)
    result = funnel(held_out)
    checked = 0
    for kq, summary in result.pooled.iterrows():
        points = result.points[result.points["key_question"] == kq]
        rate = summary.pooled_rate
        for _, p in points.iterrows():
            lower_tail = binom.cdf(p["yes"], p["relevant"], rate)
            upper_tail = binom.sf(p["yes"] - 1, p["relevant"], rate)
            assert (p["p_lower_tail"], p["p_upper_tail"]) == pytest.approx((lower_tail, upper_tail))
            widest = None
            for level in result.levels:
                below, above = lower_tail < (1 - level) / 2, upper_tail < (1 - level) / 2
                if below or above:
                    widest = level
                    assert p["direction"] == ("below" if below else "above")
            assert (widest is None and np.isnan(p["outside"])) or p["outside"] == widest
            checked += 1
    assert checked == 40 * 21
    assert result.outside.shape[0] > 0  # the synthetic services do differ


def test_pooled_rate_is_the_ratio_of_totals(held_out):
    result = funnel(held_out, "2.2.3")
    yes = sum(r.key_question("2.2.3").k for r in held_out)
    relevant = sum(r.key_question("2.2.3").n for r in held_out)
    assert Fraction(result.pooled.loc["2.2.3", "pooled_rate"]).limit_denominator(10_000) == Fraction(yes, relevant)
    assert int(result.pooled.loc["2.2.3", "services"]) == 40


def test_limits_are_conservative_for_every_n():
    # P(a service at the pooled rate falls below the lower limit) < (1 - level) / 2, exactly,
    # and the same above the upper limit, for every n from 1 to 59 (brute force over the counts)
    for n in range(1, 60):
        ys = np.arange(n + 1)
        for level in (0.8, 0.95, 0.998):
            low, high = funnel_limits(0.68, n, level)
            assert binom.pmf(ys[ys < low[0] * n - 1e-9], n, 0.68).sum() < (1 - level) / 2
            assert binom.pmf(ys[ys > high[0] * n + 1e-9], n, 0.68).sum() < (1 - level) / 2


def test_only_shared_key_questions_and_bad_input():
    with pytest.warns(SamplingWarning, match="different frameworks funnelled together"):
        result = funnel(["essex-2018", "nottingham-city-2020", "calderdale-2022"])
    assert result.frameworks == {"essex-2018": "youth-2018", "nottingham-city-2020": "youth-2018",
                                 "calderdale-2022": "youth-2021"}
    assert "3.4.1" in result.pooled.index  # two 2018 reports have it
    assert set(result.points.loc[result.points.key_question == "3.4.1", "name"]) == {
        "essex-2018", "nottingham-city-2020"}
    with pytest.raises(SamplingError, match="at least 2 reports"):
        funnel(["essex-2018"])
    with pytest.raises(SamplingError, match="given more than once"):
        funnel(["essex-2018", "essex-2018"])
    with pytest.raises(SamplingError, match="in 1 of the reports"):
        funnel(["essex-2018", "calderdale-2022"], "3.4.1")
    with pytest.raises(SamplingError, match="levels"):
        funnel(["essex-2018", "calderdale-2022"], levels=(0.8, 95))
    assert funnel(["calderdale-2022", "sunderland-2022"]).warnings == ()  # one framework: no warning


def test_columns_do_not_change_with_the_arguments(held_out):
    one = funnel(held_out[:5], "2.1.1")
    every = funnel(held_out[:5])
    assert list(one.points.columns) == list(every.points.columns)
    assert list(one.limits.columns) == list(every.limits.columns)


def test_funnel_json_and_cli(capsys, tmp_path):
    ids = list_reports()
    plot = tmp_path / "funnel.png"
    code = main(["funnel", *ids, "--key-question", "2.1.2", "--json", "--plot", str(plot)])
    out, err = capsys.readouterr()
    warning, wrote = err.splitlines()  # 2018 and 2021 funnelled together: said in one line
    assert warning.startswith("warning: reports of different frameworks funnelled together")
    assert code == 0 and wrote == f"wrote {plot}" and plot.stat().st_size > 0
    data = json.loads(out)
    assert data["levels"] == [0.8, 0.95, 0.998]
    entry = data["key_questions"][0]
    assert entry["key_question"] == "2.1.2" and 0 < entry["pooled_rate"] < 1
    assert {p["name"] for p in entry["points"]} == set(ids)
    assert set(entry["points"][0]) >= {"name", "yes", "relevant", "percent", "outside"}
    assert [limit["level"] for limit in entry["limits"]] == [0.8, 0.95, 0.998]
    # Calderdale 2022 2.1.2: 7 of 11 (64 %), well below the pooled rate of the five reports
    calderdale = next(p for p in entry["points"] if p["name"] == "calderdale-2022")
    assert (calderdale["yes"], calderdale["relevant"], calderdale["percent"]) == (7, 11, 64)


def test_funnel_cli_refuses_a_single_report(capsys):
    code = main(["funnel", "essex-2018"])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "at least 2 reports" in err


def test_funnel_cli_all_key_questions_plot(capsys, tmp_path):
    plot = tmp_path / "all.png"
    assert main(["funnel", *list_reports(), "--plot", str(plot)]) == 0
    assert "outside" in capsys.readouterr().out and plot.stat().st_size > 0
    assert main(["funnel", *list_reports(), "--plot", str(plot)]) == 2  # exists: refused without --force
    assert "--force" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# the empirical prior


def test_log_likelihood_matches_scipy_betabinom(held_out):
    yes = np.array([r.key_question("2.1.1").k for r in held_out])
    relevant = np.array([r.key_question("2.1.1").n for r in held_out])
    for a, b in ((0.5, 0.5), (7.3, 2.1), (40.0, 9.0)):
        reference = betabinom.logpmf(yes, relevant, a, b).sum()  # scipy 1.17.1
        assert beta_binomial_log_likelihood(a, b, yes, relevant) == pytest.approx(reference, rel=1e-12)


@pytest.mark.parametrize("key_question", ["2.1.1", "3.2.2", None])
def test_fit_is_the_maximum_of_a_brute_force_grid(held_out, key_question):
    # brute force in this test: scipy.stats.betabinom.logpmf over a fine grid of (a, b) around
    # the fit; the fit must be at least as likely as every grid point, and no nudge improves it
    fitted = empirical_prior(held_out, key_question)
    table = fitted.to_frame()
    yes, relevant = table["yes"].to_numpy(), table["relevant"].to_numpy()

    def log_likelihood(a, b):
        return betabinom.logpmf(yes, relevant, a, b).sum()

    best = log_likelihood(fitted.a, fitted.b)
    assert best == pytest.approx(fitted.log_likelihood, rel=1e-10)
    grid_a = np.geomspace(fitted.a / 3, fitted.a * 3, 61)
    grid_b = np.geomspace(fitted.b / 3, fitted.b * 3, 61)
    values = np.array([[log_likelihood(a, b) for b in grid_b] for a in grid_a])
    assert best >= values.max() - 1e-7
    i, j = np.unravel_index(values.argmax(), values.shape)
    step = grid_a[1] / grid_a[0]
    assert grid_a[i] / step <= fitted.a <= grid_a[i] * step
    assert grid_b[j] / step <= fitted.b <= grid_b[j] * step
    for da, db in ((1.001, 1), (0.999, 1), (1, 1.001), (1, 0.999)):
        assert log_likelihood(fitted.a * da, fitted.b * db) <= best + 1e-9


def test_fit_recovers_the_generating_beta():
    # synthetic.reports draws each key question's rate from Beta(m c, (1 - m) c), c = 30;
    # with 120 services the fitted mean and concentration must be near them
    many = synthetic.reports(120, rng=99_016, concentration=30.0)
    fitted = empirical_prior(many, "2.3.1")
    rates = [r.key_question("2.3.1").k / r.key_question("2.3.1").n for r in many]
    assert fitted.mean == pytest.approx(np.mean(rates), abs=0.02)
    assert 15 < fitted.concentration < 60


def test_shrinkage_identity_and_direction(held_out):
    fitted = empirical_prior(held_out, "2.4.3")
    table = fitted.to_frame()
    assert np.allclose(table["shrunken"], (fitted.a + table["yes"]) / (fitted.a + fitted.b + table["relevant"]))
    assert np.allclose(table["shrunken"] - fitted.mean, table["weight"] * (table["raw"] - fitted.mean))
    low = np.minimum(table["raw"], fitted.mean) - 1e-12
    high = np.maximum(table["raw"], fitted.mean) + 1e-12
    assert ((low <= table["shrunken"]) & (table["shrunken"] <= high)).all()
    assert list(table.columns) == list(empirical_prior(held_out).to_frame().columns)


def test_prior_is_accepted_by_band_probabilities_and_rating_distribution(held_out):
    fitted = empirical_prior(held_out)
    a, b = fitted
    assert (a, b) == fitted.prior
    for prior in (fitted.prior, fitted):
        probabilities = band_probabilities(5, 11, prior=prior)
        assert probabilities.sum() == pytest.approx(1)
        dist = rating_distribution("calderdale-2022", prior=prior)
        assert dist.overall.sum() == pytest.approx(1)
    assert not np.allclose(band_probabilities(5, 11, prior=fitted.prior), band_probabilities(5, 11))


def test_no_spread_beyond_sampling_warns():
    # three services with 8 of 10 on every key question: less spread than sampling alone gives,
    # so the likelihood keeps rising with a + b up to the edge of the search
    rows = [(f"C{i}", kq, "yes" if i < 8 else "no")
            for spec in get_framework("youth-2021").standards for kq in spec.key_questions for i in range(10)]
    answers = pd.DataFrame(rows, columns=["case_id", "key_question", "answer"])
    ratings = dict.fromkeys(["1.1", "1.2", "1.3", "1.4", "3.4"], "Good")
    same = [report_from_answers(answers, qualitative=ratings, id=f"same-{i}") for i in range(3)]
    with pytest.warns(SamplingWarning, match="edge of the search"):
        fitted = empirical_prior(same, "2.1.1")
    assert fitted.at_boundary and fitted.mean == pytest.approx(0.8, abs=1e-5)
    assert fitted.concentration == pytest.approx(1e6, rel=1e-12)  # the edge itself, not near it


def test_prior_needs_two_reports():
    with pytest.raises(SamplingError, match="at least 2 reports"):
        empirical_prior(["essex-2018"])
    with pytest.raises(SamplingError, match="list of reports"):
        empirical_prior("essex-2018")


def test_synthetic_reports_are_reproducible_and_exact():
    first, again = synthetic.reports(3, rng=4), synthetic.reports(3, rng=4)
    assert [[(kq.k, kq.n) for kq in r.key_questions] for r in first] == \
        [[(kq.k, kq.n) for kq in r.key_questions] for r in again]
    assert all(kq.denominator == "answers" for r in first for kq in r.key_questions)
    with pytest.raises(SamplingError, match="count"):
        synthetic.reports(0)


def test_profile_slope_at_the_binomial_end_is_half_tarones_statistic():
    # Tarone (1979): S = sum (y - n p)^2 / (p q) - sum n, p the pooled rate, computed here in exact
    # fractions; the slope of the profile likelihood at phi = 1 / (a + b) = 0 is S / 2
    from sampling.across._funnel import _Counts

    rng = np.random.default_rng(7)
    for _ in range(20):
        relevant = rng.integers(1, 40, size=rng.integers(2, 9))
        yes = rng.binomial(relevant, rng.uniform(0.1, 0.9, size=relevant.size))
        if yes.sum() in (0, relevant.sum()):
            continue
        p = Fraction(int(yes.sum()), int(relevant.sum()))
        squares = sum((int(y) - int(n) * p) ** 2 for y, n in zip(yes, relevant, strict=True))
        tarone = squares / (p * (1 - p)) - int(relevant.sum())
        slope = _Counts(yes, relevant).profile_score(0.0)
        assert slope == pytest.approx(float(tarone) / 2, rel=1e-12, abs=1e-9)


def test_every_result_all_or_nothing_is_on_an_edge():
    # every result 100 %: no maximum, the closed form a + b = 1e6 and the mean expit(12);
    # some 0 % and some 100 %: the likelihood rises towards a + b = 1e-2 (each factor
    # (m + j phi) / (1 + j phi), j >= 1, grows with phi), with the mean near the share at 100 %
    from scipy.special import expit

    answers = pd.DataFrame([(f"C{i}", kq, "yes") for spec in get_framework("youth-2021").standards
                            for kq in spec.key_questions for i in range(6)],
                           columns=["case_id", "key_question", "answer"])
    none = answers.assign(answer="no")
    ratings = dict.fromkeys(["1.1", "1.2", "1.3", "1.4", "3.4"], "Good")
    every = [report_from_answers(answers, qualitative=ratings, id=f"all-{i}") for i in range(3)]
    with pytest.warns(SamplingWarning, match="edge of the search"):
        fitted = empirical_prior(every, "2.1.1")
    assert fitted.at_boundary and fitted.concentration == pytest.approx(1e6, rel=1e-12)
    assert fitted.mean == pytest.approx(float(expit(12.0)), rel=1e-12)
    mixed = every[:2] + [report_from_answers(none, qualitative=ratings, id="none")]
    with pytest.warns(SamplingWarning, match="edge of the search"):
        fitted = empirical_prior(mixed, "2.1.1")
    assert fitted.at_boundary and fitted.concentration == pytest.approx(1e-2, rel=1e-12)
    assert fitted.mean == pytest.approx(2 / 3, abs=0.01)
