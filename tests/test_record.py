"""One inspection carried whole: the plan's record travels into the answers workbook and every
output reads it; an export's ordinary mess (a title line, a footer, blank risk levels, two
spellings of one disposal, headings such as "Legal Outcome") plans without hand editing."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import openpyxl
import pytest
from test_answers import QUALITATIVE_2021, fill

import sampling
from sampling import SamplingError
from sampling.caselists import parse_blank_as, read_case_list, value_synonyms
from sampling.cli import main
from sampling.record import NOT_PUBLISHED, InspectionRecord
from sampling.synthetic import messy_case_list, write_export


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def messy_export(folder: Path, rng: int = 5) -> Path:
    """An export as a service sends it: a title line, its own headings, blank risk levels, one
    disposal spelt two ways, three genders "Unknown", and a footer line."""
    frame = messy_case_list(180, rng=rng).rename(columns={"Case Ref": "Young Person Ref",
                                                          "Sentence or disposal type": "Legal Outcome"})
    frame.loc[frame.index[:20], "RoSH"] = ""
    yro = frame.index[frame["Legal Outcome"].str.strip().str.lower() == "yro"][:5]
    frame.loc[yro, "Legal Outcome"] = "Youth Rehabilitation Order"
    frame.loc[frame.index[30:33], "Sex"] = "Unknown"
    path = folder / "export.csv"
    write_export(frame, path)
    text = path.read_text(encoding="utf-8")
    path.write_text("Caseload export for inspection\n" + text + "Total records: 180\n", encoding="utf-8")
    return path


def test_the_messy_export_plans_with_its_record(capsys, tmp_path):
    export = messy_export(tmp_path)
    plan = tmp_path / "plan.xlsx"
    code, _, err = run(capsys, "plan", export, "--seed", "3", "--service", "Anyshire Youth Justice Service",
                       "--blank-as", "rosh=not recorded", "--out", plan)
    assert code == 0, err
    book = sampling.read_plan(plan)
    audit = book.audit
    assert audit["skipped footer rows"] == "183" and audit["blank as rosh"] == "not recorded"
    assert audit["values folded disposal_type"] == "'Youth Rehabilitation Order' as 'YRO' (5)"
    assert "not recorded (20)" in audit["categories rosh"]
    assert audit["column disposal_type"] == "Legal Outcome"
    assert "3 case(s) 'Unknown'" in err  # named in the notes, and said
    record = book.record
    assert record.service == "Anyshire Youth Justice Service" and record.published == NOT_PUBLISHED
    sample = book.sample
    assert record.populations == {"court": 69, "out_of_court": 111}
    assert {name: s.n for name, s in record.samples.items()} == sample["domain"].value_counts().to_dict()
    assert all(s.drawn.startswith("balanced on gender") for s in record.samples.values())


def test_the_record_travels_into_the_answers_and_the_report(capsys, tmp_path):
    export = messy_export(tmp_path)
    plan, answers = tmp_path / "plan.xlsx", tmp_path / "answers.xlsx"
    assert run(capsys, "plan", export, "--seed", "3", "--service", "Anyshire Youth Justice Service",
               "--blank-as", "not recorded", "--out", plan)[0] == 0
    assert run(capsys, "template", plan, "--out", answers)[0] == 0
    assert "record" in openpyxl.load_workbook(answers).sheetnames
    fill(answers, seed=3, relevant=0.9, qualitative=QUALITATIVE_2021)
    read = sampling.read_answers(answers)
    assert read.record == sampling.read_plan(plan).record
    report = read.report()
    assert report.service == "Anyshire Youth Justice Service"
    assert dict(report.populations) == {"court": 69, "out_of_court": 111}  # the plan's counts
    implied = sampling.evidence.implied_populations_of(report)  # what the sizes alone would imply
    assert implied == {"court": 68, "out_of_court": 110} != dict(report.populations)
    distribution = sampling.rating_distribution(report, mode="finite")
    assert distribution.populations_source == "plan"
    assert dict(distribution.populations) == {"court": 69, "out_of_court": 111}
    assert read.report(service="Given").service == "Given"  # a name given wins


def test_the_record_round_trips_and_refuses_what_is_not_one():
    result = sampling.plan(messy_case_list(300, rng=1), seed=2024, service="X YJS")
    record = result.inspection_record()
    assert InspectionRecord.from_rows(record.rows()) == record
    assert json.loads(json.dumps(record.to_dict()))["samples"]["court"]["population"] == 127
    with pytest.raises(SamplingError, match="not an inspection record"):
        InspectionRecord.from_rows([("field", "value"), ("service", "X")])
    rows = [(k, "many" if k == "court population" else v) for k, v in record.rows()]
    with pytest.raises(SamplingError, match="'court population' should be a whole number"):
        InspectionRecord.from_rows(rows)


def test_a_given_size_above_the_target_margin_is_in_the_record():
    # a size given by hand (30 of 200 eligible) achieves a wider margin than 5 points
    frame = messy_case_list(300, rng=1)
    result = sampling.plan(frame, seed=1, n={"court": 30})
    record = result.inspection_record()
    court = record.samples["court"]
    assert court.size_method == "given"
    assert record.above_target() == {"court": court.achieved_margin} and court.achieved_margin > 0.05
    assert court.achieved_margin == pytest.approx(sampling.margin_of_error(30, court.population))


def test_victims_drawn_at_random_say_so():
    children = messy_case_list(300, rng=2)
    victims = messy_case_list(60, rng=3)[["Case Ref"]].assign(**{"Case Ref": [f"V-{i}" for i in range(60)]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sampling.SamplingWarning)
        result = sampling.plan(children, seed=1, policy="hmip-2025-children", victims=victims,
                               victims_columns={"case_id": "Case Ref"})
    record = result.inspection_record()
    assert record.framework == "youth-2025" and record.programme == "hmip-2025-children"
    assert record.samples["victims"].drawn == "at random"
    assert record.samples["children"].drawn.startswith("balanced on court or out-of-court")


# --------------------------------------------------------------------------------------------
# the export's mess


def test_footer_lines_are_skipped_but_a_case_is_not(tmp_path):
    frame = messy_case_list(40, rng=7)
    for footer in ("Total records: 40", "Report run on 01/12/2026 by J Smith", "Grand total"):
        path = tmp_path / "footer.csv"
        write_export(frame, path)
        path.write_text(path.read_text(encoding="utf-8") + footer + "\n", encoding="utf-8")
        cases = read_case_list(path)
        assert cases.rows == 40 and cases.footer_rows == (42,), footer
    # a last row that is a case (an id and categories) is never a footer
    path = tmp_path / "cases.csv"
    write_export(frame, path)
    assert read_case_list(path).footer_rows == ()


def test_blank_as_and_its_refusals():
    frame = messy_case_list(60, rng=8)
    frame.loc[:4, "RoSH"] = ""
    with pytest.raises(sampling.CaseListError, match=r"column 'RoSH' \(rosh\): 5 blank cell\(s\)"):
        read_case_list(frame)
    cases = read_case_list(frame, blank_as={"rosh": "not recorded"})
    assert cases.categories()["rosh"]["not recorded"] == 5
    assert read_case_list(frame, blank_as="Not recorded").categories()["rosh"]["Not recorded"] == 5
    with pytest.raises(sampling.CaseListError, match="not a balancing variable"):
        read_case_list(frame, blank_as={"team": "x"})
    assert parse_blank_as(["rosh=not recorded"]) == {"rosh": "not recorded"}
    with pytest.raises(SamplingError, match="mix no plain name"):
        parse_blank_as(["x", "rosh=y"])


def test_value_synonyms_fold_only_what_the_table_names(tmp_path):
    frame = messy_case_list(80, rng=9)
    before = read_case_list(frame).categories()["disposal_type"]
    spelled = frame.copy()
    dto = spelled.index[spelled["Sentence or disposal type"].str.strip().str.lower() == "dto"]
    spelled.loc[dto[:2], "Sentence or disposal type"] = "Detention and Training Order"
    after = read_case_list(spelled)
    assert after.categories()["disposal_type"] == before  # the same categories, the same counts
    assert [(f, s, c) for f, s, c, _ in after.folded] == [("disposal_type", "Detention and Training Order", "DTO")]
    # a user's table extends the bundled one, from a mapping or a TOML file
    spelled.loc[:1, "Sentence or disposal type"] = "Ref Order"
    table = tmp_path / "values.toml"
    table.write_text('[disposal_type]\n"referral order" = ["Ref Order"]\n', encoding="utf-8")
    assert "Ref Order" not in read_case_list(spelled, values=table).categories()["disposal_type"]
    assert "Ref Order" in read_case_list(spelled).categories()["disposal_type"]
    bad = tmp_path / "bad.toml"
    bad.write_text('[disposal_type]\n"referral order" = "Ref Order"\n', encoding="utf-8")
    with pytest.raises(SamplingError, match="must be a list of spellings"):
        value_synonyms(bad)


def test_every_bundled_spelling_names_one_category():
    table = value_synonyms()
    for variable, spellings in table.items():
        categories = set(spellings.values())
        assert all(category in spellings for category in categories), variable  # a category spells itself
