"""Figures (matplotlib). Nothing is drawn at import time, and matplotlib itself is imported only
when a function here is called.

Each function returns the matplotlib ``Figure`` and takes an optional ``ax`` to draw into.
"""

from __future__ import annotations

import numpy as np

from .framework import BAND_LOWER_BOUNDS, SCORE_BANDS, Rating

__all__ = ["BAND_COLOURS", "band_ladder", "score_distribution", "operating_curves", "confusion_matrix"]

#: One colour per rating, worst first (colour-blind-safe, light enough to print text over).
BAND_COLOURS = {
    Rating.INADEQUATE: "#f4a582",
    Rating.REQUIRES_IMPROVEMENT: "#fddbc7",
    Rating.GOOD: "#d1e5f0",
    Rating.OUTSTANDING: "#92c5de",
}


def _axes(ax, figsize):
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def _band_edges() -> list[tuple[Rating, float, float]]:
    lowers = [0, *BAND_LOWER_BOUNDS.values(), 100]
    return [(Rating(i), lowers[i], lowers[i + 1]) for i in range(len(Rating))]


def band_ladder(report, *, mode: str = "process", confidence: float = 0.80, method: str | None = None,
                populations=None, ax=None):
    """Each key question's printed percentage and interval over the coloured rating bands.

    Parameters
    ----------
    report : Report, bundled id or path
    mode : {"process", "finite"}
        "process": binomial intervals (``method``, Wilson by default); "finite": the
        hypergeometric interval for the eligible cases (populations as in
        :func:`sampling.uncertainty.rating_distribution`).
    """
    from .reports import load_report
    from .uncertainty import default_populations, interval, key_question_population

    report = load_report(report)
    if mode == "finite" and populations is None:
        populations = default_populations(report)

    rows = []
    for standard in report.standards:
        for kq in standard.key_questions:
            population = key_question_population(kq, report, populations) if mode == "finite" else None
            result = interval(kq.k, kq.n, population=population, confidence=confidence,
                              method=method if mode == "process" else None)
            rows.append((kq, result))
    fig, ax = _axes(ax, (8, 0.32 * len(rows) + 1.5))
    for rating, low, high in _band_edges():
        ax.axvspan(low, high, color=BAND_COLOURS[rating], zorder=0, label=rating.label)
    for bound in BAND_LOWER_BOUNDS.values():
        ax.axvline(bound, color="0.3", linewidth=0.8, linestyle="--", zorder=1)
    y = np.arange(len(rows))[::-1]
    for yi, (kq, result) in zip(y, rows, strict=True):
        ax.plot([result.low * 100, result.high * 100], [yi, yi], color="0.15", linewidth=2, zorder=2)
        ax.plot(kq.percent, yi, "o", color="0.05", markersize=5, zorder=3)
    ax.set_yticks(y, [f"{kq.id}  {kq.k}/{kq.n}" for kq, _ in rows], fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_ylim(-1.6, len(rows) - 0.4)  # room for the legend below the last key question
    ax.set_xlabel("% yes (dot: printed; line: interval)")
    kind = rows[0][1].method if rows else ""
    ax.set_title(f"{report.service}: key questions, {confidence:.0%} {kind} intervals ({mode})", fontsize=10)
    ax.legend(loc="lower left", fontsize=7, ncols=4, framealpha=0.9)
    fig.tight_layout()
    return fig


def score_distribution(distribution, *, ax=None):
    """Bar chart of the 0-36 score's distribution with the overall bands shaded.

    ``distribution`` is a :class:`sampling.uncertainty.RatingDistribution`.
    """
    fig, ax = _axes(ax, (8, 3.2))
    for rating, (low, high) in SCORE_BANDS.items():
        ax.axvspan(low - 0.5, high + 0.5, color=BAND_COLOURS[rating], zorder=0,
                   label=f"{rating.label} {distribution.overall[rating.label]:.2f}")
    scores = distribution.score.index.to_numpy()
    ax.bar(scores, distribution.score.to_numpy(), color="0.25", width=0.8, zorder=2)
    ax.set_xlim(-0.5, scores.max() + 0.5)
    ax.set_xlabel("score (0-36)")
    ax.set_ylabel("probability")
    ax.set_title(f"{distribution.report}: score distribution ({distribution.mode}); "
                 f"P(published {distribution.published_overall.label}) = "
                 f"{distribution.p_published_overall:.2f}", fontsize=10)
    ax.legend(loc="upper left", fontsize=7, framealpha=0.9)
    fig.tight_layout()
    return fig


def operating_curves(n: int, rules=None, *, population=None, key_questions: int = 1, rates=None, ax=None):
    """P(correct band) against the true rate, one curve per discretion rule (exact, independent
    key questions; :func:`sampling.discretion.operating_characteristic`), over the shaded bands.
    """
    from .discretion import _as_rules, operating_characteristic

    fig, ax = _axes(ax, (8, 3.6))
    for rating, low, high in _band_edges():
        ax.axvspan(low, high, color=BAND_COLOURS[rating], zorder=0)
    for rule in _as_rules(rules):
        oc = operating_characteristic(n, rule=rule, population=population, rates=rates,
                                      key_questions=key_questions)
        ax.plot(oc.index.to_numpy() * 100, oc["p_correct"].to_numpy(), label=rule.name, linewidth=1.4)
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 1)
    ax.set_xlabel("true rate (%)")
    ax.set_ylabel("P(correct band)")
    where = f", from {population} eligible" if population else ""
    ax.set_title(f"{key_questions} key question(s) of {n} cases{where}: chance of the right rating",
                 fontsize=10)
    ax.legend(fontsize=7, loc="lower right", framealpha=0.9)
    fig.tight_layout()
    return fig


