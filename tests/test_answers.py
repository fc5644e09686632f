"""Answers in: the answers workbook made from a plan, read back and checked, and its report.

Plans are built here from synthetic case lists (``sampling.synthetic``); answers are drawn from
known rates with a fixed seed, so every expected count is counted in the test itself.
"""

from __future__ import annotations

import tomllib

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from sampling import (
    AnswersError,
    SamplingError,
    answers_template,
    key_question_wording,
    load_report,
    rate_report,
    read_answers,
    report_from_answers,
    report_toml,
    select_by_domain,
)
from sampling.framework import DOMAIN_SAMPLES, get_framework, overall_rating, percent, standard_rating
from sampling.synthetic import case_list

# messy spellings of each answer, as inspectors type them
SPELLINGS = {"yes": ["yes", "Yes", "YES ", "y", " Y"], "no": ["no", "No", "n", "N "],
             "not relevant": ["not relevant", "N/A", "n/a", "NR", "Not Relevant"]}


def write_plan(path, *, court=9, out_of_court=12, resettlement=0, seed=5, spelling=("Court", "out_of_court")):
    """A plan workbook shaped like ``python -m sampling plan``'s: sample, reserves, balance, audit."""
    cases = case_list(6 * (court + out_of_court) + 20, rng=seed)
    chosen = select_by_domain(cases, 0, sizes={"court": court, "out_of_court": out_of_court},
                              reserves=2, rng=seed)
    sample = pd.concat([s.sample for s in chosen.values()], ignore_index=True)
    sample["domain"] = sample["domain"].map({"court": spelling[0], "out_of_court": spelling[1]})
    if resettlement:
        extra = case_list(resettlement, rng=seed + 1).assign(domain="Resettlement")
        extra["case_id"] = [f"R{i:03d}" for i in range(1, resettlement + 1)]
        sample = pd.concat([sample, extra], ignore_index=True)
    with pd.ExcelWriter(path) as writer:
        sample.to_excel(writer, sheet_name="sample", index=False)
        pd.concat([s.reserves for s in chosen.values()]).to_excel(writer, sheet_name="reserves", index=False)
        pd.DataFrame({"domain": ["court"], "variable": ["gender"]}).to_excel(writer, sheet_name="balance",
                                                                            index=False)
        pd.DataFrame({"field": ["seed"], "value": [seed]}).to_excel(writer, sheet_name="audit", index=False)
    return sample


def fill(path, *, rates=None, seed=1, relevant=0.9, qualitative=None):
    """Fill an answers workbook in place: each key question "yes" with its rate (default drawn
    from 0.4-0.95), "not relevant" with probability 1 - relevant, messy spellings throughout.
    Returns the canonical answers as a DataFrame (what the workbook should be read as)."""
    rng = np.random.default_rng(seed)
    book = load_workbook(path)
    sheet = book["answers"]
    rows = list(sheet.iter_rows(min_row=2))
    kqs = sorted({row[2].value for row in rows})
    rates = rates or dict(zip(kqs, rng.uniform(0.4, 0.95, size=len(kqs)), strict=True))
    truth = []
    for row in rows:
        kq = row[2].value
        if rng.random() > relevant:
            answer = "not relevant"
        else:
            answer = "yes" if rng.random() < rates[kq] else "no"
        row[4].value = SPELLINGS[answer][rng.integers(len(SPELLINGS[answer]))]
        truth.append((row[0].value, row[1].value, kq, answer))
    qualitative = qualitative or {}
    for row in book["qualitative"].iter_rows(min_row=2):
        if row[0].value in qualitative:
            row[2].value = qualitative[row[0].value]
    book.save(path)
    return pd.DataFrame(truth, columns=["case_id", "domain", "key_question", "answer"])


QUALITATIVE_2021 = {"1.1": "Good", "1.2": " requires improvement", "1.3": "GOOD", "1.4": "Outstanding",
                    "3.4": "Good"}


@pytest.fixture
def plan(tmp_path):
    write_plan(tmp_path / "plan.xlsx")
    return tmp_path / "plan.xlsx"


# --------------------------------------------------------------------------------------------
# wording


