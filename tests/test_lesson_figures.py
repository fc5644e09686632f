"""The figures of the lessons on uncertainty and discretion (sampling.plots): they draw what they say.

Each figure is read back from its matplotlib artists and compared with an independent computation
(statsmodels, scipy, or brute-force enumeration in this test).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import sampling  # noqa: E402
from sampling import plots  # noqa: E402
from sampling.framework import percent  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _legend_texts(fig) -> list[str]:
    return [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


@pytest.mark.parametrize("n", [8, 11, 17])
def test_coverage_curves_match_direct_enumeration(n):
    """Coverage at a rate = sum of binomial P(k) over the k whose interval holds the rate,
    recomputed here with statsmodels' proportion_confint (statsmodels 0.15) and scipy's binom."""
    from scipy.stats import binom
    from statsmodels.stats.proportion import proportion_confint

    rates = np.array([0.03, 0.2, 0.45, 0.5, 0.63, 0.8, 0.97])
    fig = plots.interval_coverage(n, ["wilson", "clopper-pearson"], rates=rates)
    drawn = {line.get_label().split(":")[0]: line.get_ydata() for line in fig.axes[0].lines[:2]}
    for method, name in (("wilson", "wilson"), ("clopper-pearson", "beta")):
        expected = []
        for p in rates:
            total = 0.0
            for k in range(n + 1):
                low, high = proportion_confint(k, n, alpha=0.2, method=name)
                if low - 1e-12 <= p <= high + 1e-12:
                    total += binom.pmf(k, n, p)
            expected.append(total)
        np.testing.assert_allclose(drawn[method], expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("n", [8, 11, 27, 43])
def test_clopper_pearson_never_below_and_wilson_on_average(n):
    """Brown, Cai and DasGupta (2001): Clopper-Pearson's coverage is at least the nominal level at
    every rate; Wilson's averages close to it but falls below at some rates."""
    fig = plots.interval_coverage(n, ["wilson", "clopper-pearson"])
    wilson, clopper = (line.get_ydata() for line in fig.axes[0].lines[:2])
    assert clopper.min() >= 0.80 - 1e-12
    assert wilson.min() < 0.80
    assert abs(wilson.mean() - 0.80) < 0.03


def test_attainable_percentages_are_every_printed_count():
    """Brute force: the ticks of each row are percent(k, n) for k = 0..n."""
    ns = [8, 11, 17, 27, 43]
    fig = plots.attainable_percentages(ns)
    rows = [line.get_xdata() for line in fig.axes[0].lines if line.get_marker() == "|"]
    assert len(rows) == len(ns)
    for n, ticks in zip(ns, rows, strict=True):
        assert list(ticks) == [percent(k, n) for k in range(n + 1)]


@pytest.mark.parametrize("k, n", [(5, 11), (0, 8), (8, 8), (35, 41)])
def test_process_band_plot_areas_are_the_band_probabilities(k, n):
    """The area under the drawn density over each band is that band's probability (trapezoid
    integration of the drawn curve, per percentage point, within 0.005)."""
    fig = plots.band_probability_plot(k, n)
    x, density = fig.axes[0].lines[0].get_xdata(), fig.axes[0].lines[0].get_ydata()
    expected = sampling.band_probabilities(k, n)
    assert _legend_texts(fig)[:4] == [f"{label}: {p:.3f}" for label, p in expected.items()]
    cuts = [0.0, *(100 * c for c in sampling.framework.proportion_cutoffs()), 100.0]
    if 0 < k < n:  # with k = 0 or n the Jeffreys density is unbounded at the end, too sharp for a grid
        for (low, high), p in zip(zip(cuts[:-1], cuts[1:], strict=True), expected, strict=True):
            inside = (x >= low) & (x <= high)
            assert np.trapezoid(density[inside], x[inside]) == pytest.approx(p, abs=0.005)


@pytest.mark.parametrize("k, n, population", [(13, 20, 40), (35, 41, 54), (6, 8, 8), (0, 8, 30)])
def test_finite_band_plot_bars_sum_to_one_by_band(k, n, population):
    """The bars are the predictive distribution of K/N: they sum to 1, and by the band of their
    printed percentage to band_probabilities(k, n, population=N)."""
    fig = plots.band_probability_plot(k, n, population=population)
    bars = fig.axes[0].patches
    heights = np.array([bar.get_height() for bar in bars])
    centres = np.array([bar.get_x() + bar.get_width() / 2 for bar in bars])
    assert heights.sum() == pytest.approx(1.0, abs=1e-12)
    assert len(bars) == population - n + 1
    totals = np.rint(centres * population / 100).astype(int)
    assert totals.tolist() == list(range(k, k + population - n + 1))
    by_band = np.zeros(4)
    for total, height in zip(totals, heights, strict=True):
        by_band[int(sampling.band(percent(int(total), population)))] += height
    np.testing.assert_allclose(by_band, sampling.band_probabilities(k, n, population=population), atol=1e-12)


def test_report_score_distribution_marks_published_and_rule_scores(report_id):
    table = sampling.rate_report(report_id)
    fig = plots.report_score_distribution(report_id)
    texts = _legend_texts(fig)
    marks = {line.get_xdata()[0] for line in fig.axes[0].lines}
    assert marks == {table.published_score, table.rule_score}
    if table.published_score == table.rule_score:
        assert texts[-1] == f"published score = rule score: {table.published_score}"
    else:
        assert texts[-2:] == [f"published score: {table.published_score}", f"rule score: {table.rule_score}"]
    heights = [bar.get_height() for bar in fig.axes[0].patches if bar.get_width() < 1]
    assert sum(heights) == pytest.approx(1.0, abs=1e-9)


def test_operating_curves_keep_equal_curves_distinguishable():
    """strict and posterior(0.5) coincide (posterior(0.5) fires upwards almost never, here not once), so every curve must
    differ from every other in dash, marker or width: no legend entry hidden beneath another."""
    fig = plots.operating_curves(11)
    lines = fig.axes[0].lines
    by_name = {line.get_label(): line for line in lines}
    np.testing.assert_array_equal(by_name["strict"].get_ydata(), by_name["posterior(0.5)"].get_ydata())
    looks = [(str(line.get_linestyle()), line.get_marker(), line.get_linewidth(), line.get_color())
             for line in lines]
    for i in range(len(looks)):
        for j in range(i + 1, len(looks)):
            assert looks[i][:3] != looks[j][:3], (lines[i].get_label(), lines[j].get_label())
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == \
        [rule.name for rule in sampling.rules.default_rules()]


def test_rule_errors_bars_are_the_table():
    table = sampling.compare_rules(n=11, key_questions=3, prior="reports")
    fig = plots.rule_errors(table)
    patches = fig.axes[0].patches
    rows = len(table)
    assert len(patches) == 3 * rows
    widths = np.array([p.get_width() for p in patches]).reshape(3, rows)  # too low, right, too high
    reversed_table = table.iloc[::-1]
    for segment, column in enumerate(("p_too_low", "p_correct", "p_too_high")):
        np.testing.assert_allclose(widths[segment], reversed_table[column].to_numpy(), atol=1e-12)
    np.testing.assert_allclose(widths.sum(axis=0), 1.0, atol=1e-9)
