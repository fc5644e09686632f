"""The command line: output shapes, exit codes, and one line on stderr for bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from sampling.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_reports_lists_five(capsys):
    code, out, err = run(capsys, "reports")
    assert code == 0 and err == ""
    assert len(out.strip().splitlines()) == 5
    assert "essex-2018" in out and "33/36" in out


def test_rate_json_keys(capsys):
    code, out, _ = run(capsys, "rate", "nottingham-city-2020", "--json")
    data = json.loads(out)
    assert code == 0
    # the keys are fixed: new ones may be added (the evidence, the reasons, standards not rated)
    assert set(data) >= {"report", "standards", "score", "overall"}
    row = next(s for s in data["standards"] if s["id"] == "2.4")
    assert row.items() >= {"id": "2.4", "rule_rating": "Inadequate", "published_rating": "Requires improvement",
                           "lowest_percent": 45, "differs": True}.items()
    assert data["score"] == {"rule": 14, "published": 15}  # Nottingham City 2020: "Score 15/36"
    assert data["overall"] == {"rule": "Requires improvement", "published": "Requires improvement"}


def test_rate_table(capsys):
    code, out, _ = run(capsys, "rate", "calderdale-2022")
    assert code == 0
    assert "score: rule 17/36, published 18/36" in out
    assert "2.3 Inadequate -> Requires improvement" in out


def test_reproduce_exits_zero_with_three_decisions(capsys):
    code, out, err = run(capsys, "reproduce")
    assert code == 0, err
    assert "5 of 5 reports reproduced; 3 professional-discretion decisions found" in out


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["rate", "no-such-report"], "not a bundled report id"),
        (["rate", "missing.toml"], "no such file"),
        (["rate"], "the following arguments are required"),
        (["frobnicate"], "invalid choice"),
        ([], "the following arguments are required"),
    ],
)
def test_bad_input_one_line_exit_2(capsys, argv, fragment):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and fragment in err
    assert "Traceback" not in err


def test_broken_user_file(capsys, write_toml):
    path = write_toml('id = "x"\nservice = "y"\n')
    code, out, err = run(capsys, "rate", str(path))
    assert code == 2 and out == ""
    assert err.strip() == f"error: {path}: published: missing; every report needs id, service, " \
                          "published, framework, overall, samples, standards (see methodology/report-format.md)"


def test_module_entry_point_runs_in_a_fresh_process():
    result = subprocess.run([sys.executable, "-m", "sampling", "rate", "essex-2018", "--json"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["report"] == "essex-2018"


@pytest.mark.parametrize("command", ["reports", "rate", "reproduce", "size", "uncertainty", "discretion", "simulate", "select", "synthetic", "plan", "replace"])
def test_help_on_every_command(capsys, command):
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_size_one_line(capsys):
    # "how many cases from 57?" (issue): 43, Essex 2018's post-court sample
    code, out, err = run(capsys, "size", "--population", "57")
    assert code == 0 and err == ""
    assert out.startswith("n = 43 from 57 cases") and len(out.strip().splitlines()) == 1


def test_size_json_keys(capsys):
    code, out, _ = run(capsys, "size", "--population", "inf", "--json")
    data = json.loads(out)
    # the original keys are all still there; size now adds the Cochran, simple and exact sizes
    # side by side and what each guarantees (tests/test_cli_size.py checks the new keys)
    assert set(data) >= {"n", "population", "confidence", "margin", "method", "correction",
                         "achieved_margin"}
    assert data["n"] == 165 and data["population"] is None


def test_size_exact_and_simple(capsys):
    _, out, _ = run(capsys, "size", "--population", "60", "--correction", "simple", "--json")
    assert json.loads(out)["n"] == 44
    _, out, _ = run(capsys, "size", "--population", "60", "--method", "exact", "--json")
    assert json.loads(out)["n"] == 48


def test_size_table(capsys):
    code, out, _ = run(capsys, "size", "--table")
    assert code == 0
    assert "unlimited" in out and "165" in out


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["size", "--population", "57", "--margin", "5"], "margin must be between 0 and 1 (a proportion, e.g. 0.05), got 5"),
        (["size", "--population", "0"], "population must be at least 1 case"),
        (["size", "--population", "many"], "expected a whole number of cases or 'inf'"),
        (["size", "--population", "57", "--confidence", "80"], "confidence must be between 0 and 1"),
        (["size"], "give --population N"),
        (["size", "--population", "57", "--method", "bayes"], "invalid choice"),
    ],
)
def test_size_bad_input(capsys, argv, fragment):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and fragment in err


def test_reproduce_shows_implied_populations(capsys):
    _, out, _ = run(capsys, "reproduce")
    assert "court n = 43: N = 57 (Cochran), 57 to 58 (simple)" in out
    assert "out-of-court n = 28: N = 33 (Cochran)" in out


def test_uncertainty_json_keys(capsys):
    code, out, err = run(capsys, "uncertainty", "calderdale-2022", "--json")
    assert code == 0, err
    data = json.loads(out)
    # the keys are fixed; the context (mode, method, confidence, populations) is added to them
    assert set(data) >= {"report", "key_questions", "standards", "score", "overall"}
    assert (data["mode"], data["method"], data["confidence"]) == ("process", "wilson", 0.8)
    kq = next(q for q in data["key_questions"] if q["id"] == "2.3.2")
    assert set(kq) >= {"id", "k", "n", "percent", "low", "high", "bands"}
    assert (kq["k"], kq["n"], kq["percent"]) == (5, 11, 45)
    assert set(kq["bands"]) == {"Inadequate", "Requires improvement", "Good", "Outstanding"}
    assert set(data["standards"][0]) == {"id", "probabilities"}
    assert set(data["score"]) == {str(s) for s in range(37)}
    assert sum(data["overall"].values()) == pytest.approx(1.0)


def test_uncertainty_finite_and_plot(capsys, tmp_path):
    plot = tmp_path / "ladder.png"
    code, out, err = run(capsys, "uncertainty", "essex-2018", "--mode", "finite",
                         "--populations", "court=60,out-of-court=40", "--plot", str(plot))
    assert code == 0, err
    assert "populations: court 60, out-of-court 40" in out
    assert plot.stat().st_size > 10_000 and plot.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["uncertainty", "essex-2018", "--mode", "bayes"], "invalid choice"),
        (["uncertainty", "essex-2018", "--plot", "out.txt"], "must end in .png, .pdf or .svg"),
        (["uncertainty", "essex-2018", "--method", "hypergeometric"], "needs population"),
        (["uncertainty", "essex-2018", "--mode", "finite", "--populations", "court=5"], "smaller than its sample"),
        (["uncertainty", "essex-2018", "--mode", "finite", "--populations", "crown=5"], "expected court=N"),
    ],
)
def test_uncertainty_bad_input(capsys, argv, fragment):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and fragment in err


def test_reproduce_shows_overall_probabilities(capsys):
    _, out, _ = run(capsys, "reproduce")
    assert "process: P(published Good) = 0.106" in out  # Cambridgeshire 19/36, the lowest Good


def test_discretion_json_keys(capsys):
    code, out, err = run(capsys, "discretion", "calderdale-2022", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) >= {"report", "standards"}  # and the context (service, framework, ...)
    row = next(s for s in data["standards"] if s["id"] == "2.3")
    assert set(row) == {"id", "rule_rating", "published_rating", "cases_to_next", "p_higher", "eligible", "applied"}
    assert row["applied"] is True and row["eligible"]["cases(1)"] is True


def test_discretion_with_named_rule(capsys):
    code, out, _ = run(capsys, "discretion", "sunderland-2022", "--rule", "cases(1)", "--json")
    data = json.loads(out)
    assert code == 0
    assert all(set(s["eligible"]) == {"cases(1)"} for s in data["standards"])


def test_simulate_json_and_determinism(capsys):
    argv = ["simulate", "--n", "11", "--true", "0.62,0.7,0.8", "--rule", "cases(1)", "--reps", "5000",
            "--seed", "3", "--json"]
    code, first, err = run(capsys, *argv)
    assert code == 0, err
    _, second, _ = run(capsys, *argv)
    assert first == second
    data = json.loads(first)
    assert data["true_bands"] == {"standard": "Requires improvement"}
    assert set(data["with_rule"]) == {"p_correct", "p_too_high", "p_too_low"}


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["simulate", "--n", "11", "--true", "0.6,x"], "expected rates such as 0.62,0.7,0.8"),
        (["simulate", "--n", "11", "--true", "1.5"], "a true rate must be a proportion"),
        (["simulate", "--n", "11", "--true", "0.6", "--rule", "often"], "unknown rule 'often'"),
        (["simulate", "--true", "0.6"], "the following arguments are required: --n"),
        (["discretion", "essex-2018", "--rule", "cases(0)"], "cases needs a whole number"),
    ],
)
def test_discretion_bad_input(capsys, argv, fragment):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and fragment in err


def test_reproduce_shows_discretion(capsys):
    _, out, _ = run(capsys, "reproduce")
    assert "3.4: discretion applied, Requires improvement -> Good" in out
    assert "the report's reason matches cases(1), under which it is eligible" in out


@pytest.fixture
def case_file(tmp_path):
    from sampling.synthetic import case_list

    path = tmp_path / "cases.csv"
    case_list(200, rng=1).to_csv(path, index=False)
    return path


def test_select_writes_sample_and_reserves(capsys, case_file, tmp_path):
    out = tmp_path / "sample.csv"
    before = case_file.read_bytes()
    code, stdout, err = run(capsys, "select", str(case_file), "--n", "43", "--seed", "7", "--out", str(out),
                            "--reserves", "5")
    assert code == 0, err
    assert "every ratio matched within a case" in stdout
    import pandas as pd

    written = pd.read_csv(out)
    assert (written.role == "sample").sum() == 43 and (written.role == "reserve").sum() == 5
    assert written.loc[written.role == "reserve", "reserve_rank"].tolist() == [1, 2, 3, 4, 5]
    # each reserve names the sampled case it stands in for
    assert set(written.loc[written.role == "reserve", "replaces"]) <= set(written.loc[written.role == "sample", "case_id"])
    assert case_file.read_bytes() == before  # the input is never modified
    import os
    import stat

    umask = os.umask(0)
    os.umask(umask)
    # ordinary permissions, as open() gives a new file (tempfile.mkstemp would give 0600)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


def test_select_json_keys_and_recency(capsys, case_file, tmp_path):
    code, stdout, err = run(capsys, "select", str(case_file), "--n", "30", "--seed", "1", "--out",
                            str(tmp_path / "s.xlsx"), "--recency-column", "Start Date", "--fieldwork-date",
                            "2023-08-07", "--window", "6-9", "--recent-share", "0.6", "--json")
    assert code == 0, err
    data = json.loads(stdout)
    assert set(data) == {"n", "population", "seed", "input_sha256", "sample", "reserves", "balance", "misses"}
    assert set(data["balance"][0]) == {"variable", "category", "population", "target", "sample"}
    assert data["misses"] == [] and data["seed"] == 1 and data["population"] == 200
    import hashlib

    import pandas as pd

    # the case ids drawn, and the SHA-256 of the file's bytes (as sha256sum gives it)
    assert data["input_sha256"] == hashlib.sha256(case_file.read_bytes()).hexdigest()
    written = pd.read_excel(tmp_path / "s.xlsx", dtype=str)
    assert data["sample"] == written.loc[written.role == "sample", "case_id"].tolist() and len(data["sample"]) == 30
    assert data["reserves"] == []
    assert (tmp_path / "s.xlsx").stat().st_size > 0


def test_select_says_when_reserves_are_short(capsys, case_file, tmp_path):
    code, stdout, err = run(capsys, "select", str(case_file), "--n", "195", "--seed", "2", "--reserves", "9",
                            "--out", str(tmp_path / "s.csv"))
    assert code == 0
    assert err.strip() == ("warning: 9 reserves asked for but only 5 case(s) are left outside the sample of 195 "
                           "from 200; all of them are reserves")


def test_synthetic_command(capsys, tmp_path):
    out = tmp_path / "cases.csv"
    code, stdout, _ = run(capsys, "synthetic", "--n", "50", "--seed", "1", "--out", str(out))
    assert code == 0 and "wrote 50 synthetic cases" in stdout
    assert len(out.read_text().splitlines()) == 51


def _bad_inputs(tmp_path, case_file):
    import pandas as pd

    frame = pd.read_csv(case_file)
    files = {}
    files["dup"] = tmp_path / "dup.csv"
    frame.assign(case_id="x").to_csv(files["dup"], index=False)
    files["blank"] = tmp_path / "blank.csv"
    frame.assign(rosh=[""] + list(frame.rosh[1:])).to_csv(files["blank"], index=False)
    files["nocol"] = tmp_path / "nocol.csv"
    frame.drop(columns="gender").to_csv(files["nocol"], index=False)
    files["baddate"] = tmp_path / "baddate.csv"
    frame.assign(start_date=["not a date"] + list(frame.start_date[1:])).to_csv(files["baddate"], index=False)
    files["empty"] = tmp_path / "empty.csv"
    files["empty"].write_text("")
    files["txt"] = tmp_path / "cases.txt"
    files["txt"].write_text("a\n1\n")
    files["spaces"] = tmp_path / "spaces.csv"
    frame.assign(case_id=["S00001", "S00001 "] + list(frame.case_id[2:])).to_csv(files["spaces"], index=False)
    files["exists"] = tmp_path / "exists.csv"
    files["exists"].write_text("keep me")
    return files


@pytest.mark.parametrize(
    ("name", "extra", "fragment"),
    [
        ("missing", ["--n", "10"], "no such file"),
        ("empty", ["--n", "10"], "the file is empty"),
        ("txt", ["--n", "10"], "unknown file type '.txt'"),
        ("nocol", ["--n", "10"], "missing case list column 'gender'; columns found:"),
        ("dup", ["--n", "10"], "case id 'x' appears more than once"),
        ("blank", ["--n", "10"], "column 'rosh' is blank for case"),
        ("cases", ["--n", "0"], "--n must be at least 1 case"),
        ("cases", ["--n", "201"], "n = 201 is more than the 200 cases"),
        ("cases", ["--n", "2.5"], "invalid int value: '2.5'"),
        ("baddate", ["--n", "10", "--recency-column", "start_date", "--fieldwork-date", "2023-08-07"],
         "the date 'not a date' does not parse"),
        ("cases", ["--n", "10", "--recency-column", "start_date", "--fieldwork-date", "07/08/2023x"],
         "--fieldwork-date: '07/08/2023x' does not parse"),
        ("cases", ["--n", "10", "--out-exists"], "already exists (an earlier output?); choose another name, or add --force"),
        ("cases", ["--n", "10", "--strata", "gender,sex"], "missing case list column 'sex'"),
        ("cases", ["--n", "10", "--strata", "gender,sex"], "name the balancing columns with --strata"),
        ("cases", ["--n", "10", "--id-column", "Ref"], "name the case id column with --id-column"),
        ("spaces", ["--n", "10"], "case id 'S00001' appears more than once (case, spaces and invisible characters ignored"),
        ("cases", ["--n", "10", "--seed", "-3"], "a seed is a whole number from 0, got '-3'"),
        ("cases", ["--n", "10", "--seed", "seven"], "a seed is a whole number from 0, got 'seven'"),
    ],
)
def test_select_bad_input_one_line_nothing_written(capsys, tmp_path, case_file, name, extra, fragment):
    files = _bad_inputs(tmp_path, case_file)
    source = {"missing": tmp_path / "nope.csv", "cases": case_file}.get(name, files.get(name))
    if "--seed" in extra:  # a seed given here replaces the default one
        at = extra.index("--seed")
        extra, seed = extra[:at] + extra[at + 2:], extra[at + 1]
    else:
        seed = "1"
    out = tmp_path / "out.csv"
    if "--out-exists" in extra:
        extra = [e for e in extra if e != "--out-exists"]
        out = files["exists"]
    before = {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    code, stdout, err = run(capsys, "select", str(source), "--seed", seed, "--out", str(out), *extra)
    assert code == 2 and stdout == ""
    assert len(err.strip().splitlines()) == 1 and fragment in err, err
    after = {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert after == before  # nothing written, nothing modified


@pytest.mark.parametrize(
    "argv, first, last",
    [
        # (command, the table's header starts with, the line after the table starts with)
        (["reports"], None, None),
        (["rate", "calderdale-2022"], "std ", "score:"),
        (["rate", "essex-2018"], "std ", "score:"),
        (["discretion", "calderdale-2022"], "std ", "key:"),
        (["uncertainty", "essex-2018", "--mode", "finite"], "kq ", "overall:"),
        (["size", "--table"], "Sample size", None),
        (["compare", "nottingham-city-2020", "calderdale-2022"], "kq ", "(q)"),
    ],
)
def test_tables_fit_a_hundred_columns(capsys, argv, first, last):
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    lines = out.splitlines()
    start = 0 if first is None else next(i for i, line in enumerate(lines) if line.startswith(first))
    stop = len(lines) if last is None else next(i for i, line in enumerate(lines) if i > start and line.startswith(last))
    table = lines[start:stop]
    assert len(table) > 2
    assert max(len(line) for line in table) <= 100, max(table, key=len)
