"""A team's fieldwork: a workbook per inspector, protected, merged back with every problem at once.

The plan is drawn here from a synthetic case list (60 cases: 30 court, 30 out-of-court); answers
are drawn with a fixed seed, so every expected count is counted in the test itself.
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from sampling import AnswersError, SamplingError, answers_template, key_question_wording, read_answers
from sampling.cli import main
from sampling.framework import get_framework
from sampling.plans import plan as make_plan
from sampling.synthetic import case_list
from sampling.team import COLUMNS, merge_answers, team_templates

NAMES = ("Ann Smith", "Bob", "Cat")
QUALITATIVE = {"1.1": "Good", "1.2": "Requires improvement", "1.3": "Good", "1.4": "Good", "3.4": "Good"}


def write_plan(path, *, seed=2024, source=11, n=30):
    """A plan workbook of ``n`` court and ``n`` out-of-court cases, as ``python -m sampling plan`` writes."""
    made = make_plan(case_list(300, rng=source), seed=seed, n={"court": n, "out_of_court": n},
                     service="Anyshire YJS")
    made.write(path)
    return made


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plan")
    write_plan(folder / "plan.xlsx")
    return folder / "plan.xlsx"


@pytest.fixture
def team(plan, tmp_path):
    return team_templates(plan, tmp_path / "team", inspectors=",".join(NAMES), qa=3)


def sheet_rows(path, sheet="answers"):
    book = load_workbook(path)
    rows = list(book[sheet].iter_rows(values_only=True))
    book.close()
    return pd.DataFrame(rows[1:], columns=rows[0])


def drawn_answers(plan, seed=3):
    """One answer per case and key question, drawn with a fixed seed: yes with a key question's
    own rate, not relevant one time in ten; and a note on every seventh."""
    rng = np.random.default_rng(seed)
    sample = pd.read_excel(plan, sheet_name="sample")
    spec = get_framework("youth-2021")
    answers = {}
    for case, domain in zip(sample.case_id, sample.domain, strict=True):
        for kq in [k for s in spec.standards for k in s.key_questions if spec.sample_of(k) == domain]:
            word = "not relevant" if rng.random() < 0.1 else ("yes" if rng.random() < 0.7 else "no")
            note = f"note on {case} {kq}" if rng.random() < 1 / 7 else None
            answers[case, kq] = (word, note)
    return answers


def fill(path, answers, *, only=None):
    """Put ``answers`` into a workbook's answer (E) and notes (F) cells; ``only`` limits the rows."""
    book = load_workbook(path)
    sheet = book["answers"]
    for number, row in enumerate(sheet.iter_rows(min_row=2), start=2):
        if only is not None and number not in only:
            continue
        word, note = answers[row[0].value, row[2].value]
        row[4].value = word
        if len(row) > 5:
            row[5].value = note
    book.save(path)


def fill_qualitative(path):
    book = load_workbook(path)
    for row in book["qualitative"].iter_rows(min_row=2):
        row[2].value = QUALITATIVE.get(row[0].value)
    book.save(path)


def counts(report):
    return {kq.id: (kq.k, kq.n) for s in report.standards for kq in s.key_questions}


# --------------------------------------------------------------------------------------------
# a workbook for each inspector


def test_three_workbooks_hold_every_case_once_balanced_within_each_sample(plan, team):
    sample = pd.read_excel(plan, sheet_name="sample")
    assert len(sample) == 60
    seen = {}
    for name in NAMES:
        cases = sheet_rows(team.workbooks[name], "cases")
        for case in cases.case_id:
            assert case not in seen, f"{case} in {seen.get(case)} and {name}"
            seen[case] = name
    assert sorted(seen) == sorted(sample.case_id)
    for domain in ("court", "out_of_court"):
        sizes = [team.cases[name][domain] for name in NAMES]
        assert sum(sizes) == 30 and max(sizes) - min(sizes) <= 1, (domain, sizes)
    # each inspector's answers sheet: one row per own case and key question of its sample, worded
    wording = key_question_wording("youth-2021")
    spec = get_framework("youth-2021")
    for name in NAMES:
        answers = sheet_rows(team.workbooks[name])
        assert list(answers.columns) == list(COLUMNS)
        domain_of = dict(zip(sample.case_id, sample.domain, strict=True))
        expected = [(case, kq) for case in sheet_rows(team.workbooks[name], "cases").case_id
                    for kq in [k for s in spec.standards for k in s.key_questions
                               if spec.sample_of(k) == domain_of[case]]]
        assert list(zip(answers.case_id, answers.key_question, strict=True)) == expected
        assert (answers.question == answers.key_question.map(wording)).all()
        assert answers.answer.isna().all() and answers.notes.isna().all()


