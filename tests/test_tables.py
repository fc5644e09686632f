"""One way to name an inspection, tables where methodologists live, and saying it when it matters.

* :func:`sampling.resolve_report` takes a bundled id, a report file, an answers workbook or a
  Report, and every command that takes a report reads its argument through it;
* ``--out FILE.xlsx|FILE.csv`` writes the table a command prints, through the one writer, with
  its context; every ``--json`` carries the same context;
* ``compare`` and ``funnel`` warn in one line of reports of different frameworks; ``size --n``
  and ``plan`` say in one line when a margin is wider than the target;
* an inspection from answers is never called published.
"""

from __future__ import annotations

import json
import re
import warnings

import pandas as pd
import pytest
from openpyxl import load_workbook
from test_answers import QUALITATIVE_2021, fill

import sampling
from sampling import ReportError, SamplingWarning, resolve_report
from sampling.cli import main
from sampling.synthetic import double_judged, messy_case_list

CONTEXT = {"service", "framework", "published", "toolkit_version", "mode", "populations",
           "populations_source", "units"}


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    """A filled answers workbook from a plan of 300 synthetic cases for 'Anyshire YJS'."""
    folder = tmp_path_factory.mktemp("answers")
    made = sampling.plan(messy_case_list(300, rng=1), seed=2024, service="Anyshire YJS")
    made.write(folder / "plan.xlsx")
    sampling.answers_template(folder / "plan.xlsx", folder / "answers.xlsx")
    fill(folder / "answers.xlsx", qualitative=QUALITATIVE_2021)
    return folder / "answers.xlsx"


# --------------------------------------------------------------------------------------------
# the resolver


def test_resolver_takes_every_way_of_naming_an_inspection(answers, tmp_path):
    bundled = resolve_report("calderdale-2022")
    path = tmp_path / "calderdale.toml"
    path.write_text(sampling.report_toml(bundled), encoding="utf-8")
    from_file = resolve_report(path)
    assert [(kq.id, kq.k, kq.n) for kq in from_file.key_questions] == [
        (kq.id, kq.k, kq.n) for kq in bundled.key_questions]
    assert from_file.overall is bundled.overall and from_file.path == str(path)
    assert resolve_report(bundled) is bundled
    from_answers = resolve_report(answers)
    assert from_answers.published == "unpublished" and from_answers.service == "Anyshire YJS"
    assert from_answers.populations == {"court": 127, "out_of_court": 173}  # the plan's eligible cases
    assert resolve_report(sampling.read_answers(answers), service="Other YJS").service == "Other YJS"
    assert resolve_report(str(answers), service="Other YJS").service == "Other YJS"


@pytest.mark.parametrize("source", ["cases.csv", "calderdale", "no-such-folder/answers.xlsx"])
def test_resolver_refusal_says_what_is_accepted(source):
    with pytest.raises(ReportError) as caught:
        resolve_report(source)
    message = str(caught.value)
    assert "\n" not in message
    if not source.endswith(".xlsx"):
        assert "a bundled report id, a report file (.toml) or an answers workbook (.xlsx)" in message
        assert "calderdale-2022" in message and "annexe" in message and "--toml" in message


def test_commands_refuse_in_one_line_naming_what_is_accepted(capsys):
    code, out, err = run(capsys, "rate", "cases.csv")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "answers workbook (.xlsx)" in err and "--toml" in err
    code, _, err = run(capsys, "compare", "calderdale-2022", "nowhere")
    assert code == 2 and err.count("\n") == 1 and "after: nowhere" in err


# --------------------------------------------------------------------------------------------
# every command takes answers, writes its table, and carries its context


def _commands(answers):
    """(command, arguments with the answers workbook, the ids of the rows it prints)."""
    return {
        "rate": ["rate", answers],
        "uncertainty": ["uncertainty", answers, "--mode", "finite"],
        "discretion": ["discretion", answers, "--mode", "finite"],
        "compare": ["compare", "calderdale-2022", answers],
        "funnel": ["funnel", "calderdale-2022", "sunderland-2022", answers, "--key-question", "2.1.1"],
    }


