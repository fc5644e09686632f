"""Figures (matplotlib). Nothing is drawn at import time, and matplotlib itself is imported only
when a function here is called.

Each function returns the matplotlib ``Figure`` and takes an optional ``ax`` to draw into.
"""

from __future__ import annotations

import numpy as np

from .framework import BAND_LOWER_BOUNDS, SCORE_BANDS, Rating

__all__ = ["BAND_COLOURS", "OUTCOME_COLOURS", "band_ladder", "score_distribution",
           "operating_curves", "confusion_matrix", "attainable_percentages", "interval_coverage",
           "band_probability_plot", "report_score_distribution", "rule_errors",
           "balance_deviations", "imbalance_counts", "inclusion_frequencies",
           "printed_percentages", "lowest_key_questions", "score_bar", "funnel_plot",
           "change_plot", "sample_spread", "sample_sizes_by_population", "margin_curves",
           "band_accuracy_plot"]

#: One colour per rating, worst first (colour-blind-safe, light enough to print text over).
BAND_COLOURS = {
    Rating.INADEQUATE: "#f4a582",
    Rating.REQUIRES_IMPROVEMENT: "#fddbc7",
    Rating.GOOD: "#d1e5f0",
    Rating.OUTSTANDING: "#92c5de",
}


def _axes(ax, figsize):
    if ax is None:
        import matplotlib.pyplot as plt  # only for a new figure: axes given need no pyplot

        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def _band_edges() -> list[tuple[Rating, float, float]]:
    lowers = [0, *BAND_LOWER_BOUNDS.values(), 100]
    return [(Rating(i), lowers[i], lowers[i + 1]) for i in range(len(Rating))]


def band_ladder(report, *, mode: str = "process", confidence: float = 0.80, method: str | None = None,
                populations=None, ax=None):
    """Each key question's printed percentage and interval over the coloured rating bands.

    The intervals are :func:`sampling.interval`'s (Wilson 1927 by default; the hypergeometric
    interval of Wright 1991 in the finite view).

    Parameters
    ----------
    report : Report, str or path
        A report, a bundled report's id or a report file.
    mode : {"process", "finite"}, default "process"
        "process": binomial intervals (``method``, Wilson by default); "finite": the
        hypergeometric interval for the eligible cases (populations as in
        :func:`sampling.uncertainty.rating_distribution`).
    confidence : float, default 0.80
        The intervals' confidence level.
    method : str, optional
        The binomial interval method of the process view (:func:`sampling.interval`).
    populations : mapping of str to int, optional
        Eligible cases per sample for the finite view (default: those the samples imply).
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Raises
    ------
    ReportError
        For an unknown report id or a bad report file.
    SamplingError
        For a bad confidence, method or populations.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = band_ladder("calderdale-2022")
    >>> fig.axes[0].get_title()
    'Calderdale Youth Justice Service: key questions, 80% wilson intervals (process)'
    >>> [label.get_text() for label in fig.axes[0].get_yticklabels()][:2]
    ['2.1.1  8/11', '2.1.2  7/11']
    >>> plt.close(fig)
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

    Parameters
    ----------
    distribution : RatingDistribution
        From :func:`sampling.rating_distribution`.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sampling import rating_distribution
    >>> fig = score_distribution(rating_distribution("calderdale-2022"))
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['Inadequate 0.00', 'Requires improvement 0.99', 'Good 0.01', 'Outstanding 0.00']
    >>> plt.close(fig)
    """
    fig, ax = _axes(ax, (8, 3.2))
    if len(distribution.score) == 1:  # a framework rated by areas has no score: the overall rating
        return _overall_bars(distribution, fig, ax)
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


def _overall_bars(distribution, fig, ax):
    """P(each overall rating), one bar per rating in its band colour (no score to show)."""
    labels = list(distribution.overall.index)
    colours = [BAND_COLOURS[Rating.from_label(x)] for x in labels]
    ax.bar(labels, distribution.overall.to_numpy(), color=colours,
           edgecolor="0.25", zorder=2)
    ax.set_ylim(0, 1)
    ax.set_ylabel("probability")
    ax.set_title(f"{distribution.report}: overall rating distribution ({distribution.mode}); "
                 f"P(published {distribution.published_overall.label}) = "
                 f"{distribution.p_published_overall:.2f}", fontsize=10)
    fig.tight_layout()
    return fig


def operating_curves(n: int, rules=None, *, population=None, key_questions: int = 1, rates=None, ax=None):
    """P(correct band) against the true rate, one curve per discretion rule, over the bands.

    Exact, for independent key questions (:func:`sampling.discretion.operating_characteristic`,
    the operating characteristic of multiple-category lot quality assurance sampling; Olives et
    al. 2012).

    Parameters
    ----------
    n : int
        Cases judged per key question.
    rules : rule, name, callable or a sequence of them, optional
        One curve each (default: :func:`sampling.rules.default_rules`).
    population : int, optional
        Eligible cases (finite population).
    key_questions : int, default 1
        Key questions of the standard.
    rates : sequence of float, optional
        True rates (default 0 to 1 in steps of 0.005).
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Raises
    ------
    SamplingError
        For an unknown rule or any argument :func:`sampling.operating_characteristic` refuses.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = operating_curves(11, ["strict", "cases(1)"])
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()], fig.axes[0].get_ylabel()
    (['strict', 'cases(1)'], 'P(correct band)')
    >>> plt.close(fig)
    """
    from .discretion import operating_characteristic
    from .rules import resolve

    fig, ax = _axes(ax, (8, 3.6))
    for rating, low, high in _band_edges():
        ax.axvspan(low, high, color=BAND_COLOURS[rating], zorder=0)
    for i, rule in enumerate(resolve(rules)):
        oc = operating_characteristic(n, rule=rule, population=population, rates=rates,
                                      key_questions=key_questions)
        # each rule its own colour, dash and marker (offset), so that equal curves (strict and
        # posterior(0.5) coincide) both stay visible, the wide one beneath the narrow ones
        ax.plot(oc.index.to_numpy() * 100, oc["p_correct"].to_numpy(), label=rule.name, **_line_style(i))
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 1)
    ax.set_xlabel("true rate (%)")
    ax.set_ylabel("P(correct band)")
    where = f", from {population} eligible" if population else ""
    ax.set_title(f"{key_questions} key question(s) of {n} cases{where}: chance of the right rating",
                 fontsize=10)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), framealpha=0.9)
    fig.tight_layout()
    return fig


def confusion_matrix(result, *, with_rule: bool = True, ax=None):
    """Heat map of a simulation's true against awarded bands, as shares of each true band.

    Parameters
    ----------
    result : SimulationResult
        From :func:`sampling.simulate`.
    with_rule : bool, default True
        Draw the table with the rule (when the simulation has one), else without.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sampling import simulate
    >>> fig = confusion_matrix(simulate([0.62, 0.70, 0.80], 11, rule="cases(1)", reps=2000, rng=1))
    >>> fig.axes[0].get_title()
    'true against awarded band (cases(1))'
    >>> plt.close(fig)
    """
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


# --------------------------------------------------------------------------------------------
# figures for the lessons on uncertainty and professional discretion