def test_each_case_shows_its_details_from_the_plan(plan, team, tmp_path):
    sample = pd.read_excel(plan, sheet_name="sample").set_index("case_id")
    carried = ["gender", "disposal_type", "rosh", "safety_wellbeing", "date"]
    for name in NAMES:
        cases = sheet_rows(team.workbooks[name], "cases")
        assert list(cases.columns) == ["case_id", "domain", *carried]
        for row in cases.itertuples(index=False):
            for column in carried:
                assert getattr(row, column) == sample.loc[row.case_id, column], (row.case_id, column)
    chosen = team_templates(plan, tmp_path / "two", inspectors=["Ann", "Bob"], carry="rosh, date")
    assert list(sheet_rows(chosen.workbooks["Ann"], "cases").columns) == ["case_id", "domain", "rosh", "date"]


def test_drop_downs_and_protection_leave_only_answers_and_notes_editable(team):
    for path in [*team.workbooks.values(), team.qa]:
        book = load_workbook(path)
        sheet = book["answers"]
        rows = sheet.max_row
        validations = sheet.data_validations.dataValidation
        assert len(validations) == 1
        assert validations[0].formula1 == '"yes,no,not relevant"'
        assert str(validations[0].sqref) == f"E2:E{rows}"
        assert book.security.lockStructure
        assert all(ws.protection.sheet for ws in book.worksheets)
        for row in sheet.iter_rows(min_row=2):
            assert not row[4].protection.locked and not row[5].protection.locked  # answer, notes
            assert all(cell.protection.locked for cell in row[:4])  # case_id ... question
        assert all(cell.protection.locked for cell in sheet[1])
        assert all(cell.protection.locked for ws in book.worksheets if ws.title != "answers"
                   for row in ws.iter_rows() for cell in row)
        assert sorted(book.sheetnames) == ["about", "answers", "cases", "instructions", "record"]


def test_allocation_is_recorded_seeded_and_reproducible(plan, team, tmp_path):
    about = dict(sheet_rows(team.workbooks["Bob"], "about").itertuples(index=False))
    assert about["inspector"] == "Bob"
    assert about["allocation"] == "balanced within each sample"
    assert about["allocation seed"] == 2024  # the plan's seed, from its record
    assert about["inspectors"] == "Ann Smith, Bob, Cat"
    again = team_templates(plan, tmp_path / "again", inspectors=list(NAMES), qa=3)
    for name in NAMES:
        assert sheet_rows(again.workbooks[name], "cases").equals(sheet_rows(team.workbooks[name], "cases"))
    assert sheet_rows(again.qa, "cases").equals(sheet_rows(team.qa, "cases"))
    other = team_templates(plan, tmp_path / "other", inspectors=list(NAMES), seed=99)
    assert other.seed == 99
    assert any(not sheet_rows(other.workbooks[n], "cases").case_id.equals(
        sheet_rows(team.workbooks[n], "cases").case_id) for n in NAMES)


def test_qa_sub_sample_spreads_over_the_inspectors(plan, team, tmp_path):
    qa = sheet_rows(team.qa, "cases")
    assert dict(team.qa_cases) == {"court": 3, "out_of_court": 3}
    owner = {case: name for name in NAMES for case in sheet_rows(team.workbooks[name], "cases").case_id}
    for domain in ("court", "out-of-court"):
        readers = sorted(owner[c] for c in qa.loc[qa.domain == domain, "case_id"])
        assert readers == sorted(NAMES), domain  # three cases: one of each inspector's
    about = dict(sheet_rows(team.qa, "about").itertuples(index=False))
    assert about["second reading seed"] == 2024 and about["inspector"] == "second reader"
    share = team_templates(plan, tmp_path / "share", inspectors=list(NAMES), qa=0.1)
    assert dict(share.qa_cases) == {"court": 3, "out_of_court": 3}  # a tenth of 30, rounded up


