"""The app's logic without a browser: ``sampling.app`` gives what the command line gives.

Each tab's figures are compared with the command that prints them, run here on the same input:
``size --json`` for the sizes, ``plan`` for the plan and its workbook (cell by cell), ``plan``'s
stderr for a case list's problems, ``uncertainty --json`` for the band probabilities and
``annexe`` for the annexe's bytes. The notebook is checked to call only public names and to
carry the controls' descriptions; the ``app`` command is checked up to starting Voilà (the
browser tests, ``tests/test_app_browser.py``, serve it).
"""

from __future__ import annotations

import ast
import base64
import html
import io
import json
import math
import re
import sys
import tempfile
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest

import sampling
from sampling import SamplingError, app
from sampling.cli import COMMAND_MODULES, main
from sampling.synthetic import messy_case_list

PACKAGE = Path(sampling.__file__).parent


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def cells(path) -> dict[str, list[tuple]]:
    """Every sheet's cell values, row by row."""
    book = openpyxl.load_workbook(path)
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in book.worksheets}


def csv_bytes(frame) -> bytes:
    buffer = io.BytesIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue()


def listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if "__pycache__" not in p.parts}


def temporaries() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("sampling-app-*")}


# --------------------------------------------------------------------------------------------
# typing


@pytest.mark.parametrize(("text", "expected"), [("57", 57), (" 412 ", 412), ("1,200", 1200), ("", None),
                                                ("unlimited", None), ("inf", None)])
def test_a_population_is_a_whole_number_or_blank_for_unlimited(text, expected):
    assert app.parse_number(text, field="Eligible cases", minimum=1, unlimited=True) == expected


@pytest.mark.parametrize("text", ["57.5", "fifty", "-3", "0", "1,2", "12 000x"])
def test_a_bad_population_names_the_box_and_what_to_type(text):
    with pytest.raises(SamplingError, match=r"^Eligible cases: type a whole number from 1, or leave it blank"):
        app.parse_number(text, field="Eligible cases", minimum=1, unlimited=True)


def test_a_seed_is_needed_and_unlimited_is_not_a_seed():
    with pytest.raises(SamplingError, match="^Seed: type a whole number from 0, such as 2024$"):
        app.parse_number("  ", field="Seed", required=True)
    with pytest.raises(SamplingError, match="Seed: .*got 'unlimited'"):
        app.parse_number("unlimited", field="Seed", required=True)
    assert app.parse_number("0", field="Seed", required=True) == 0


def test_populations_box():
    assert app.parse_populations(" ") is None
    assert app.parse_populations("court=57,out of court=33") == {"court": 57, "out_of_court": 33}
    with pytest.raises(SamplingError, match="^Populations: .*'court=x'"):
        app.parse_populations("court=x")


# --------------------------------------------------------------------------------------------
# the Sample size tab


def test_policy_choices_come_from_the_bundled_policies():
    from sampling.size import get_policy, list_policies

    years = sorted({get_policy(n).year for n in list_policies()}, reverse=True)
    choices = app.policy_choices()
    assert [year for _, year in choices] == [*years, None]
    assert choices[0][0] == f"The {years[0]} programme (this year's)"
    assert choices[1][0] == f"The {years[1]} programme (the previous year's)"
    assert choices[-1][0] == "No programme: the formula alone"
    for year in years:
        names = app.policy_names(year)
        assert set(names) == {"children", "victims"}
        assert all(get_policy(name).year == year and get_policy(name).cases == cases
                   for cases, name in names.items())
    with pytest.raises(SamplingError, match="Programme: there is no 1999 programme"):
        app.policy_names(1999)


