"""``plan`` and ``replace``: a messy export in, one workbook out; withdrawn cases swapped for their
reserves. The checks recount everything from the export and the written workbook, with the test's
own reading of domains and categories, not the package's."""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import os
import stat
import warnings

import numpy as np
import openpyxl
import pandas as pd
import pytest

import sampling
from sampling import BalanceWarning, CaseListError, ReserveWarning, SamplingError
from sampling.cli import main
from sampling.synthetic import messy_case_list, write_export

# the test's own reading of the synthetic export (independent of sampling.caselists)
DOMAIN_OF_COLUMN = {"court disposal": "court", "court": "court", "oocd": "out_of_court",
                    "out of court": "out_of_court", "out-of-court disposal": "out_of_court"}
DOMAIN_OF_DISPOSAL = {"referral order (ro)": "court", "yro": "court", "dto": "court",
                      "community resolution": "out_of_court", "youth caution": "out_of_court",
                      "ycc": "out_of_court", "outcome 22": "out_of_court"}
BALANCING = {"gender": "Sex", "disposal_type": "Sentence or disposal type", "rosh": "RoSH",
             "safety_wellbeing": "Safety & Wellbeing"}


def _fold(value) -> str:
    return " ".join(str(value).split()).lower()


def _true_domains(export: pd.DataFrame) -> pd.Series:
    if "Court/OOCD" in export.columns:
        return export["Court/OOCD"].map(_fold).map(DOMAIN_OF_COLUMN)
    return export["Sentence or disposal type"].map(_fold).map(DOMAIN_OF_DISPOSAL)


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def sheets(path) -> dict[str, list[tuple]]:
    """Every sheet's cell values, row by row (what 'identical cell values' compares)."""
    book = openpyxl.load_workbook(path)
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in book.worksheets}


def frame_of(path, sheet: str) -> pd.DataFrame:
    rows = sheets(path)[sheet]
    return pd.DataFrame(rows[1:], columns=rows[0])


def _write(tmp_path, shape: str, export: pd.DataFrame):
    if shape == "xlsx":
        path = tmp_path / "export.xlsx"
        write_export(export, path, notes_sheet=True)
    else:
        path = tmp_path / "export.csv"
        write_export(export, path, separator=";" if shape == "csv;" else ",", bom=shape == "csv;",
                     trailing_blank_rows=3)
    return path


def _within_one_case(export, sample, domains):
    """Every category's sample count within one case of n x its share, per domain (brute force)."""
    truth = _true_domains(export)
    for domain in domains:
        population = export[truth == domain]
        chosen = sample[sample.domain == domain]
        n = len(chosen)
        for field, heading in BALANCING.items():
            shares = population[heading].map(_fold).value_counts()
            counts = chosen[field].map(_fold).value_counts()
            for category, count in shares.items():
                target = n * count / len(population)
                got = int(counts.get(category, 0))
                assert math.floor(target + 1e-9) <= got <= math.ceil(target - 1e-9), (domain, field, category)
            assert set(counts.index) <= set(shares.index)


# ---------------------------------------------------------------------------------------------
# the bar


@pytest.mark.parametrize(("shape", "domain_column"), [("csv", True), ("csv;", False), ("xlsx", True),
                                                      ("csv", False)])