def _printed_ids(command, out):
    """The first word of each row of the table a command prints, in order."""
    lines = out.splitlines()
    if command == "rate":
        return [line.split()[0] for line in lines[2:] if not line.startswith(("score:", "overall:", "  *"))]
    if command == "uncertainty":
        rows = [line.split()[0] for line in lines if line[:1].isdigit()]
        return rows + ["overall"]
    if command == "discretion":
        return [line.split()[0] for line in lines[2:] if line[:1].isdigit()]
    if command == "compare":
        return [line.split()[0] for line in lines[2:] if re.match(r"\d+(\.\d+)+ ", line)] + ["overall"]
    if command == "funnel":
        return [line.split()[0] for line in lines if line.startswith("  ")]
    raise AssertionError(command)


def _table_ids(command, frame):
    column = {"rate": "standard", "uncertainty": "id", "discretion": "standard", "compare": "id",
              "funnel": "report"}[command]
    return [str(v) for v in frame[column]]


def _read_csv(path):
    """A table written as CSV: its '#' context lines, then the table."""
    text = path.read_text(encoding="utf-8").splitlines()
    context = [line for line in text if line.startswith("# ")]
    assert text[: len(context)] == context  # the context comes first
    import io

    return context, pd.read_csv(io.StringIO("\n".join(text[len(context):])), keep_default_na=False,
                                na_values=[""])


@pytest.mark.parametrize("command", ["rate", "uncertainty", "discretion", "compare", "funnel"])
def test_answers_accepted_and_out_writes_the_printed_table(command, answers, tmp_path, capsys):
    argv = _commands(answers)[command]
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    printed = _printed_ids(command, out)
    assert printed
    for suffix in (".xlsx", ".csv"):
        path = tmp_path / f"t{suffix}"
        code, again, err = run(capsys, *argv, "--out", path)
        assert code == 0 and again == out, err
        assert f"wrote {path}" in err
        if suffix == ".xlsx":
            book = load_workbook(path)
            assert book.sheetnames == ["table", "context"]
            assert not [c.coordinate for s in book for row in s.iter_rows() for c in row if c.data_type == "f"]
            context = dict(pd.read_excel(path, sheet_name="context").itertuples(index=False))
            table = pd.read_excel(path, sheet_name="table")
        else:
            lines, table = _read_csv(path)
            context = dict(line[2:].split(": ", 1) for line in lines)
        assert _table_ids(command, table) == printed
        assert {"service", "framework", "toolkit_version", "populations", "populations_source",
                "mode"} <= set(context)
        assert context["toolkit_version"] == sampling.__version__
        assert "Anyshire YJS" in str(context["service"])


@pytest.mark.parametrize("command", ["rate", "uncertainty", "discretion", "compare", "funnel"])
def test_every_json_carries_the_context(command, answers, capsys):
    code, out, err = run(capsys, *_commands(answers)[command], "--json")
    assert code == 0, err
    data = json.loads(out)
    assert CONTEXT <= set(data)
    assert data["toolkit_version"] == sampling.__version__
    if command in ("compare", "funnel"):
        assert data["service"][-1] == "Anyshire YJS" and data["published"][-1] == "not yet published"
        assert data["framework"] == ["youth-2021"] * len(data["framework"]) and data["mode"] == "process"
    else:
        assert data["service"] == "Anyshire YJS" and data["framework"] == "youth-2021"
        assert data["published"] == "not yet published"
        assert data["populations"] == {"court": 127, "out_of_court": 173}
        assert data["populations_source"] == "plan"
    assert all(unit for unit in data["units"].values())


def test_json_keys_kept_and_unit_names_added(capsys):
    _, out, _ = run(capsys, "uncertainty", "calderdale-2022", "--json")
    data = json.loads(out)
    assert data["populations"] is None and data["populations_source"] is None and data["mode"] == "process"
    row = data["key_questions"][0]
    assert row["low_proportion"] == row["low"] and row["high_proportion"] == row["high"] and row["percent"] == 73
    assert data["units"]["key_questions.low"] == "proportion" and data["published"] == "May 2022"
    _, out, _ = run(capsys, "compare", "calderdale-2022", "sunderland-2022", "--json")
    row = json.loads(out)["key_questions"][0]
    assert row["difference_points"] == row["difference"] and row["low_points"] == row["low"]
    _, out, _ = run(capsys, "rate", "calderdale-2022", "--json")
    data = json.loads(out)
    assert data["score"] == {"rule": 17, "published": 18} and data["service"].startswith("Calderdale")