def test_given_allocations_from_a_file_and_from_the_plan(plan, tmp_path):
    sample = pd.read_excel(plan, sheet_name="sample")
    given = pd.DataFrame({"case_id": sample.case_id,
                          "inspector": ["Dee" if d == "court" else "Eve" for d in sample.domain]})
    given.to_csv(tmp_path / "allocation.csv", index=False)
    made = team_templates(plan, tmp_path / "file", inspectors=tmp_path / "allocation.csv")
    assert {n: dict(c) for n, c in made.cases.items()} == {"Dee": {"court": 30, "out_of_court": 0},
                                                           "Eve": {"court": 0, "out_of_court": 30}}
    assert made.allocation == "given by the file allocation.csv" and made.seed is None
    (tmp_path / "names.txt").write_text("Ann\nBob\n\n", encoding="utf-8")
    assert list(team_templates(plan, tmp_path / "names", inspectors=tmp_path / "names.txt").workbooks) == \
        ["Ann", "Bob"]
    book = load_workbook(plan)
    sheet = book["sample"]
    sheet.cell(row=1, column=sheet.max_column + 1, value="Team")
    for number in range(2, sheet.max_row + 1):
        sheet.cell(row=number, column=sheet.max_column, value="Fay" if number % 2 else "Gus")
    book.save(tmp_path / "plan-team.xlsx")
    made = team_templates(tmp_path / "plan-team.xlsx", tmp_path / "column", allocation_column="team")
    assert sorted(made.workbooks) == ["Fay", "Gus"] and made.allocation == "given by the plan's column 'team'"


def test_bad_team_inputs_listed_at_once_nothing_written(plan, tmp_path):
    sample = pd.read_excel(plan, sheet_name="sample")
    given = pd.DataFrame({"case_id": [*sample.case_id[1:], "Z999"], "inspector": "Dee"})
    given.to_csv(tmp_path / "allocation.csv", index=False)
    with pytest.raises(AnswersError) as caught:
        team_templates(plan, tmp_path / "out", inspectors=tmp_path / "allocation.csv", carry="gender,colour",
                       qa="lots")
    problems = caught.value.problems
    assert len(problems) == 4, problems
    assert any("no column 'colour'" in p for p in problems)
    assert any("'lots'" in p for p in problems)
    assert any(f"no inspector: '{sample.case_id[0]}'" in p for p in problems)
    assert any("not in the plan's sample: 'Z999'" in p for p in problems)
    assert not (tmp_path / "out").exists()
    with pytest.raises(AnswersError, match="one name"):
        team_templates(plan, tmp_path / "out", inspectors="Ann,ann")
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------------------------
# merged back


def test_merged_workbooks_give_the_report_of_one_workbook_filled_alike(plan, team, tmp_path):
    answers = drawn_answers(plan)
    single = answers_template(plan, tmp_path / "single.xlsx")
    fill(single.path, answers)
    fill_qualitative(single.path)
    for path in team.workbooks.values():
        fill(path, answers)
    merged = merge_answers(sorted((tmp_path / "team").glob("*.xlsx")), tmp_path / "merged.xlsx")
    assert merged.skipped == (("qa.xlsx", merged.skipped[0][1]),)
    assert (merged.rows, merged.answered, merged.blank) == (single.rows, single.rows, 0)
    fill_qualitative(merged.path)
    one, many = read_answers(single.path), read_answers(merged.path)
    assert one.record == many.record
    assert counts(one.report()) == counts(many.report())
    assert [s.rating for s in one.report().standards] == [s.rating for s in many.report().standards]
    assert dict(one.samples) == dict(many.samples) == {"court": 30, "out_of_court": 30}
    # the notes are kept, beside their answers
    rows = sheet_rows(merged.path)
    assert list(rows.columns) == ["case_id", "domain", "key_question", "question", "answer", "notes"]
    kept = {(r.case_id, r.key_question): r.notes for r in rows.itertuples() if isinstance(r.notes, str)}
    assert kept == {key: note for key, (_, note) in answers.items() if note}
    assert len(kept) > 10


def test_partly_answered_workbooks_merge_blank_answers_stay_blank(plan, team, tmp_path):
    answers = drawn_answers(plan)
    fill(team.workbooks["Bob"], answers, only=set(range(2, 12)))  # ten rows of Bob's
    merged = merge_answers([tmp_path / "team"], tmp_path / "merged.xlsx")
    assert merged.answered == 10 and merged.blank == merged.rows - 10
    rows = sheet_rows(merged.path)
    assert rows.answer.notna().sum() == 10