def test_messy_export_plans_with_only_seed_and_out(capsys, tmp_path, shape, domain_column):
    export = messy_case_list(420, rng=2024, domain_column=domain_column)
    source = _write(tmp_path, shape, export)
    out = tmp_path / "plan.xlsx"
    code, stdout, err = run(capsys, "plan", source, "--seed", 7, "--out", out)
    assert code == 0, err
    book = sheets(out)
    assert list(book) == ["sample", "reserves", "balance", "audit", "record"]
    sample, reserves = frame_of(out, "sample"), frame_of(out, "reserves")
    truth = _true_domains(export)
    populations = truth.value_counts()
    for domain in ("court", "out_of_court"):  # n is the method's n for each domain's own population
        assert (sample.domain == domain).sum() == sampling.sample_size(int(populations[domain])).n
    _within_one_case(export, sample, ("court", "out_of_court"))
    ids = dict(zip(export["Case Ref"], truth, strict=True))
    assert all(ids[c] == d for c, d in zip(sample.case_id, sample.domain, strict=True))  # right domains
    for row in reserves.itertuples():  # every reserve replaces a sampled case of its own domain
        assert row.replaces in set(sample.loc[sample.domain == row.domain, "case_id"])
    assert set(reserves.case_id).isdisjoint(sample.case_id) and reserves.replaces.is_unique
    audit = dict(frame_of(out, "audit").itertuples(index=False))
    assert audit["seed"] == 7 and audit["input SHA-256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert audit["input rows"] == 420 and audit["column gender"] == "Sex"
    assert audit["domain from"] == ("column 'Court/OOCD'" if domain_column else "the disposal type (mapping below)")
    if not domain_column:
        assert audit["domain of 'YRO'"] == "court" and audit["domain of 'Outcome 22'"] == "out_of_court"
    if shape == "xlsx":
        assert "sheet 'Cases'" in stdout and "sheet 'Cases'" in audit["input format"]
    # a second run gives identical sample and reserves sheets
    again = tmp_path / "again.xlsx"
    assert run(capsys, "plan", source, "--seed", 7, "--out", again)[0] == 0
    second = sheets(again)
    assert second["sample"] == book["sample"] and second["reserves"] == book["reserves"]
    assert second["balance"] == book["balance"]


def test_default_reserves_and_balance_sheet(capsys, tmp_path):
    export = messy_case_list(300, rng=5)
    source = _write(tmp_path, "csv", export)
    out = tmp_path / "plan.xlsx"
    assert run(capsys, "plan", source, "--seed", 1, "--out", out)[0] == 0
    sample, reserves, balance = (frame_of(out, s) for s in ("sample", "reserves", "balance"))
    assert list(balance.columns) == ["domain", "variable", "category", "population", "target", "sample"]
    for domain, part in sample.groupby("domain"):
        n = len(part)
        assert (reserves.domain == domain).sum() == max(2, math.ceil(0.2 * n))  # 20 %, at least 2
        assert reserves.loc[reserves.domain == domain, "reserve_rank"].tolist() == list(
            range(1, (reserves.domain == domain).sum() + 1))
        rows = balance[balance.domain == domain]
        for variable, block in rows.groupby("variable"):
            assert block["sample"].sum() == n and block["population"].sum() == (_true_domains(export) == domain).sum()
            assert np.isclose(block["target"].sum(), n)
            counted = part[variable].map(_fold).value_counts()
            assert {_fold(c): s for c, s in zip(block.category, block["sample"], strict=True) if s} == counted.to_dict()


def test_json_is_the_only_stdout_and_has_the_shape(capsys, tmp_path):
    export = messy_case_list(120, rng=6)
    source = _write(tmp_path, "csv", export)
    code, stdout, err = run(capsys, "plan", source, "--seed", 3, "--out", tmp_path / "p.xlsx", "--reserves", 200,
                            "--json")
    assert code == 0
    data = json.loads(stdout)  # stdout is JSON alone
    assert set(data) == {"seed", "input_sha256", "domains", "settings", "record"} and data["seed"] == 3
    assert data["settings"]["confidence"] == 0.8 and data["settings"]["target_margin_proportion"] == 0.05
    assert data["record"]["samples"]["court"]["population"] == data["domains"]["court"]["population"]
    assert data["input_sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert set(data["domains"]) == {"court", "out_of_court"}
    for part in data["domains"].values():
        assert set(part) == {"population", "n", "method", "margin", "sample", "reserves"}
        assert part["method"] == "cochran" and len(part["sample"]) == part["n"]
        assert part["margin"] == pytest.approx(sampling.margin_of_error(part["n"], part["population"]))
        assert all(set(r) == {"case_id", "replaces"} and r["replaces"] in part["sample"] for r in part["reserves"])
        # 200 reserves asked, fewer cases left: all of them, said on stderr and in the audit
        assert len(part["reserves"]) == part["population"] - part["n"]
    assert err.count("warning: ") == 2 and "200 reserves asked for but only" in err
    assert "note: read export.csv" in err
    audit = dict(frame_of(tmp_path / "p.xlsx", "audit").itertuples(index=False))
    assert "200 reserves asked for but only" in audit["note"]


def test_three_problems_exit_2_name_all_three_write_nothing(capsys, tmp_path):
    export = messy_case_list(250, rng=7)
    export.loc[[10, 40], "Sex"] = ""  # blank cells
    export.loc[60, "Case Ref"] = " " + export.loc[20, "Case Ref"]  # a duplicate id, but for a space
    export.loc[90, "Start Date"] = "31/13/2023"  # a date that does not parse
    source = _write(tmp_path, "csv", export)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    code, stdout, err = run(capsys, "plan", source, "--seed", 1, "--out", tmp_path / "plan.xlsx")
    assert code == 2 and stdout == ""
    lines = err.strip().splitlines()
    assert lines[0].startswith("error: export.csv: 3 problems in the case list") and "--strata" in lines[0]
    assert len(lines) == 4
    assert "column 'Sex' (gender): 2 blank cell(s), rows 12, 42" in lines[1]
    assert "case id(s) appear more than once" in lines[2] and "rows 22, 62" in lines[2]
    assert "'31/13/2023' (row 92)" in lines[3]
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # nothing written


def test_a_heading_it_cannot_recognise_points_to_columns(capsys, tmp_path):
    export = messy_case_list(100, rng=8).rename(columns={"RoSH": "Harm level (assessed)"})
    source = _write(tmp_path, "csv", export)
    code, _, err = run(capsys, "plan", source, "--seed", 1, "--out", tmp_path / "plan.xlsx")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "no column for rosh" in err and "--columns rosh=HEADING" in err and "--strata" in err
    code, _, err = run(capsys, "plan", source, "--seed", 1, "--out", tmp_path / "plan.xlsx", "--columns",
                       "rosh=Harm level (assessed)")
    assert code == 0, err
    assert dict(frame_of(tmp_path / "plan.xlsx", "audit").itertuples(index=False))["column rosh"] == \
        "Harm level (assessed)"


# ---------------------------------------------------------------------------------------------
# replace


@pytest.fixture
def written(capsys, tmp_path):
    export = messy_case_list(360, rng=9)
    source = _write(tmp_path, "csv", export)
    out = tmp_path / "plan.xlsx"
    assert run(capsys, "plan", source, "--seed", 11, "--out", out)[0] == 0
    return export, out


def test_replace_swaps_in_the_named_reserve_and_keeps_every_ratio(capsys, written):
    export, out = written
    sample, reserves = frame_of(out, "sample"), frame_of(out, "reserves")
    cells = list(BALANCING)
    same = [r for r in reserves.itertuples()
            if tuple(map(_fold, sample.loc[sample.case_id == r.replaces, cells].iloc[0]))
            == tuple(_fold(getattr(r, c)) for c in cells)]
    assert len(same) >= 10  # most reserves share their case's cell
    for reserve in same[:3]:
        code, stdout, err = run(capsys, "replace", out, reserve.replaces, "--reason", "moved out of the area")
        assert code == 0, err
        assert f"reserve {reserve.case_id} (named for it)" in stdout and "every ratio still within a case" in stdout
    after = frame_of(out, "sample")
    assert len(after) == len(sample) and set(after.case_id) == (set(sample.case_id) - {r.replaces for r in same[:3]}
                                                               | {r.case_id for r in same[:3]})
    _within_one_case(export, after, ("court", "out_of_court"))
    withdrawn = frame_of(out, "withdrawn")
    assert withdrawn.case_id.tolist() == [r.replaces for r in same[:3]]
    assert set(withdrawn.reason) == {"moved out of the area"} and withdrawn.replaced_by.tolist() == [
        r.case_id for r in same[:3]]
    assert all(isinstance(v, datetime.datetime) for v in withdrawn.withdrawn_at)
    assert set(frame_of(out, "reserves").case_id) == set(reserves.case_id) - {r.case_id for r in same[:3]}
    balance = frame_of(out, "balance")
    for (domain, variable), block in balance.groupby(["domain", "variable"]):
        counted = after.loc[after.domain == domain, variable].map(_fold).value_counts()
        assert {_fold(c): s for c, s in zip(block.category, block["sample"], strict=True) if s} == counted.to_dict()
    audit = frame_of(out, "audit")
    assert (audit.field == "replaced").sum() == 3 and (audit.field == "replaced at").sum() == 3
    # the in-place position: the reserve sits where the withdrawn case was
    first = same[0]
    assert after.case_id.tolist()[sample.case_id.tolist().index(first.replaces)] == first.case_id


def test_replace_with_no_named_reserve_takes_the_best_remaining(written):
    _, out = written
    sample, reserves = frame_of(out, "sample"), frame_of(out, "reserves")
    unnamed = next(c for c in sample.case_id if c not in set(reserves.replaces))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a same-cell or balance-keeping reserve exists here: no warning
        result = sampling.replace_case(out, unnamed, reason="in custody")
    assert result.how in ("same cell", "keeps the balance") and result.balanced
    assert result.reserve in set(reserves.case_id) and result.case_id == unnamed


def test_replace_runs_out_of_reserves(capsys, tmp_path):
    source = _write(tmp_path, "csv", messy_case_list(80, rng=10))
    out = tmp_path / "plan.xlsx"
    assert run(capsys, "plan", source, "--seed", 2, "--out", out, "--reserves", 1, "--n", "court=10,ooc=10")[0] == 0
    court = frame_of(out, "sample").query("domain == 'court'").case_id.tolist()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BalanceWarning)
        assert run(capsys, "replace", out, court[0], "--reason", "a")[0] == 0
        before = out.read_bytes()
        code, _, err = run(capsys, "replace", out, court[1], "--reason", "b")
    assert code == 2 and "no court reserves left" in err and out.read_bytes() == before


@pytest.mark.parametrize("which", ["unknown", "reserve", "withdrawn", "blank reason"])
def test_replace_refuses_a_case_not_in_the_sample(capsys, written, which):
    _, out = written
    sample, reserves = frame_of(out, "sample"), frame_of(out, "reserves")
    if which == "withdrawn":
        assert run(capsys, "replace", out, sample.case_id[0], "--reason", "x")[0] == 0
    before = out.read_bytes()
    case, reason, fragment = {
        "unknown": ("NOBODY", "x", "'NOBODY' is not in the sample"),
        "reserve": (reserves.case_id[0], "x", "is a reserve"),
        "withdrawn": (sample.case_id[0], "x", "was withdrawn from"),
        "blank reason": (sample.case_id[1], "  ", "say why the case is withdrawn"),
    }[which]
    code, stdout, err = run(capsys, "replace", out, case, "--reason", reason)
    assert code == 2 and stdout == "" and len(err.strip().splitlines()) == 1 and fragment in err
    assert out.read_bytes() == before


def test_replace_refuses_a_workbook_that_is_not_a_plan(capsys, tmp_path):
    other = tmp_path / "other.xlsx"
    pd.DataFrame({"case_id": ["a"]}).to_excel(other, index=False, sheet_name="sample")
    before = other.read_bytes()
    code, _, err = run(capsys, "replace", other, "a", "--reason", "x")
    assert code == 2 and "not a plan workbook (no sheet 'reserves')" in err and other.read_bytes() == before
    text = tmp_path / "plan.xlsx"
    text.write_text("not a workbook")
    code, _, err = run(capsys, "replace", text, "a", "--reason", "x")
    assert code == 2 and "not a plan workbook" in err


def test_replace_leaves_the_old_workbook_whole_on_failure(monkeypatch, written):
    _, out = written
    before = out.read_bytes()
    os.chmod(out, 0o640)

    def broken_save(self, filename):  # a path or, through the one writer, a stream
        if hasattr(filename, "write"):
            filename.write(b"half a workbook")
        else:
            with open(filename, "wb") as handle:
                handle.write(b"half a workbook")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    case = frame_of(out, "sample").case_id[0]
    with pytest.raises(OSError, match="disk full"):
        sampling.replace_case(out, case, reason="x")
    assert out.read_bytes() == before and sorted(p.name for p in out.parent.iterdir() if p.name.startswith("."))== []
    monkeypatch.undo()
    sampling.replace_case(out, case, reason="x")
    assert stat.S_IMODE(out.stat().st_mode) == 0o640  # a rewrite keeps the file's permissions


# ---------------------------------------------------------------------------------------------
# options


def test_given_sizes_and_methods():
    export = messy_case_list(300, rng=12)
    populations = _true_domains(export).value_counts()
    result = sampling.plan(export, seed=4, n={"court": 30, "out-of-court": 0})
    court = result.domain("court")
    assert (court.n, court.method) == (30, "given")
    assert court.margin == pytest.approx(sampling.margin_of_error(30, int(populations["court"])))
    assert result.domain("ooc").selection is None and result.to_dict()["domains"]["out_of_court"]["sample"] == []
    for method, options in (("exact", {"method": "exact"}), ("simple", {"correction": "simple"})):
        part = sampling.plan(export, seed=4, method=method).domain("out-of-court")
        assert part.n == sampling.sample_size(int(populations["out_of_court"]), **options).n
    with pytest.raises(SamplingError, match=r"n: court = 999 is more than its \d+ eligible cases"):
        sampling.plan(export, seed=4, n={"court": 999})
    with pytest.raises(SamplingError, match="n: the case list has no resettlement cases"):
        sampling.plan(export, seed=4, n={"resettlement": 1})
    with pytest.raises(SamplingError, match="method must be one of 'cochran', 'simple', 'exact'"):
        sampling.plan(export, seed=4, method="normal")


def test_domains_draw_from_their_own_streams():
    # changing the out-of-court size leaves the court sample and reserves as they were
    export = messy_case_list(300, rng=13)
    first = sampling.plan(export, seed=21).domain("court").selection
    other = sampling.plan(export, seed=21, n={"out-of-court": 10}).domain("court").selection
    assert first.sample.case_id.tolist() == other.sample.case_id.tolist()
    assert first.reserves.case_id.tolist() == other.reserves.case_id.tolist()
    assert sampling.plan(export, seed=22).domain("court").selection.sample.case_id.tolist() != \
        first.sample.case_id.tolist()


def test_recency_by_domain(tmp_path):
    export = messy_case_list(2000, rng=14, resettlement=4)  # enough cases in each window for the shares
    with pytest.warns(ReserveWarning, match="resettlement: 2 reserves asked for but only 0"):  # a census
        result = sampling.plan(export, seed=5, fieldwork_date="2023-08-07")
    # Essex (2018), Annex 1: 60 % of court cases 6-9 months before fieldwork, 40 % of out-of-court 3-5
    for name, share, window in (("court", 0.6, (6, 9)), ("out_of_court", 0.4, (3, 5))):
        part = result.domain(name)
        assert part.recency.share == share and part.recency.months == window
        rows = part.selection.balance[part.selection.balance.variable == "recent"].set_index("category")
        assert rows.loc[True, "target"] == pytest.approx(share * part.n)
        dates = pd.to_datetime(part.selection.sample.date)
        recent = ((dates >= pd.Timestamp("2023-08-07") - pd.DateOffset(months=window[1]))
                  & (dates <= pd.Timestamp("2023-08-07") - pd.DateOffset(months=window[0]))).sum()
        assert math.floor(share * part.n) <= recent <= math.ceil(share * part.n)
    assert result.domain("resettlement").recency is None and result.domain("resettlement").population == 4
    result.write(tmp_path / "plan.xlsx")
    sample = frame_of(tmp_path / "plan.xlsx", "sample")
    assert set(sample.loc[sample.domain != "resettlement", "recent"]) == {"yes", "no"}
    with pytest.raises(SamplingError, match="fieldwork date '07/08/2023' does not parse; use YYYY-MM-DD"):
        sampling.plan(export, seed=5, fieldwork_date="07/08/2023")


def test_resettlement_forms_its_own_domain():
    export = messy_case_list(300, rng=15, resettlement=5)
    with pytest.warns(ReserveWarning, match="resettlement: 2 reserves asked for but only 0 case"):
        result = sampling.plan(export, seed=6)
    part = result.domain("resettlement")
    assert part.population == 5 and part.n == sampling.sample_size(5).n
    flagged = set(export.loc[export.Resettlement == "Yes", "Case Ref"])
    assert set(part.selection.sample.case_id) <= flagged
    assert result.domain("court").population == (_true_domains(export) == "court").sum() - 5


@pytest.mark.parametrize("seed", ["-1", "seven", "1.5", ""])
def test_a_seed_is_a_whole_number_from_zero(capsys, tmp_path, seed):
    source = _write(tmp_path, "csv", messy_case_list(50, rng=16))
    code, _, err = run(capsys, "plan", source, "--seed", seed, "--out", tmp_path / "p.xlsx")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "a seed is a whole number from 0" in err
    assert not (tmp_path / "p.xlsx").exists()
    with pytest.raises(SamplingError, match="seed must be a whole number from 0"):
        sampling.plan(messy_case_list(50, rng=16), seed=-1)


def test_out_is_refused_unless_new_or_forced(capsys, tmp_path):
    source = _write(tmp_path, "csv", messy_case_list(60, rng=17))
    out = tmp_path / "plan.xlsx"
    out.write_bytes(b"keep me")
    code, _, err = run(capsys, "plan", source, "--seed", 1, "--out", out)
    assert code == 2 and "already exists (an earlier output?); choose another name, or add --force" in err and out.read_bytes() == b"keep me"
    code, _, err = run(capsys, "plan", source, "--seed", 1, "--out", tmp_path / "plan.csv")
    assert code == 2 and "must end in .xlsx" in err
    assert run(capsys, "plan", source, "--seed", 1, "--out", out, "--force")[0] == 0
    fresh = tmp_path / "fresh.xlsx"
    assert run(capsys, "plan", source, "--seed", 1, "--out", fresh)[0] == 0
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask  # as open() would, not 0600


def test_dates_are_written_as_dates(tmp_path):
    result = sampling.plan(messy_case_list(120, rng=18), seed=8)
    result.write(tmp_path / "plan.xlsx")
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    header = [c.value for c in book["sample"][1]]
    cell = book["sample"].cell(row=2, column=header.index("date") + 1)
    assert cell.is_date and cell.value.time() == datetime.time() and "h" not in cell.number_format
    audit = {row[0].value: row[1] for row in book["audit"].iter_rows(min_row=2)}
    assert audit["time"].is_date and isinstance(audit["time"].value, datetime.datetime)
    assert audit["seed"].value == 8 and audit["workbook"].value == "inspection-sampling plan"
    assert audit["command"].value == "sampling.plan('(DataFrame)', seed=8)"


def test_read_plan_and_the_python_result(tmp_path):
    result = sampling.plan(messy_case_list(200, rng=19), seed=9)
    result.write(tmp_path / "plan.xlsx")
    with pytest.raises(SamplingError, match="exists"):
        result.write(tmp_path / "plan.xlsx")
    read = sampling.read_plan(tmp_path / "plan.xlsx")
    assert read.sample.case_id.tolist() == result.sample.case_id.tolist()
    assert read.reserves.replaces.tolist() == result.reserves.replaces.tolist()
    assert read.audit["seed"] == 9 and read.withdrawn.empty
    assert list(result.to_frame().columns) == ["domain", "population", "n", "method", "margin", "reserves",
                                               "balanced"]
    assert result.to_dict()["domains"]["court"]["sample"] == result.sample.query("domain == 'court'").case_id.tolist()


def test_case_list_problems_from_python_are_one_error():
    export = messy_case_list(100, rng=20)
    export.loc[[1, 2], "RoSH"] = ""
    export.loc[3, "Court/OOCD"] = "Youth court?"
    with pytest.raises(CaseListError) as info:
        sampling.plan(export, seed=1)
    assert [p.kind for p in info.value.problems] == ["blank cells", "unknown domains"]


def test_reserve_shortfall_warns_in_python():
    with pytest.warns(ReserveWarning, match="court: 50 reserves asked for but only"):
        result = sampling.plan(messy_case_list(60, rng=21), seed=1, reserves=50)
    assert len(result.notes) == 2


@pytest.mark.parametrize("command", ["plan", "replace"])
def test_help_shows_percent_signs_once(capsys, command):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = capsys.readouterr().out
    assert "%%" not in text and ("80% confidence" in text or command == "replace")


def test_extra_balancing_variable_and_strata(tmp_path):
    export = messy_case_list(300, rng=22)
    export["Ethnicity"] = np.random.default_rng(1).choice(["White", "Black", "Asian", "Mixed"], size=300)
    result = sampling.plan(export, seed=3, strata=["gender", "disposal_type", "ethnicity"])
    assert result.strata == ("gender", "disposal_type", "ethnicity")
    assert set(result.balance.variable) == {"gender", "disposal_type", "ethnicity"}
    assert "ethnicity" in result.sample.columns and result.domain("court").balanced
    # a balancing column it cannot find points to --columns and --strata
    with pytest.raises(CaseListError, match=r"no column for religion .*--columns religion=HEADING, or balance "
                                            r"without it with --strata gender"):
        sampling.plan(export, seed=3, strata=["gender", "religion"])


def test_export_text_is_written_as_text_never_as_a_formula(tmp_path):
    export = messy_case_list(300, rng=23)
    export["Team"] = "=HYPERLINK(\"http://example.invalid\")"
    export.loc[0, "Team"] = "#N/A"  # an error cell's text
    broken = export.copy()
    broken.loc[0, "Team"] = "North\x0b"  # a control character: refused, naming the row and column
    with pytest.raises(sampling.CaseListError, match=r"column 'Team': 1 cell\(s\) hold control character\(s\) "
                                                     r"U\+000B, row 2"):
        sampling.plan(broken, seed=1)
    result = sampling.plan(export, seed=1)
    result.write(tmp_path / "plan.xlsx")
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    header = [c.value for c in book["sample"][1]]
    cells = [row[header.index("Team")] for row in book["sample"].iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in cells)
    assert {c.value for c in cells} <= {"=HYPERLINK(\"http://example.invalid\")", "#N/A"}


def _victims(count: int, start: int = 1) -> pd.DataFrame:
    """A synthetic victims' list, as a service might export it: an id and a column not balanced on."""
    return pd.DataFrame({"Victim Ref": [f"V-{i:04d}" for i in range(start, start + count)],
                         "Contact": ["letter", "phone", "visit"] * (count // 3) + ["letter"] * (count % 3)})


def test_a_childrens_policy_pools_the_domains_and_clamps_to_its_floor_and_cap():
    # the 2025 programme (sampling/data/policies.toml): one sample of children's cases, the cochran
    # size from all of them clamped to 14-91, a population below the floor taken whole; court and
    # out-of-court become a balancing variable (case_type) rather than separate samples
    for total in (8, 13, 14, 15, 40, 120, 199, 200, 201, 1200):
        export = messy_case_list(total, rng=total, domain_column=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = sampling.plan(export, seed=5, policy="hmip-2025-children", reserves=0)
        (part,) = result.domains
        expected = min(91, max(14, sampling.sample_size(total).n), total)
        assert (part.domain, part.population) == ("children", total)
        assert part.n == expected == sampling.sample_size(total, policy="hmip-2025-children").n
        assert part.method == "cochran, hmip-2025-children"
        assert set(result.sample["domain"]) == {"children"}
        balance = result.balance
        kinds = balance[balance["variable"] == "case_type"]
        assert set(kinds["category"]) == set(_true_domains(export))
        assert (np.floor(kinds["target"] + 1e-9) <= kinds["sample"]).all()
        assert (kinds["sample"] <= np.ceil(kinds["target"] - 1e-9)).all()
    with pytest.raises(sampling.SamplingError, match="policy"):
        sampling.plan(export, seed=5, policy="hmip-1999-children")
    with pytest.raises(sampling.SamplingError, match="victims_policy"):
        sampling.plan(export, seed=5, policy="hmip-2025-victims")
    with pytest.raises(sampling.SamplingError, match="give children=N, not court"):
        sampling.plan(export, seed=5, policy="hmip-2025-children", n={"court": 10})
    given = sampling.plan(export, seed=5, policy="hmip-2025-children", n={"Children": 30})
    assert given.domain("children").n == 30 and given.domain("children").method == "given"


def test_a_victims_list_is_a_second_population_in_the_same_plan(tmp_path):
    export = messy_case_list(300, rng=3, domain_column=True)
    children_only = sampling.plan(export, seed=8, policy="hmip-2025-children")
    result = sampling.plan(export, seed=8, policy="hmip-2025-children", victims=_victims(40))
    assert [p.domain for p in result.domains] == ["children", "victims"]
    # the victims' list leaves the children's sample as it was (each domain its own stream)
    assert result.domain("children").to_dict() == children_only.domain("children").to_dict()
    victims = result.domain("victims")
    # hmip-2025-victims: the cochran size clamped to 9-24 (40 eligible: 34 by the formula, capped at 24)
    assert (victims.population, victims.n) == (40, 24) == (40, sampling.sample_size(40, policy="hmip-2025-victims").n)
    assert victims.method == "cochran, hmip-2025-victims"
    assert victims.reserves == 5  # 20 % of 24, rounded up
    assert victims.margin == pytest.approx(sampling.margin_of_error(24, 40))
    ids = set(_victims(40)["Victim Ref"])
    assert set(result.sample.loc[result.sample["domain"] == "victims", "case_id"]) <= ids
    assert set(result.reserves.loc[result.reserves["domain"] == "victims", "replaces"]) <= \
        set(result.sample["case_id"])
    assert result.to_dict()["victims_sha256"] == result.victims.sha256
    # the same workbook: both samples, the victims' input in the audit; replace works on either
    result.write(tmp_path / "plan.xlsx")
    book = sampling.read_plan(tmp_path / "plan.xlsx")
    assert book.sample["domain"].value_counts().to_dict() == {"children": result.domain("children").n,
                                                             "victims": 24}
    assert book.audit["victims input rows"] == 40 and book.audit["victims column case_id"] == "Victim Ref"
    assert book.audit["victims method"] == "cochran, hmip-2025-victims"
    first = book.sample.loc[book.sample["domain"] == "victims", "case_id"].iloc[0]
    swap = sampling.replace_case(tmp_path / "plan.xlsx", first, reason="moved away")
    assert swap.domain == "victims" and swap.reserve in ids and swap.balanced


def test_victims_options_choose_the_policy_reserves_and_balance():
    export = messy_case_list(200, rng=4, domain_column=True)
    with pytest.warns(ReserveWarning, match="victims: 2 reserves asked for but only 0"):
        small = sampling.plan(export, seed=1, victims=_victims(6), policy="hmip-2025-children")
    assert small.domain("victims").n == 6  # below the floor of 9: taken whole
    earlier = sampling.plan(export, seed=1, victims=_victims(60), policy="hmip-2024-children")
    assert earlier.domain("victims").method == "cochran, hmip-2024-victims"
    assert earlier.domain("victims").n == min(30, sampling.sample_size(60).n)
    given = sampling.plan(export, seed=1, victims=_victims(60), victims_policy="hmip-2025-victims",
                          victims_reserves=1, victims_strata=["Contact"])
    assert [p.domain for p in given.domains] == ["court", "out_of_court", "victims"]
    assert given.domain("victims").n == 24 and given.domain("victims").reserves == 1
    contact = given.balance[(given.balance["domain"] == "victims") & (given.balance["variable"] == "Contact")]
    assert contact["sample"].sum() == 24 and len(contact) == 3
    plain = sampling.plan(export, seed=1, victims=_victims(60))
    assert plain.domain("victims").n == sampling.sample_size(60).n
    with pytest.raises(SamplingError, match="victims' case list"):
        sampling.plan(export, seed=1, victims_policy="hmip-2025-victims")
    with pytest.raises(SamplingError, match="give it as policy"):
        sampling.plan(export, seed=1, victims=_victims(60), victims_policy="hmip-2025-children")
    with pytest.raises(SamplingError, match="victims_reserves"):
        sampling.plan(export, seed=1, victims=_victims(60), victims_reserves=-1)
    with pytest.raises(CaseListError, match="case_id"):
        sampling.plan(export, seed=1, victims=pd.DataFrame({"Contact": ["letter"] * 5}))
    with pytest.raises(SamplingError, match="victims: nowhere.csv: no such file"):
        sampling.plan(export, seed=1, victims="nowhere.csv")


def test_plan_cli_with_a_victims_list(tmp_path, capsys):
    messy_case_list(150, rng=6, domain_column=True).to_csv(tmp_path / "cases.csv", index=False)
    _victims(30).to_csv(tmp_path / "victims.csv", index=False)
    out = tmp_path / "plan.xlsx"
    code = main(["plan", str(tmp_path / "cases.csv"), "--seed", "3", "--policy", "hmip-2025-children",
                 "--victims", str(tmp_path / "victims.csv"), "--victims-reserves", "2", "--out", str(out),
                 "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["domains"]) == {"children", "victims"}
    assert data["domains"]["victims"]["n"] == 24 and len(data["domains"]["victims"]["reserves"]) == 2
    book = sampling.read_plan(out)
    assert book.sample["case_id"].tolist() == data["domains"]["children"]["sample"] + \
        data["domains"]["victims"]["sample"]
    capsys.readouterr()
    code = main(["plan", str(tmp_path / "cases.csv"), "--seed", "3", "--victims-policy",
                 "hmip-2025-victims", "--out", str(tmp_path / "other.xlsx")])
    assert code == 2 and "--victims FILE" in capsys.readouterr().err
    assert not (tmp_path / "other.xlsx").exists()
