"""The 2025 programme end to end: children's and victims' cases planned into one workbook, the
answers template giving each its key questions, and the annexe rating both areas.

Reference values are computed here independently of the package from the answers themselves:
a key question's percentage printed half up, banded at 50 / 65 / 80 % (the youth frameworks'
bands, Essex 2018, Annex 1; kept by youth-2025 as an assumption its file states), a standard the
band of its lowest key question, and the overall rating the lowest area's (youth-2025's stated
assumption, which fits Wakefield 2025: children Outstanding, victims Good, overall Good).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from test_answers import fill

import sampling
from sampling import AnswersError, Rating, annexe
from sampling.synthetic import messy_case_list

LABELS = ["Inadequate", "Requires improvement", "Good", "Outstanding"]


def _band(yes: int, judged: int) -> int:
    printed = math.floor(100 * yes / judged + 0.5)
    return sum(printed >= low for low in (50, 65, 80))


@pytest.fixture(scope="module")
def inspection(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inspection")
    victims = pd.DataFrame({"Victim reference": [f"VR{i:03d}" for i in range(1, 31)]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        made = sampling.plan(messy_case_list(160, rng=21, domain_column=True), seed=11,
                             policy="hmip-2025-children", victims=victims)
    made.write(folder / "plan.xlsx")
    template = sampling.answers_template(folder / "plan.xlsx", folder / "answers.xlsx")
    truth = fill(folder / "answers.xlsx", seed=4, relevant=0.95,
                 rates={"2.1.1": 0.85, "2.1.2": 0.9, "2.1.3": 0.8, "V1.1": 0.7, "V1.2": 0.6})
    return folder, made, template, truth


def test_template_gives_each_sample_its_key_questions(inspection):
    folder, made, template, _ = inspection
    assert template.framework == "youth-2025"
    assert dict(template.cases) == {"children": made.domain("children").n, "victims": made.domain("victims").n}
    rows = pd.read_excel(folder / "answers.xlsx", sheet_name="answers")
    asked = rows.groupby("domain")["key_question"].apply(lambda s: sorted(set(s))).to_dict()
    assert asked == {"children": ["2.1.1", "2.1.2", "2.1.3"], "victims": ["V1.1", "V1.2"]}
    assert len(rows) == 3 * made.domain("children").n + 2 * made.domain("victims").n
    # V1.1's wording as the inspectorate's Head of Standards and Policy presented it (May 2025)
    v11 = rows.loc[rows["key_question"] == "V1.1", "question"].iloc[0]
    assert v11 == "Is work with victims high-quality, individualised, and responsive?"
    about = dict(load_workbook(folder / "answers.xlsx")["about"].iter_rows(min_row=2, values_only=True))
    assert about["framework"] == "youth-2025" and about["cases.victims"] == made.domain("victims").n


def test_answers_give_both_areas_by_the_rules(inspection):
    folder, made, _, truth = inspection
    answers = sampling.read_answers(folder / "answers.xlsx")
    report = answers.report()
    assert report.framework.name == "youth-2025"
    assert dict(report.samples) == {"children": made.domain("children").n, "victims": made.domain("victims").n}
    expected = {}
    for standard, kqs in {"2.1": ["2.1.1", "2.1.2", "2.1.3"], "V1": ["V1.1", "V1.2"]}.items():
        bands = []
        for kq in kqs:
            judged = truth[(truth.key_question == kq) & truth.answer.isin(["yes", "no"])]
            bands.append(_band(int((judged.answer == "yes").sum()), len(judged)))
        expected[standard] = min(bands)
    table = sampling.rate_report(report)
    assert {row.id: int(row.rule_rating) for row in table.rows} == expected
    assert int(table.rule_overall) == min(expected.values())
    assert table.rule_score == table.published_score  # no discretion in answers


def test_a_victims_question_on_a_childrens_case_is_refused(inspection, tmp_path):
    folder, *_ = inspection
    book = load_workbook(folder / "answers.xlsx")
    sheet = book["answers"]
    sheet.cell(2, 3).value = "V1.1"  # row 2 is a children's case
    book.save(tmp_path / "wrong.xlsx")
    with pytest.raises(AnswersError) as error:
        sampling.read_answers(tmp_path / "wrong.xlsx")
    assert any("row 2" in p and "V1.1 is a victims question" in p for p in error.value.problems)


def test_rating_distribution_of_areas_is_the_lowest_of_independent_standards(inspection):
    folder, *_ = inspection
    report = sampling.read_answers(folder / "answers.xlsx").report()
    dist = sampling.rating_distribution(report)
    assert float(dist.overall.sum()) == pytest.approx(1.0, abs=1e-12)
    standards = dist.standards[LABELS].to_numpy()
    # brute force over every combination of the two standards' bands
    brute = np.zeros(4)
    for a in range(4):
        for b in range(4):
            brute[min(a, b)] += standards[0, a] * standards[1, b]
    assert dist.overall.to_numpy() == pytest.approx(brute, abs=1e-12)


def test_annexe_rates_both_areas_without_a_score(inspection, tmp_path):
    folder, *_ = inspection
    report = sampling.read_answers(folder / "answers.xlsx").report()
    table = sampling.rate_report(report)
    summary = annexe.score_summary(table)
    assert summary.title == "Areas and overall rating"
    rules = {row.id: row.rule_rating for row in table.rows}
    children, victims = rules["2.1"].label, rules["V1"].label
    assert f"children: **{children}**" in summary.lines[0] and f"victims: **{victims}**" in summary.lines[0]
    assert "score" not in " ".join(annexe.conclusion(report).lines[:1]).lower()
    draw = annexe.illustrative_draw(report, seed=3)
    assert draw.balanced and "case_type" in set(draw.balance.index.get_level_values("variable"))
    result = sampling.write_annexe(folder / "answers.xlsx", tmp_path / "annexe.html")
    assert result.score is None and result.to_dict()["score"] is None
    assert result.areas == {"organisational delivery": "not rated", "children": children, "victims": victims}
    assert result.overall == Rating(min(int(rules["2.1"]), int(rules["V1"]))).label
    html = (tmp_path / "annexe.html").read_text(encoding="utf-8")
    assert "Areas and overall rating" in html and "lowest area" in html


def _answers(children: int, victims: int, *, rates: dict[str, float], seed: int = 0) -> pd.DataFrame:
    """Case-level answers: every children's case answers 2.1.1-2.1.3, every victims' case V1.1-V1.2."""
    rng = np.random.default_rng(seed)
    rows = [(f"C{c}", kq, "yes" if rng.random() < rates[kq] else "no")
            for c in range(children) for kq in ("2.1.1", "2.1.2", "2.1.3")]
    rows += [(f"V{c}", kq, "yes" if rng.random() < rates[kq] else "no")
             for c in range(victims) for kq in ("V1.1", "V1.2")]
    return pd.DataFrame(rows, columns=["case_id", "key_question", "answer"])


RATES = {"2.1.1": 0.9, "2.1.2": 0.95, "2.1.3": 0.9, "V1.1": 0.1, "V1.2": 0.1}


def test_no_victims_cases_leave_the_victims_area_not_rated():
    report = sampling.report_from_answers(_answers(20, 0, rates=RATES), framework="youth-2025")
    assert [s.id for s in report.standards] == ["2.1"]
    assert report.samples["victims"] == 0
    assert ("V1", "Work with victims", "no victims cases to inspect") in report.not_rated
    # the overall rating is the rated area's (the areas' lowest, of those rated)
    assert report.overall is report.standard("2.1").rating
    summary = annexe.score_summary(sampling.rate_report(report))
    assert "victims: not rated (no victims cases to inspect)" in summary.lines[0]


def test_a_framework_file_sets_the_fewest_cases_an_area_needs(tmp_path):
    # a held-out framework: youth-2025 with victims rated only from five cases, for the reason the
    # inspectorate gave small services ("Inspecting small YOS": "given the small caseloads")
    path = tmp_path / "small.toml"
    path.write_text('name = "small"\nextends = "youth-2025"\n[not_rated]\n'
                    'minimum_cases = { children = 1, victims = 5 }\nreason = "given the small caseloads"\n')
    framework = sampling.load_framework(path)
    for victims in range(0, 9):
        report = sampling.report_from_answers(_answers(20, victims, rates=RATES, seed=victims),
                                              framework=str(path))
        rated = {s.id for s in report.standards}
        children = report.standard("2.1").rating
        if victims < 5:
            assert rated == {"2.1"} and report.overall is children
            (reason,) = [r for sid, _, r in report.not_rated if sid == "V1"]
            assert reason == framework.too_small("victims", victims)
            assert ("given the small caseloads" in reason) == (victims > 0)
        else:
            assert rated == {"2.1", "V1"}
            assert report.overall is min(children, report.standard("V1").rating)
            assert report.standard("V1").rating is Rating.INADEQUATE  # 10 % yes: far below 50 %


def test_not_rated_is_checked_in_the_framework_file(tmp_path):
    cases = {
        'minimum_cases = { prison = 3 }': "not_rated.minimum_cases.prison: unknown sample",
        'minimum_cases = { victims = 0 }': "must be a whole number from 1",
        'reasons = "x"': "not_rated: must be a table",
    }
    for body, message in cases.items():
        path = tmp_path / "bad.toml"
        path.write_text(f'name = "bad"\nextends = "youth-2025"\n[not_rated]\n{body}\n')
        with pytest.raises(sampling.SamplingError, match=message):
            sampling.load_framework(path)
    # a score cannot leave a scored standard out: youth-2021 adds 2.1's points to its 0-36 score
    path = tmp_path / "score.toml"
    path.write_text('name = "score"\nextends = "youth-2021"\n[not_rated]\nminimum_cases = { court = 5 }\n')
    with pytest.raises(sampling.SamplingError, match="count towards the score"):
        sampling.load_framework(path)


def test_discretion_refuses_bands_its_rules_are_not_written_for(tmp_path):
    # the candidate rules are written for the youth bands (Essex 2018, Annex 1: 50, 65, 80 %);
    # a framework with Good from 70 % gets a clear refusal, and the annexe says so in words
    moved = tmp_path / "moved.toml"
    moved.write_text('name = "moved"\nextends = "youth-2025"\n[bands]\nlower_bounds = [50, 70, 80]\n')
    report = sampling.report_from_answers(_answers(20, 12, rates=RATES), framework=str(moved))
    with pytest.raises(sampling.SamplingError, match="written for the youth bands"):
        sampling.assess_discretion(report)
    with pytest.raises(sampling.SamplingError, match="written for the youth bands"):
        sampling.simulate(report, reps=10, rng=1)
    assert annexe.discretion_assessment(report) is None and annexe.discretion_table(None).empty
    text = annexe.discretion_text(report, None)
    assert "not assessed" in text.lines[-1] and "50, 70, 80" in text.lines[-1]
    assert annexe.conclusion(report).lines  # the conclusion stands without the discretion rules
    same = sampling.report_from_answers(_answers(20, 12, rates=RATES), framework="youth-2025")
    assert annexe.discretion_assessment(same) is not None


def test_a_framework_file_gives_the_template_its_key_questions(inspection, tmp_path):
    # a copy of youth-2025 beside the plan, named by its path: the template, the answers read back
    # and the report all use the file (its [not_rated] included), not the bundled framework
    folder, made, _, truth = inspection
    path = tmp_path / "small.toml"
    path.write_text('name = "small"\nextends = "youth-2025"\n[not_rated]\n'
                    'minimum_cases = { children = 1, victims = 50 }\nreason = "given the small caseloads"\n')
    template = sampling.answers_template(folder / "plan.xlsx", tmp_path / "answers.xlsx", framework=str(path))
    assert template.framework == str(path) and template.rows == 3 * made.domain("children").n + \
        2 * made.domain("victims").n
    fill(tmp_path / "answers.xlsx", seed=2)
    report = sampling.read_answers(tmp_path / "answers.xlsx").report()
    assert report.framework.name == "small" and [s.id for s in report.standards] == ["2.1"]
    (reason,) = [r for sid, _, r in report.not_rated if sid == "V1"]
    assert reason.endswith("given the small caseloads")