#: Line styles for several curves on one axes: a wide pale solid line first, then narrower dashed
#: and dotted lines with markers at staggered positions, so that coinciding curves stay visible.
_LINE_STYLES = (
    {"linestyle": "-", "linewidth": 4.0, "alpha": 0.45},
    {"linestyle": "--", "linewidth": 1.8, "marker": "o", "markersize": 4},
    {"linestyle": "-.", "linewidth": 1.6, "marker": "s", "markersize": 4},
    {"linestyle": ":", "linewidth": 2.2, "marker": "^", "markersize": 5},
    {"linestyle": (0, (6, 2, 1, 2)), "linewidth": 1.4, "marker": "D", "markersize": 4},
    {"linestyle": (0, (1, 1)), "linewidth": 1.4, "marker": "v", "markersize": 4},
)


def _line_style(i: int) -> dict:
    """Keyword arguments for the i-th curve: colour, dash, width and an offset marker."""
    style = dict(_LINE_STYLES[i % len(_LINE_STYLES)], color=f"C{i % 10}")
    if "marker" in style:
        style["markevery"] = (0.02 + 0.037 * i, 0.15)  # staggered, as fractions of the line's length
    return style


def attainable_percentages(ns=(8, 11, 17, 27, 43), *, ax=None):
    """The percentages that n cases can print (k = 0..n, half up), one row per n, over the bands.

    With few cases the printed percentage moves in steps of 100/n points, so a key question
    can jump a band with one case (Calderdale 2022, footnote 17: "a shift of one case makes a
    difference of 10 per cent", with 11 cases).

    Parameters
    ----------
    ns : sequence of int, default (8, 11, 17, 27, 43)
        Numbers of cases judged, one row each (top to bottom).
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = attainable_percentages([8, 11])
    >>> [len(line.get_xdata()) for line in fig.axes[0].lines if line.get_marker() == "|"]
    [9, 12]
    >>> plt.close(fig)
    """
    from .framework import percents

    ns = [int(n) for n in ns]
    fig, ax = _axes(ax, (8, 0.45 * len(ns) + 1.9))
    for rating, low, high in _band_edges():
        ax.axvspan(low, high, color=BAND_COLOURS[rating], zorder=0, label=rating.label)
    for bound in BAND_LOWER_BOUNDS.values():
        ax.axvline(bound, color="0.3", linewidth=0.8, linestyle="--", zorder=1)
    y = np.arange(len(ns))[::-1]
    for yi, n in zip(y, ns, strict=True):
        printed = percents(np.arange(n + 1), n)
        ax.plot(printed, np.full(printed.size, yi), "|", color="0.05", markersize=12,
                markeredgewidth=1.6, zorder=3)
    ax.set_yticks(y, [f"{n} cases: one case = {100 / n:.1f} points" for n in ns], fontsize=8)
    ax.set_xlim(-1, 101)
    ax.set_ylim(-0.7, len(ns) - 0.3)
    ax.set_xlabel("printed % yes (each tick: one possible count of 'yes')")
    ax.set_title("The percentages a key question can print, by the number of cases judged", fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.28), fontsize=7, ncols=4, framealpha=0.9)
    fig.tight_layout()
    return fig


def _coverage(n: int, method: str, confidence: float, rates: np.ndarray) -> np.ndarray:
    """Exact coverage of an interval method at each true rate: sum of P(k | rate) over the k
    whose interval contains the rate (binomial; Brown, Cai and DasGupta 2001, section 2)."""
    from scipy.stats import binom

    from .uncertainty import interval

    k = np.arange(n + 1)
    bounds = [interval(int(j), n, confidence=confidence, method=method) for j in k]
    low = np.array([b.low for b in bounds])[None, :]
    high = np.array([b.high for b in bounds])[None, :]
    covered = (low - 1e-12 <= rates[:, None]) & (rates[:, None] <= high + 1e-12)  # as Interval.__contains__
    return (binom.pmf(k[None, :], n, rates[:, None]) * covered).sum(axis=1)


def interval_coverage(n: int, methods=("wilson", "clopper-pearson"), *, confidence: float = 0.80,
                      rates=None, ax=None):
    """How often each interval method's interval contains the true rate, against the true rate.

    Parameters
    ----------
    n : int
        Cases judged.
    methods : sequence of str, default ("wilson", "clopper-pearson")
        Binomial methods of :func:`sampling.interval` ("wilson", "clopper-pearson", "jeffreys",
        "agresti-coull").
    confidence : float, default 0.80
        The nominal confidence (as the reports).
    rates : sequence of float, optional
        True rates to evaluate (default: 399 rates from 0.0025 to 0.9975).
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        One curve per method; its legend label gives the coverage averaged over the rates and
        the lowest.

    Notes
    -----
    Coverage at a true rate p is C(p) = sum over k of P(X = k | n, p) 1[p in interval(k, n)],
    X ~ Binomial(n, p), computed exactly (Brown, Cai and DasGupta 2001). Clopper-Pearson's
    coverage is at least the confidence at every p; Wilson's is close to it on average over p
    but dips below at some rates, most near 0 and 1.

    References
    ----------
    .. [1] Brown, L. D., Cai, T. T. and DasGupta, A. (2001). Interval estimation for a binomial
           proportion. Statistical Science 16(2), 101-133.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = interval_coverage(11)
    >>> wilson, clopper = fig.axes[0].lines[:2]
    >>> bool(clopper.get_ydata().min() >= 0.80), bool(wilson.get_ydata().min() < 0.80)
    (True, True)
    >>> plt.close(fig)
    """
    rates = np.linspace(0.0025, 0.9975, 399) if rates is None else np.asarray(rates, dtype=float)
    fig, ax = _axes(ax, (8, 3.6))
    for rating, low, high in _band_edges():
        ax.axvspan(low, high, color=BAND_COLOURS[rating], zorder=0)
    for i, method in enumerate(methods):
        coverage = _coverage(int(n), method, confidence, rates)
        ax.plot(rates * 100, coverage, zorder=2 + i, **_line_style(i),
                label=f"{method}: average {coverage.mean():.3f}, lowest {coverage.min():.3f}")
    ax.axhline(confidence, color="0.1", linewidth=1.0, zorder=5, label=f"nominal {confidence:.0%}")
    ax.set_xlim(0, 100)
    ax.set_ylim(max(0.0, confidence - 0.35), 1.0)
    ax.set_xlabel("true rate (%)")
    ax.set_ylabel("coverage (probability)")
    ax.set_title(f"{n} cases: how often the {confidence:.0%} interval contains the true rate", fontsize=10)
    ax.legend(loc="lower center", fontsize=7, framealpha=0.9)
    fig.tight_layout()
    return fig