def size_json(capsys, population, *options):
    code, out, err = run(capsys, "size", "--population", "inf" if population is None else population, *options,
                         "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize("population", [37, 412, 5, 10_000, None])
def test_each_size_is_the_one_size_json_prints(capsys, population):
    view = app.size_view(population)
    group = view.group("children")
    side = size_json(capsys, population)
    bands = size_json(capsys, population, "--criterion", "bands")
    assert group.summary == side
    rows = {row.method: row for row in group.rows}
    for name in ("cochran", "simple", "exact"):
        assert (rows[name].n, rows[name].margin) == (side[f"n_{name}"], side[f"margin_{name}"])
    assert rows["bands"].n == bands["n"] and rows["bands"].right_band == bands["worst_accuracy"]
    assert "policy" not in rows
    # the page shows the same numbers, rounded as printed
    page = view.to_html()
    for name in ("cochran", "simple", "exact", "bands"):
        row = re.search(rf"<tr data-method='{name}'[^>]*>(.*?)</tr>", page).group(1)
        texts = re.findall(r"<td[^>]*>(.*?)</td>", row)
        assert texts[1] == str(rows[name].n)
        assert texts[2] == f"±{rows[name].margin * 100:.1f} points"
        assert texts[3] == app.percent(rows[name].right_band)


@pytest.mark.parametrize("population", [37, 412, 1000, None])
def test_under_a_policy_and_by_band_accuracy_the_headline_is_size_json(capsys, population):
    for year in [y for _, y in app.policy_choices() if y is not None]:
        names = app.policy_names(year)
        view = app.size_view(population, victims=40, policy=year)
        assert view.group("children").summary == size_json(capsys, population, "--policy", names["children"])
        assert view.group("victims").summary == size_json(capsys, 40, "--policy", names["victims"])
        policy_row = next(r for r in view.group("children").rows if r.method == "policy")
        assert policy_row.n == view.group("children").n
    bands = app.size_view(population, policy=app.policy_choices()[0][1], criterion="bands")
    # as the command: --criterion bands with --policy is the band-accuracy size
    assert bands.group("children").summary == size_json(capsys, population, "--criterion", "bands",
                                                        "--policy", "hmip-2025-children")
    assert f"data-n='{bands.group('children').n}'" in bands.to_html()


def test_right_band_is_band_accuracy_of_each_size():
    from sampling.size import band_accuracy

    for row in app.size_view(57).group("children").rows:
        assert row.right_band == pytest.approx(band_accuracy(row.n, 57).worst_accuracy, abs=1e-12)


def test_the_band_accuracy_figure_is_a_png():
    png = app.band_accuracy_png(43, 57)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


# --------------------------------------------------------------------------------------------
# the Plan an inspection tab


@pytest.mark.parametrize(("kind", "seed", "reserves"), [("csv", 7, None), ("xlsx", 2024, 3)])
def test_a_plan_from_an_upload_is_the_plan_the_command_writes(capsys, tmp_path, kind, seed, reserves):
    export = messy_case_list(320, rng=3, domain_column=kind == "csv")
    source = tmp_path / f"export.{kind}"
    if kind == "csv":
        export.to_csv(source, index=False)
    else:
        export.to_excel(source, index=False)
    outcome = app.plan_upload(source.name, source.read_bytes(), seed=seed, reserves=reserves)
    assert outcome.ok and outcome.problems == ()
    extra = [] if reserves is None else ["--reserves", reserves]
    code, out, err = run(capsys, "plan", source, "--seed", seed, "--out", tmp_path / "plan.xlsx", *extra, "--json")
    assert code == 0, err
    printed = json.loads(out)
    assert outcome.sample_ids() == {d: part["sample"] for d, part in printed["domains"].items()}
    (tmp_path / "app.xlsx").write_bytes(outcome.workbook)
    ours, theirs = cells(tmp_path / "app.xlsx"), cells(tmp_path / "plan.xlsx")
    assert list(ours) == list(theirs) == ["sample", "reserves", "balance", "audit", "record"]
    for sheet in ("sample", "reserves", "balance"):
        assert ours[sheet] == theirs[sheet], sheet
    audit = dict(row for row in ours["audit"][1:])
    assert audit["input file"] == source.name and audit["seed"] == seed
    assert audit["input SHA-256"] == printed["input_sha256"]
    assert f"python -m sampling plan {source.name} --seed {seed}" in audit["command"]
    # the page: the sizes, the balance table, every sampled id, and the link to those bytes
    page = outcome.to_html()
    link = re.search(r'<a download="plan.xlsx" href="data:([^;]+);base64,([^"]+)" style="[^"]*">Download plan.xlsx</a>',
                     page)
    assert link.group(1) == app.XLSX_TYPE and base64.b64decode(link.group(2)) == outcome.workbook
    for domain, ids in outcome.sample_ids().items():
        assert f"data-domain='{domain}'>{', '.join(ids)}</span>" in page
    balance = outcome.plan.balance
    for domain, rows in balance.groupby("domain"):
        table = re.search(rf"<table class='sampling-table sampling-balance' data-domain='{domain}'>(.*?)</table>",
                          page).group(1)
        shown = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", table)[1:]]
        assert shown == [[app.FIELD_WORDS.get(r.variable, r.variable), r.category, str(r.population),
                          f"{r.target:.1f}", str(r.sample)] for r in rows.itertuples()]


def test_a_2025_plan_from_two_uploads_is_the_plan_the_command_writes(capsys, tmp_path):
    # this year's programme: one children's sample under hmip-2025-children, and the victims' list
    # planned under hmip-2025-victims into the same workbook, as plan --policy ... --victims ...
    source, victims = tmp_path / "export.csv", tmp_path / "victims.csv"
    messy_case_list(200, rng=5, domain_column=True).to_csv(source, index=False)
    pd.DataFrame({"Victim Ref": [f"V-{i:03d}" for i in range(1, 41)]}).to_csv(victims, index=False)
    outcome = app.plan_upload(source.name, source.read_bytes(), seed=11, year=2025,
                              victims=(victims.name, victims.read_bytes()))
    assert outcome.ok, outcome.problems
    code, out, err = run(capsys, "plan", source, "--seed", 11, "--policy", "hmip-2025-children", "--victims",
                         victims, "--out", tmp_path / "plan.xlsx", "--json")
    assert code == 0, err
    printed = json.loads(out)
    assert set(printed["domains"]) == {"children", "victims"}
    assert outcome.sample_ids() == {d: part["sample"] for d, part in printed["domains"].items()}
    (tmp_path / "app.xlsx").write_bytes(outcome.workbook)
    ours, theirs = cells(tmp_path / "app.xlsx"), cells(tmp_path / "plan.xlsx")
    for sheet in ("sample", "reserves", "balance"):
        assert ours[sheet] == theirs[sheet], sheet
    audit = dict(row for row in ours["audit"][1:])
    assert audit["victims input file"] == victims.name and audit["victims method"] == "cochran, hmip-2025-victims"
    assert "--policy hmip-2025-children --victims victims.csv" in audit["command"]
    assert "victims.csv: 40 victims' cases read" in outcome.to_html()
    # a victims' list with a problem is listed as the command lists it, with no workbook
    bad = app.plan_upload(source.name, source.read_bytes(), seed=11, year=2025,
                          victims=("victims.csv", b"Contact\nletter\n"))
    assert not bad.ok and bad.workbook is None and any("case_id" in line for line in bad.problems)
    assert all(str(tmp_path) not in line and "sampling-app-" not in line for line in bad.problems)


def test_the_plan_tab_says_what_to_do_next_and_lets_plan_be_pressed_only_when_ready():
    assert app.plan_status(None, "").html.startswith("<p>Choose the case list")
    assert "Type a seed" in app.plan_status("export.csv", " ").html
    ready = app.plan_status("export.csv", "7", "3")
    assert ready.ready and "Ready: export.csv with seed 7, 3 reserves per domain" in ready.html
    for seed, reserves, words in (("seven", "", "Seed: type a whole number from 0"),
                                  ("7", "-1", "Reserves: type a whole number from 0")):
        status = app.plan_status("export.csv", seed, reserves)
        # one message, once, and the button off
        assert not status.ready and status.html.count("<li>") == 1 and words in status.html
    assert not app.plan_status("export.csv", "").ready and not app.plan_status(None, "7").ready
    # a file that cannot be a case list is said at once, and Plan stays off
    empty = app.plan_status("export.csv", "7", content=b"")
    assert not empty.ready and "Case list: export.csv is empty" in empty.html
    # a column asked for and not yet picked; two fields on one column
    question = app.ColumnQuestion("disposal_type", "Disposal or sentence type", "", ("A", "B"))
    assert not app.plan_status("e.csv", "7", questions=[question]).ready
    assert app.plan_status("e.csv", "7", questions=[question], columns={"disposal_type": "A"}).ready
    twice = app.plan_status("e.csv", "7", columns={"gender": "A", "rosh": "A"})
    assert not twice.ready and "more than one field" in twice.html


HOSTILE = ("<script>alert(1)</script>", "Youth <Justice> & Co")


@pytest.mark.parametrize("text", HOSTILE)
def test_nothing_from_the_user_reaches_the_page_unescaped(text):
    name = text.replace("/", "") + ".csv"  # a file's name never holds a folder's "/"
    assert name not in app.plan_status(name, "7").html and html.escape(name) in app.plan_status(name, "7").html
    assert html.escape(name) in app.file_label(name, b"x")
    assert name not in app.plan_status(name, "seven", content=b"").html
    bad = app.plan_upload(name, b"", seed=1)
    assert name not in bad.to_html() and html.escape(name) in bad.to_html()
    # a case id, a heading and a category of the user's, in the plan and in its problems
    export = messy_case_list(120, rng=3)
    export.loc[5, "Case Ref"] = text
    export = export.rename(columns={"Sex": text})
    outcome = app.plan_upload("export.csv", csv_bytes(export), seed=2)
    assert not outcome.ok and [q.field for q in outcome.questions] == ["gender"]
    assert text in outcome.questions[0].headings  # offered to pick, as the export writes it
    page = outcome.to_html()
    assert text not in page
    done = app.plan_upload("export.csv", csv_bytes(export), seed=2, columns={"gender": text})
    assert done.ok, done.lines
    page = done.to_html()
    assert text not in page
    sampled = [case for cases in done.sample_ids().values() for case in cases]
    if text in sampled:
        assert html.escape(text) in page
    assert text not in app.error_html(SamplingError(f"Seed: type a whole number (got {text!r})"))
    assert text not in app.download_link(b"x", f"{text}.xlsx", app.XLSX_TYPE)


def _problem_rows(line: str) -> list[str]:
    return re.findall(r"\brows? ([\d, ]+(?:and \d+ more)?)", line)


def test_three_problems_are_listed_in_the_pages_words_and_nothing_is_offered(capsys, tmp_path):
    export = messy_case_list(250, rng=7)
    export.loc[[10, 40], "Sex"] = ""
    export.loc[60, "Case Ref"] = " " + export.loc[20, "Case Ref"]
    export.loc[90, "Start Date"] = "31/13/2023"
    source = tmp_path / "export.csv"
    export.to_csv(source, index=False)
    outcome = app.plan_upload("export.csv", source.read_bytes(), seed=1)
    code, _, err = run(capsys, "plan", source, "--seed", 1, "--out", tmp_path / "plan.xlsx")
    assert code == 2
    assert outcome.problems == tuple(err.strip().splitlines())  # what the command prints, kept
    assert len(outcome.problems) == 4 and outcome.problems[0].startswith("error: export.csv: 3 problems")
    assert not outcome.ok and outcome.workbook is None and outcome.download_html() == ""
    page = outcome.to_html()
    assert "<a download" not in page
    shown = [html.unescape(li) for li in re.findall(r"<li>(.*?)</li>", page)]
    assert shown[0] == "export.csv: 3 problems in the case list" and len(shown) == 4
    for said, printed in zip(shown[1:], outcome.problems[1:], strict=True):
        assert _problem_rows(said) == _problem_rows(printed) != []  # the same problem, the same rows
    assert "--" not in page and "python -m" not in page and "case_id" not in page
    assert "fill them in the export, or leave those cases out" in page
    assert "list each case once, or pick the right case id column under Columns" in page


def test_an_upload_is_named_by_its_own_name_only(tmp_path):
    outcome = app.plan_upload("C:\\Users\\someone\\export.csv", b"just one line\n", seed=1)
    assert not outcome.ok
    assert outcome.problems[0].startswith("error: export.csv: ")
    assert tempfile.gettempdir() not in "\n".join(outcome.problems + outcome.lines)


def test_planning_writes_nothing_in_the_working_directory_or_the_package(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before_cwd, before_package, before_tmp = listing(tmp_path), listing(PACKAGE), temporaries()
    good = app.plan_upload("export.csv", csv_bytes(messy_case_list(200, rng=2)), seed=5)
    bad = app.plan_upload("export.csv", b"Case ID,Sex\nA,\n", seed=5)
    assert good.ok and not bad.ok
    assert listing(tmp_path) == before_cwd == set()
    assert listing(PACKAGE) == before_package
    assert temporaries() == before_tmp  # its temporary folders are gone


# --------------------------------------------------------------------------------------------
# the How sure is a rating tab


def test_report_choices_are_the_bundled_reports():
    choices = app.report_choices()
    assert [source.report for _, source in choices] == sampling.list_reports()
    assert all(label == source.label and sampling.load_report(source.report).service in label
               for label, source in choices)


@pytest.mark.parametrize("report", ["essex-2018", "calderdale-2022"])
def test_band_probabilities_are_those_uncertainty_json_prints(capsys, report):
    from sampling import cases_to_boundary, load_report

    for mode, extra in (("process", []), ("finite", ["--mode", "finite"])):
        code, out, err = run(capsys, "uncertainty", report, *extra, "--json")
        assert code == 0, err
        printed = {s["id"]: s["probabilities"] for s in json.loads(out)["standards"]}
        view = app.rating_view(report, mode=mode)
        assert view.mode == mode
        for sid, row in view.table.iterrows():
            assert {label: row[f"P({label})"] for label in printed[sid]} == printed[sid]
    loaded = load_report(report)
    for standard in loaded.standards:
        row = view.table.loc[standard.id]
        assert row["published"] == standard.rating.label and row["rules' rating"] == standard.rule_rating.label
        if standard.qualitative:
            assert pd.isna(row["cases up"]) and pd.isna(row["cases down"])
        else:
            reach = cases_to_boundary(standard)
            assert (count(row["cases up"]), count(row["cases down"])) == (reach.up, reach.down)


def count(value):
    return None if pd.isna(value) else int(value)


def test_finite_with_populations_given_and_refused_when_impossible(capsys):
    code, out, _ = run(capsys, "uncertainty", "essex-2018", "--mode", "finite", "--populations",
                       "court=80,out-of-court=40", "--json")
    printed = {s["id"]: s["probabilities"] for s in json.loads(out)["standards"]}
    view = app.rating_view("essex-2018", mode="finite", populations={"court": 80, "out_of_court": 40})
    assert dict(view.populations) == {"court": 80, "out_of_court": 40}
    assert view.table.loc["2.1", "P(Good)"] == printed["2.1"]["Good"]
    page = view.to_html()
    assert "all its eligible cases in the period (court 80, out-of-court 40)" in page
    row = re.search(r"<tr data-standard='2.1'>(.*?)</tr>", page).group(1)
    shown = [html.unescape(t) for t in re.findall(r"<td[^>]*>(.*?)</td>", row)]
    assert shown[3:7] == [app.percent(printed["2.1"][label]) for label in sampling.Rating.labels()]
    with pytest.raises(SamplingError, match="^Finite needs the eligible cases .* Populations"):
        app.rating_view("essex-2018", mode="finite", populations={"court": 3})
    with pytest.raises(SamplingError, match="Uncertainty: choose process or finite"):
        app.rating_view("essex-2018", mode="both")


def test_the_score_figure_is_a_png():
    assert app.score_png(app.rating_view("sunderland-2022"))[:4] == b"\x89PNG"


def answers_workbook(tmp_path) -> Path:
    """A filled answers workbook, made as an inspection makes it: plan -> template -> answers."""
    from test_answers import QUALITATIVE_2021, fill

    export = tmp_path / "export.csv"
    messy_case_list(60, rng=4).to_csv(export, index=False)
    assert main(["plan", str(export), "--seed", "3", "--out", str(tmp_path / "plan.xlsx")]) == 0
    answers = tmp_path / "answers.xlsx"
    assert main(["template", str(tmp_path / "plan.xlsx"), "--out", str(answers)]) == 0
    fill(answers, seed=9, qualitative=QUALITATIVE_2021)
    return answers


def test_an_uploaded_answers_workbook_gives_its_ratings_and_the_annexe_the_command_writes(capsys, tmp_path):
    answers = answers_workbook(tmp_path)
    capsys.readouterr()
    source = app.answers_source("answers.xlsx", answers.read_bytes())
    assert source.label == "Your answers: answers.xlsx"
    report = sampling.read_answers(answers).report()
    view = app.rating_view(source)
    direct = sampling.rating_distribution(report)
    assert view.table["P(Good)"].to_dict() == direct.standards["Good"].to_dict()
    # the annexe: the same bytes as `annexe` writes for the same workbook
    out = tmp_path / "annexe.html"
    code, _, err = run(capsys, "annexe", answers, "--out", out)
    assert code == 0, err
    assert app.annexe_bytes(source) == out.read_bytes()


def test_a_bad_answers_workbook_lists_every_problem(tmp_path):
    answers = answers_workbook(tmp_path)
    book = openpyxl.load_workbook(answers)
    book["answers"]["E2"] = "perhaps"
    book["answers"]["E7"] = None
    book.save(answers)
    with pytest.raises(SamplingError) as caught:
        app.answers_source("answers.xlsx", answers.read_bytes())
    lines = app.error_lines(caught.value)
    assert lines[0] == "error: answers.xlsx: 2 problem(s) in the answers; fix them in the workbook and run again"
    assert len(lines) == 3 and "perhaps" in lines[1] + lines[2]
    assert tempfile.gettempdir() not in str(caught.value)


def test_the_annexe_of_a_bundled_report_is_the_one_the_command_writes(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "annexe.html"
    code, _, err = run(capsys, "annexe", "essex-2018", "--out", out)
    assert code == 0, err
    before_package = listing(PACKAGE)
    data = app.annexe_bytes(app.report_choices()[2][1])  # essex-2018, as the list offers it
    assert data == out.read_bytes()
    assert listing(tmp_path) == {"annexe.html"} and listing(PACKAGE) == before_package
    link = app.download_link(data, "annexe.html", app.HTML_TYPE)
    assert link.startswith('<a download="annexe.html" href="data:text/html;base64,')
    assert base64.b64decode(link.split("base64,")[1].split('"')[0]) == data


# --------------------------------------------------------------------------------------------
# the notebook: widgets and calls


NOTEBOOK = PACKAGE / "templates" / "app.ipynb"
DESCRIPTIONS = {"Eligible cases", "Victims' cases", "Programme", "Confidence", "Margin", "Aim", "Cases to inspect",
                "Choose the case list", "Seed", "Reserves", "Choose the victims' list", "Plan", "Report",
                "Choose the answers", "Uncertainty", "Populations", "Make annexe.html", "Choose the answers so far"}


def notebook_code() -> ast.Module:
    book = nbformat.read(NOTEBOOK, as_version=4)
    return ast.parse("\n".join(c.source for c in book.cells if c.cell_type == "code"))


def test_the_notebook_is_shipped_where_the_command_finds_it():
    assert app.notebook_path() == NOTEBOOK and NOTEBOOK.exists()
    book = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(book)
    assert all(not c.get("outputs") for c in book.cells if c.cell_type == "code")  # a template: no outputs


def test_the_notebook_calls_only_public_names():
    tree = notebook_code()
    used = {node.attr for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "app"}
    assert used and used <= set(app.__all__)
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                and node.module == "sampling" for alias in node.names}
    assert imported <= set(sampling.__all__) | {"app"}
    assert not any(isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("sampling.")
                   for n in ast.walk(tree))


def test_the_notebook_has_the_controls_and_tabs_by_these_words():
    tree = notebook_code()
    described = {kw.value.value for node in ast.walk(tree) if isinstance(node, ast.Call)
                 for kw in node.keywords if kw.arg == "description" and isinstance(kw.value, ast.Constant)}
    assert described == DESCRIPTIONS
    titles = [kw.value for node in ast.walk(tree) if isinstance(node, ast.Call)
              for kw in node.keywords if kw.arg == "titles"]
    assert [ast.literal_eval(t) for t in titles] == [["Sample size", "Plan an inspection", "How sure is a rating",
                                                      "Fieldwork"]]


def test_the_note_for_trainers_is_in_the_docs_not_on_the_page():
    book = nbformat.read(NOTEBOOK, as_version=4)
    words = "\n".join(c.source for c in book.cells if c.cell_type == "markdown")
    assert "trainer" not in words.lower() and "sampling/templates/app.ipynb" not in words
    assert "For trainers" in (PACKAGE.parent / "docs" / "app.md").read_text()


def test_the_notebook_runs_and_shows_the_tabs(tmp_path):
    from nbclient import NotebookClient

    book = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(book, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in book.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error" or o.get("name") == "stderr"]
    shown = [o for o in outputs if o.output_type == "display_data"]
    assert len(shown) == 1 and "Tab(" in shown[0]["data"]["text/plain"]
    assert listing(tmp_path) == set()


# --------------------------------------------------------------------------------------------
# the command


def test_app_is_a_command():
    from sampling.cli import app as command

    assert command in COMMAND_MODULES and COMMAND_MODULES[-1] is command


def test_without_voila_one_line_names_the_extra(capsys, monkeypatch):
    from sampling.cli import app as command

    real = command.importlib.util.find_spec
    monkeypatch.setattr(command.importlib.util, "find_spec",
                        lambda name, *a: None if name == "voila" else real(name, *a))
    code, out, err = run(capsys, "app", "--no-browser")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and 'pip install -e ".[app]"' in err and err.startswith("error: ")


def test_a_port_in_use_is_refused_in_one_line(capsys):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = run(capsys, "app", "--no-browser", "--port", port)
    assert code == 2 and err.count("\n") == 1 and f"port {port} on 127.0.0.1 is in use" in err


@pytest.mark.parametrize("port", ["0", "70000", "http"])
def test_a_bad_port_is_refused(capsys, port):
    code, _, err = run(capsys, "app", "--port", port)
    assert code == 2 and "--port" in err and err.count("\n") == 1


def test_voila_listens_on_127_0_0_1_only_and_keeps_its_files_in_the_folder():
    from sampling.cli.app import voila_command

    folder = "/tmp/sampling-app-abcdefgh"
    argv = voila_command("inspection-sampling.ipynb", 8899, folder)
    assert argv[:4] == [sys.executable, "-m", "voila", "inspection-sampling.ipynb"]
    assert {"--Voila.ip=127.0.0.1", "--port=8899", "--no-browser", "--Voila.port_retries=0",
            f"--Voila.connection_dir_root={folder}", "--KernelManager.transport=ipc",
            f"--Voila.config_file_paths={folder}/config"} <= set(argv)
    long = voila_command("x.ipynb", 8899, "/" + "d" * 60)
    assert "--KernelManager.transport=tcp" in long  # a Unix socket's path would be too long
    assert "--theme=dark" in voila_command("x.ipynb", 1, folder, "dark")


def test_the_prelaunch_hook_sets_the_xsrf_cookie():
    from sampling.cli.app import VOILA_CONFIG, prelaunch

    class Handler:
        cookies = []

        @property
        def xsrf_token(self):  # tornado's property sets the cookie when read
            self.cookies.append("_xsrf")
            return b"token"

    handler = Handler()
    prelaunch(handler, None, "/tmp")
    assert handler.cookies == ["_xsrf"]
    namespace = {"c": type("Config", (), {"VoilaConfiguration": type("V", (), {})()})()}
    exec(VOILA_CONFIG, namespace)  # noqa: S102 - the configuration file the command writes
    assert namespace["c"].VoilaConfiguration.prelaunch_hook is prelaunch


# --------------------------------------------------------------------------------------------
# unreadable uploads: one line each, never a traceback


def _zip_of(names) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


def _workbook_bytes(frame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


EXPORT = messy_case_list(80, rng=21)
UNREADABLE = {  # name, bytes, words the one line says
    "empty": ("export.csv", b"", "is empty"),
    "blank": ("export.xlsx", b"  \r\n", "is empty"),
    "csv named xlsx": ("export.xlsx", csv_bytes(EXPORT), "holds text (a CSV file renamed .xlsx?)"),
    "not a zip": ("export.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00\x01\x02", "is not an Excel workbook"),
    "zip not a workbook": ("export.xlsx", _zip_of(["word/document.xml"]), "is not an Excel workbook"),
    "old or protected": ("export.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
                         "old-style (.xls) or password-protected"),
    "workbook named csv": ("export.csv", _workbook_bytes(EXPORT), "is an Excel workbook, not a CSV file"),
    "utf-16": ("export.csv", EXPORT.to_csv(index=False).encode("utf-16"), "Unicode text (UTF-16)"),
    "xls": ("export.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "Excel 97-2003"),
    "pdf": ("export.pdf", b"%PDF-1.4 ...", "is a PDF"),
}


@pytest.mark.parametrize("case", list(UNREADABLE))
def test_an_unreadable_case_list_is_one_line_and_plan_stays_off(case):
    name, content, words = UNREADABLE[case]
    outcome = app.plan_upload(name, content, seed=1)
    assert not outcome.ok and len(outcome.lines) == 1 and len(outcome.problems) == 1
    assert outcome.lines[0].startswith(f"Case list: {name} ") and words in outcome.lines[0]
    assert "\n" not in outcome.lines[0] and "Traceback" not in outcome.to_html()
    status = app.plan_status(name, "7", content=content)
    assert not status.ready and status.html.count("<li>") == 1 and words in html.unescape(status.html)
    # and as the victims' list
    second = app.plan_upload("export.csv", csv_bytes(EXPORT), seed=1, year=2025, victims=(name, content))
    assert not second.ok and second.lines[0].startswith(f"Victims' list: {name} ")


@pytest.mark.parametrize("case", list(UNREADABLE))
def test_an_unreadable_answers_file_is_one_line(case):
    name, content, _ = UNREADABLE[case]
    with pytest.raises(SamplingError) as caught:
        app.answers_source(name.replace(".csv", ".xlsx") if case == "utf-16" else name, content)
    assert str(caught.value).startswith("Answers: ") and "\n" not in str(caught.value)


def test_the_example_of_the_brief_and_a_workbook_that_is_not_the_answers():
    with pytest.raises(SamplingError, match=r"^Answers: a.xlsx holds text"):
        app.answers_source("a.xlsx", b"x")
    plan_book = app.plan_upload("export.csv", csv_bytes(EXPORT), seed=1).workbook
    with pytest.raises(SamplingError, match=r"^Answers: plan.xlsx is the plan workbook, not the answers workbook"):
        app.answers_source("plan.xlsx", plan_book)
    with pytest.raises(SamplingError, match=r"^Answers: export.xlsx is not an answers workbook \(its sheets: Sheet1\)"):
        app.answers_source("export.xlsx", _workbook_bytes(EXPORT))
    with pytest.raises(SamplingError, match=r"^Answers: export.csv is not an XLSX file"):
        app.answers_source("export.csv", csv_bytes(EXPORT))


def test_a_file_over_the_limit_is_refused_before_it_is_read(monkeypatch):
    monkeypatch.setattr(app, "MAX_UPLOAD_BYTES", 1000)
    outcome = app.plan_upload("export.csv", csv_bytes(EXPORT), seed=1)
    assert outcome.lines[0].startswith("Case list: export.csv is ") and "over the page's limit of 1000 bytes" \
        in outcome.lines[0]
    big = app.check_upload  # the real limit: a case list of a quarter of a million rows fits
    assert app.MAX_UPLOAD_BYTES == 1000 and big("x.csv", b"a,b\n1,2\n", field="Case list") == "x.csv"


# --------------------------------------------------------------------------------------------
# columns picked in the page


def _renamed(headings: dict[str, str], rows=200, rng=31):
    export = messy_case_list(rows, rng=rng).drop(columns=["Court/OOCD", "Start Date", "Team"])
    return export.rename(columns=headings)


BRIEF = {"Case Ref": "Young Person Ref", "Sex": "Sex", "Sentence or disposal type": "Legal Outcome",
         "RoSH": "RoSH", "Safety & Wellbeing": "Safety & Wellbeing Rating"}
ORDER = {**BRIEF, "Sentence or disposal type": "Order Given"}  # a disposal heading no export used before
STRANGE = {"Case Ref": "Pupil No", "Sex": "M/F", "Sentence or disposal type": "What happened",
           "RoSH": "Harm level (others)", "Safety & Wellbeing": "Kid's safety score"}


def test_the_briefs_headings_plan_with_nothing_picked(capsys, tmp_path):
    # "Legal Outcome" is read as the disposal type, as plan reads it
    source = tmp_path / "export.csv"
    _renamed(BRIEF).to_csv(source, index=False)
    outcome = app.plan_upload(source.name, source.read_bytes(), seed=9, year=2025)
    assert outcome.ok and not outcome.questions, outcome.lines
    code, out, err = run(capsys, "plan", source, "--seed", 9, "--policy", "hmip-2025-children",
                         "--out", tmp_path / "plan.xlsx", "--json")
    assert code == 0, err
    assert outcome.sample_ids() == {d: part["sample"] for d, part in json.loads(out)["domains"].items()}


@pytest.mark.parametrize("headings", [ORDER, STRANGE], ids=["one heading not recognised", "none recognised"])
def test_headings_not_recognised_are_picked_in_the_page_and_planned_as_plan_columns(capsys, tmp_path, headings):
    export = _renamed(headings)
    source = tmp_path / "export.csv"
    export.to_csv(source, index=False)
    first = app.plan_upload(source.name, source.read_bytes(), seed=9, year=2025)
    assert not first.ok and first.questions
    page = first.to_html()
    assert "--" not in page and "HEADING" not in page and "Pick the columns under <b>Columns</b> above" in page
    assert all(q.headings == tuple(export.columns) and q.chosen is None for q in first.questions)
    fields = {"case_id": "Case Ref", "gender": "Sex", "disposal_type": "Sentence or disposal type", "rosh": "RoSH",
              "safety_wellbeing": "Safety & Wellbeing"}
    asked = {q.field for q in first.questions}
    assert "disposal_type" in asked and asked <= set(fields)
    assert not app.plan_status(source.name, "9", questions=first.questions).ready
    picks = {f: headings[fields[f]] for f in asked}
    assert app.plan_status(source.name, "9", questions=first.questions, columns=picks).ready
    outcome = app.plan_upload(source.name, source.read_bytes(), seed=9, year=2025, columns=picks)
    assert outcome.ok, outcome.lines
    code, out, err = run(capsys, "plan", source, "--seed", 9, "--policy", "hmip-2025-children", "--columns",
                         ",".join(f"{f}={h}" for f, h in picks.items()), "--out", tmp_path / "plan.xlsx", "--json")
    assert code == 0, err
    assert outcome.sample_ids() == {d: part["sample"] for d, part in json.loads(out)["domains"].items()}
    (tmp_path / "app.xlsx").write_bytes(outcome.workbook)
    ours, theirs = cells(tmp_path / "app.xlsx"), cells(tmp_path / "plan.xlsx")
    for sheet in ("sample", "reserves", "balance"):
        assert ours[sheet] == theirs[sheet], sheet


def test_a_column_picked_that_still_has_problems_is_asked_again_with_the_choice_kept():
    export = _renamed(STRANGE)
    export.loc[3, "What happened"] = ""
    picks = {"case_id": "Pupil No", "gender": "M/F", "disposal_type": "What happened",
             "rosh": "Harm level (others)", "safety_wellbeing": "Kid's safety score"}
    outcome = app.plan_upload("export.csv", csv_bytes(export), seed=9, columns=picks)
    assert not outcome.ok
    assert {q.field: q.chosen for q in outcome.questions} == picks
    assert any("'What happened' (Disposal or sentence type): 1 blank cell(s), row 5" in line for line in outcome.lines)


# --------------------------------------------------------------------------------------------
# the Sample size tab's confidence, margin and margin box


@pytest.mark.parametrize("population", [200, 37, 1500])
def test_confidence_and_margin_change_the_size_as_size_json_does(capsys, population):
    printed = size_json(capsys, population, "--confidence", "0.9", "--margin", "0.10")
    level = app.parse_percent("90", field="Confidence", low=50, high=99.9)
    points = app.parse_percent("10", field="Margin", low=1, high=50, unit="points")
    for year in (None, 2025):  # a programme fixes 80 % and 5 points: at others the formula's size
        view = app.size_view(population, policy=year, confidence=level, margin=points)
        assert view.group("children").summary == printed
        assert f"data-n='{printed['n']}'" in view.to_html()
    page = app.size_view(population, policy=2025, confidence=level, margin=points).to_html()
    assert "without the programme&#x27;s limits of 14 to 91" in page
    row = re.search(r"<tr data-method='policy'[^>]*>(.*?)</tr>", page).group(1)
    assert "2025 programme: children&#x27;s cases, 14 to 91" in row  # the programme's limits still shown
    default = app.size_view(population, policy=2025)
    assert default.group("children").summary == size_json(capsys, population, "--policy", "hmip-2025-children")


@pytest.mark.parametrize(("text", "field", "words"), [
    ("120", "Confidence", "Confidence: type a number from 50 to 99.9 (%), such as 80 (got '120')"),
    ("0.9", "Confidence", "Confidence: type a number from 50 to 99.9"),
    ("ninety", "Confidence", "Confidence: type a number"),
    ("0", "Margin", "Margin: type a number from 1 to 50 (points), such as 5 (got '0')"),
])
def test_a_confidence_or_margin_out_of_range_is_one_line(text, field, words):
    low, high, unit = (50, 99.9, "%") if field == "Confidence" else (1, 50, "points")
    with pytest.raises(SamplingError) as caught:
        app.parse_percent(text, field=field, low=low, high=high, unit=unit, example="80" if field == "Confidence"
                          else "5")
    assert str(caught.value).startswith(words) and "\n" not in str(caught.value)


def test_the_margin_of_a_typed_size_is_the_margin_size_gives_for_that_size(capsys):
    view = app.margin_view(30, 200)
    # size gives 30 cases of 200 for any margin from 30's own up to 29's; its achieved margin is 30's
    margin = math.ceil(view.margin * 10_000) / 10_000
    printed = size_json(capsys, 200, "--margin", margin)
    assert printed["n"] == 30 and printed["achieved_margin"] == view.margin
    assert f"data-margin='{view.margin!r}'" in view.to_html() and f"±{view.margin * 100:.1f} points" in view.to_html()
    at90 = app.margin_view(30, 200, confidence=0.9)
    printed = size_json(capsys, 200, "--confidence", 0.9, "--margin", math.ceil(at90.margin * 10_000) / 10_000)
    assert printed["n"] == 30 and printed["achieved_margin"] == at90.margin
    with pytest.raises(SamplingError, match=r"^Cases to inspect: type a whole number from 1 to 200"):
        app.margin_view(201, 200)


# --------------------------------------------------------------------------------------------
# the page in plain words


JARGON = re.compile(r"(?<![\w-])--[a-z]|python -m|cochran|hmip-|jeffreys|qualitative|every ratio|"
                    r"\b\d\.\d{3}\b|\bcase_id\b|\bP\(", re.IGNORECASE)


def test_the_pages_words_name_no_option_method_or_programme_by_its_code(tmp_path):
    pages = [app.size_view(300, victims=30, policy=2025).to_html(), app.size_view(None).to_html(),
             app.size_view(57, criterion="bands").to_html(), app.rating_view("essex-2018").to_html(),
             app.rating_view("calderdale-2022", mode="finite").to_html()]
    outcome = app.plan_upload("export.csv", csv_bytes(messy_case_list(200, rng=2)), seed=5, year=2025)
    pages.append(outcome.to_html())
    pages.append(app.plan_upload("export.csv", csv_bytes(_renamed(STRANGE)), seed=5).to_html())
    pages += [label for label, _ in app.policy_choices() + list(app.CRITERIA) + list(app.UNCERTAINTY)]
    for page in pages:
        text = re.sub(r"<style>.*?</style>|<[^>]+>", " ", page)
        assert not JARGON.search(text), JARGON.search(text)
    assert "2025 programme: children&#x27;s cases, 14 to 91" in pages[0]


# --------------------------------------------------------------------------------------------
# the Fieldwork tab


def partly_answered(tmp_path) -> Path:
    """A workbook midway: the answers of the first half of its rows blanked again."""
    answers = answers_workbook(tmp_path)
    book = openpyxl.load_workbook(answers)
    rows = list(book["answers"].iter_rows(min_row=2))
    for row in rows[len(rows) // 2:]:
        row[4].value = None
    book.save(answers)
    return answers


def test_the_fieldwork_tab_shows_what_status_prints(capsys, tmp_path):
    answers = partly_answered(tmp_path)
    capsys.readouterr()
    page = app.status_view("answers.xlsx", answers.read_bytes())
    code, out, err = run(capsys, "status", answers, "--json")
    assert code == 0, err
    expected = json.loads(out)
    settled = sum(s["settled"] for s in expected["standards"])
    assert f"{settled} of {len(expected['standards'])} standards settled" in page
    for item in expected["standards"]:
        cell = f"<td>{item['standard']}</td><td>{'settled' if item['settled'] else 'open'}</td>"
        assert cell in page
    assert "--" not in page and "Traceback" not in page


def test_each_tab_shows_what_its_words_mean():
    from sampling.glossary import lookup

    for tab, terms in app.TAB_TERMS.items():
        page = app.glossary_html(tab)
        assert "What the words mean" in page
        for term in terms:
            entry = lookup(term)  # every term is in the glossary
            assert html.escape(entry.entry) in page, (tab, term)
