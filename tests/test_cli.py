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
    assert set(data) == {"report", "standards", "score", "overall"}
    row = next(s for s in data["standards"] if s["id"] == "2.4")
    assert row == {"id": "2.4", "rule_rating": "Inadequate", "published_rating": "Requires improvement",
                   "lowest_percent": 45, "differs": True}
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
                          "published, framework, overall, samples, standards"


def test_module_entry_point_runs_in_a_fresh_process():
    result = subprocess.run([sys.executable, "-m", "sampling", "rate", "essex-2018", "--json"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["report"] == "essex-2018"


@pytest.mark.parametrize("command", ["reports", "rate", "reproduce", "size", "uncertainty", "discretion", "simulate"])
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
    assert set(data) == {"n", "population", "confidence", "margin", "method", "correction",
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
    assert set(data) == {"report", "key_questions", "standards", "score", "overall"}
    kq = next(q for q in data["key_questions"] if q["id"] == "2.3.2")
    assert set(kq) == {"id", "k", "n", "percent", "low", "high", "bands"}
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
    assert set(data) == {"report", "standards"}
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