def band_probability_plot(k: int, n: int, *, population: int | None = None, prior="jeffreys", ax=None):
    """What k of n says about the true proportion, shaded by band, with each band's probability.

    Parameters
    ----------
    k, n : int
        "Yes" judgements and cases judged.
    population : int, optional
        N, the eligible cases. Omitted: the **process** view, the density of the underlying rate
        (its area over a band is the band's probability). Given: the **finite** view, bars of
        the probability of each possible proportion K/N among all N eligible cases.
    prior : {"jeffreys", "uniform"} or tuple of float, default "jeffreys"
        As :func:`sampling.band_probabilities`.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Raises
    ------
    SamplingError
        As :func:`sampling.band_probabilities`: bad counts, population or prior.

    Notes
    -----
    Process: the density of Beta(a + k, b + n - k), per percentage point; finite: the
    beta-binomial predictive of the unseen cases' "yes", K = k + Y (Gelman et al. 2013, section
    2.4). The band probabilities in the legend are :func:`sampling.band_probabilities`.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = band_probability_plot(5, 11)          # Calderdale 2.3.2, process view
    >>> fig.axes[0].get_legend().get_texts()[0].get_text()
    'Inadequate: 0.605'
    >>> plt.close(fig)
    >>> fig = band_probability_plot(13, 20, population=20)   # a census is certain
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()][:4]
    ['Inadequate: 0.000', 'Requires improvement: 0.000', 'Good: 1.000', 'Outstanding: 0.000']
    >>> plt.close(fig)
    """
    from matplotlib.patches import Patch

    from ._validation import prior as beta_prior
    from .framework import percent, percents, proportion_cutoffs
    from .uncertainty import band_probabilities

    probs = band_probabilities(k, n, population=population, prior=prior)
    a, b = beta_prior(prior)
    fig, ax = _axes(ax, (8, 3.4))
    if population is None:
        from scipy.stats import beta

        x = np.linspace(0.0005, 0.9995, 1999)
        density = beta.pdf(x, a + k, b + n - k) / 100  # per percentage point
        cuts = [0.0, *proportion_cutoffs(), 1.0]
        for i, rating in enumerate(Rating):
            inside = (x >= cuts[i]) & (x <= cuts[i + 1])
            ax.fill_between(x[inside] * 100, density[inside], color=BAND_COLOURS[rating], zorder=1)
        ax.plot(x * 100, density, color="0.1", linewidth=1.2, zorder=2)
        middle = (x > 0.01) & (x < 0.99)
        ax.set_ylim(0, density[middle].max() * 1.15)
        ax.set_ylabel("probability per % point")
        ax.set_xlabel("the service's underlying rate (%)")
        view = "process view"
    else:
        from scipy.stats import betabinom

        from .framework import band_indices

        unseen = population - n
        totals = k + np.arange(unseen + 1)
        weights = betabinom.pmf(np.arange(unseen + 1), unseen, a + k, b + n - k) if unseen else np.ones(1)
        colours = [BAND_COLOURS[Rating(int(i))] for i in band_indices(percents(totals, population))]
        ax.bar(totals / population * 100, weights, width=max(100 / population * 0.85, 0.6), color=colours,
               edgecolor="0.2", linewidth=0.6, zorder=2)
        ax.set_ylim(0, weights.max() * 1.15)
        ax.set_ylabel("probability")
        ax.set_xlabel(f"% yes among all {population} eligible cases")
        view = f"finite view, {population} eligible"
    for bound in BAND_LOWER_BOUNDS.values():
        ax.axvline(bound, color="0.3", linewidth=0.8, linestyle="--", zorder=3)
    observed = ax.axvline(100 * k / n, color="0.05", linewidth=1.4, linestyle=":", zorder=4)
    handles = [Patch(facecolor=BAND_COLOURS[r], edgecolor="0.3") for r in Rating]
    labels = [f"{r.label}: {probs[r.label]:.3f}" for r in Rating]
    ax.legend([*handles, observed], [*labels, f"seen: {k} of {n} = {percent(k, n)} %"],
              loc="upper left", fontsize=7, framealpha=0.9)
    ax.set_xlim(0, 100)
    ax.set_title(f"{k} of {n} 'yes', {view}: probability of each band", fontsize=10)
    fig.tight_layout()
    return fig


def report_score_distribution(report, *, mode: str = "process", populations=None, ax=None):
    """A report's exact score distribution (:func:`score_distribution`) with the published score
    and the rule's score (the lowest-key-question rule without discretion) marked.

    Parameters
    ----------
    report : Report, str or path
        A report, a bundled report's id or a report file.
    mode : {"process", "finite"}, default "process"
        As in :func:`sampling.rating_distribution`.
    populations : mapping of str to int, optional
        As in :func:`sampling.rating_distribution`.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Raises
    ------
    ReportError
        For an unknown report id or a bad report file.
    SamplingError
        For a bad mode or populations.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = report_score_distribution("calderdale-2022")
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()][-2:]
    ['published score: 18', 'rule score: 17']
    >>> plt.close(fig)
    """
    from .reports import load_report, rate_report
    from .uncertainty import rating_distribution

    report = load_report(report)
    table = rate_report(report)
    fig, ax = _axes(ax, (8, 3.4))
    score_distribution(rating_distribution(report, mode=mode, populations=populations), ax=ax)
    published, rule = table.published_score, table.rule_score
    if published == rule:
        ax.axvline(published, color="0.05", linewidth=2, zorder=4,
                   label=f"published score = rule score: {published}")
    else:
        ax.axvline(published, color="0.05", linewidth=2, zorder=4, label=f"published score: {published}")
        ax.axvline(rule, color="#b2182b", linewidth=2, linestyle="--", zorder=5, label=f"rule score: {rule}")
    ax.legend(loc="upper left", fontsize=7, framealpha=0.9)
    fig.tight_layout()
    return fig


#: Colours of the three outcomes of a rating against the truth (not ratings: not the band palette).
OUTCOME_COLOURS = {"p_too_low": "#67a9cf", "p_correct": "#f0f0f0", "p_too_high": "#ef8a62"}
_OUTCOME_LABELS = {"p_too_low": "too low (below the true band)", "p_correct": "right band",
                   "p_too_high": "too high (above the true band)"}


def rule_errors(table, *, title: str | None = None, ax=None):
    """Stacked bars, one per rule: P(too low), P(right band), P(too high), and how often it fires.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per rule (the index names it) with columns ``p_correct``, ``p_too_high``,
        ``p_too_low`` and optionally ``fire_rate``: :func:`sampling.compare_rules`, or rows built
        from :class:`sampling.SimulationResult`'s ``with_rule``.
    title : str, optional
        The title (default: a sentence on what the bars show).
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sampling import compare_rules
    >>> fig = rule_errors(compare_rules(["strict", "cases(1)"], n=11, rates=[0.62]))
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['cases(1)', 'strict']
    >>> plt.close(fig)
    """
    fig, ax = _axes(ax, (8, 0.45 * len(table) + 1.9))
    names = [str(name) for name in table.index][::-1]
    rows = table.iloc[::-1]
    left = np.zeros(len(rows))
    for column in ("p_too_low", "p_correct", "p_too_high"):
        values = rows[column].to_numpy(dtype=float)
        ax.barh(names, values, left=left, color=OUTCOME_COLOURS[column], edgecolor="0.3",
                linewidth=0.6, label=_OUTCOME_LABELS[column])
        for y, (start, width) in enumerate(zip(left, values, strict=True)):
            if width >= 0.06:
                ax.text(start + width / 2, y, f"{width:.2f}", ha="center", va="center", fontsize=7)
        left = left + values
    if "fire_rate" in rows:
        for y, fire in enumerate(rows["fire_rate"].to_numpy(dtype=float)):
            ax.text(1.01, y, f"fires {fire:.2f}", ha="left", va="center", fontsize=7)
    ax.set_xlim(0, 1.15)
    ax.set_xticks(np.linspace(0, 1, 6))
    ax.set_xlabel("probability (share of inspections)")
    ax.set_ylabel("rule")
    ax.set_title(title or "Each rule: the chance of a rating too low, right and too high", fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.45, -0.3 if len(rows) < 4 else -0.18),
              fontsize=7, ncols=3, framealpha=0.9)
    fig.tight_layout()
    return fig