def test_every_planted_fault_is_named_in_one_run_and_nothing_written(plan, team, tmp_path):
    folder = tmp_path / "team"
    answers = drawn_answers(plan)
    for path in team.workbooks.values():
        fill(path, answers)
    # a conflicting answer: a copy of Ann's workbook with one answer changed
    shutil.copy(folder / "ann-smith.xlsx", folder / "ann-copy.xlsx")
    book = load_workbook(folder / "ann-copy.xlsx")
    cell = book["answers"]["E3"]
    conflict = (book["answers"]["A3"].value, book["answers"]["C3"].value)
    cell.value = "no" if cell.value != "no" else "yes"
    book.save(folder / "ann-copy.xlsx")
    # a fourth answer word, in Ann's own workbook
    book = load_workbook(folder / "ann-smith.xlsx")
    book["answers"]["E5"] = "maybe"
    book.save(folder / "ann-smith.xlsx")
    # a missing case: every row of Bob's first case deleted
    book = load_workbook(folder / "bob.xlsx")
    sheet = book["answers"]
    missing = sheet["A2"].value
    last = max(r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == missing)
    sheet.delete_rows(2, last - 1)
    book.save(folder / "bob.xlsx")
    # a stranger case: rows for a case the plan never sampled, in Cat's workbook
    book = load_workbook(folder / "cat.xlsx")
    book["answers"].append(["Z999", "court", "2.1.1", "a question", "yes", None])
    book.save(folder / "cat.xlsx")
    # a renamed column, in a copy of Cat's workbook
    shutil.copy(folder / "cat.xlsx", folder / "cat-copy.xlsx")
    book = load_workbook(folder / "cat-copy.xlsx")
    book["answers"]["F1"] = "comments"
    book.save(folder / "cat-copy.xlsx")
    # another plan's workbook
    write_plan(tmp_path / "other-plan.xlsx", seed=7)
    other = team_templates(tmp_path / "other-plan.xlsx", tmp_path / "other", inspectors="Ann")
    shutil.copy(other.workbooks["Ann"], folder / "other-ann.xlsx")

    out = tmp_path / "merged.xlsx"
    with pytest.raises(AnswersError) as caught:
        merge_answers(sorted(folder.glob("*.xlsx")), out)
    problems = caught.value.problems
    expected = {
        "conflict": f"case {conflict[0]!r}, key question {conflict[1]}: answered differently",
        "word": "ann-smith.xlsx answers row 5: answer 'maybe' is not yes, no or not relevant",
        "missing": f"case(s) of the plan are in no workbook: {missing!r}",
        "stranger": "cat.xlsx: case 'Z999' (answers row",
        "column": "cat-copy.xlsx: sheet 'answers' has the columns case_id, domain, key_question, question, "
                  "answer, comments",
        "plan": "other-ann.xlsx: from another plan",
    }
    for fault, text in expected.items():
        assert sum(text in p for p in problems) == 1, (fault, problems)
    assert len(problems) == len(expected), problems
    assert not out.exists()
    # the command line: the same problems, one per line on stderr, exit 2, nothing written
    code = main(["merge", *map(str, sorted(folder.glob("*.xlsx"))), "--out", str(out)])
    assert code == 2 and not out.exists()


def test_merge_refuses_a_single_template_and_never_overwrites_an_input(plan, team, tmp_path):
    single = answers_template(plan, tmp_path / "single.xlsx")
    with pytest.raises(AnswersError, match="not an inspector's workbook"):
        merge_answers([team.workbooks["Bob"], single.path], tmp_path / "merged.xlsx")
    with pytest.raises(SamplingError, match="a file this command reads"):
        merge_answers([team.workbooks["Bob"]], team.workbooks["Bob"], force=True)


def test_command_line_template_and_merge(plan, tmp_path, capsys):
    folder = tmp_path / "cli"
    code = main(["template", str(plan), "--inspectors", "Ann,Bob,Cat", "--qa", "2", "--out", str(folder)])
    out, err = capsys.readouterr()
    assert code == 0 and err == "", err
    assert sorted(p.name for p in folder.iterdir()) == ["ann.xlsx", "bob.xlsx", "cat.xlsx", "qa.xlsx"]
    assert "wrote" in out and "merge" in out
    code = main(["merge", *map(str, sorted(folder.glob("*.xlsx"))), "--out", str(tmp_path / "answers.xlsx")])
    out, err = capsys.readouterr()
    assert code == 0 and "630 answer rows" in out and "left out qa.xlsx" in err
    code = main(["template", str(plan), "--qa", "2", "--out", str(tmp_path / "x.xlsx")])
    out, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "--inspectors" in err
    code = main(["template", str(plan), "--inspectors", "Ann,Bob", "--out", str(folder)])
    out, err = capsys.readouterr()
    assert code == 2 and "already exists" in err