def test_agreement_and_size_tables(tmp_path, capsys):
    double = tmp_path / "double.csv"
    double_judged(30, judgement_error=0.1, rng=2).to_csv(double, index=False)
    code, out, err = run(capsys, "agreement", double, "--out", tmp_path / "a.xlsx")
    assert code == 0, err
    table = pd.read_excel(tmp_path / "a.xlsx", sheet_name="table")
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("kq "))  # the yes/no table's heading
    printed = [line.split()[0] for line in lines[start + 1:] if not line.startswith("judgement error")]
    assert [str(v) for v in table["key_question"]] == printed
    code, out, _ = run(capsys, "agreement", double, "--json")
    assert CONTEXT <= set(json.loads(out))
    code, out, err = run(capsys, "size", "--table", "--out", tmp_path / "s.csv")
    assert code == 0, err
    _, grid = _read_csv(tmp_path / "s.csv")
    assert len(grid) == 19 * 6 and set(grid.columns) >= {"population", "confidence_proportion",
                                                         "margin_proportion", "n"}
    assert grid["population"].isna().sum() == 6 and grid["unlimited"].sum() == 6  # the unlimited row
    row = grid[(grid.population == 200) & (grid.confidence_proportion == 0.8) & (grid.margin_proportion == 0.05)]
    assert row["n"].tolist() == [91]
    code, out, _ = run(capsys, "size", "--table", "--json")
    assert CONTEXT <= set(json.loads(out))
    code, out, _ = run(capsys, "size", "--population", "57", "--n", "43", "--json")
    data = json.loads(out)
    assert CONTEXT <= set(data) and data["margin_proportion"] == 0.05 and data["within_margin"]
    code, _, err = run(capsys, "size", "--population", "57", "--out", tmp_path / "x.csv")
    assert code == 2 and "--table" in err


def test_out_is_never_an_input(answers, tmp_path, capsys):
    before = answers.read_bytes()
    code, out, err = run(capsys, "rate", answers, "--out", answers, "--force")
    assert code == 2 and out == "" and err.count("\n") == 1 and "a file this command reads" in err
    assert answers.read_bytes() == before
    (tmp_path / "t.csv").write_text("old", encoding="utf-8")
    code, _, err = run(capsys, "discretion", "calderdale-2022", "--out", tmp_path / "t.csv")
    assert code == 2 and "already exists" in err
    assert (tmp_path / "t.csv").read_text(encoding="utf-8") == "old"


def test_text_is_never_a_formula_in_the_table(tmp_path, capsys):
    report = sampling.load_report("calderdale-2022")
    import dataclasses

    hostile = dataclasses.replace(report, service="=HYPERLINK(\"http://x\")")
    path = tmp_path / "hostile.toml"
    path.write_text(sampling.report_toml(hostile).replace('id = "calderdale-2022"', 'id = "hostile"'),
                    encoding="utf-8")
    code, _, err = run(capsys, "rate", path, "--out", tmp_path / "t.xlsx")
    assert code == 0, err
    sheet = load_workbook(tmp_path / "t.xlsx")["table"]
    assert sheet["B2"].value.startswith("=HYPERLINK") and sheet["B2"].data_type == "s"
    code, _, err = run(capsys, "rate", path, "--out", tmp_path / "t.csv")
    assert "'=HYPERLINK" in (tmp_path / "t.csv").read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------------
# not yet published


def test_an_inspection_from_answers_is_never_called_published(answers, tmp_path, capsys):
    _, out, _ = run(capsys, "rate", answers)
    assert out.splitlines()[0] == "Anyshire YJS (this inspection, not yet published, youth-2021)"
    assert "published: not yet published" in out and "unpublished" not in out
    _, out, _ = run(capsys, "rate", answers, "--json")
    data = json.loads(out)
    assert {s["published_rating"] for s in data["standards"]} == {"not yet published"}
    assert data["overall"]["published"] == data["score"]["published"] == "not yet published"
    _, out, _ = run(capsys, "uncertainty", answers)
    assert out.startswith("this inspection (answers, not yet published)")
    assert "P(published" not in out and "published " not in out.replace("not yet published", "")
    _, out, _ = run(capsys, "uncertainty", answers, "--json")
    data = json.loads(out)
    assert {row["published"] for row in data["published_probabilities"]} == {"not yet published"}
    assert data["published_probabilities"][0]["rating"] in sampling.Rating.labels()
    code, _, err = run(capsys, "uncertainty", answers, "--plot", tmp_path / "u.png")
    assert code == 0, err
    _, out, _ = run(capsys, "discretion", answers)
    assert "not yet published" in out
    _, out, _ = run(capsys, "compare", "calderdale-2022", answers)
    assert "(this inspection, not yet published)" in out