@pytest.mark.parametrize("framework", ["youth-2018", "youth-2021"])
def test_every_key_question_has_its_wording_and_source(framework):
    spec = get_framework(framework)
    wording = key_question_wording(framework)
    wanted = [kq for s in spec.standards for kq in s.key_questions]
    assert list(wording) == wanted
    assert all(text.endswith("?") and text[0].isupper() for text in wording.values())
    from importlib import resources

    raw = tomllib.loads((resources.files("sampling") / "data" / "key_questions.toml").read_text("utf-8"))
    assert set(raw[framework]) == set(wanted)  # no extra ids
    assert all(entry["source"] for entry in raw[framework].values())


def test_wording_as_the_reports_print_it():
    # Calderdale 2022, domain two, 2.1 table; Essex 2018, Annex 2, 3.4.1
    assert key_question_wording("youth-2021")["2.1.2"] == "Does assessment sufficiently analyse how to keep the child safe?"
    assert key_question_wording("youth-2018")["3.4.1"].startswith("Are the YOT's recommendations")


# --------------------------------------------------------------------------------------------
# the template


def test_template_has_one_row_per_case_and_key_question_of_its_domain(plan, tmp_path):
    sample = pd.read_excel(plan, sheet_name="sample")
    made = answers_template(plan, tmp_path / "answers.xlsx")
    answers = pd.read_excel(made.path, sheet_name="answers")
    assert list(answers.columns) == ["case_id", "domain", "key_question", "question", "answer"]
    assert answers["answer"].isna().all()
    spec = get_framework("youth-2021")
    per_domain = {d: [kq for s in spec.standards for kq in s.key_questions if DOMAIN_SAMPLES[kq[0]] == d]
                  for d in ("court", "out_of_court")}
    expected = [(case, kq) for case, domain in zip(sample.case_id, sample.domain, strict=True)
                for kq in per_domain["court" if domain.lower() == "court" else "out_of_court"]]
    assert list(zip(answers.case_id, answers.key_question, strict=True)) == expected
    assert made.rows == len(expected) == 9 * 12 + 12 * 9
    assert dict(made.cases) == {"court": 9, "out_of_court": 12}
    wording = key_question_wording("youth-2021")
    assert (answers["question"] == answers["key_question"].map(wording)).all()


def test_template_drop_downs_and_sheets(plan, tmp_path):
    made = answers_template(plan, tmp_path / "answers.xlsx")
    book = load_workbook(made.path)
    assert book.sheetnames == ["answers", "qualitative", "instructions", "about"]
    validations = book["answers"].data_validations.dataValidation
    assert len(validations) == 1
    assert validations[0].formula1 == '"yes,no,not relevant"'
    assert str(validations[0].sqref) == f"E2:E{made.rows + 1}"
    qualitative = pd.read_excel(made.path, sheet_name="qualitative")
    assert list(qualitative.columns) == ["standard", "name", "rating", "note"]
    assert qualitative["standard"].astype(str).tolist() == ["1.1", "1.2", "1.3", "1.4", "3.4", "4.1"]
    about = pd.read_excel(made.path, sheet_name="about").set_index("field")["value"]
    assert about["framework"] == "youth-2021"
    import hashlib

    assert about["plan_sha256"] == hashlib.sha256(plan.read_bytes()).hexdigest()


def test_template_2018_framework_asks_joint_working(plan, tmp_path):
    made = answers_template(plan, tmp_path / "answers.xlsx", framework="youth-2018")
    answers = pd.read_excel(made.path, sheet_name="answers")
    assert made.rows == 9 * 12 + 12 * 11  # 3.4.1 and 3.4.2 are answered in the 2018 framework
    assert {"3.4.1", "3.4.2"} <= set(answers.key_question)
    qualitative = pd.read_excel(made.path, sheet_name="qualitative")
    assert qualitative["standard"].astype(str).tolist() == ["1.1", "1.2", "1.3", "1.4"]


