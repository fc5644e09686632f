"""Reading a real case-list export: headings, values, domains, file shapes, and every problem at
once with the rows the spreadsheet shows. All exports here are synthetic."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from sampling import CaseListError, SamplingError, read_case_list
from sampling.caselists import DISPOSAL_DOMAINS, normalise_value, parse_columns, read_table
from sampling.synthetic import case_list, messy_case_list, write_export

# the export's raw headings, as messy_case_list writes them, by field
RAW = {"case_id": "Case Ref", "domain": "Court/OOCD", "gender": "Sex", "disposal_type": "Sentence or disposal type",
       "rosh": "RoSH", "safety_wellbeing": "Safety & Wellbeing", "date": "Start Date"}


def _problems(excinfo):
    return {p.kind: p for p in excinfo.value.problems}


# ---------------------------------------------------------------------------------------------
# headings


@pytest.mark.parametrize(
    ("heading", "field"),
    [("Case Ref", "case_id"), ("CASE_ID", "case_id"), ("case reference", "case_id"), ("Case No.", "case_id"),
     ("Sex", "gender"), (" Gender ", "gender"), ("Disposal Type", "disposal_type"),
     ("Sentence or disposal type", "disposal_type"), ("Sentence/Disposal", "disposal_type"),
     ("RoSH", "rosh"), ("Risk of Serious Harm", "rosh"), ("Risk of serious harm (RoSH)", "rosh"),
     ("ROSH level", "rosh"), ("Safety & Wellbeing", "safety_wellbeing"), ("S&W", "safety_wellbeing"),
     ("Safety and Well-being", "safety_wellbeing"), ("Risk to safety and wellbeing", "safety_wellbeing"),
     ("Start Date", "date"), ("Date of sentence", "date"), ("Court / OOC", "domain"), ("Domain", "domain"),
     ("Resettlement case", "resettlement")],
)
def test_headings_match_ignoring_case_spaces_and_punctuation(heading, field):
    export = messy_case_list(60, rng=1).rename(columns={RAW.get(field, "x"): heading})
    if field == "resettlement":
        export[heading] = ["yes"] + ["no"] * 59
    cases = read_case_list(export)
    assert cases.mapping[field] == heading


def test_columns_override_and_id_column_names():
    export = messy_case_list(60, rng=1).rename(columns={"Case Ref": "Ref no", "Sex": "Child's sex at birth"})
    with pytest.raises(CaseListError) as info:
        read_case_list(export)
    found = _problems(info)
    assert set(found) == {"missing column"}  # gender: "Child's sex at birth" is not a synonym
    assert "--columns gender=HEADING" in found["missing column"].fix
    cases = read_case_list(export, columns={"gender": "Child's sex at birth"})
    assert cases.mapping["gender"] == "Child's sex at birth" and cases.mapping["case_id"] == "Ref no"
    assert parse_columns("case_id=Ref no,gender=Child's sex at birth") == {"case_id": "Ref no",
                                                                        "gender": "Child's sex at birth"}
    with pytest.raises(CaseListError, match=r"--columns gender='Sexe': no such heading; headings found: 'Ref no'"):
        read_case_list(export, columns={"gender": "Sexe"})
    with pytest.raises(SamplingError, match="columns: unknown field 'ethnic'; the fields are case_id, domain"):
        read_case_list(export, columns={"ethnic": "Sex"})


def test_missing_case_id_points_to_id_column():
    export = messy_case_list(60, rng=1).rename(columns={"Case Ref": "Identifier X"})
    with pytest.raises(CaseListError, match=r"--id-column HEADING"):
        read_case_list(export)


def test_two_headings_for_one_field_is_a_problem():
    export = messy_case_list(60, rng=1)
    export.insert(3, "sex ", export["Sex"])
    with pytest.raises(CaseListError, match=r"'Sex' and 'sex ' could each be gender; choose one with --columns"):
        read_case_list(export)
    assert read_case_list(export, columns={"gender": "Sex"}).extras == ("sex", "Team")  # kept, trimmed


# ---------------------------------------------------------------------------------------------
# values


def test_values_are_trimmed_and_case_folded_before_counting():
    export = messy_case_list(400, rng=2)
    cases = read_case_list(export)
    for field, heading in RAW.items():
        if field in ("case_id", "domain", "date"):
            continue
        # brute force: the distinct values after normalisation, against the categories counted
        expected = export[heading].map(normalise_value).value_counts()
        counted = cases.categories()[field]
        assert {normalise_value(k): v for k, v in counted.items()} == expected.to_dict()
        assert len(counted) < export[heading].nunique()  # "Male", "male ", "MALE" were apart
    assert set(cases.categories()["gender"]) == {"Male", "Female"}  # each in its commonest spelling


@pytest.mark.parametrize(
    ("spelling", "domain"),
    [("court", "court"), ("Court disposal", "court"), ("Post-court", "court"), ("COURT ", "court"),
     ("OOCD", "out_of_court"), ("out of court", "out_of_court"), ("Out-of-court disposal", "out_of_court"),
     ("out-of-court", "out_of_court"), ("Resettlement", "resettlement")],
)
def test_domain_spellings(spelling, domain):
    export = messy_case_list(30, rng=3)
    export["Court/OOCD"] = spelling
    assert read_case_list(export).domains() == {domain: 30}


@pytest.mark.parametrize(
    ("spelling", "domain"),
    [("Referral Order (RO)", "court"), ("Referral order", "court"), ("YRO", "court"),
     ("Youth Rehabilitation Order", "court"), ("YRO with ISS", "court"), ("DTO", "court"),
     ("Detention & Training Order", "court"), ("DTO Licence", "court"), ("Section 250", "court"),
     ("s.250 detention", "court"), ("Youth Caution", "out_of_court"), ("YCC", "out_of_court"),
     ("Youth Conditional Caution (YCC)", "out_of_court"), ("Community Resolution", "out_of_court"),
     ("Outcome 22", "out_of_court"), ("outcome 22 ", "out_of_court")],
)
def test_domain_from_disposal_type(spelling, domain):
    export = messy_case_list(30, rng=3, domain_column=False)
    export["Sentence or disposal type"] = spelling
    cases = read_case_list(export)
    assert cases.domain_from == "disposal_type" and cases.domains() == {domain: 30}
    assert cases.disposal_domains == {spelling.strip(): domain}
    assert ("domain of " + repr(spelling.strip()), domain) in cases.audit_rows()


def test_domain_from_disposal_agrees_with_the_domain_column():
    # the same synthetic cases with and without their domain column: every case placed alike
    with_column = read_case_list(messy_case_list(500, rng=4)).frame.set_index("case_id")["domain"]
    without = read_case_list(messy_case_list(500, rng=4, domain_column=False)).frame.set_index("case_id")["domain"]
    assert without.sort_index().equals(with_column.sort_index())
    assert set(DISPOSAL_DOMAINS.values()) == {"court", "out_of_court"}


def test_unplaced_disposal_is_a_problem_with_its_fix_and_an_override():
    export = messy_case_list(40, rng=5, domain_column=False)
    export.loc[[3, 7], "Sentence or disposal type"] = "Triage"
    with pytest.raises(CaseListError) as info:
        read_case_list(export)
    problem = _problems(info)["disposal types with no domain"]
    assert problem.rows == (5, 9)  # DataFrame rows 3 and 7 under a heading on row 1
    assert "--disposal-domain 'Triage=court'" in str(info.value)
    cases = read_case_list(export, disposal_domains={"triage": "out-of-court"})
    assert cases.frame.loc[[3, 7], "domain"].tolist() == ["out_of_court", "out_of_court"]
    # an override also wins over the built-in mapping
    cases = read_case_list(messy_case_list(40, rng=5, domain_column=False), disposal_domains={"YRO": "out-of-court"})
    assert set(cases.frame.loc[cases.frame.disposal_type == "YRO", "domain"]) <= {"out_of_court"}


def test_resettlement_flag_makes_its_own_domain():
    export = messy_case_list(200, rng=6, resettlement=3)
    cases = read_case_list(export)
    assert cases.domains()["resettlement"] == 3
    flagged = export.loc[export.Resettlement == "Yes", "Case Ref"]
    assert set(cases.frame.loc[cases.frame.domain == "resettlement", "case_id"]) == set(flagged)
    export.loc[0, "Resettlement"] = "perhaps"
    with pytest.raises(CaseListError, match=r"'perhaps' \(row 2\)"):
        read_case_list(export)


@pytest.mark.parametrize(("text", "iso"), [("07/08/2023", "2023-08-07"), ("2023-08-07", "2023-08-07"),
                                           ("7.8.2023", "2023-08-07"), ("07 Aug 2023", "2023-08-07"),
                                           ("2023-08-07 00:00:00", "2023-08-07")])
def test_dates_day_first_or_iso(text, iso):
    export = messy_case_list(10, rng=7)
    export["Start Date"] = text
    assert (read_case_list(export).frame.date == pd.Timestamp(iso)).all()


# ---------------------------------------------------------------------------------------------
# every problem at once


def test_every_problem_at_once_with_spreadsheet_rows():
    export = messy_case_list(120, rng=8)
    export.loc[[4, 9, 30], "RoSH"] = ["", "  ", ""]
    export.loc[17, "Case Ref"] = export.loc[2, "Case Ref"] + " "  # differs only by a space
    export.loc[[11, 12], "Start Date"] = ["31/02/2023", "12/31/2023"]  # no 31st month: never month-first
    export.loc[50, "Court/OOCD"] = "Prevention"
    export = export.drop(columns="Safety & Wellbeing")
    with pytest.raises(CaseListError) as info:
        read_case_list(export)
    found = _problems(info)
    assert set(found) == {"missing column", "blank cells", "duplicate case ids", "dates that do not parse",
                          "unknown domains"}
    assert found["blank cells"].rows == (6, 11, 32) and "3 blank cell(s), rows 6, 11, 32" in str(found["blank cells"])
    assert found["duplicate case ids"].rows == (4, 19)
    assert found["dates that do not parse"].rows == (13, 14)
    assert found["unknown domains"].rows == (52,)
    assert found["missing column"].field == "safety_wellbeing"
    lines = str(info.value).splitlines()
    assert lines[0].startswith("(DataFrame): 5 problems in the case list, one per line below; first, missing column: "
                               "name it with --columns safety_wellbeing=HEADING, or balance without it with --strata "
                               "gender,disposal_type,rosh")
    assert len(lines) == 6


def test_the_summary_names_the_commonest_problem():
    export = messy_case_list(60, rng=9)
    export.loc[3, "Sex"] = ""
    export.loc[5, "RoSH"] = ""
    export.loc[7, "Court/OOCD"] = "?"
    with pytest.raises(CaseListError) as info:
        read_case_list(export)
    first = str(info.value).splitlines()[0]
    assert "3 problems" in first and "the commonest, blank cells (2 of 3): fill them in the export" in first


def test_one_problem_is_one_line():
    export = messy_case_list(60, rng=9)
    export.loc[3, "Sex"] = ""
    with pytest.raises(CaseListError) as info:
        read_case_list(export)
    assert len(str(info.value).splitlines()) == 1 and len(info.value.problems) == 1


def test_blank_dates_only_matter_for_recency():
    export = messy_case_list(60, rng=10)
    export.loc[8, "Start Date"] = ""
    assert read_case_list(export).frame.date.isna().sum() == 1
    with pytest.raises(CaseListError, match=r"column 'Start Date' \(date\): 1 blank cell\(s\), row 10"):
        read_case_list(export, dates_required=True)
    with pytest.raises(CaseListError, match=r"no column for date \(needed for recency\)"):
        read_case_list(export.drop(columns="Start Date"), dates_required=True)


# ---------------------------------------------------------------------------------------------
# files


def _same_cases(a, b) -> bool:
    columns = ["case_id", "domain", "gender", "disposal_type", "rosh", "safety_wellbeing", "date"]
    return a.frame[columns].reset_index(drop=True).equals(b.frame[columns].reset_index(drop=True))


@pytest.mark.parametrize(
    ("separator", "bom", "encoding"),
    [(",", False, "utf-8"), (",", True, "utf-8"), (";", True, "utf-8"), ("\t", False, "utf-8"),
     (";", False, "cp1252")],
)
def test_csv_shapes_read_alike(tmp_path, separator, bom, encoding):
    export = messy_case_list(150, rng=11)
    export.loc[0, "Team"] = "Café"  # a character Windows-1252 writes differently from UTF-8
    path = tmp_path / "export.csv"
    if encoding == "cp1252":
        path.write_bytes(export.to_csv(index=False, sep=separator).encode("cp1252"))
    else:
        write_export(export, path, separator=separator, bom=bom, trailing_blank_rows=4)
    cases = read_case_list(path)
    assert _same_cases(cases, read_case_list(export))
    assert cases.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert cases.frame.loc[0, "Team"] == "Café"
    assert {",": "comma", ";": "semicolon", "\t": "tab"}[separator] in cases.description
    if encoding == "utf-8":
        assert cases.skipped_rows == (152, 153, 154, 155)  # Excel's trailing ",,,," rows, named
        assert ("skipped empty rows", "152-155") in cases.audit_rows()


def test_title_rows_above_the_headings(tmp_path):
    export = messy_case_list(40, rng=12)
    export.loc[5, "Sex"] = ""
    path = tmp_path / "export.csv"
    path.write_text("Eligible cases for inspection\nExported 01/08/2023\n\n" + export.to_csv(index=False))
    with pytest.raises(CaseListError, match=r"row 10\b"):  # heading on row 4, DataFrame row 5 on row 10
        read_case_list(path)
    export.loc[5, "Sex"] = "Male"
    path.write_text("Eligible cases for inspection\n" + export.to_csv(index=False))
    cases = read_case_list(path)
    assert cases.heading_row == 2 and cases.frame.row.iloc[0] == 3


def test_ragged_row_is_a_problem_with_its_row(tmp_path):
    path = tmp_path / "export.csv"
    text = messy_case_list(20, rng=13).to_csv(index=False).splitlines()
    text[6] += ",extra,cells"
    path.write_text("\n".join(text) + "\n")
    with pytest.raises(CaseListError, match=r"row 7 has 10 cells but the heading row has 8"):
        read_case_list(path)


def test_workbook_sheet_with_the_case_columns(tmp_path):
    export = messy_case_list(80, rng=14)
    path = tmp_path / "export.xlsx"
    write_export(export, path, notes_sheet=True)
    cases = read_case_list(path)
    assert cases.sheet == "Cases" and "sheet 'Cases' (the one with the case columns; sheets: Notes, Cases)" \
        in cases.description
    assert _same_cases(cases, read_case_list(export))
    assert read_case_list(path, sheet="cases").sheet == "Cases" and read_case_list(path, sheet=2).sheet == "Cases"
    with pytest.raises(CaseListError, match=r"--sheet 'Summary': no such sheet; sheets: Notes, Cases"):
        read_case_list(path, sheet="Summary")
    with pytest.raises(CaseListError, match=r"no column for case_id"):
        read_case_list(path, sheet="Notes")


def test_workbook_cells_of_other_types(tmp_path):
    # numbers as ids, real dates, a blank row in the middle
    frame = case_list(30, rng=15)
    frame["case_id"] = np.arange(1001, 1031)
    frame["start_date"] = pd.to_datetime(frame.start_date)
    frame.loc[10, :] = None
    path = tmp_path / "cases.xlsx"
    frame.to_excel(path, index=False)
    cases = read_case_list(path)
    assert cases.rows == 29 and cases.skipped_rows == (12,)
    assert cases.frame.case_id.iloc[0] == "1001" and cases.frame.date.iloc[0] == frame.start_date.iloc[0]


def test_read_table_keeps_the_file_as_it_stands(tmp_path):
    path = tmp_path / "export.csv"
    export = messy_case_list(30, rng=16)
    write_export(export, path, separator=";", bom=True, trailing_blank_rows=2)
    table = read_table(path)
    assert list(table.columns) == list(export.columns) and len(table) == 30
    assert table.astype(str).equals(export.astype(str))  # every cell as written (none blank here)
    assert table.attrs["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert table.attrs["skipped_rows"] == [32, 33]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("none.csv", None, "no such file"), ("empty.csv", b"", "the file is empty"),
    ("cases.txt", b"a,b\n1,2\n", "unknown file type '.txt'"),
    ("broken.xlsx", b"not a workbook", "not a case list workbook: it is text"),
])
def test_bad_files(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CaseListError, match=message):
        read_case_list(path)


def test_messy_export_is_the_synthetic_case_list_dressed_up():
    assert messy_case_list(80, rng=5).equals(messy_case_list(80, rng=5))
    export = messy_case_list(200, rng=17)
    # the same cases as case_list draws from the same seed: the categories match once folded
    plain = case_list(200, rng=np.random.default_rng(17))
    assert sorted(export["Sex"].map(normalise_value)) == sorted(plain.gender)
    assert sorted(export["RoSH"].map(normalise_value)) == sorted(plain.rosh)
    assert export["Sex"].nunique() > 2  # spellings vary: "Male", "male ", "MALE"
    assert set(export["Start Date"].str.len()) == {10} and export["Start Date"].str[2].eq("/").all()


def test_headings_without_cases(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Case Ref,Sex,Disposal type,RoSH,S&W\n,,,,\n")
    with pytest.raises(CaseListError, match="the case list has headings but no cases"):
        read_case_list(path)
