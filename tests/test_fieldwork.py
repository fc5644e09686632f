"""Fieldwork: reachable bands against brute-force enumeration of every completion, the settled
call against brute force, predictive probabilities against a Monte Carlo of the same model, and
curtailment's exact saving against a simulation of reading the cases in a random order.

The bands are the youth frameworks' (Inadequate below 50 %, Requires improvement 50-64 %, Good
65-79 %, Outstanding 80 % and over, printed half up: Calderdale 2022, Annexe 1; written out again
here, independently of the package, in ``_band``).
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import openpyxl
import pandas as pd
import pytest

import sampling
from sampling.cli import main
from sampling.fieldwork import (
    NO_RELEVANT_CASE,
    _predictive,
    curtailment,
    fieldwork_status,
    key_question_reach,
)
from sampling.framework import get_framework
from sampling.synthetic import messy_case_list

LABELS = ["Inadequate", "Requires improvement", "Good", "Outstanding"]
YOUTH = get_framework("youth-2021")


def _band(k: int, n: int) -> int:
    printed = (200 * k + n) // (2 * n)  # half up, in integers
    return sum(printed >= bound for bound in (50, 65, 80))


def _brute_reach(yes: int, relevant: int, left: int) -> tuple[set[int], bool]:
    """Every sequence of outcomes of the cases left (0 not relevant, 1 yes, 2 no), one by one."""
    bands, unrated = set(), False
    for outcome in itertools.product((0, 1, 2), repeat=left):
        k = yes + outcome.count(1)
        n = relevant + outcome.count(1) + outcome.count(2)
        if n == 0:
            unrated = True
        else:
            bands.add(_band(k, n))
    return bands, unrated


@pytest.mark.parametrize("left", range(0, 9))
def test_reachable_bands_are_every_completion(left):
    for relevant in range(0, 9):
        for yes in range(relevant + 1):
            got = key_question_reach(yes, relevant, left)
            bands, unrated = _brute_reach(yes, relevant, left)
            assert got["reachable"] == [LABELS[b] for b in sorted(bands)], (yes, relevant, left)
            assert got["may_end_unrated"] == unrated and got["settled"] == (len(bands) == 1 and not unrated)


def test_twelve_cases_left_by_vectorised_brute_force():
    outcomes = np.array(list(itertools.product((0, 1, 2), repeat=12)))  # 531,441 completions
    more_yes, more_no = (outcomes == 1).sum(axis=1), (outcomes == 2).sum(axis=1)
    for yes, relevant in [(0, 0), (3, 4), (10, 12), (13, 20), (7, 7), (1, 9)]:
        n = relevant + more_yes + more_no
        k = yes + more_yes
        rated = n > 0
        printed = (200 * k[rated] + n[rated]) // (2 * n[rated])
        bands = set((printed[:, None] >= np.array([50, 65, 80])).sum(axis=1).tolist())
        got = key_question_reach(yes, relevant, 12)
        assert got["reachable"] == [LABELS[b] for b in sorted(bands)]
        assert got["may_end_unrated"] == bool((~rated).any())


def test_one_case_left_and_none_relevant_reaches_only_the_ends():
    assert key_question_reach(0, 0, 1)["reachable"] == ["Inadequate", "Outstanding"]


def _rows(counts: dict[str, tuple[int, int, int, int]]) -> pd.DataFrame:
    """A frame of answer rows: per key question (yes, no, not relevant, blank) over one sample's
    cases, each case answering every key question."""
    cases = max(sum(c) for c in counts.values())
    rows = []
    for kq, (yes, no, not_relevant, blank) in counts.items():
        answers = ["yes"] * yes + ["no"] * no + ["not relevant"] * not_relevant + [None] * blank
        assert len(answers) == cases
        rows += [(f"C{i}", "court", kq, a) for i, a in enumerate(answers)]
    return pd.DataFrame(rows, columns=["case_id", "domain", "key_question", "answer"])


def _brute_standard(counts) -> tuple[set[int], bool]:
    """Every joint completion of a standard's key questions (each open cell any of 3 outcomes):
    the lowest-band rule applied to each."""
    per_kq = [_brute_reach(yes, yes + no, blank) for yes, no, _, blank in counts.values()]
    lows = {min(choice) for choice in itertools.product(*[sorted(b) for b, _ in per_kq])} if all(
        b for b, _ in per_kq) else set()
    return lows, any(u for _, u in per_kq)


@pytest.mark.parametrize("seed", range(12))
def test_a_standard_is_settled_exactly_when_brute_force_says_so(seed):
    rng = np.random.default_rng(seed)
    cases = int(rng.integers(3, 9))
    counts = {}
    for kq in ("2.1.1", "2.1.2", "2.1.3"):
        blank = int(rng.integers(0, 4))
        yes = int(rng.integers(0, cases - blank + 1))
        no = int(rng.integers(0, cases - blank - yes + 1))
        counts[kq] = (yes, no, cases - blank - yes - no, blank)
    status = fieldwork_status(_rows(counts))
    standard = next(s for s in status.standards if s["standard"] == "2.1")
    lows, unrated = _brute_standard(counts)
    assert standard["reachable"] == [LABELS[b] for b in sorted(lows)], counts
    assert standard["settled"] == (len(lows) == 1 and not unrated), counts


def test_predictive_probabilities_sum_to_one_and_agree_with_monte_carlo():
    rng = np.random.default_rng(7)
    a, b = 0.5, 0.5  # Jeffreys
    for yes, relevant, not_relevant, left in [(5, 7, 1, 4), (0, 0, 2, 3), (11, 12, 0, 6), (2, 6, 3, 5)]:
        exact = _predictive(YOUTH, yes, relevant, not_relevant, left, (a, b))
        assert sum(exact.values()) == pytest.approx(1.0, abs=1e-12)
        draws = 40_000
        rho = rng.beta(a + relevant, b + not_relevant, draws)  # the same model, drawn
        q = rng.beta(a + yes, b + relevant - yes, draws)
        more = rng.binomial(left, rho)
        more_yes = rng.binomial(more, q)
        n, k = relevant + more, yes + more_yes
        for outcome, p in exact.items():
            if outcome == NO_RELEVANT_CASE:
                share = np.mean(n == 0)
            else:
                share = np.mean([(_band(kk, nn) == int(outcome)) if nn else False for kk, nn in zip(k, n, strict=True)])
            assert abs(share - p) < 4 * np.sqrt(p * (1 - p) / draws) + 1e-3, (yes, relevant, outcome)


def test_status_of_a_partly_answered_workbook_and_its_json(capsys, tmp_path):
    plan = tmp_path / "plan.xlsx"
    sampling.plan(messy_case_list(150, rng=4), seed=6).write(plan)
    answers = tmp_path / "answers.xlsx"
    sampling.answers_template(plan, answers)
    book = openpyxl.load_workbook(answers)
    rng = np.random.default_rng(3)
    rows = list(book["answers"].iter_rows(min_row=2))
    for row in rows[: len(rows) // 2]:
        row[4].value = str(rng.choice(["yes", "yes", "yes", "no", "not relevant"]))
    book.save(answers)
    before = answers.read_bytes()
    code = main(["status", str(answers), "--json"])
    out = capsys.readouterr().out
    assert code == 0 and answers.read_bytes() == before
    data = json.loads(out)
    assert set(data) >= {"key_questions", "standards"}
    for item in data["key_questions"]:
        assert {"key_question", "sample", "yes", "relevant", "open", "reachable", "settled",
                "probabilities"} <= set(item)
        assert sum(item["probabilities"].values()) == pytest.approx(1.0)
        assert item["settled"] == (len(item["reachable"]) == 1 and not item["may_end_unrated"])
    for item in data["standards"]:
        assert {"standard", "sample", "reachable", "settled", "probabilities"} <= set(item)
        assert sum(item["probabilities"].values()) == pytest.approx(1.0)
        assert list(item["reachable"]) == [b for b in LABELS if b in item["reachable"]]  # lowest first
    out_file = tmp_path / "status.xlsx"
    assert main(["status", str(answers), "--out", str(out_file)]) == 0
    assert "standard" in pd.read_excel(out_file, sheet_name="table").columns
    # a fully answered sample's standards are settled on the band its answers give
    full = fieldwork_status(answers)
    done = {kq["standard"] for kq in full.key_questions if kq["open"] == 0}
    assert all(s["settled"] for s in full.standards if s["standard"] in done and
               all(k["relevant"] for k in full.key_questions if k["standard"] == s["standard"]))


def test_curtailment_exact_agrees_with_reading_in_a_random_order():
    rates = {"2.1.1": (0.9, 0.8), "2.1.2": (1.0, 0.95), "2.2.1": (0.7, 0.6), "2.2.2": (1.0, 0.9)}
    result = curtailment(rates, 16, reps=3000, rng=11)
    assert abs(result.settled_saving - result.settled_saving_simulated) < 4 * result.settled_saving_se
    assert result.threshold_saving >= result.settled_saving_simulated - 4 * result.settled_saving_se
    assert 0 <= result.threshold_changed <= 1


def test_stopping_when_settled_never_changes_a_rating():
    """Whole simulated readings, case by case: at the first moment fieldwork_status calls every
    standard settled, the band each would end on is the band the full sample gives."""
    rng = np.random.default_rng(5)
    kqs = {"2.1.1": (0.8, 0.7), "2.1.2": (1.0, 0.9), "2.1.3": (1.0, 0.85), "2.2.1": (0.9, 0.6)}
    n = 10
    stopped_early = 0
    for _ in range(60):
        outcome = {}
        for kq, (rel, yes) in kqs.items():  # relevant with its rate, then yes with its rate
            relevant = rng.random(n) < rel
            outcome[kq] = ["yes" if r and rng.random() < yes else "no" if r else "not relevant" for r in relevant]
        full = {}
        for kq, answers in outcome.items():
            sid = kq.rsplit(".", 1)[0]
            k, r = answers.count("yes"), answers.count("yes") + answers.count("no")
            band = _band(k, r) if r else None
            full[sid] = None if band is None or full.get(sid, 9) is None else min(full.get(sid, 9), band)
        for t in range(n + 1):
            rows = [(f"C{i}", "court", kq, answers[i] if i < t else None)
                    for kq, answers in outcome.items() for i in range(n)]
            status = fieldwork_status(pd.DataFrame(rows, columns=["case_id", "domain", "key_question", "answer"]))
            if all(s["settled"] for s in status.standards):
                for s in status.standards:
                    assert LABELS.index(s["reachable"][0]) == full[s["standard"]]
                stopped_early += t < n
                break
    assert stopped_early > 0  # the check bites: some readings settle before the last case


def test_curtailment_refuses_what_it_cannot_answer():
    with pytest.raises(sampling.SamplingError, match="not a key question"):
        curtailment({"9.9.9": (1.0, 0.5)}, 10)
    with pytest.raises(sampling.SamplingError, match="relevance rate"):
        curtailment({"2.1.1": (0.0, 0.5)}, 10)
    with pytest.raises(sampling.SamplingError, match="n must be"):
        curtailment({"2.1.1": (1.0, 0.5)}, 10**7)