def test_resettlement_cases_answer_no_key_question_but_inform_the_resettlement_standard(tmp_path):
    write_plan(tmp_path / "plan.xlsx", resettlement=2)
    made = answers_template(tmp_path / "plan.xlsx", tmp_path / "answers.xlsx")
    answers = pd.read_excel(made.path, sheet_name="answers")
    assert not answers.case_id.str.startswith("R").any()
    assert made.cases["resettlement"] == 2
    qualitative = pd.read_excel(made.path, sheet_name="qualitative", dtype=str).set_index("standard")
    assert "2 resettlement case(s)" in qualitative.loc["4.1", "note"]
    fill(made.path, qualitative={**QUALITATIVE_2021, "4.1": "Inadequate"})
    report = read_answers(made.path).report()
    assert report.samples["resettlement"] == 2
    assert report.resettlement.label == "Inadequate"


def test_template_refuses_to_overwrite_and_bad_plans(plan, tmp_path):
    out = tmp_path / "answers.xlsx"
    answers_template(plan, out)
    before = out.read_bytes()
    with pytest.raises(SamplingError, match="exists.*--force"):
        answers_template(plan, out)
    assert out.read_bytes() == before
    answers_template(plan, out, force=True)
    with pytest.raises(SamplingError, match=r"\.xlsx"):
        answers_template(plan, tmp_path / "answers.csv")

    bad = tmp_path / "bad.xlsx"
    frame = pd.DataFrame({"case_id": ["A", "A", None, "D"], "domain": ["court", "court", "court", "prison"]})
    frame.to_excel(bad, sheet_name="sample", index=False)
    with pytest.raises(AnswersError) as error:
        answers_template(bad, tmp_path / "other.xlsx")
    problems = error.value.problems
    assert len(problems) == 3  # a blank id, an unknown domain and a repeated case, all at once
    assert any("row 4" in p and "blank" in p for p in problems)
    assert any("row 5" in p and "prison" in p for p in problems)
    assert any("'A'" in p and "rows 2, 3" in p for p in problems)
    assert not (tmp_path / "other.xlsx").exists()
    pd.DataFrame({"x": [1]}).to_excel(bad, sheet_name="cases", index=False)
    with pytest.raises(AnswersError, match="no sheet 'sample'"):
        answers_template(bad, tmp_path / "other.xlsx")


# --------------------------------------------------------------------------------------------
# reading the answers


def test_answers_read_trimmed_in_any_case_and_rated_with_exact_denominators(plan, tmp_path):
    made = answers_template(plan, tmp_path / "answers.xlsx")
    truth = fill(made.path, qualitative=QUALITATIVE_2021)
    answers = read_answers(made.path)
    assert answers.frame["answer"].tolist() == truth["answer"].tolist()
    assert dict(answers.qualitative) == {"1.1": "Good", "1.2": "Requires improvement", "1.3": "Good",
                                         "1.4": "Outstanding", "3.4": "Good"}
    report = answers.report(service="Synthetic YJS")
    # counted here, independently of the toolkit: yes and yes + no per key question
    judged = truth[truth.answer != "not relevant"]
    for kq in report.key_questions:
        rows = judged[judged.key_question == kq.id]
        assert (kq.k, kq.n) == (int((rows.answer == "yes").sum()), len(rows))
        assert kq.percent == percent(kq.k, kq.n) and kq.denominator == "answers"
    spec = get_framework("youth-2021")
    score = 0
    for s in spec.scored_standards:
        if s.qualitative:
            score += int(report.standard(s.id).rating)
            continue
        rating = standard_rating([report.key_question(kq).percent for kq in s.key_questions])
        assert report.standard(s.id).rating is rating
        score += int(rating)
    assert report.published_score == score
    assert report.overall is overall_rating(score)
    assert dict(report.samples) == {"court": 9, "out_of_court": 12}
    assert report.service == "Synthetic YJS"