#: Colours and markers for comparing sampling designs (not ratings), colour-blind-safe.
_DESIGN_STYLES = (("#0571b0", "o"), ("#ca0020", "s"), ("0.25", "^"), ("#4dac26", "D"))


def balance_deviations(tables, *, title: str | None = None, ax=None):
    """Each category's sample count minus its target, for one or more samples of one case list.

    The grey bar of each category is its allowed range, [floor - target, ceiling - target]: a
    marker on the bar is a count within a case of the target; each sample has its own marker and
    row offset, so none hides another.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Each sample's balance table (``Selection.balance`` or
        :func:`sampling.selection.balance_table`), all of the same case list and n.
    title : str, optional
        The title (default: "Each category's count against its target (n = ...)").
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sampling import select
    >>> from sampling.synthetic import case_list
    >>> chosen = select(case_list(200, rng=1), 43, rng=2023)
    >>> fig = balance_deviations({"balanced": chosen.balance})
    >>> fig.axes[0].get_legend().get_texts()[0].get_text()
    'balanced (0 of 16 outside)'
    >>> plt.close(fig)
    """
    names = list(tables)
    first = tables[names[0]]
    fig, ax = _axes(ax, (9, 0.3 * len(first) + 2.2))
    y = np.arange(len(first))[::-1].astype(float)
    low = np.floor(first["target"].to_numpy() + 1e-9) - first["target"].to_numpy()
    high = np.ceil(first["target"].to_numpy() - 1e-9) - first["target"].to_numpy()
    ax.barh(y, high - low, left=low, height=0.8, color="0.85", zorder=0,
            label="allowed: floor or ceiling of the target")
    ax.axvline(0, color="0.4", linewidth=0.8, zorder=1)
    offsets = np.linspace(-0.27, 0.27, len(names)) if len(names) > 1 else [0.0]
    for (colour, marker), name, offset in zip(_DESIGN_STYLES, names, offsets, strict=False):
        table = tables[name]
        outside = int((~table["within"]).sum())
        ax.plot(table["deviation"].to_numpy(), y + offset, marker, color=colour, markersize=4.5,
                linestyle="none", zorder=3, label=f"{name} ({outside} of {len(table)} outside)")
    labels = [f"{str(v).replace('_', ' ')}: {c}"
              for v, c in zip(first["variable"], first["category"], strict=True)]
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlabel("sample count minus target (cases)")
    n = int(first["sample"].sum() / first["variable"].nunique())
    ax.set_title(title or f"Each category's count against its target (n = {n})", fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.03 - 1.5 / (len(first) + 6)), fontsize=7, ncols=2,
              framealpha=0.9)
    fig.tight_layout()
    return fig


def imbalance_counts(simulations, *, title: str | None = None, ax=None):
    """How many categories each draw put outside [floor, ceiling] of their targets, per design.

    Bars of different designs stand side by side.

    Parameters
    ----------
    simulations : mapping of str to SelectionSimulation
        Each design's simulation (:func:`sampling.simulate_selection`), all of the same case
        list, n and ``balance_on``.
    title : str, optional
        The title (default: the draws, n, population and variables checked).
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sampling import simulate_selection
    >>> from sampling.synthetic import case_list
    >>> cases = case_list(40, rng=3)
    >>> fig = imbalance_counts({
    ...     "balanced": simulate_selection(cases, 12, draws=20, rng=5),
    ...     "simple": simulate_selection(cases, 12, draws=20, design="simple", rng=5)})
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['balanced: 100% of draws balanced', 'simple: 5% of draws balanced']
    >>> plt.close(fig)
    """
    names = list(simulations)
    fig, ax = _axes(ax, (8, 3.2))
    top = max(int(s.outside.max()) for s in simulations.values())
    width = 0.8 / len(names)
    for i, ((colour, _), name) in enumerate(zip(_DESIGN_STYLES, names, strict=False)):
        sim = simulations[name]
        shares = np.bincount(sim.outside, minlength=top + 1) / sim.draws
        ax.bar(np.arange(top + 1) + (i - (len(names) - 1) / 2) * width, shares, width=width, color=colour,
               label=f"{name}: {sim.balanced_share:.0%} of draws balanced")
    ax.set_xticks(range(top + 1))
    ax.set_ylim(0, 1.4 * max(np.bincount(s.outside).max() / s.draws for s in simulations.values()))
    ax.set_xlabel("categories outside the floor or ceiling of their target (count, per draw)")
    ax.set_ylabel("share of draws")
    first = simulations[names[0]]
    ax.set_title(title or f"{first.draws:,} draws of {first.n} from {first.population} cases: "
                          f"balance checked on {len(first.balance_on)} variables", fontsize=10)
    ax.legend(fontsize=7, loc="upper right", framealpha=0.9)
    fig.tight_layout()
    return fig


def inclusion_frequencies(simulation, *, title: str | None = None, ax=None):
    """Each case's inclusion frequency over many draws against n / N.

    With the band of two Monte Carlo standard errors that a fair design stays within for about
    19 cases in 20 (the binomial standard error sqrt(p (1 - p) / R); Tillé 2006, *Sampling
    Algorithms*, on checking inclusion probabilities by simulation).

    Parameters
    ----------
    simulation : SelectionSimulation
        From :func:`sampling.simulate_selection`.
    title : str, optional
        The title (default: the design, draws, n and population).
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sampling import simulate_selection
    >>> from sampling.synthetic import case_list
    >>> fig = inclusion_frequencies(simulate_selection(case_list(40, rng=3), 12, draws=20, rng=5))
    >>> fig.axes[0].get_title()
    'balanced design: 20 draws of 12 from 40'
    >>> plt.close(fig)
    """
    fig, ax = _axes(ax, (8, 3.2))
    sim = simulation
    x = np.arange(1, sim.population + 1)
    spread = 2 * sim.standard_error
    ax.axhspan(sim.expected - spread, sim.expected + spread, color="0.88", zorder=0,
               label="n/N ± 2 standard errors")
    ax.axhline(sim.expected, color="0.3", linestyle="--", linewidth=1, zorder=1,
               label=f"n/N = {sim.n}/{sim.population} = {sim.expected:.2f}")
    ax.plot(x, sim.frequencies, "o", color="0.1", markersize=4, zorder=2, label="a case")
    lower = min(sim.frequencies.min(), sim.expected - spread)
    upper = max(sim.frequencies.max(), sim.expected + spread)
    span = max(upper - lower, 1e-3)
    ax.set_ylim(lower - 0.3 * span, upper + 0.05 * span)  # room for the legend below every dot
    ax.set_xlim(0, sim.population + 1)
    ax.set_xlabel("case (position in the list)")
    ax.set_ylabel("share of draws including it")
    ax.set_title(title or f"{sim.design} design: {sim.draws:,} draws of {sim.n} from {sim.population}",
                 fontsize=10)
    ax.legend(fontsize=7, loc="lower center", framealpha=0.9, ncols=3)
    fig.tight_layout()
    return fig