def confusion_matrix(result, *, with_rule: bool = True, ax=None):
    """Heat map of a :class:`sampling.discretion.SimulationResult`'s true against awarded bands,
    as shares of each true band's simulated ratings."""
    fig, ax = _axes(ax, (4.6, 4))
    table = result.confusion_with_rule if with_rule and result.rule else result.confusion
    counts = table.to_numpy(dtype=float)
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    short = ["Inad.", "RI", "Good", "Outs."]
    ax.set_xticks(range(4), short)
    ax.set_yticks(range(4), short)
    ax.set_xlabel("awarded")
    ax.set_ylabel("true")
    for i in range(4):
        for j in range(4):
            if counts[i].sum():
                ax.text(j, i, f"{shares[i, j]:.2f}", ha="center", va="center",
                        color="white" if shares[i, j] > 0.6 else "black", fontsize=8)
    label = result.rule if with_rule and result.rule else "no rule"
    ax.set_title(f"true against awarded band ({label})", fontsize=10)
    fig.tight_layout()
    return fig


__all__ += ["exact_coverage_curve", "exact_size_curve", "band_accuracy_curve"]


def exact_coverage_curve(population=None, *, confidence: float = 0.80, margin: float = 0.05, sizes=None,
                         ax=None):
    """The saw-tooth of the exact criterion: the worst-case coverage of +-``margin`` against n.

    Plots :func:`sampling.size.exact_coverage` (the minimum over population proportions of
    P(|p-hat - P| <= margin)) for each n in ``sizes`` (by default 40 either side of the exact
    size), the target ``confidence``, the smallest n that meets it, and the exact size of
    :func:`sampling.size.sample_size` (the smallest n from which every larger n meets it).
    """
    from .size import exact_coverage, sample_size

    exact = sample_size(population, confidence=confidence, margin=margin, method="exact").n
    if sizes is None:
        top = exact + 40 if population is None else min(population - 1, exact + 40)
        sizes = range(max(1, exact - 40), top + 1)
    sizes = np.array(list(sizes))
    coverage = np.array([exact_coverage(int(n), population, margin) for n in sizes])
    meets = coverage >= confidence - 1e-12
    fig, ax = _axes(ax, (8, 3.6))
    ax.plot(sizes, coverage, color="0.25", linewidth=1, zorder=2)
    ax.scatter(sizes[meets], coverage[meets], s=10, color="#2166ac", zorder=3, label="meets the target")
    ax.scatter(sizes[~meets], coverage[~meets], s=10, color="#b2182b", zorder=3, label="falls short")
    ax.axhline(confidence, color="0.3", linestyle="--", linewidth=0.8)
    if meets.any():
        first = sizes[meets][0]
        ax.axvline(first, color="#b2182b", linewidth=0.8, linestyle=":",
                   label=f"first n that meets it: {first}")
    ax.axvline(exact, color="#2166ac", linewidth=1.2, label=f"exact size (every n from here): {exact}")
    where = "an unlimited population" if population is None else f"{population} eligible cases"
    ax.set_xlabel("sample size n")
    ax.set_ylabel(f"worst-case P(|p-hat - P| <= {margin * 100:g} pts)")
    ax.set_title(f"Exact criterion at {confidence:.0%} and {margin * 100:g} points, {where}", fontsize=10)
    ax.legend(fontsize=7, loc="lower right", framealpha=0.9)
    fig.tight_layout()
    return fig