def test_uncertainty_plot_titles_say_this_inspection(answers, monkeypatch, tmp_path, capsys):
    import matplotlib.pyplot as plt

    titles = []
    monkeypatch.setattr(plt.Figure, "savefig", lambda self, *a, **k: titles.extend(
        ax.get_title() for ax in self.axes))
    code, _, err = run(capsys, "uncertainty", answers, "--plot", tmp_path / "u.png")
    assert code == 0, err
    assert any(t.startswith("this inspection (not yet published)") for t in titles)
    assert not any("published " in t.replace("not yet published", "") for t in titles)


# --------------------------------------------------------------------------------------------
# said when it matters


def test_compare_2018_with_2021_warns_in_one_line(capsys):
    code, _, err = run(capsys, "compare", "essex-2018", "calderdale-2022")
    warned = [line for line in err.splitlines() if line.startswith("warning:")]
    assert code == 0 and len(warned) == 1
    assert "different frameworks" in warned[0] and "youth-2018" in warned[0] and "youth-2021" in warned[0]
    with pytest.warns(SamplingWarning, match="different frameworks compared"):
        sampling.compare("essex-2018", "calderdale-2022")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sampling.compare("calderdale-2022", "sunderland-2022").warnings == ()
    code, _, err = run(capsys, "funnel", "essex-2018", "calderdale-2022", "sunderland-2022")
    assert code == 0 and len([line for line in err.splitlines() if line.startswith("warning:")]) == 1


def test_funnel_json_gives_limits_to_redraw_the_plot(capsys):
    _, out, _ = run(capsys, "funnel", "calderdale-2022", "cambridgeshire-2023", "sunderland-2022",
                    "--key-question", "2.1.1", "--json")
    entry = json.loads(out)["key_questions"][0]
    largest = max(p["relevant"] for p in entry["points"])
    assert [limit["level"] for limit in entry["limits"]] == [0.8, 0.95, 0.998]
    for limit in entry["limits"]:
        assert limit["n"] == list(range(1, largest + 1)) and len(limit["low"]) == len(limit["high"]) == largest
        assert all(0 <= lo <= hi <= 1 for lo, hi in zip(limit["low"], limit["high"], strict=True))


def test_size_n_says_when_the_margin_is_wider_than_the_target(capsys):
    code, out, _ = run(capsys, "size", "--population", "38", "--n", "24")  # a victims' cap of 24
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2 and "margin 8.05 points" in lines[0]
    assert lines[1].startswith("note:") and "wider than the 5-point target" in lines[1]
    code, out, _ = run(capsys, "size", "--population", "200", "--n", "30")
    assert "10.81 points" in out and out.count("\n") == 2
    code, out, _ = run(capsys, "size", "--population", "200", "--n", "100")
    assert code == 0 and out.count("\n") == 1 and "note" not in out
    code, out, _ = run(capsys, "size", "--population", "38", "--n", "24", "--json")
    data = json.loads(out)
    assert data["within_margin"] is False and round(data["achieved_margin_points"], 2) == 8.05
    assert data["achieved_margin_proportion"] == data["achieved_margin"] and data["n_for_target"] == 32


def test_plan_says_when_a_given_n_leaves_the_margin_wide(tmp_path, capsys):
    cases = tmp_path / "cases.csv"
    messy_case_list(300, rng=1).to_csv(cases, index=False)
    code, out, err = run(capsys, "plan", cases, "--seed", "1", "--n", "court=30,out-of-court=100",
                         "--out", tmp_path / "plan.xlsx")
    assert code == 0, err
    notes = [line for line in out.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and notes[0].startswith("note: court: n = 30 of 127")
    assert "10.26 points, wider than the 5-point target" in notes[0] and "(--n)" in notes[0]