def printed_percentages(n: int, *, highlight: int | None = None, window: tuple[float, float] | None = None,
                        ax=None):
    """Every printed percentage n cases can give (k = 0 ... n "yes"), over the rating bands.

    Each k has a dash at the whole number the reports print (rounded half up,
    :func:`sampling.framework.percents`) and a dot at its exact share 100 k / n; dotted lines mark
    the exact shares from which a percentage prints into the next band
    (:func:`sampling.framework.proportion_cutoffs`).

    Parameters
    ----------
    n : int
        Cases judged.
    highlight : int, optional
        One k to ring, with what it prints and its band.
    window : tuple of (float, float), optional
        The lowest and highest percentage shown (to zoom in on part of the scale).
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = printed_percentages(11, highlight=5)
    >>> fig.axes[0].get_legend().get_texts()[-1].get_text()
    '5 of 11 = 45.45 %: prints 45 % (Inadequate)'
    >>> plt.close(fig)
    """
    from .framework import band, percent, percents, proportion_cutoffs

    fig, ax = _axes(ax, (8, 3.6))
    for rating, low, high in _band_edges():
        ax.axhspan(low, high, color=BAND_COLOURS[rating], zorder=0, label=rating.label)
    k = np.arange(n + 1)
    exact = 100 * k / n
    printed = percents(k, np.full_like(k, n))
    ax.plot(k, printed, "_", color="0.05", markersize=12, markeredgewidth=2.5, zorder=3,
            label="printed (half up)")
    ax.plot(k, exact, ".", color="#0571b0", markersize=4, zorder=4, label="exact share 100 k / n")
    for i, cut in enumerate(proportion_cutoffs()):
        ax.axhline(100 * cut, color="0.3", linestyle=":", linewidth=1, zorder=1,
                   label="exact share that prints into the next band" if i == 0 else None)
    if highlight is not None:
        shown = percent(highlight, n)
        label = f"{highlight} of {n} = {100 * highlight / n:.2f} %: prints {shown} % ({band(shown).label})"
        ax.plot(highlight, shown, "o", markersize=11, markerfacecolor="none", markeredgecolor="#ca0020",
                markeredgewidth=2, zorder=4, label=label)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    shown_k = k if window is None else k[(exact >= window[0]) & (exact <= window[1])]
    if shown_k.size:
        ax.set_xlim(shown_k.min() - 1.6 if window else -0.6, shown_k.max() + (1.6 if window else 0.6))
    ax.set_ylim(*(window or (0, 102)))
    ax.set_xlabel(f"cases judged 'yes' (k, out of n = {n})")
    ax.set_ylabel("percentage (%)")
    ax.set_title(f"What each number of 'yes' out of {n} prints as, and its band", fontsize=10)
    ax.legend(fontsize=7, loc="upper left", framealpha=0.9, ncols=2)
    fig.tight_layout()
    return fig


