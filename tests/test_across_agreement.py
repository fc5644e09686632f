"""agreement: two inspectors on the same cases, checked against statsmodels, irrCAC and simulation."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.inter_rater import cohens_kappa

from sampling import (
    SamplingError,
    SamplingWarning,
    agreement,
    operating_characteristic,
    simulate,
    synthetic,
)
from sampling.across import judgement_error_from_disagreement
from sampling.cli import main


def table_frame(both_yes, first_only, second_only, both_no, key_question="2.1.1", start=0):
    """A double-judged frame with the given 2 x 2 counts."""
    pairs = ([("yes", "yes")] * both_yes + [("yes", "no")] * first_only + [("no", "yes")] * second_only
             + [("no", "no")] * both_no)
    return pd.DataFrame({"case_id": [f"K{start + i:04d}" for i in range(len(pairs))],
                         "key_question": key_question,
                         "first": [p[0] for p in pairs], "second": [p[1] for p in pairs]})


@pytest.fixture(scope="module")
def held_out():
    """A held-out double-judged file (a seed used nowhere else): 400 cases, three key questions."""
    return synthetic.double_judged(400, rate=0.7, judgement_error=0.12, rng=160_003)


def test_kappa_and_its_interval_match_statsmodels(held_out):
    # independent implementation: statsmodels 0.15.0 cohens_kappa, whose default interval is
    # 95 % (alpha = 0.025 each side); and kappa by its definition (Cohen 1960) written out here
    result = agreement(held_out, confidence=0.95)
    for row in (*result.key_questions, result.overall):
        table = np.array([[row.both_yes, row.first_only], [row.second_only, row.both_no]])
        reference = cohens_kappa(table)
        assert row.kappa == pytest.approx(reference.kappa, abs=1e-12)
        assert row.kappa_low == pytest.approx(reference.kappa_low, abs=1e-12)
        assert row.kappa_high == pytest.approx(reference.kappa_upp, abs=1e-12)
        n = table.sum()
        p_o = np.trace(table) / n
        p_e = (table.sum(axis=1) * table.sum(axis=0)).sum() / n ** 2
        assert row.kappa == pytest.approx((p_o - p_e) / (1 - p_e), abs=1e-12)


def test_kappa_interval_at_80_percent_is_the_same_standard_error():
    from scipy.stats import norm

    frame = table_frame(30, 4, 6, 10)
    row = agreement(frame).overall
    reference = cohens_kappa(np.array([[30, 4], [6, 10]]))
    half = norm.ppf(0.9) * reference.std_kappa
    assert (row.kappa_low, row.kappa_high) == pytest.approx((reference.kappa - half, reference.kappa + half))


@pytest.mark.parametrize(("counts", "expected"), [
    # irrCAC 0.4.4 (Gwet's package, Python port), CAC(ratings).gwet()["est"]["coefficient_value"]
    ((40, 3, 5, 2), 0.79716),
    ((118, 5, 2, 0), 0.94078),
])
def test_ac1_matches_irrcac(counts, expected):
    both_yes, first_only, second_only, both_no = counts
    row = agreement(table_frame(both_yes, first_only, second_only, both_no)).overall
    assert round(row.ac1, 5) == expected


def test_prevalence_paradox_ac1_stays_high_where_kappa_collapses():
    # 118 of 125 agree, almost all "yes" (the second table above): kappa is near 0, AC1 near p_o
    row = agreement(table_frame(118, 5, 2, 0)).overall
    assert row.agreement == pytest.approx(118 / 125)
    assert row.kappa < 0.05 and row.ac1 > 0.9


def test_ofsted_2017_two_inspectors_22_of_24():
    # Ofsted (2017), "Do two inspectors inspecting the same school make consistent decisions?":
    # 22 of 24 short inspections reached the same outcome; exact 95 % Clopper-Pearson interval
    # 0.730 to 0.990 (scipy.stats.binomtest(22, 24).proportion_ci(0.95, "exact"), scipy 1.17.1)
    row = agreement(table_frame(12, 1, 1, 10), confidence=0.95).overall
    assert (row.cases, row.both_yes + row.both_no) == (24, 22)
    assert round(row.agreement_low, 3) == 0.730 and round(row.agreement_high, 3) == 0.990
    assert row.confidence == 0.95


def test_judgement_error_formula_by_brute_force():
    # 2 e (1 - e) = d, for every e on a grid below 1/2; monotone in d
    grid = np.linspace(0, 0.499, 500)
    recovered = [judgement_error_from_disagreement(2 * e * (1 - e)) for e in grid]
    assert np.allclose(recovered, grid, atol=1e-9)
    assert np.all(np.diff(recovered) > 0)
    assert math.isnan(judgement_error_from_disagreement(0.5))


def test_judgement_error_fed_back_reproduces_the_observed_disagreement(held_out):
    # a simulation of two judges written here: each case's true answer, two independent flips
    # with the estimated error; the disagreement must match the observed one within 4 Monte
    # Carlo standard errors, whatever the true rate
    result = agreement(held_out)
    observed = 1 - result.overall.agreement
    error = result.judgement_error
    rng = np.random.default_rng(2_016)
    cases = 400_000
    for rate in (0.2, 0.55, 0.9):
        truth = rng.random(cases) < rate
        first = truth ^ (rng.random(cases) < error)
        second = truth ^ (rng.random(cases) < error)
        simulated = np.mean(first != second)
        assert abs(simulated - observed) < 4 * math.sqrt(observed * (1 - observed) / cases), rate
    # and through the package's own generator and reader
    again = agreement(synthetic.double_judged(100_000, key_questions=("2.1.1",), judgement_error=error, rng=5))
    assert abs((1 - again.overall.agreement) - observed) < 4 * math.sqrt(observed * (1 - observed) / 100_000)


def test_estimate_recovers_the_generating_error(held_out):
    # within 4 standard errors of the 0.12 that generated the file (delta method:
    # SE(e) = SE(d) / (2 sqrt(1 - 2 d)), d = 2 e (1 - e))
    result = agreement(held_out)
    d = 2 * 0.12 * 0.88
    se = math.sqrt(d * (1 - d) / result.overall.cases) / (2 * math.sqrt(1 - 2 * d))
    assert result.judgement_error == pytest.approx(0.12, abs=4 * se)


def test_judgement_error_interval_covers_at_least_its_confidence():
    # 200 synthetic files of 60 cases with e = 0.15: the 80 % interval (the exact interval of
    # the disagreement, carried through the monotone map) must cover 0.15 in at least 80 % of
    # them, less 3 binomial standard errors of the count
    covered = 0
    for seed in range(200):
        frame = synthetic.double_judged(60, key_questions=("3.1.1",), judgement_error=0.15, rng=10_000 + seed)
        with warnings.catch_warnings():  # a rare file disagrees on half its cases: warned, still counted
            warnings.simplefilter("ignore", SamplingWarning)
            row = agreement(frame).overall
        covered += row.judgement_error_low <= 0.15 <= row.judgement_error_high
    assert covered / 200 >= 0.8 - 3 * math.sqrt(0.8 * 0.2 / 200)


def test_simulate_and_operating_characteristic_take_the_estimate(held_out):
    error = agreement(held_out).judgement_error
    oc_clean = operating_characteristic(20, rates=[0.95])
    oc_noisy = operating_characteristic(20, rates=[0.95], judgement_error=error)
    assert float(oc_noisy["p_correct"].iloc[0]) < float(oc_clean["p_correct"].iloc[0])
    result = simulate([0.9, 0.92, 0.95], 20, judgement_error=error, reps=2_000, rng=1)
    assert result.judgement_error == error


def test_counts_and_invariants(held_out):
    result = agreement(held_out)
    assert sum(row.cases for row in result.key_questions) == result.overall.cases == len(held_out)
    for row in (*result.key_questions, result.overall):
        assert row.both_yes + row.both_no + row.first_only + row.second_only == row.cases
        assert row.agreement_low <= row.agreement <= row.agreement_high
        assert row.kappa_low <= row.kappa <= row.kappa_high
        assert row.judgement_error_low <= row.judgement_error <= row.judgement_error_high
    frame = result.to_frame()
    assert list(frame.index) == ["2.1.1", "2.1.2", "2.1.3", "overall"]


def test_judgements_read_like_answers():
    frame = pd.DataFrame({"Case ID ": list("abcdef"), "Key Question": ["2.1.1"] * 6,
                          "FIRST": ["Yes ", "y", " N", "no", "YES", "n"],
                          "Second": ["YES", "n", "no", "Y", "y ", "No"]})
    row = agreement(frame).overall
    assert (row.both_yes, row.first_only, row.both_no, row.second_only) == (2, 1, 2, 1)


def test_one_missing_judgement_is_one_line_naming_the_row():
    frame = table_frame(5, 1, 1, 5)
    frame.loc[3, "second"] = "  "
    with pytest.raises(SamplingError) as caught:
        agreement(frame)
    message = str(caught.value)
    assert "\n" not in message and "row 4 (case K0003, key question 2.1.1)" in message
    assert "second judgement is missing" in message


def test_several_problems_reported_at_once():
    frame = table_frame(5, 1, 1, 5)
    frame.loc[0, "first"] = None
    frame.loc[2, "second"] = "maybe"
    frame.loc[5, "case_id"] = "K0004"  # the same case and key question as row 5
    with pytest.raises(SamplingError) as caught:
        agreement(frame)
    message = str(caught.value)
    assert message.startswith("double-judged cases: 3 problems")
    assert "row 1" in message and "'maybe'" in message and "judged already in row 5" in message


def test_missing_column_and_wrong_type():
    with pytest.raises(SamplingError, match="missing column 'second'"):
        agreement(table_frame(1, 0, 0, 1).drop(columns="second"))
    with pytest.raises(SamplingError, match="DataFrame or the path"):
        agreement([("a", "2.1.1", "yes", "yes")])


def test_undefined_kappa_and_random_judges():
    everyone_yes = agreement(table_frame(10, 0, 0, 0)).overall
    assert math.isnan(everyone_yes.kappa) and everyone_yes.ac1 == 1.0
    assert everyone_yes.to_dict()["kappa"] is None
    with pytest.warns(SamplingWarning, match="disagree on 60%"):
        coin = agreement(table_frame(1, 3, 3, 3))
    assert math.isnan(coin.judgement_error)


def test_cli_json_text_and_errors(capsys, tmp_path, held_out):
    path = tmp_path / "double.csv"
    held_out.to_csv(path, index=False)
    code = main(["agreement", str(path), "--json"])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    data = json.loads(out)
    fields = {"cases", "agreement", "kappa", "kappa_low", "kappa_high", "ac1", "judgement_error"}
    assert fields <= set(data["overall"]) and data["confidence"] == 0.8
    assert all(fields | {"key_question"} <= set(row) for row in data["key_questions"])
    assert main(["agreement", str(path)]) == 0
    assert "judgement error" in capsys.readouterr().out
    broken = held_out.copy()
    broken.loc[6, "first"] = ""
    broken.to_csv(path, index=False)
    code = main(["agreement", str(path)])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1 and "row 7" in err


# --------------------------------------------------------------------------------------------
# "not relevant": counted into agreement on relevance, not refused


NR = "not relevant"
# a realistic double-marking of two key questions, with the pairs (first, second) counted by hand:
# 26 rows say "not relevant" on one side or both (a file the reader once refused with 26 errors)
MARKED = {"2.1.1": {("yes", "yes"): 20, ("no", "no"): 6, ("yes", "no"): 3, ("no", "yes"): 2,
                    (NR, NR): 5, ("yes", NR): 2, (NR, "no"): 1},
          "2.1.2": {("yes", "yes"): 15, ("no", "no"): 8, ("yes", "no"): 2, ("no", "yes"): 4,
                    (NR, NR): 10, ("no", NR): 3, (NR, "yes"): 5}}


def marked_frame(spellings=None):
    spellings = spellings or {}
    rows = []
    for kq, table in MARKED.items():
        for (first, second), count in table.items():
            rows += [(kq, spellings.get(first, first), spellings.get(second, second))] * count
    return pd.DataFrame({"case_id": [f"M{i:03d}" for i in range(len(rows))],
                         "key_question": [r[0] for r in rows], "first": [r[1] for r in rows],
                         "second": [r[2] for r in rows]})


def gwet_ac1(table):
    """Gwet (2008), AC1 for two raters and q = 2 categories, written from the paper's formula:
    p_a = sum of the diagonal / n; pi_k = (row k's margin + column k's margin) / (2 n);
    p_e = sum over k of pi_k (1 - pi_k) / (q - 1); AC1 = (p_a - p_e) / (1 - p_e)."""
    n = table.sum()
    p_a = np.trace(table) / n
    pi = (table.sum(axis=1) + table.sum(axis=0)) / (2 * n)
    p_e = float((pi * (1 - pi)).sum()) / (2 - 1)
    return (p_a - p_e) / (1 - p_e)


def test_not_relevant_pairs_go_to_relevance_and_yes_no_agreement_counts_the_rest():
    frame = marked_frame()
    assert ((frame["first"] == NR) | (frame["second"] == NR)).sum() == 26
    result = agreement(frame)
    # relevance over every pair, counted from MARKED
    relevance = result.relevance
    assert relevance.pairs == 86
    assert (relevance.both_relevant, relevance.both_not_relevant) == (60, 15)
    assert (relevance.first_only, relevance.second_only) == (2 + 3, 1 + 5)
    assert relevance.agreement == pytest.approx(75 / 86)
    reference = cohens_kappa(np.array([[60, 5], [6, 15]]))  # statsmodels, relevant first
    assert relevance.kappa == pytest.approx(reference.kappa, abs=1e-12)
    assert relevance.ac1 == pytest.approx(gwet_ac1(np.array([[60, 5], [6, 15]])), abs=1e-12)
    per_kq = {row.key_question: row for row in result.relevance_key_questions}
    assert (per_kq["2.1.1"].pairs, per_kq["2.1.1"].both_not_relevant) == (39, 5)
    assert (per_kq["2.1.2"].pairs, per_kq["2.1.2"].both_not_relevant) == (47, 10)
    # yes / no on the pairs both judged relevant, per key question and overall
    tables = {"2.1.1": np.array([[20, 3], [2, 6]]), "2.1.2": np.array([[15, 2], [4, 8]])}
    tables["overall"] = tables["2.1.1"] + tables["2.1.2"]
    for row in (*result.key_questions, result.overall):
        table = tables[row.key_question or "overall"]
        assert row.cases == table.sum()
        assert (row.both_yes, row.first_only, row.second_only, row.both_no) == tuple(table.ravel())
        assert row.kappa == pytest.approx(cohens_kappa(table).kappa, abs=1e-12)
        assert row.ac1 == pytest.approx(gwet_ac1(table), abs=1e-12)
        assert row.judgement_error == pytest.approx(
            judgement_error_from_disagreement(1 - np.trace(table) / table.sum()))
    frame_rel = result.relevance_frame()
    assert list(frame_rel.index) == ["2.1.1", "2.1.2", "overall"]
    assert result.to_dict()["relevance"]["overall"]["pairs"] == 86


def test_not_relevant_read_in_every_spelling_and_headings_named_with_columns(capsys, tmp_path):
    spelled = marked_frame({NR: "N/A"}).rename(columns={"case_id": "Case", "first": "Inspector A",
                                                        "second": "QA reader"})
    spelled.loc[spelled.index[::2], "Inspector A"] = spelled.loc[spelled.index[::2], "Inspector A"].replace(
        {"N/A": "NR"})
    columns = {"case_id": "Case", "first": "Inspector A", "second": "QA reader"}
    result = agreement(spelled, columns=columns)
    assert result.relevance.both_not_relevant == 15 and result.overall.cases == 60
    assert agreement(spelled, columns="case_id=Case,first=Inspector A,second=QA reader").overall == result.overall
    with pytest.raises(SamplingError, match="missing column 'Inspector B' \\(first\\)"):
        agreement(spelled, columns={"case_id": "Case", "first": "Inspector B", "second": "QA reader"})
    path = tmp_path / "marked.csv"
    spelled.to_csv(path, index=False)
    code = main(["agreement", str(path), "--columns", "case_id=Case,first=Inspector A,second=QA reader"])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    assert "relevance (relevant or not relevant), 86 pairs: 60 both relevant, 15 both not relevant" in out


def test_no_pair_both_relevant_is_refused():
    frame = table_frame(1, 0, 0, 1)
    frame["first"] = "n/a"
    with pytest.raises(SamplingError, match="no case and key question that both judged relevant"):
        agreement(frame)


# --------------------------------------------------------------------------------------------
# the answers workbook and the second reader's, paired by case and key question


def test_answers_workbook_and_second_reading_paired_by_case_and_key_question(tmp_path, capsys):
    from openpyxl import load_workbook

    from sampling.plans import plan
    from sampling.team import merge_answers, team_templates

    plan(synthetic.case_list(300, rng=11), seed=2024, n={"court": 30, "out_of_court": 30}).write(
        tmp_path / "plan.xlsx")
    team = team_templates(tmp_path / "plan.xlsx", tmp_path / "team", inspectors="Ann,Bob,Cat", qa=5)
    rng = np.random.default_rng(31)
    first = {}
    for path in team.workbooks.values():
        book = load_workbook(path)
        for row in book["answers"].iter_rows(min_row=2):
            row[4].value = NR if rng.random() < 0.15 else ("yes" if rng.random() < 0.7 else "no")
            first[row[0].value, row[2].value] = row[4].value
        book.save(path)
    merged = merge_answers([tmp_path / "team"], tmp_path / "answers.xlsx")
    # the second reader: the first answer, changed one time in five (to one of the other two words)
    book = load_workbook(team.qa)
    pairs = []
    for row in book["answers"].iter_rows(min_row=2):
        answer = first[row[0].value, row[2].value]
        if rng.random() < 0.2:
            answer = str(rng.choice([w for w in ("yes", "no", NR) if w != answer]))
        row[4].value = answer.upper() if answer == "yes" else answer  # spelled as inspectors type
        pairs.append((row[2].value, first[row[0].value, row[2].value], answer))
    book.save(team.qa)
    result = agreement(merged.path, team.qa)
    assert result.source == "answers.xlsx and qa.xlsx"
    # counted here, from the answers written
    relevant = [(a != NR, b != NR) for _, a, b in pairs]
    assert result.relevance.pairs == len(pairs) == 5 * 12 + 5 * 9  # 5 cases a sample; 12 and 9 key questions
    assert result.relevance.both_relevant == sum(a and b for a, b in relevant)
    assert result.relevance.both_not_relevant == sum(not a and not b for a, b in relevant)
    assert result.relevance.both_not_relevant > 0
    assert result.relevance.first_only + result.relevance.second_only > 0
    judged = [(a == "yes", b == "yes") for _, a, b in pairs if NR not in (a, b)]
    table = np.array([[sum(a and b for a, b in judged), sum(a and not b for a, b in judged)],
                      [sum(b and not a for a, b in judged), sum(not a and not b for a, b in judged)]])
    assert result.overall.cases == table.sum()
    assert result.overall.kappa == pytest.approx(cohens_kappa(table).kappa, abs=1e-12)
    assert result.overall.ac1 == pytest.approx(gwet_ac1(table), abs=1e-12)
    assert {row.key_question for row in result.key_questions} <= {kq for kq, _, _ in pairs}
    code = main(["agreement", merged.path, team.qa, "--json"])
    out, _ = capsys.readouterr()
    assert code == 0 and json.loads(out)["relevance"]["overall"]["pairs"] == len(pairs)


def test_second_reading_problems_listed_at_once(tmp_path, capsys):
    from openpyxl import load_workbook

    from sampling.plans import plan
    from sampling.team import team_templates

    plan(synthetic.case_list(300, rng=11), seed=2024, n={"court": 6, "out_of_court": 6}).write(
        tmp_path / "plan.xlsx")
    team = team_templates(tmp_path / "plan.xlsx", tmp_path / "team", inspectors="Ann,Bob", qa=1)
    plan(synthetic.case_list(300, rng=12), seed=5, n={"court": 6, "out_of_court": 6}).write(
        tmp_path / "other.xlsx")
    other = team_templates(tmp_path / "other.xlsx", tmp_path / "other", inspectors="Ann,Bob", qa=1)
    book = load_workbook(other.qa)
    book["answers"]["E2"] = "perhaps"
    book.save(other.qa)
    with pytest.raises(SamplingError) as caught:
        agreement(team.workbooks["Ann"], other.qa)
    message = str(caught.value)
    assert "comes from another plan" in message and "are not in ann.xlsx" in message
    assert "problems; fix them" in message
    code = main(["agreement", team.workbooks["Ann"], other.qa])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