def exact_size_curve(populations=range(2, 301), *, confidence: float = 0.80, margin: float = 0.05, ax=None):
    """The exact sample size against the population: the first n that meets the criterion
    (which dips as N grows) beside :func:`sampling.size.sample_size`'s exact size (which never
    falls) and the normal (Cochran) size."""
    from .size import exact_coverage, sample_size

    populations = np.array(list(populations))
    first, exact, normal = [], [], []
    for population in populations:
        population = int(population)
        n = 1
        while n < population and exact_coverage(n, population, margin) < confidence - 1e-12:
            n += 1
        first.append(n)
        exact.append(sample_size(population, confidence=confidence, margin=margin, method="exact").n)
        normal.append(sample_size(population, confidence=confidence, margin=margin).n)
    first, exact = np.array(first), np.array(exact)
    fig, ax = _axes(ax, (8, 3.8))
    ax.plot(populations, normal, color="0.6", linewidth=1, label="normal approximation (Cochran)")
    ax.plot(populations, first, color="#b2182b", linewidth=0.9, label="first n that meets the criterion")
    ax.plot(populations, exact, color="#2166ac", linewidth=1.4, label="exact size (stable, never falls)")
    dips = populations[1:][np.diff(first) < 0]
    ax.scatter(dips, first[1:][np.diff(first) < 0], s=12, color="#b2182b", zorder=3,
               label=f"where the first n falls ({dips.size} populations)")
    ax.set_xlabel("eligible cases N")
    ax.set_ylabel("sample size n")
    ax.set_title(f"Sample size by population at {confidence:.0%} and {margin * 100:g} points", fontsize=10)
    ax.legend(fontsize=7, loc="lower right", framealpha=0.9)
    fig.tight_layout()
    return fig


def band_accuracy_curve(result, *, ax=None):
    """The probability of the right band against the true rate, over the shaded bands.

    ``result`` is a :class:`sampling.size.BandAccuracy`; rates within its ``distance`` of a band
    boundary are hatched, and the worst eligible rate is marked.
    """
    fig, ax = _axes(ax, (8, 3.6))
    for rating, low, high in _band_edges():
        ax.axvspan(low, high, color=BAND_COLOURS[rating], zorder=0)
    for bound in BAND_LOWER_BOUNDS.values():
        ax.axvspan(bound - result.distance, bound + result.distance, facecolor="none", hatch="///",
                   edgecolor="0.6", linewidth=0, zorder=1)
    rates = np.array(result.rates) * 100
    ax.plot(rates, result.accuracy, color="0.1", linewidth=1.2, zorder=2)
    ax.plot(result.worst_rate * 100, result.worst_accuracy, "o", color="#b2182b", zorder=3,
            label=f"worst at {result.distance:g}+ points from a boundary: {result.worst_accuracy:.1%} "
                  f"at {result.worst_rate:.1%}")
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("true rate (%)")
    ax.set_ylabel("P(printed band = true band)")
    where = (f"{result.n} of {result.population} eligible cases (finite view)" if result.population
             else f"{result.n} cases (process view)")
    ax.set_title(f"Band accuracy: {where}", fontsize=10)
    ax.legend(fontsize=7, loc="lower right", framealpha=0.9)
    fig.tight_layout()
    return fig