def lowest_key_questions(report, *, ax=None):
    """Each standard's key questions over the bands, the lowest ringed: it sets the standard's
    rating (Nottingham City 2020, Annexe 2). The rule's and the published rating are written
    at the right; qualitative standards are left out.

    Parameters
    ----------
    report : Report, str or path
        A report, a bundled report's id or a report file.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Raises
    ------
    ReportError
        For an unknown report id or a bad report file.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = lowest_key_questions("calderdale-2022")
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()][:3]
    ['2.1 Assessment', '2.2 Planning', '2.3 Implementation and delivery']
    >>> plt.close(fig)
    """
    from .reports import load_report

    report = load_report(report)
    standards = [s for s in report.standards if not s.qualitative]
    fig, ax = _axes(ax, (9, 0.45 * len(standards) + 1.6))
    for rating, low, high in _band_edges():
        ax.axvspan(low, high, color=BAND_COLOURS[rating], zorder=0, label=rating.label)
    y = np.arange(len(standards))[::-1]
    for yi, standard in zip(y, standards, strict=True):
        values = [kq.percent for kq in standard.key_questions]
        # equal percentages side by side vertically, so that no dot hides another
        rank = [values[:j].count(v) - (values.count(v) - 1) / 2 for j, v in enumerate(values)]
        ax.plot(values, [yi + 0.16 * r for r in rank], "o", color="0.15", markersize=5, zorder=3,
                clip_on=False)
        ax.plot(standard.lowest_percent, yi, "o", markersize=12, markerfacecolor="none",
                markeredgecolor="#ca0020", markeredgewidth=2, zorder=4, clip_on=False)
        text = standard.rule_rating.label
        if standard.rating is not standard.rule_rating:
            text += f" (published {standard.rating.label})"
        ax.text(102, yi, text, va="center", fontsize=7)
    ax.plot([], [], "o", color="0.15", markersize=5, label="a key question")
    ax.plot([], [], "o", markersize=10, markerfacecolor="none", markeredgecolor="#ca0020", markeredgewidth=2,
            label="the lowest: sets the rating")
    ax.set_yticks(y, [f"{s.id} {s.name}" for s in standards], fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_ylim(-1.7, len(standards) - 0.4)
    ax.set_xlabel("% 'yes', as printed")
    ax.set_title(f"{report.service} ({report.published}): the rule's rating of each standard", fontsize=10)
    ax.legend(loc="lower left", fontsize=7, ncols=3, framealpha=0.9)
    fig.tight_layout()
    return fig


def score_bar(table, *, ax=None):
    """How the 0-36 score adds up: one bar for the rule's ratings and one for the published ones.

    Each segment is a scored standard's points, coloured by its rating (hatched: qualitative,
    taken as published); the top strip shows the overall bands of the score, and each bar's end
    is labelled with its score and overall rating (with the resettlement limiting judgement).

    Parameters
    ----------
    table : RatingTable
        From :func:`sampling.rate_report`.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sampling import rate_report
    >>> fig = score_bar(rate_report("calderdale-2022"))
    >>> fig.axes[0].get_title()
    'Calderdale Youth Justice Service: the score out of 36, rule 17 and published 18'
    >>> plt.close(fig)
    """
    from .framework import overall_rating

    top = table.report.framework.max_score
    fig, ax = _axes(ax, (8, 2.6))
    for rating, (low, high) in SCORE_BANDS.items():
        left, right = (low - 0.5 if low else 0), (high + 0.5 if high < top else high)
        ax.barh(2, right - left, left=left, height=0.55, color=BAND_COLOURS[rating], edgecolor="0.2",
                zorder=2)
        ax.text((left + right) / 2, 2, f"{rating.label}\n{low}-{high}", ha="center", va="center",
                fontsize=6.5, zorder=3)
        if low:
            ax.axvline(left, color="0.4", linestyle=":", linewidth=0.8, zorder=1)
    scored = [r for r in table.rows if table.report.standard(r.id).scored]
    bars = (("published_rating", table.published_score), ("rule_rating", table.rule_score))
    for yi, (attribute, score) in enumerate(bars):
        left = 0
        for row in scored:
            rating = getattr(row, attribute)
            if int(rating):
                ax.barh(yi, int(rating), left=left, height=0.55, color=BAND_COLOURS[rating], edgecolor="0.2",
                        hatch="//" if row.qualitative else None, zorder=2)
                ax.text(left + int(rating) / 2, yi, row.id, ha="center", va="center", fontsize=6, zorder=3)
            left += int(rating)
        overall = overall_rating(score, table.report.resettlement)
        ax.text(score + 0.4, yi, f"{score}: {overall.label}", va="center", fontsize=8, zorder=3)
    ax.set_yticks([0, 1, 2], ["published\nratings", "rule's\nratings", "overall\nbands"], fontsize=8)
    ax.set_xlim(0, top)
    ax.set_ylim(-0.5, 2.5)
    ax.set_xlabel(f"score (points: Inadequate 0 to Outstanding {int(max(Rating))} per standard; hatched: "
                  "qualitative)")
    ax.set_title(f"{table.report.service}: the score out of {top}, "
                 f"rule {table.rule_score} and published {table.published_score}", fontsize=10)
    fig.tight_layout()
    return fig


def _funnel_panel(result, key_question: str, ax) -> None:
    points = result.points[result.points["key_question"] == key_question]
    limits = result.limits[result.limits["key_question"] == key_question]
    rate = float(result.pooled.loc[key_question, "pooled_rate"])
    styles = ["--", "-.", ":", (0, (1, 3))]
    for i, (level, group) in enumerate(limits.groupby("level", sort=True)):
        style = styles[min(i, len(styles) - 1)]
        ax.plot(group["n"], group["low"] * 100, color="0.35", linestyle=style, linewidth=0.9,
                label=f"{level:.1%} limits")
        ax.plot(group["n"], group["high"] * 100, color="0.35", linestyle=style, linewidth=0.9)
    # blue, not black: a black line across the whole panel reads as a frame
    ax.axhline(rate * 100, color="#2166ac", linewidth=1.4, label=f"pooled {rate:.1%}")
    inside = points["outside"].isna()
    ax.plot(points.loc[inside, "relevant"], points.loc[inside, "proportion"] * 100, "o", color="0.25",
            markersize=4, label="inside")
    ax.plot(points.loc[~inside, "relevant"], points.loc[~inside, "proportion"] * 100, "o",
            color="#b2182b", markersize=5, label="outside")
    for _, p in points[~inside].iterrows():
        ax.annotate(p["name"], (p["relevant"], p["proportion"] * 100), fontsize=6,
                    xytext=(3, 2), textcoords="offset points")
    ax.set_ylim(0, 100)
    ax.set_xlim(0, points["relevant"].max() * 1.05 + 1)
    ax.set_title(key_question, fontsize=9)


def funnel_plot(result, *, key_question: str | None = None, ax=None):
    """A funnel plot of a :class:`sampling.Funnel`: each service's percentage against its cases,
    the pooled rate and the control limits at each level (Spiegelhalter 2005).

    With several key questions in ``result`` and none chosen, one small panel per key question
    (``ax`` must then be None).

    Parameters
    ----------
    result : Funnel
        From :func:`sampling.funnel`.
    key_question : str, optional
        The key question to draw (default: every one in ``result``).
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Raises
    ------
    SamplingError
        For a key question not in ``result``, or an ``ax`` for several key questions.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sampling import funnel, synthetic
    >>> fig = funnel_plot(funnel(synthetic.reports(8, rng=3), "2.1.1"))
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()][3:]
    ['pooled 83.4%', 'inside', 'outside']
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt

    from ._errors import SamplingError

    available = list(result.pooled.index)
    if key_question is not None and key_question not in available:
        raise SamplingError(f"key_question: {key_question!r} is not in this funnel; it has "
                            + ", ".join(available))
    chosen = [key_question] if key_question is not None else available
    if len(chosen) == 1:
        fig, ax = _axes(ax, (7, 4.2))
        _funnel_panel(result, chosen[0], ax)
        ax.set_xlabel("relevant cases")
        ax.set_ylabel("% yes")
        ax.legend(fontsize=7, loc="lower right", framealpha=0.9)
        fig.tight_layout()
        return fig
    if ax is not None:
        raise SamplingError("funnel_plot: choose key_question= to draw several key questions into one ax")
    columns = 4
    rows = -(-len(chosen) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(12, 2.6 * rows), sharey=True, squeeze=False)
    for panel, kq in zip(axes.flat, chosen, strict=False):
        _funnel_panel(result, kq, panel)
    for panel in list(axes.flat)[len(chosen):]:
        panel.set_visible(False)
    axes.flat[0].legend(fontsize=6, loc="lower right", framealpha=0.9)
    fig.supxlabel("relevant cases", fontsize=9)
    fig.supylabel("% yes", fontsize=9)
    fig.tight_layout()
    return fig


def change_plot(comparison, *, ax=None):
    """Each key question's change (after minus before, percentage points) with its interval.

    The intervals are Newcombe's (1998) hybrid score intervals of :func:`sampling.compare`; red
    where P(true band changed) is at least the comparison's confidence.

    Parameters
    ----------
    comparison : Comparison
        From :func:`sampling.compare`.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sampling import compare
    >>> fig = change_plot(compare("calderdale-2022", "cambridgeshire-2023"))
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()][0]
    '2.1.1  73% -> 76%  P(band changed) 0.66'
    >>> plt.close(fig)
    """
    table = comparison.key_questions
    fig, ax = _axes(ax, (7, 0.3 * len(table) + 1.6))
    y = np.arange(len(table))[::-1]
    colours = [("#b2182b" if likely else "0.2") for likely in table["band_change_likely"]]
    ax.axvline(0, color="0.5", linewidth=0.8)
    ax.hlines(y, table["low"], table["high"], colors=colours, linewidth=2)
    ax.scatter(table["difference"], y, c=colours, s=18, zorder=3)
    labels = [f"{kq}  {row.before_percent}% -> {row.after_percent}%  P(band changed) {row.p_band_changed:.2f}"
              for kq, row in table.iterrows()]
    ax.set_yticks(y, labels, fontsize=7)
    ax.set_xlabel("change in percentage points (after - before)")
    ax.set_title(f"{comparison.before} -> {comparison.after}\n{comparison.confidence:.0%} Newcombe "
                 f"intervals; red: P(band changed) at least {comparison.confidence:.0%}", fontsize=9)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------------------------
# lesson 1: why sample and how many


def sample_spread(n: int, population: int, yes: int, *, draws: int = 1000, margin: float = 0.05, rng=None,
                  ax=None):
    """Many random samples of ``n`` from ``population`` cases, ``yes`` of them "yes": where each
    sample's percentage lands, against the truth and the window of ``margin`` around it.

    Each draw is a sample without replacement, so its count of "yes" is
    X ~ Hypergeometric(N, K, n) with K = ``yes``; the bars are the simulated shares of the draws at
    each k (dark when ``|k/n - K/N| <= margin``), the dots the exact probabilities
    P(X = k) = C(K, k) C(N - K, n - k) / C(N, n). The legend gives both shares within the window.

    Parameters
    ----------
    n : int
        Cases in each sample (1 to ``population``).
    population : int
        N, the eligible cases.
    yes : int
        K, how many of the N would be judged "yes" (0 to N).
    draws : int, default 1000
        Number of simulated samples, from 1 to ``MAX_REPS`` (200,000).
    margin : float, default 0.05
        Half-width of the window around the truth, as a proportion (0.05: five points).
    rng : int, numpy.random.Generator or None
        Seed of the simulation.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Raises
    ------
    SamplingError
        For counts that are not whole numbers, n above the population, yes outside 0 to the
        population, draws below 1, or a margin outside (0, 1).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = sample_spread(20, 57, 34, draws=1000, rng=1)
    >>> texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    >>> texts[1]
    'simulated: 410 of 1,000 samples (41.0%) within ±5 points'
    >>> texts[3]
    'exact (hypergeometric): 41.5% within ±5 points'
    >>> plt.close(fig)
    """
    from scipy.stats import hypergeom

    from . import _validation as check
    from ._errors import SamplingError

    population = check.count(population, "population", low=1)
    n = check.count(n, "n", low=1)
    if n > population:
        raise SamplingError(f"n = {n} is more than the population of {population}; "
                            f"choose n from 1 to {population}")
    yes = check.count(yes, "yes")
    if yes > population:
        raise SamplingError(f"yes must be from 0 to the population of {population}, got {yes}")
    draws = check.reps(draws, "draws")
    if isinstance(margin, bool) or not isinstance(margin, float | int) or not 0 < margin < 1:
        raise SamplingError(f"margin must be between 0 and 1 (a proportion, e.g. 0.05), got {margin!r}")
    drawn = check.generator(rng).hypergeometric(yes, population - yes, n, size=draws)
    k = np.arange(n + 1)
    simulated = np.bincount(drawn, minlength=n + 1) / draws
    exact = hypergeom.pmf(k, population, yes, n)
    truth = yes / population
    inside = np.abs(k / n - truth) <= margin + 1e-9
    fig, ax = _axes(ax, (8, 3.4))
    points = f"±{100 * margin:g} points"
    window = ax.axvspan(100 * max(truth - margin, 0), 100 * min(truth + margin, 1), color="0.92", zorder=0)
    width = 100 / n * 0.8
    within = ax.bar(100 * k[inside] / n, simulated[inside], width=width, color="0.35", zorder=2)
    outside = ax.bar(100 * k[~inside] / n, simulated[~inside], width=width, color="0.75", zorder=2)
    dots, = ax.plot(100 * k / n, exact, "o", color="#ca0020", markersize=4, zorder=3)
    line = ax.axvline(100 * truth, color="0.05", linewidth=1.5, zorder=4)
    hits = int(np.count_nonzero(inside[drawn]))
    ax.legend([window, within, outside, dots, line],
              [f"within {points} of the truth",
               f"simulated: {hits:,} of {draws:,} samples ({hits / draws:.1%}) within {points}",
               "simulated: further from the truth",
               f"exact (hypergeometric): {exact[inside].sum():.1%} within {points}",
               f"truth: {yes:,} of {population:,} = {100 * truth:.1f} %"],
              loc="upper left", fontsize=7, framealpha=0.9, ncols=2)
    seen = k[(exact > 1e-4) | (simulated > 0)]
    ax.set_xlim(max(100 * seen.min() / n - 8, 0), min(100 * seen.max() / n + 8, 100))
    ax.set_ylim(0, max(simulated.max(), exact.max()) * 1.45)  # room for the legend above the bars
    ax.set_xlabel(f"the sample's percentage 'yes' (100 k / n, %; one case = {100 / n:.1f} points)")
    ax.set_ylabel("share of samples")
    ax.set_title(f"{draws:,} random samples of {n} from {population:,} cases: how far each lands from the "
                 "truth", fontsize=10)
    fig.tight_layout()
    return fig


def sample_sizes_by_population(max_population: int = 100, *, confidence: float = 0.80, margin: float = 0.05,
                               ax=None):
    """The sample size n for every eligible population N from 1 to ``max_population``: the normal
    method with each finite-population correction, and the exact method
    (:func:`sampling.sample_size`), against the census line n = N.

    Cochran's form n0 / (1 + (n0 - 1) / N) and the simple form n0 / (1 + n0 / N) (Cochran 1977,
    section 4.4) agree for most N; the populations where they differ by a case are ringed.

    Parameters
    ----------
    max_population : int, default 100
        The largest N drawn, at least 2.
    confidence : float, default 0.80
        The confidence level of :func:`sampling.sample_size`.
    margin : float, default 0.05
        The margin of error, a proportion.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Raises
    ------
    SamplingError
        For a max_population below 2, or a confidence or margin outside (0, 1).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = sample_sizes_by_population(30)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()][3]
    'simple form one case below Cochran: N = 24, 28'
    >>> plt.close(fig)
    """
    from . import _validation as check
    from .size import sample_size

    top = check.count(max_population, "max_population", low=2)
    populations = np.arange(1, top + 1)

    def sizes(**options) -> np.ndarray:
        return np.array([sample_size(int(N), confidence=confidence, margin=margin, **options).n
                         for N in populations])

    cochran, simple, exact = sizes(), sizes(correction="simple"), sizes(method="exact")
    fig, ax = _axes(ax, (8, 3.6))
    ax.plot(populations, populations, color="0.7", linewidth=1, linestyle=":", zorder=1,
            label="census: every case (n = N)")
    # Cochran wide and light beneath, simple narrow and dark on top: both stay visible where equal
    ax.step(populations, cochran, where="mid", color="#92c5de", linewidth=4, zorder=2,
            label="normal, Cochran form (the reports)")
    ax.step(populations, simple, where="mid", color="0.1", linewidth=1, linestyle="--", zorder=3,
            label="normal, simple form")
    differ = populations[cochran != simple]
    shown = ", ".join(map(str, differ[:6])) + (", ..." if differ.size > 6 else "")
    ax.plot(differ, simple[cochran != simple], "o", markersize=7, markerfacecolor="none",
            markeredgecolor="#ca0020", zorder=5, label=f"simple form one case below Cochran: N = {shown}"
            if differ.size else "the two forms agree at every N")
    ax.step(populations, exact, where="mid", color="#e66101", linewidth=1.6, zorder=4,
            label="exact (hypergeometric)")
    ax.set_xlim(0, top + 1)
    ax.set_ylim(0, max(exact.max(), cochran.max()) * 1.08)
    ax.set_xlabel("eligible cases, N (count)")
    ax.set_ylabel("sample size, n (cases)")
    ax.set_title(f"Cases to read for {confidence:.0%} confidence and a ±{100 * margin:g}-point margin",
                 fontsize=10)
    ax.legend(loc="upper left", fontsize=7, framealpha=0.9)
    fig.tight_layout()
    return fig


def margin_curves(populations=(20, 40, 57, 100, None), *, confidence: float = 0.80, margin: float = 0.05,
                  mark=(), max_n: int = 200, ax=None):
    """The margin of error a sample of n achieves, against n, one curve per eligible population N
    (:func:`sampling.margin_of_error`, normal method, Cochran's correction), with the target margin.

    e = z sqrt(p (1 - p) / n x (N - n) / (N - 1)) at p = 1/2 (Cochran 1977, section 4.4): 0 for a
    census.

    Parameters
    ----------
    populations : sequence of int or None, default (20, 40, 57, 100, None)
        One curve per eligible population N (None: unlimited).
    confidence : float, default 0.80
        The confidence level.
    margin : float, default 0.05
        The target margin drawn as a line, a proportion.
    mark : sequence of (str, int, int), default ()
        (label, n, N) points to ring.
    max_n : int, default 200
        Where the curve of an unlimited population ends.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Raises
    ------
    SamplingError
        As :func:`sampling.margin_of_error`: a bad population, n or confidence.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = margin_curves([57], mark=[("Essex 2018, court", 43, 57)])
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['N = 57', 'target: ±5 points', 'Essex 2018, court: 43 of 57, ±4.89 points']
    >>> plt.close(fig)
    """
    from .size import margin_of_error

    fig, ax = _axes(ax, (8, 3.6))
    right = 0
    for i, population in enumerate(populations):
        ns = np.arange(1, (max_n if population is None else population) + 1)
        values = [100 * margin_of_error(int(n), population, confidence=confidence) for n in ns]
        ax.plot(ns, values, zorder=2 + i, **_line_style(i),
                label="unlimited population" if population is None else f"N = {population}")
        right = max(right, ns[-1])
    ax.axhline(100 * margin, color="0.1", linewidth=1, linestyle="--", zorder=1,
               label=f"target: ±{100 * margin:g} points")
    for label, n, population in mark:
        value = 100 * margin_of_error(n, population, confidence=confidence)
        ax.plot(n, value, "o", markersize=10, markerfacecolor="none", markeredgecolor="#ca0020",
                markeredgewidth=2, zorder=10, label=f"{label}: {n} of {population}, ±{value:.2f} points")
    ax.set_xlim(0, right + 1)
    ax.set_ylim(0, 25)
    ax.set_xlabel("cases sampled, n (count)")
    ax.set_ylabel("margin of error (percentage points)")
    ax.set_title(f"The margin a sample achieves at {confidence:.0%} confidence (p = 0.5)", fontsize=10)
    ax.legend(loc="upper right", fontsize=7, framealpha=0.9)
    fig.tight_layout()
    return fig


def band_accuracy_plot(samples, *, confidence: float = 0.80, ax=None):
    """The chance that the printed percentage falls in the true band, against the true rate.

    ``samples`` is a sequence of (n, N) pairs (N None for an unlimited population). For each,
    the ``p_correct`` column of :func:`sampling.operating_characteristic` with no rule: exactly
    P(band(percent(X, n)) = band(percent(K, N))) with X ~ Hypergeometric(N, K, n), at every
    K = 0..N (drawn as dots), or with X ~ Binomial(n, p) on a grid of p when N is None. The
    shading is the true band, which changes where the true percentage prints into the next band
    (:func:`sampling.framework.proportion_cutoffs`). Each label gives the sample's margin of
    error at ``confidence``.

    Parameters
    ----------
    samples : sequence of (int, int or None)
        (n, N) pairs, one curve each.
    confidence : float, default 0.80
        The level each label counts the true rates against, and of the margin.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Raises
    ------
    SamplingError
        For an n or N that :func:`sampling.operating_characteristic` refuses.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = band_accuracy_plot([(43, 57)])
    >>> fig.axes[0].get_legend().get_texts()[0].get_text()
    '43 of 57 cases, margin ±4.9 points: right band at 80% or more for 47 of 58 possible true rates'
    >>> plt.close(fig)
    """
    from .discretion import operating_characteristic
    from .framework import proportion_cutoffs
    from .size import margin_of_error

    fig, ax = _axes(ax, (8, 4.4))
    cuts = [0, *proportion_cutoffs(), 1]
    for i, rating in enumerate(Rating):
        ax.axvspan(100 * cuts[i], 100 * cuts[i + 1], color=BAND_COLOURS[rating], zorder=0)
        ax.text(50 * (cuts[i] + cuts[i + 1]), 0.04, rating.label.replace(" ", "\n", 1), ha="center",
                va="bottom", fontsize=7, color="0.25", zorder=1)
    for i, (n, population) in enumerate(samples):
        rates = None if population is None else list(np.arange(population + 1) / population)
        oc = operating_characteristic(n, population=population, rates=rates)
        p = oc["p_correct"].to_numpy()
        e = 100 * margin_of_error(n, population, confidence=confidence)
        who = f"{n} cases, unlimited population" if population is None else f"{n} of {population} cases"
        # an unlimited population: a wide pale line beneath; finite: dots, the earlier ones larger and
        # hollow, so that equal curves stay visible one inside the other
        style = (dict(color=f"C{i % 10}", linewidth=4, alpha=0.45, zorder=2) if population is None else
                 dict(color=f"C{i % 10}", marker="os^D"[i % 4], markersize=max(6.5 - 1.5 * i, 2.5),
                      markerfacecolor="none" if i == 0 else f"C{i % 10}", linewidth=0.8, zorder=3 + i))
        sure = int((p >= confidence - 1e-12).sum())
        grid = "possible true rates" if population else "rates on a half-point grid"
        ax.plot(oc.index.to_numpy() * 100, p, **style,
                label=f"{who}, margin ±{e:.1f} points: right band at {confidence:.0%} or more "
                      f"for {sure} of {p.size} {grid}")
    ax.axhline(confidence, color="0.1", linewidth=0.9, linestyle="--", zorder=1,
               label=f"{confidence:.0%} (the reports' confidence level)")
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 1.03)
    ax.set_xlabel("true rate among the eligible cases (%; shading: the true band)")
    ax.set_ylabel("P(printed % in the true band)")
    ax.set_title("How often the printed percentage lands in the service's true band", fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), fontsize=7, framealpha=0.9)
    fig.tight_layout()
    return fig


def exact_coverage_curve(population=None, *, confidence: float = 0.80, margin: float = 0.05, sizes=None,
                         ax=None):
    """The saw-tooth of the exact criterion: the worst-case coverage of +-``margin`` against n.

    Plots :func:`sampling.size.exact_coverage` (the minimum over population proportions of
    P(``|p-hat - P| <= margin``)) for each n in ``sizes`` (by default 40 either side of the
    exact size), the target ``confidence``, the smallest n that meets it, and the exact size of
    :func:`sampling.size.sample_size` (the smallest n from which every larger n meets it).

    Parameters
    ----------
    population : int, optional
        N, the eligible cases; None for an unlimited population.
    confidence : float, default 0.80
        The target coverage.
    margin : float, default 0.05
        The margin of error, a proportion.
    sizes : iterable of int, optional
        The n to draw.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Raises
    ------
    SamplingError
        As :func:`sampling.sample_size` and :func:`sampling.size.exact_coverage`.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = exact_coverage_curve(57, sizes=range(38, 50))   # Essex's court population
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()][2:]
    ['first n that meets it: 45', 'exact size (every n from here): 45']
    >>> plt.close(fig)
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
    """The exact sample size against the population, beside the first n that meets the criterion.

    The first n that meets the criterion (which dips as N grows) beside
    :func:`sampling.size.sample_size`'s exact size (which never falls) and the normal (Cochran
    1977, section 4.4) size.

    Parameters
    ----------
    populations : iterable of int, default range(2, 301)
        The populations N drawn.
    confidence : float, default 0.80
        The target coverage.
    margin : float, default 0.05
        The margin of error, a proportion.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Raises
    ------
    SamplingError
        As :func:`sampling.sample_size`.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = exact_size_curve(range(2, 61))
    >>> fig.axes[0].get_legend().get_texts()[3].get_text()
    'where the first n falls (2 populations)'
    >>> plt.close(fig)
    """
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

    Rates within the result's ``distance`` of a band boundary are hatched, and the worst
    eligible rate is marked.

    Parameters
    ----------
    result : BandAccuracy
        From :func:`sampling.band_accuracy`.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sampling import band_accuracy
    >>> fig = band_accuracy_curve(band_accuracy(43, 57))
    >>> fig.axes[0].get_legend().get_texts()[0].get_text()
    'worst at 5+ points from a boundary: 87.4% at 59.6%'
    >>> plt.close(fig)
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