def test_every_problem_of_the_answers_at_once_with_its_row(plan, tmp_path):
    made = answers_template(plan, tmp_path / "answers.xlsx")
    fill(made.path, qualitative={**QUALITATIVE_2021, "1.3": "Very good"})
    book = load_workbook(made.path)
    sheet = book["answers"]
    sheet["E2"] = "maybe"            # an unknown answer word
    sheet["E3"] = None               # a missing answer
    sheet["E4"] = "   "              # blank too
    sheet["C5"] = "2.5.1"            # an unknown key question
    first_court = sheet["A2"].value
    sheet["B120"] = "court"          # an out-of-court case's row says court: a case in two domains
    other = sheet["A120"].value
    book.save(made.path)
    with pytest.raises(AnswersError) as error:
        read_answers(made.path)
    problems = error.value.problems
    text = "\n".join(problems)
    assert "row 2: answer 'maybe'" in text
    assert "2 answer(s) missing (rows 3, 4)" in text
    assert "row 5: key question '2.5.1'" in text
    assert f"case {other!r} is in two domains" in text
    assert "row 120: key question 3." in text and "domain is court" in text
    assert "qualitative row 4: rating 'Very good'" in text
    assert f"case {first_court!r} has no row for key question(s) 2.2.1" in text  # row 5 was its 2.2.1
    assert str(error.value).splitlines()[0].startswith(f"answers.xlsx: {len(problems)} problem(s)")
    assert len(str(error.value).splitlines()) == len(problems) + 1


def test_missing_rows_repeated_rows_and_all_not_relevant(plan, tmp_path):
    made = answers_template(plan, tmp_path / "answers.xlsx")
    fill(made.path, qualitative=QUALITATIVE_2021)
    frame = pd.read_excel(made.path, sheet_name="answers", dtype=object, keep_default_na=False)
    case = frame.case_id.iloc[0]
    frame.loc[frame.key_question == "2.4.3", "answer"] = "n/a"
    frame.loc[1, "key_question"] = "2.1.1"  # repeats the first row's key question, drops 2.1.2
    with pd.ExcelWriter(made.path, mode="a", if_sheet_exists="replace") as writer:
        frame.to_excel(writer, sheet_name="answers", index=False)
    with pytest.raises(AnswersError) as error:
        read_answers(made.path)
    text = "\n".join(error.value.problems)
    assert f"case {case!r} answers 2.1.1 more than once (rows 2, 3)" in text
    assert f"case {case!r} has no row for key question(s) 2.1.2" in text
    assert "key question 2.4.3: every case answers not relevant" in text


def test_words_accepted_are_exactly_the_documented_ones():
    from sampling.answers import ANSWER_WORDS

    assert {w for w, meaning in ANSWER_WORDS.items() if meaning == "yes"} == {"yes", "y"}
    assert {w for w, meaning in ANSWER_WORDS.items() if meaning == "no"} == {"no", "n"}
    assert {w for w, m in ANSWER_WORDS.items() if m == "not relevant"} == {"not relevant", "n/a", "na", "nr"}


# --------------------------------------------------------------------------------------------
# the report as TOML


def test_report_toml_loads_back_to_the_same_report(report_id, tmp_path):
    report = load_report(report_id)
    path = tmp_path / "again.toml"
    path.write_text(report_toml(report), encoding="utf-8")
    again = load_report(path)
    assert [(kq.id, kq.percent, kq.n, kq.k) for kq in again.key_questions] == \
        [(kq.id, kq.percent, kq.n, kq.k) for kq in report.key_questions]
    assert rate_report(again).to_dict()["standards"] == rate_report(report).to_dict()["standards"]
    assert (again.overall, dict(again.samples)) == (report.overall, dict(report.samples))


def test_report_toml_of_answers(plan, tmp_path):
    made = answers_template(plan, tmp_path / "answers.xlsx")
    truth = fill(made.path, qualitative=QUALITATIVE_2021, seed=3)
    report = read_answers(made.path).report()
    path = tmp_path / "report.toml"
    path.write_text(report_toml(report), encoding="utf-8")
    again = load_report(path)
    direct = report_from_answers(truth, qualitative=QUALITATIVE_2021 | {"1.2": "Requires improvement",
                                                                        "1.3": "Good"})
    assert rate_report(again).rule_score == rate_report(direct).rule_score == report.published_score
    assert [(kq.k, kq.n) for kq in again.key_questions] == [(kq.k, kq.n) for kq in direct.key_questions]
