"""The figures of lesson 1 (why sample and how many) draw what they claim.

Each figure is read back from its matplotlib artists and recomputed here independently: binomial
coefficients in exact integer arithmetic (``math.comb``), the normal quantile from the standard
library (``statistics.NormalDist``), and the rules' scalar ``percent`` and ``band`` one case at a time.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from sampling import SamplingError, plots  # noqa: E402
from sampling.framework import band, percent  # noqa: E402

#: the reports' "confidence level of 80 per cent (with a margin of error of 5)" (Essex 2018, Annex 1),
#: as integers: P >= 4/5 and |x/n - K/N| <= 1/20
CONFIDENCE_NUM, CONFIDENCE_DEN = 4, 5
MARGIN_DEN = 20


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _legend(fig) -> list[str]:
    return [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def _labelled(fig) -> None:
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    labels = _legend(fig)
    assert len(labels) == len(set(labels)), labels  # no entry twice


def _hypergeom(k: int, population: int, yes: int, n: int) -> float:
    return math.comb(yes, k) * math.comb(population - yes, n - k) / math.comb(population, n)


def _within(x: int, n: int, big_k: int, population: int) -> bool:
    """|x/n - K/N| <= 1/20, decided in integers."""
    return MARGIN_DEN * abs(x * population - big_k * n) <= n * population


# --------------------------------------------------------------------------------------------
# sample_spread


@pytest.mark.parametrize("n, population, yes, seed", [(20, 57, 34, 1), (43, 57, 34, 1), (28, 33, 21, 5),
                                                      (11, 11, 6, 0), (12, 40, 0, 3)])
def test_sample_spread_bars_and_dots_are_the_draws_and_the_hypergeometric(n, population, yes, seed):
    draws = 2000
    fig = plots.sample_spread(n, population, yes, draws=draws, rng=seed)
    _labelled(fig)
    ax = fig.axes[0]
    within, outside = ax.containers
    heights = {round(bar.get_x() + bar.get_width() / 2, 9): bar.get_height() for bar in [*within, *outside]}
    # every k = 0..n has one bar, and the bars are a distribution
    assert len(heights) == n + 1
    assert sum(heights.values()) == pytest.approx(1.0)
    # the bars are the shares of the same seeded draws, counted here
    drawn = np.random.default_rng(seed).hypergeometric(yes, population - yes, n, size=draws)
    for k in range(n + 1):
        assert heights[round(100 * k / n, 9)] == pytest.approx(np.mean(drawn == k))
    # dark bars exactly where the share is within five points of the truth
    dark = {round(bar.get_x() + bar.get_width() / 2, 9) for bar in within}
    assert dark == {round(100 * k / n, 9) for k in range(n + 1) if _within(k, n, yes, population)}
    # the dots are the hypergeometric probabilities, from binomial coefficients
    dots = ax.lines[0]
    np.testing.assert_allclose(dots.get_ydata(), [_hypergeom(k, population, yes, n) for k in range(n + 1)],
                               rtol=1e-10, atol=1e-15)
    # the legend's shares: simulated as counted, exact as enumerated, and the two agree within
    # four Monte Carlo standard errors
    hits = int(sum(_within(int(x), n, yes, population) for x in drawn))
    exact = sum(_hypergeom(k, population, yes, n) for k in range(n + 1) if _within(k, n, yes, population))
    labels = _legend(fig)
    assert labels[1] == f"simulated: {hits:,} of {draws:,} samples ({hits / draws:.1%}) within ±5 points"
    assert labels[3] == f"exact (hypergeometric): {exact:.1%} within ±5 points"
    assert abs(hits / draws - exact) <= 4 * math.sqrt(max(exact * (1 - exact), 1e-12) / draws) + 1e-12


def test_sample_spread_same_seed_same_figure_and_a_census_never_misses():
    first = plots.sample_spread(20, 57, 34, rng=9)
    second = plots.sample_spread(20, 57, 34, rng=9)
    assert _legend(first) == _legend(second)
    census = plots.sample_spread(17, 17, 11, draws=50, rng=2)
    assert _legend(census)[1] == "simulated: 50 of 50 samples (100.0%) within ±5 points"


@pytest.mark.parametrize("kwargs, word", [
    ({"n": 60, "population": 57, "yes": 30}, "n = 60"),
    ({"n": 20, "population": 57, "yes": 58}, "yes"),
    ({"n": 20, "population": 57, "yes": 30, "margin": 5}, "margin"),
    ({"n": 20, "population": 57, "yes": 30, "draws": 0}, "draws"),
    ({"n": 20, "population": 57, "yes": 30, "rng": -1}, "rng"),
])
def test_sample_spread_refuses_bad_input(kwargs, word):
    with pytest.raises(SamplingError, match=word):
        plots.sample_spread(**kwargs)


# --------------------------------------------------------------------------------------------
# sample_sizes_by_population


def _cochran(population: int, correction: str) -> int:
    """Cochran (1977) section 4.4, with z from the standard library, rounded up, never above N."""
    z = NormalDist().inv_cdf(1 - (1 - CONFIDENCE_NUM / CONFIDENCE_DEN) / 2)
    n0 = z * z * 0.25 * MARGIN_DEN ** 2
    raw = n0 / (1 + (n0 - 1) / population) if correction == "cochran" else n0 / (1 + n0 / population)
    return min(math.ceil(raw - 1e-9), population)


def _exact_by_enumeration(population: int) -> int:
    """The smallest n with P(|X/n - K/N| <= 1/20) >= 4/5 for every K, all in integers."""
    for n in range(1, population):
        total = math.comb(population, n)
        if all(CONFIDENCE_DEN * sum(math.comb(k, x) * math.comb(population - k, n - x)
                                    for x in range(n + 1) if _within(x, n, k, population))
               >= CONFIDENCE_NUM * total for k in range(population + 1)):
            return n
    return population


def test_sample_sizes_by_population_draws_each_method():
    top = 40
    fig = plots.sample_sizes_by_population(top)
    _labelled(fig)
    lines = {line.get_label(): line for line in fig.axes[0].lines}
    cochran = lines["normal, Cochran form (the reports)"].get_ydata()
    simple = lines["normal, simple form"].get_ydata()
    exact = lines["exact (hypergeometric)"].get_ydata()
    populations = range(1, top + 1)
    assert list(cochran) == [_cochran(N, "cochran") for N in populations]
    assert list(simple) == [_cochran(N, "simple") for N in populations]
    assert list(exact) == [_exact_by_enumeration(N) for N in populations]
    # the rings are where the two forms differ, and their label names those N
    differ = [N for N in populations if _cochran(N, "cochran") != _cochran(N, "simple")]
    ringed = [line for line in fig.axes[0].lines if line.get_marker() == "o"][0]
    assert list(ringed.get_xdata()) == differ
    assert ringed.get_label() == "simple form one case below Cochran: N = " + ", ".join(map(str, differ))


def test_sample_sizes_invariants_up_to_a_hundred():
    fig = plots.sample_sizes_by_population(100)
    lines = {line.get_label(): np.asarray(line.get_ydata()) for line in fig.axes[0].lines}
    cochran, simple = lines["normal, Cochran form (the reports)"], lines["normal, simple form"]
    exact = lines["exact (hypergeometric)"]
    populations = np.arange(1, 101)
    for sizes in (cochran, simple, exact):
        assert np.all(sizes <= populations)
    for sizes in (cochran, simple):
        assert np.all(np.diff(sizes) >= 0)  # the normal sizes never fall as N grows
    assert np.all((cochran - simple >= 0) & (cochran - simple <= 1))
    assert np.all(exact >= cochran)
    # the smallest n meeting the criterion can fall by a case as N grows (the lattice of K/N moves):
    # 40 for 46, 39 for 47, as the enumeration in integers confirms; the toolkit's exact size is
    # defined stable and non-decreasing in N, so it never falls, and it is at least that smallest n
    assert (_exact_by_enumeration(46), _exact_by_enumeration(47)) == (40, 39)
    assert np.all(np.diff(exact) >= 0)
    assert exact[45] >= 40 and exact[46] >= 40
    # Essex 2018, Annex 1: 43 post-court cases, what the formula gives for 57 eligible
    assert cochran[56] == 43


# --------------------------------------------------------------------------------------------
# margin_curves


def _margin(n: int, population: int | None) -> float:
    """e = z sqrt(p (1 - p) / n x (N - n) / (N - 1)) at p = 1/2 (Cochran 1977, section 4.4), in points."""
    z = NormalDist().inv_cdf(1 - (1 - CONFIDENCE_NUM / CONFIDENCE_DEN) / 2)
    factor = 1.0 if population is None else ((population - n) / (population - 1) if population > 1 else 0.0)
    return 100 * z * math.sqrt(0.25 / n * factor)


def test_margin_curves_are_the_formula_and_fall_to_zero_at_a_census():
    populations = (20, 57, None)
    fig = plots.margin_curves(populations, mark=[("Essex 2018, court", 43, 57)], max_n=120)
    _labelled(fig)
    curves = [line for line in fig.axes[0].lines if line.get_label().startswith(("N =", "unlimited"))]
    assert [line.get_label() for line in curves] == ["N = 20", "N = 57", "unlimited population"]
    for line, population in zip(curves, populations, strict=True):
        ns, values = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
        assert list(ns) == list(range(1, (population or 120) + 1))
        np.testing.assert_allclose(values, [_margin(int(n), population) for n in ns], rtol=1e-9, atol=1e-12)
        assert np.all(np.diff(values) < 0)  # more cases, smaller margin, by brute force over every n
        if population is not None:
            assert values[-1] == 0.0
    ring = [line for line in fig.axes[0].lines if line.get_label().startswith("Essex")][0]
    assert ring.get_ydata()[0] == pytest.approx(_margin(43, 57))
    assert ring.get_label() == f"Essex 2018, court: 43 of 57, ±{_margin(43, 57):.2f} points"


# --------------------------------------------------------------------------------------------
# band_accuracy_plot


def _p_right_band(n: int, population: int, yes: int) -> float:
    """P(band of the printed sample percentage = band of the printed population percentage)."""
    truth = band(percent(yes, population))
    return sum(_hypergeom(k, population, yes, n) for k in range(n + 1) if band(percent(k, n)) is truth)


def _p_right_band_process(n: int, step: int) -> float:
    """The same with X ~ Binomial(n, step / 200); the true band is that of the printed rate,
    percent(step, 200), the grid being every half point."""
    rate, truth = step / 200, band(percent(step, 200))
    return sum(math.comb(n, k) * rate ** k * (1 - rate) ** (n - k) for k in range(n + 1)
               if band(percent(k, n)) is truth)


def test_band_accuracy_plot_is_the_enumerated_probability():
    samples = [(20, 57), (43, 57), (28, 33), (17, 17)]
    fig = plots.band_accuracy_plot(samples)
    _labelled(fig)
    curves = fig.axes[0].lines[:len(samples)]
    for line, (n, population) in zip(curves, samples, strict=True):
        x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
        np.testing.assert_allclose(x, 100 * np.arange(population + 1) / population)
        expected = [_p_right_band(n, population, yes) for yes in range(population + 1)]
        np.testing.assert_allclose(y, expected, rtol=1e-9, atol=1e-12)
        sure = sum(p >= CONFIDENCE_NUM / CONFIDENCE_DEN - 1e-12 for p in expected)
        assert line.get_label().endswith(f"for {sure} of {population + 1} possible true rates")
    assert np.all(np.asarray(curves[3].get_ydata()) == pytest.approx(1.0))  # a census is always right
    # a sample sized for five points is right more often on average and at 80 per cent for more true
    # rates than one of 20, though not at every rate: at 46 of 57 the lattice favours 20 (0.68 to 0.55)
    small, sized = np.asarray(curves[0].get_ydata()), np.asarray(curves[1].get_ydata())
    assert sized.mean() > small.mean()
    assert (sized >= CONFIDENCE_NUM / CONFIDENCE_DEN - 1e-12).sum() > (small >= CONFIDENCE_NUM / CONFIDENCE_DEN - 1e-12).sum()
    assert small[46] > sized[46]


def test_band_accuracy_plot_for_an_unlimited_population():
    fig = plots.band_accuracy_plot([(30, None)])
    line = fig.axes[0].lines[0]
    x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
    assert x.size == 201
    picks = [0, 40, 99, 100, 128, 129, 150, 158, 159, 200]  # around each band's edge, and the ends
    np.testing.assert_allclose(y[picks], [_p_right_band_process(30, i) for i in picks], atol=1e-9)
    assert "30 cases, unlimited population, margin ±11.7 points" in line.get_label()
