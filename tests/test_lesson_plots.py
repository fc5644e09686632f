"""The lesson figures of sampling.plots draw what they claim: each number on a figure is
recomputed here from the package's scalar functions or the bundled report, and every figure
has a title and labelled axes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from sampling import percent, plots, rate_report, select, simulate_selection
from sampling.reports import load_report
from sampling.selection import balance_table
from sampling.synthetic import case_list


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _labelled(fig) -> None:
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel()
    legend = ax.get_legend()
    if legend is not None:
        labels = [t.get_text() for t in legend.get_texts()]
        assert len(labels) == len(set(labels)), labels  # no entry twice


def test_balance_deviations_counts_and_offsets():
    cases = case_list(120, rng=7)
    tables = {"simple": balance_table(cases, cases.sample(43, random_state=1)),
              "balanced": select(cases, 43, rng=1).balance}
    fig = plots.balance_deviations(tables)
    _labelled(fig)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    for name, table in tables.items():
        outside = int((~table["within"]).sum())
        assert f"{name} ({outside} of {len(table)} outside)" in labels
    markers = [line for line in fig.axes[0].get_lines() if line.get_linestyle() == "None"]
    assert len(markers) == 2
    # each design on its own row offset: no marker can hide another's
    assert np.all(np.abs(markers[0].get_ydata() - markers[1].get_ydata()) > 0.2)
    assert np.allclose(markers[1].get_xdata(), tables["balanced"]["deviation"])


def test_imbalance_counts_bars_are_distributions():
    cases = case_list(40, rng=3)
    sims = {"simple": simulate_selection(cases, 12, draws=100, design="simple", rng=1),
            "balanced": simulate_selection(cases, 12, draws=20, rng=1)}
    fig = plots.imbalance_counts(sims)
    _labelled(fig)
    assert fig.axes[0].get_ylabel()
    containers = fig.axes[0].containers
    assert len(containers) == 2
    for container, sim in zip(containers, sims.values(), strict=True):
        heights = np.array([bar.get_height() for bar in container])
        assert heights.sum() == pytest.approx(1.0)
        assert heights[0] == pytest.approx(sim.balanced_share)


def test_inclusion_frequencies_plots_each_case():
    sim = simulate_selection(case_list(30, rng=4), 10, draws=50, rng=2)
    fig = plots.inclusion_frequencies(sim)
    _labelled(fig)
    dots = [line for line in fig.axes[0].get_lines() if line.get_label() == "a case"][0]
    assert np.allclose(dots.get_ydata(), sim.counts / 50)
    band = fig.axes[0].patches[0]
    assert band.get_height() == pytest.approx(4 * sim.standard_error)
    assert band.get_y() == pytest.approx(sim.expected - 2 * sim.standard_error)


@pytest.mark.parametrize("n, k", [(8, 5), (17, 11), (16, 10), (45, 20)])
def test_printed_percentages_match_percent(n, k):
    fig = plots.printed_percentages(n, highlight=k)
    _labelled(fig)
    dashes = [line for line in fig.axes[0].get_lines() if line.get_label() == "printed (half up)"][0]
    assert dashes.get_ydata().tolist() == [percent(j, n) for j in range(n + 1)]
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any(label.startswith(f"{k} of {n} = ") and f"prints {percent(k, n)} %" in label for label in labels)


def test_lowest_key_questions_rings_the_minimum():
    report = load_report("cambridgeshire-2023")
    fig = plots.lowest_key_questions(report)
    _labelled(fig)
    rings = [line for line in fig.axes[0].get_lines()
             if line.get_markerfacecolor() == "none" and len(line.get_xdata()) == 1 and line.get_label()[0] == "_"]
    expected = [min(kq.percent for kq in s.key_questions) for s in report.standards if s.key_questions]
    assert [float(r.get_xdata()[0]) for r in rings] == expected


def test_score_bar_adds_up_to_both_scores():
    # Calderdale 2022: "Score 18/36" on its ratings page; the rule gives 17 (2.3 was raised from
    # Inadequate by professional discretion, footnote 17).
    table = rate_report("calderdale-2022")
    fig = plots.score_bar(table)
    _labelled(fig)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "17: Requires improvement" in texts and "18: Requires improvement" in texts
    widths = {0: 0.0, 1: 0.0}
    for patch in fig.axes[0].patches:
        y = round(patch.get_y() + patch.get_height() / 2)
        if y in widths:
            widths[y] += patch.get_width()
    assert widths == {0: 18.0, 1: 17.0}
