"""The five reports as data, their validation, case-level answers and the rating table."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from sampling import (
    DenominatorWarning,
    Rating,
    ReportError,
    SamplingError,
    feasible_denominators,
    list_reports,
    load_report,
    rate_report,
    report_from_answers,
)

# Each report's printed score and overall rating, from its "Ratings" page
# (Essex prints no score; its published ratings, "Summary of ratings", sum to 33).
PUBLISHED = {
    "cambridgeshire-2023": (19, "Good"),  # Cambridgeshire 2023, Ratings page: "Score 19/36", "Good"
    "essex-2018": (33, "Outstanding"),  # Essex 2018, Summary of ratings: "Overall rating ... Outstanding"
    "nottingham-city-2020": (15, "Requires improvement"),  # Nottingham City 2020, Ratings page: "Score 15/36"
    "calderdale-2022": (18, "Requires improvement"),  # Calderdale 2022, Ratings page: "Score 18/36"
    "sunderland-2022": (26, "Good"),  # Sunderland 2022, Ratings page: "Score 26/36"
}

# The professional-discretion decisions the reports state, standard: (rule, published).
DISCRETION = {
    "essex-2018": {"3.4": ("Requires improvement", "Good")},  # Annex 2, footnote 12
    "nottingham-city-2020": {"2.4": ("Inadequate", "Requires improvement")},  # 2.4 table '45%*'
    "calderdale-2022": {"2.3": ("Inadequate", "Requires improvement")},  # footnote 17
}


def test_bundled_ids():
    assert list_reports() == ["calderdale-2022", "cambridgeshire-2023", "essex-2018",
                              "nottingham-city-2020", "sunderland-2022"]


def test_each_report_reproduces(report_id):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the bundled files state or assume every denominator
        table = rate_report(report_id)
    score, overall = PUBLISHED[report_id]
    assert table.published_score == score
    assert table.published_overall.label == overall
    assert table.reproduced
    differences = {r.id: (r.rule_rating.label, r.published_rating.label) for r in table.differences}
    assert differences == DISCRETION.get(report_id, {})
    assert all(r.reason for r in table.differences)


def test_rule_scores_differ_only_by_discretion():
    # Each discretion decision raised one standard one band: one point of the score.
    for report_id, decisions in DISCRETION.items():
        table = rate_report(report_id)
        assert table.published_score - table.rule_score == len(decisions)
    assert rate_report("sunderland-2022").rule_score == 26


def test_printed_percentages_and_denominators():
    cambs = load_report("cambridgeshire-2023")
    kq = cambs.key_question("2.1.2")  # 2.1: 11 of 17 = 64.7 %, printed 65 %, rated Good
    assert (kq.k, kq.n, kq.percent, kq.rating) == (11, 17, 65, Rating.GOOD)
    kq = cambs.key_question("3.1.3")  # 10 of 16 = 62.5 % printed 63 %
    assert (kq.k, kq.n) == (10, 16)
    notts = load_report("nottingham-city-2020")
    kq = notts.key_question("2.4.3")  # the report: 11 relevant cases; 45 % = 5 of 11
    assert (kq.k, kq.n, kq.denominator) == (5, 11, "stated")
    essex = load_report("essex-2018")
    assert essex.key_question("3.4.2").denominator == "assumed"
    assert essex.key_question("2.1.1").denominator == "sample"


def test_feasible_denominators():
    # 45 %: worked by hand, k/n in [44.5 %, 45.5 %): 4/9 = 44.4 no; 5/11 = 45.45 yes; 9/20 = 45
    assert feasible_denominators(45, 22) == [11, 20, 22]
    assert 30 not in feasible_denominators(45, 30)  # Nottingham City 2.4.3 (issue)
    assert feasible_denominators(100, 3) == [1, 2, 3]
    assert feasible_denominators(0, 3) == [1, 2, 3]
    # brute force over every k for n up to 60
    for p in (33, 50, 63, 73, 92):
        brute = [n for n in range(1, 61) if any((200 * k + n) // (2 * n) == p for k in range(n + 1))]
        assert feasible_denominators(p, 60) == brute
    with pytest.raises(SamplingError, match="whole number from 0 to 100"):
        feasible_denominators(101, 10)


BASE = """
id = "test-2021"
service = "Test Youth Justice Service"
published = "2024"
framework = "youth-2021"
overall = "Good"
score = 22
[samples]
court = 10
out_of_court = 10
[standards."1.1"]
rating = "Good"
[standards."1.2"]
rating = "Good"
[standards."1.3"]
rating = "Good"
[standards."1.4"]
rating = "Good"
[standards."2.1"]
rating = "Good"
key_questions = { "2.1.1" = 70, "2.1.2" = 70, "2.1.3" = 70 }
[standards."2.2"]
rating = "Good"
key_questions = { "2.2.1" = 70, "2.2.2" = 70, "2.2.3" = 70 }
[standards."2.3"]
rating = "Good"
key_questions = { "2.3.1" = 70, "2.3.2" = 70, "2.3.3" = 70 }
[standards."2.4"]
rating = "Requires improvement"
key_questions = { "2.4.1" = 70, "2.4.2" = 60, "2.4.3" = 70 }
[standards."3.1"]
rating = "Good"
key_questions = { "3.1.1" = 70, "3.1.2" = 70, "3.1.3" = 70 }
[standards."3.2"]
rating = "Good"
key_questions = { "3.2.1" = 70, "3.2.2" = 70, "3.2.3" = 70 }
[standards."3.3"]
rating = "Requires improvement"
key_questions = { "3.3.1" = 70, "3.3.2" = 50, "3.3.3" = 70 }
[standards."3.4"]
rating = "Good"
"""


def test_a_users_valid_file_loads(write_toml):
    report = load_report(write_toml(BASE))
    assert report.published_score == 22 and report.overall is Rating.GOOD
    assert rate_report(report).reproduced


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('service = "Test', 'servise = "Test', r"servise: unknown key"),
        ('overall = "Good"', 'overall = "good"', r"overall: unknown rating 'good' \(did you mean 'Good'\?\)"),
        ('[standards."2.4"]\nrating = "Requires improvement"', '[standards."2.4"]\nrating = "Requires Improvement"',
         r'standards."2.4".rating: unknown rating'),
        ('"2.1.1" = 70', '"2.1.1" = 170', r'key_questions."2.1.1": a percentage must be a whole number from 0 to 100'),
        ('"2.1.1" = 70', '"2.1.1" = 70.5', r'a percentage must be a whole number'),
        ('"2.1.1" = 70, ', '', r'key_questions."2.1.1": missing'),
        ('"2.1.3" = 70 }', '"2.1.3" = 70, "2.1.4" = 70 }', r'key_questions."2.1.4": not a key question of 2.1'),
        ('[standards."1.4"]\nrating = "Good"\n', '', r'standards."1.4": missing; youth-2021 requires'),
        ('[standards."3.4"]\nrating = "Good"', '[standards."3.4"]\nrating = "Good"\nkey_questions = { "3.4.1" = 70 }',
         r'standards."3.4".key_questions: 3.4 \(Out-of-court disposal policy and provision\) is qualitative'),
        ('score = 22', 'score = 23', r"score: the report prints 23, but the published ratings sum to 22"),
        ('overall = "Good"', 'overall = "Outstanding"', r"overall: 'Outstanding' does not follow"),
        ('framework = "youth-2021"', 'framework = "youth-2020"', r"framework: unknown framework 'youth-2020'"),
        ('court = 10', 'court = 0', r"samples.court: must be a whole number of cases, at least 1"),
        ('[standards."1.1"]', '[standards."5.1"]\nrating = "Good"\n[standards."1.1"]', r'standards."5.1": not a standard of youth-2021'),
        ('"2.4.3" = 70 }', '"2.4.3" = 70 }\ncases = { "2.4.3" = 3 }', r'cases."2.4.3": 70% cannot come from 3 cases'),
        ('"2.4.3" = 70 }', '"2.4.3" = 70 }\nyes = { "2.4.3" = 7 }', r'yes."2.4.3": needs its denominator in cases'),
        ('[standards."1.1"]\nrating = "Good"', '[standards."1.1"]\nratings = "Good"', r'standards."1.1".ratings: unknown key'),
    ],
)
def test_each_mistake_names_the_file_and_field(write_toml, old, new, message):
    assert old in BASE
    path = write_toml(BASE.replace(old, new, 1))
    with pytest.raises(ReportError, match=message) as info:
        load_report(path)
    assert str(path) in str(info.value)


def test_unreadable_files(tmp_path, write_toml):
    with pytest.raises(ReportError, match="not valid TOML"):
        load_report(write_toml("id = \n"))
    with pytest.raises(ReportError, match="no such file"):
        load_report(tmp_path / "missing.toml")
    with pytest.raises(ReportError, match="not a bundled report id and not a .toml file"):
        load_report("essex-2019")


def test_impossible_percentage_warns_and_infers(write_toml):
    # Nottingham City 2.4.3 without its stated denominator: 45 % cannot come from 30 cases.
    text = BASE.replace("court = 10", "court = 30").replace('"2.4.2" = 60', '"2.4.2" = 45')
    text = text.replace('"2.4.1" = 70, "2.4.2"', '"2.4.1" = 70, "2.4.2"').replace(
        'rating = "Requires improvement"\nkey_questions = { "2.4.1"',
        'rating = "Inadequate"\nkey_questions = { "2.4.1"').replace("score = 22", "score = 21")
    path = write_toml(text)
    with pytest.warns(DenominatorWarning, match=r"2.4.2 = 45% cannot come from the court sample of 30"):
        report = load_report(path)
    kq = report.key_question("2.4.2")
    assert (kq.k, kq.n, kq.denominator) == (13, 29, "inferred")  # 13/29 = 44.8 %: the largest n


def test_report_from_answers_worked_by_hand():
    # Three cases for 2.1.1: yes, yes, no -> 2 of 3 = 66.7 % printed 67 %, Good.
    # 2.1.2: yes, no, not relevant -> 1 of 2 = 50 %, Requires improvement. Standard 2.1 = RI.
    # Every other key question: 4 yes of 4 = 100 %. Scores: domain one 4 x Good = 8,
    # 2.1 RI = 1, 2.2-2.4 Outstanding = 9, 3.1-3.3 Outstanding = 9, 3.4 Good = 2 -> 29, Good.
    from sampling.framework import get_framework

    rows = [("a", "2.1.1", "yes"), ("b", "2.1.1", "Yes"), ("c", "2.1.1", "no"),
            ("a", "2.1.2", "yes"), ("b", "2.1.2", "no"), ("c", "2.1.2", "not relevant")]
    for spec in get_framework("youth-2021").standards:
        for kq in spec.key_questions:
            if kq not in ("2.1.1", "2.1.2"):
                rows += [(c, kq, "yes") for c in ("a", "b", "c", "d")]
    frame = pd.DataFrame(rows, columns=["case_id", "key_question", "answer"])
    report = report_from_answers(frame, qualitative=dict.fromkeys(["1.1", "1.2", "1.3", "1.4", "3.4"], "Good"))
    assert (report.key_question("2.1.1").k, report.key_question("2.1.1").n) == (2, 3)
    assert report.key_question("2.1.1").percent == 67
    assert (report.key_question("2.1.2").k, report.key_question("2.1.2").n) == (1, 2)
    assert report.standard("2.1").rating is Rating.REQUIRES_IMPROVEMENT
    assert report.samples == {"court": 4, "out_of_court": 4}
    assert report.published_score == 29 and report.overall is Rating.GOOD
    assert all(kq.denominator == "answers" for kq in report.key_questions)


def test_report_from_answers_errors():
    frame = pd.DataFrame({"case_id": [1], "key_question": ["2.1.1"], "answer": ["maybe"]})
    with pytest.raises(SamplingError, match="column 'answer' has 'maybe'"):
        report_from_answers(frame)
    with pytest.raises(SamplingError, match="missing column 'answer'"):
        report_from_answers(frame.drop(columns="answer"))
    frame = pd.DataFrame({"case_id": [1], "key_question": ["2.9.1"], "answer": ["yes"]})
    with pytest.raises(SamplingError, match="key question '2.9.1' is not in youth-2021"):
        report_from_answers(frame)
    frame = pd.DataFrame({"case_id": [1, 1], "key_question": ["2.1.1"] * 2, "answer": ["yes"] * 2})
    with pytest.raises(SamplingError, match="case 1 answers 2.1.1 twice"):
        report_from_answers(frame)
    frame = pd.DataFrame({"case_id": [1], "key_question": ["2.1.1"], "answer": ["yes"]})
    with pytest.raises(SamplingError, match=r"give the rating of 1.1"):
        report_from_answers(frame)


def test_rating_table_frame_and_json_shape():
    table = rate_report("essex-2018")
    frame = table.to_frame()
    assert list(frame.columns) == ["name", "key_questions", "lowest_percent", "rule_rating",
                                   "published_rating", "differs", "reason"]
    data = table.to_dict()
    # the keys are fixed: new ones may be added (the key questions' evidence, the reasons), none removed
    assert set(data) >= {"report", "standards", "score", "overall"}
    assert set(data["standards"][0]) >= {"id", "rule_rating", "published_rating", "lowest_percent", "differs"}
    assert data["standards"][0]["lowest_percent"] is None  # 1.1 is qualitative
    assert data["score"] == {"rule": 32, "published": 33}
