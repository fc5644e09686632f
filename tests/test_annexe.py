"""The annexe: one template, executed for an inspection's answers and for the five bundled reports.

The end-to-end test draws a held-out synthetic plan (sizes and seeds not used while building),
fills its answers from known rates, and runs ``template`` then ``annexe`` through the command
line; the ratings, score and overall rating in the HTML must be the ones the rules give, counted
in the test from the answers themselves.
"""

from __future__ import annotations

import base64
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from test_answers import QUALITATIVE_2021, fill, write_plan

import sampling
from sampling import (
    SamplingError,
    list_reports,
    load_report,
    margin_of_error,
    rate_report,
    report_from_answers,
)
from sampling import annexe as annexe_module
from sampling.annexe import (
    AnnexeText,
    annexe_report,
    finite_populations,
    illustrative_draw,
    notable_facts,
    sample_table,
    template_path,
)
from sampling.cli import main
from sampling.framework import (
    BAND_LOWER_BOUNDS,
    Rating,
    get_framework,
    overall_rating,
    percent,
    standard_rating,
)

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "notebooks" / "reports"


def _cells(notebook):
    return [(c.cell_type, c.source, tuple(c.metadata.get("tags", ()))) for c in notebook.cells]


# --------------------------------------------------------------------------------------------
# one template


def test_template_is_package_data_with_a_parameters_cell():
    notebook = nbformat.read(template_path(), as_version=4)
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0].cell_type == "code"
    assert all(c.outputs == [] for c in notebook.cells if c.cell_type == "code")  # a template, not a run
    import tomllib

    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert "templates/*.ipynb" in package_data["sampling"]
    assert "data/key_questions.toml" in package_data["sampling"] or "data/*.toml" in package_data["sampling"]


@pytest.mark.parametrize("report_id", list_reports())
def test_each_report_notebook_is_the_template_executed_with_its_parameters(report_id):
    template = nbformat.read(template_path(), as_version=4)
    notebook = nbformat.read(REPORTS / f"{report_id}.ipynb", as_version=4)
    injected = [i for i, c in enumerate(notebook.cells) if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    index = injected[0]
    assert "parameters" in notebook.cells[index - 1].metadata.get("tags", [])  # right after it
    rest = [c for i, c in enumerate(notebook.cells) if i != index]
    assert _cells(nbformat.from_dict({"cells": rest})) == _cells(template)
    namespace: dict = {}
    exec(notebook.cells[index].source, namespace)  # the parameters cell is plain assignments
    assert namespace["source"] == report_id
    assert isinstance(namespace["draw_seed"], int) and namespace["draw_seed"] >= 0
    code = [c for c in notebook.cells if c.cell_type == "code" and c is not notebook.cells[index]]
    assert all(c.execution_count is not None for c in code[1:])  # committed executed


def test_report_notebooks_are_exactly_the_five_bundled_reports():
    assert sorted(p.stem for p in REPORTS.glob("*.ipynb")) == list_reports()


# --------------------------------------------------------------------------------------------
# the sections, as functions


def test_sample_table_margins_and_population_origin():
    report = load_report("essex-2018")
    table = sample_table(report, {"court": 80})
    # Essex 2018, Annex 1: 43 court and 28 out-of-court cases; 28 implies 33 eligible cases
    assert table.loc["court", "population"] == 80 and table.loc["court", "population_from"] == "given"
    assert table.loc["out-of-court", "population"] == 33
    assert table.loc["out-of-court", "population_from"] == "implied"
    assert table.loc["court", "margin"] == margin_of_error(43, 80)
    assert table.loc["court", "margin_exact"] == margin_of_error(43, 80, method="exact")
    assert table.loc["court", "points_per_case"] == 100 / 43
    assert not table["census"].any()
    # Sunderland 2022: 8 court cases, which the formula asks of 8 eligible cases: a census
    assert bool(sample_table(load_report("sunderland-2022")).loc["court", "census"])


def test_populations_are_checked_all_at_once():
    report = load_report("essex-2018")
    with pytest.raises(SamplingError) as error:
        finite_populations(report, {"court": 40, "resettlement": 3, "out-of-court": 2.5})
    message = str(error.value)
    assert "court = 40" in message and "at least its sample of 43" in message
    assert "resettlement is not a sample" in message
    assert "out-of-court = 2.5" in message


def test_illustrative_draw_is_balanced_and_reproducible():
    report = load_report("nottingham-city-2020")
    first = illustrative_draw(report, seed=7)
    again = illustrative_draw(report, seed=7)
    assert first.balance.equals(again.balance) and first.subgroups.equals(again.subgroups)
    assert dict(first.populations) == {"court": 36, "out_of_court": 22}  # implied by 30 and 20
    for domain, n in (("court", 30), ("out-of-court", 20)):
        part = first.balance.loc[domain]
        for _, rows in part.groupby(level="variable"):
            assert int(rows["sample"].sum()) == n and int(rows["population"].sum()) == first.populations[
                domain.replace("-", "_")]
        floor = (part["target"] - 1e-9).apply(int)
        assert ((part["sample"] >= floor) & (part["sample"] <= floor + 1)).all()  # within a case
    none = illustrative_draw(report, seed=None)
    assert none.balance.empty and "python -m sampling plan" in repr(none)
    with pytest.raises(SamplingError, match="whole number from 0"):
        illustrative_draw(report, seed=-1)


def test_unrounded_band_agrees_with_the_exact_share_by_brute_force(tmp_path):
    # the youth bands (Essex 2018, Annex 1: 50, 65, 80 %) and a held-out framework file with the
    # Good threshold moved to 70 %: the unrounded band follows the framework's own thresholds
    moved = tmp_path / "moved.toml"
    moved.write_text('name = "moved"\nextends = "youth-2021"\n[bands]\nlower_bounds = [50, 70, 80]\n')
    for framework in (sampling.get_framework("youth-2021"), sampling.load_framework(moved)):
        bounds = dict(zip(list(Rating)[1:], framework.band_lower_bounds, strict=True))
        for n in range(1, 61):
            for k in range(n + 1):
                expected = Rating.INADEQUATE
                for rating, lower in bounds.items():
                    if k / n >= lower / 100 - 1e-12:
                        expected = rating
                assert annexe_module._unrounded_band(k, n, framework) is expected, (framework.name, k, n)
                assert annexe_module._unrounded_band(k, n, framework) <= framework.band(percent(k, n))
    assert BAND_LOWER_BOUNDS[Rating.GOOD] == 65


def test_what_to_notice_finds_each_reports_lesson():
    # Cambridgeshire 2023, 2.1: 11 of 17 is 64.7 %, printed 65 % and rated Good; unrounded the
    # standard would be Requires improvement and the score 18 (Requires improvement), not 19
    lines = notable_facts(load_report("cambridgeshire-2023")).lines
    assert any(line.startswith("2.1.2: 11 of 17 is 64.71 %, printed 65 %") for line in lines)
    assert any("score would be 18 (Requires improvement) rather than 19 (Good)" in line for line in lines)
    # Cambridgeshire 2023, 3.1.3: 10 of 16 (62.5 %) printed 63 %; Python's round gives 62
    assert any(line.startswith("3.1.3: 10 of 16 is exactly 62.5 %") and "would print 62 %" in line
               for line in lines)
    # Nottingham City 2020, 2.4.3: 45 % of 11 relevant cases, which 30 cases cannot print
    lines = notable_facts(load_report("nottingham-city-2020")).lines
    assert any(line.startswith("2.4.3: 5 of 11; 45 % cannot come from the court sample of 30") for line in lines)
    # Calderdale 2022, footnote 17: "a shift of one case makes a difference of 10 per cent" (11 cases)
    lines = notable_facts(load_report("calderdale-2022")).lines
    assert any("court sample of 11 moves a key question by 9.1 percentage points" in line for line in lines)
    # Sunderland 2022: 8 court cases from the 8 the formula implies
    lines = notable_facts(load_report("sunderland-2022")).lines
    assert any(line.startswith("The court sample of 8 is the whole eligible population") for line in lines)


def test_discretion_against_the_margin_uses_an_independent_wilson_interval():
    from statsmodels.stats.proportion import proportion_confint

    # Essex 2018, Annex 2, footnote 12: 3.4.2 at 63 % raised to Good; 17 of 27 assumed
    low, high = proportion_confint(17, 27, alpha=0.2, method="wilson")  # statsmodels 0.14
    line = next(x for x in notable_facts(load_report("essex-2018")).lines if x.startswith("3.4 was raised"))
    assert f"from {100 * low:.1f} to {100 * high:.1f} %" in line
    assert f"\u00b1{100 * margin_of_error(28, 33):.1f} points" in line


def test_annexe_text_is_markdown_and_plain_text():
    text = AnnexeText("Title", ("**Good**, score 19.", "second"))
    assert text._repr_markdown_() == "**Title**\n\n- **Good**, score 19.\n- second"
    assert repr(text) == "Title\n- Good, score 19.\n- second"
    assert AnnexeText("", ("a", "b"), bullets=False)._repr_markdown_() == "a\n\nb"


# --------------------------------------------------------------------------------------------
# template then annexe, through the command line


class _Tables(HTMLParser):
    """Every <table> of a page as rows of cell texts, its headings as (level, text), the text of
    its body and its title."""

    def __init__(self):
        super().__init__()
        self.tables, self.text, self._row, self._cell = [], [], None, None
        self.headings, self._heading, self.title, self._in_title, self._in_body = [], None, "", False, False

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3", "h4"):
            self._heading = [int(tag[1]), []]
        elif tag == "title":
            self._in_title = True
        elif tag == "body":
            self._in_body = True
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3", "h4") and self._heading is not None:
            self.headings.append((self._heading[0], " ".join("".join(self._heading[1]).split())))
            self._heading = None
        elif tag == "title":
            self._in_title = False
        if tag in ("td", "th") and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self.tables:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._in_body:
            self.text.append(data)
        if self._heading is not None:
            self._heading[1].append(data)
        if self._cell is not None:
            self._cell.append(data)


def _rating_table(page: _Tables) -> dict[str, str]:
    """standard -> rating from the annexe's table of each standard's rating (this inspection's:
    the rules' rating, headed "Rating"; a published report's: "Rating by the rules")."""
    for table in page.tables:
        header = table[0]
        if header[:2] == ["Standard", "Name"] and "How it is rated" in header:
            column = header.index("Rating") if "Rating" in header else header.index("Rating by the rules")
            return {row[0]: row[column] for row in table[1:] if row[column] != "not rated"}
    raise AssertionError("no rating table in the annexe")


def _words(page: _Tables) -> str:
    return " ".join(" ".join(page.text).split())


def _page(path) -> _Tables:
    page = _Tables()
    page.feed(Path(path).read_text(encoding="utf-8"))
    return page


def _docx(path):
    """A Word annexe as python-docx reads it: its headings (level, text) and tables (rows of cell texts)."""
    import docx

    document = docx.Document(str(path))
    headings = [(int(p.style.name.split()[-1]), " ".join(p.text.split())) for p in document.paragraphs
                if p.style.name.startswith("Heading")]
    tables = [[[" ".join(cell.text.split()) for cell in row.cells] for row in table.rows]
              for table in document.tables]
    return document, headings, tables


def _plain_words(text: str, *, unpublished: bool) -> None:
    """No code values in an annexe's words, and no claim that an inspection is published."""
    for word in ("NaN", "<NA>", "False", "True", "None", "population_from", "points_per_case", "differs",
                 "rule_rating", "within_points(", "cases(1)", "interval(0.8)", "posterior(0.5)", "A Inadequate"):
        assert word not in text, word
    assert re.search(r"\b(\d+) \((\w[\w ]*)\) rather than \1 \(\2\)", text) is None
    if unpublished:
        assert "published" not in text.lower().replace("not yet published", ""), "an unpublished inspection"


def _expected(truth: pd.DataFrame, qualitative: dict[str, str]):
    """The ratings, score and overall rating the rules give, counted here from the answers."""
    spec = get_framework("youth-2021")
    judged = truth[truth.answer != "not relevant"]
    ratings, score = {}, 0
    for standard in spec.standards:
        if standard.qualitative:
            if standard.id in qualitative:
                ratings[standard.id] = Rating.from_label(qualitative[standard.id])
        else:
            printed = []
            for kq in standard.key_questions:
                rows = judged[judged.key_question == kq]
                printed.append(percent(int((rows.answer == "yes").sum()), len(rows)))
            ratings[standard.id] = standard_rating(printed)
        if standard.scored and standard.id in ratings:
            score += int(ratings[standard.id])
    return ratings, score, overall_rating(score, ratings.get("4.1"))


def test_template_then_annexe_give_the_rules_ratings_in_the_html(tmp_path, capsys):
    plan = tmp_path / "plan.xlsx"
    write_plan(plan, court=13, out_of_court=19, resettlement=1, seed=2024, spelling=("COURT", "Out-of-Court"))
    answers = tmp_path / "answers.xlsx"
    assert main(["template", str(plan), "--out", str(answers)]) == 0
    qualitative = {**QUALITATIVE_2021, "1.2": "Requires improvement", "1.3": "Good", "4.1": "Requires improvement"}
    truth = fill(answers, seed=2024, relevant=0.85, qualitative=qualitative)
    capsys.readouterr()
    out, toml = tmp_path / "annexe.html", tmp_path / "report.toml"
    code = main(["annexe", str(answers), "--out", str(out), "--toml", str(toml), "--service", "Held-out YJS",
                 "--populations", "court=20,out-of-court=19", "--json"])
    assert code == 0, capsys.readouterr().err
    result = json.loads(capsys.readouterr().out)

    ratings, score, overall = _expected(truth, qualitative)
    assert result["score"] == score and result["overall"] == overall.label
    assert result["ratings"] == {sid: r.label for sid, r in ratings.items()}
    # the same as rate_report on the report the answers give, and on the TOML written
    direct = rate_report(report_from_answers(truth, qualitative=qualitative))
    assert direct.rule_score == score and direct.rule_overall is overall
    assert rate_report(load_report(toml)).rule_score == score

    page = _Tables()
    text = out.read_text(encoding="utf-8")
    page.feed(text)
    words = _words(page)
    assert _rating_table(page) == {sid: r.label for sid, r in ratings.items()}
    assert f"Score by the rules: {score}/36" in words
    assert f"Overall rating by the rules: {overall.label}" in words
    assert "Held-out YJS" in words and page.title == "Held-out YJS methodology annexe"
    # the populations given are the ones used
    assert "Eligible population: 20 court disposals and 19 out-of-court disposals, as given for this annexe" in words
    _plain_words(words, unpublished=True)
    # figures embedded: the band ladder and the score distribution, as base64 PNG
    images = [part.split('"', 1)[0] for part in text.split('src="data:image/png;base64,')[1:]]
    assert len(images) >= 2
    assert all(base64.b64decode(image)[:8] == b"\x89PNG\r\n\x1a\n" for image in images)
    # exported without its code, and nothing loaded from the web
    assert "from sampling import" not in html.unescape(text)
    assert '<script src="http' not in text and "require.min.js" not in text


def test_annexe_bad_input_one_line_per_problem_and_nothing_written(tmp_path, capsys):
    plan = tmp_path / "plan.xlsx"
    write_plan(plan, court=5, out_of_court=6, seed=11)
    answers = tmp_path / "answers.xlsx"
    assert main(["template", str(plan), "--out", str(answers)]) == 0
    fill(answers, seed=11, qualitative={**QUALITATIVE_2021, "1.1": "Excellent"})
    from openpyxl import load_workbook

    book = load_workbook(answers)
    book["answers"]["E2"] = "perhaps"
    book["answers"]["E7"] = None
    book.save(answers)
    capsys.readouterr()
    out, toml = tmp_path / "annexe.html", tmp_path / "r.toml"
    assert main(["annexe", str(answers), "--out", str(out), "--toml", str(toml)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "error: answers.xlsx: 3 problem(s) in the answers; fix them in the workbook and run again"
    assert len(err) == 4
    assert "row 2: answer 'perhaps'" in err[1] and "rows 7" in err[2] and "'Excellent'" in err[3]
    assert not out.exists() and not toml.exists()

    # --out refuses to overwrite without --force, for both commands
    out.write_text("keep", encoding="utf-8")
    assert main(["template", str(plan), "--out", str(answers)]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["annexe", "essex-2018", "--out", str(out)]) == 2
    assert capsys.readouterr().err.count("\n") == 1 and out.read_text(encoding="utf-8") == "keep"
    assert main(["annexe", str(answers), "--out", str(tmp_path / "a.html"), "--populations", "court=x"]) == 2
    assert "court=N" in capsys.readouterr().err


def test_annexe_report_reads_every_kind_of_source(tmp_path):
    from sampling import report_toml

    path = tmp_path / "mine.toml"
    path.write_text(report_toml(load_report("sunderland-2022")), encoding="utf-8")
    assert annexe_report(path).service == annexe_report("sunderland-2022").service
    with pytest.raises(SamplingError):
        annexe_report(tmp_path / "missing.xlsx")


# --------------------------------------------------------------------------------------------
# an annexe fit to publish: a real plan, its answers, the annexe as HTML and as Word


def _real_plan(tmp_path, *, policy=None, victims=None, seed=2031):
    """A plan as `plan` writes it (held-out sizes and seed), for a service named in the plan, with
    its answers workbook filled."""
    import warnings

    from test_plans import _victims

    from sampling.synthetic import messy_case_list, write_export

    export = tmp_path / "export.csv"
    write_export(messy_case_list(180, rng=seed, domain_column=True), export)
    options = {}
    if victims:
        _victims(victims).to_csv(tmp_path / "victims.csv", index=False)
        options["victims"] = str(tmp_path / "victims.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the messy export's cleaning is warned of; not what is tested here
        made = sampling.plan(str(export), seed=seed, policy=policy, service="Anyshire Youth Justice Service",
                             **options)
    made.write(tmp_path / "plan.xlsx")
    answers = tmp_path / "answers.xlsx"
    assert main(["template", str(tmp_path / "plan.xlsx"), "--out", str(answers)]) == 0
    qualitative = {"1.1": "Good"} if policy else QUALITATIVE_2021
    fill(answers, seed=seed, relevant=0.9, qualitative=qualitative)
    return answers, sampling.read_answers(answers).record


def test_an_annexe_from_a_plan_reads_as_the_published_annexes_in_html_and_word(tmp_path, capsys):
    answers, record = _real_plan(tmp_path)
    capsys.readouterr()
    html_out, word_out = tmp_path / "a.html", tmp_path / "a.docx"
    assert main(["annexe", str(answers), "--out", str(html_out)]) == 0
    err = capsys.readouterr().err
    # one progress line per section on stderr, and no Jupyter warning
    assert "annexe: Annexe 1: Methodology\u2026 done\n" in err and "annexe: Conclusion\u2026 done\n" in err
    assert "TCP" not in err and "WARNING" not in err
    assert main(["annexe", str(answers), "--out", str(word_out), "--json"]) == 0
    assert capsys.readouterr().err == ""  # quiet under --json

    page = _page(html_out)
    words = _words(page)
    court, ooc = record.samples["court"], record.samples["out_of_court"]
    assert page.title == "Anyshire Youth Justice Service methodology annexe"
    assert page.headings[0] == (1, "Anyshire Youth Justice Service: methodology annexe")
    assert [h for level, h in page.headings if level == 2] == [
        "Annexe 1: Methodology", "Annexe 2: Inspection data", "How sure is each rating", "Professional discretion",
        "What to notice", "Conclusion", "What the words mean"]
    # Annexe 1 in the published annexes' words (Essex 2018, Annex 1), with this inspection's facts
    assert (f"We examined {court.n} court disposals and {ooc.n} out-of-court disposals. The sample size was set "
            "to achieve a confidence level of 80 per cent (with a margin of error of 5), and we ensured that the "
            "ratios in relation to gender, sentence or disposal type, risk of serious harm, and risk to safety and "
            "wellbeing matched those in the eligible population.") in words
    assert (f"Eligible population: {court.population} court disposals and {ooc.population} out-of-court "
            "disposals, as the plan counted them.") in words  # the plan's, with no --populations
    assert "This inspection, not yet published" in words
    _plain_words(words, unpublished=True)
    # Annexe 2: the quoted rules and each standard's key questions with their percentages
    assert "The rating at the standard level is aligned to the lowest banding at the key question level" in words
    report = sampling.read_answers(answers).report()
    tables = {t[0][0]: t for t in page.tables}
    kq = report.key_question("2.1.1")
    row = next(t for t in page.tables if t[0][:2] == ["Number", "Key question"] and t[1][0] == "2.1.1")[1]
    assert row[2:] == [f"{kq.k} of {kq.n}", f"{kq.percent}%"]
    assert "Standard" in tables and "View" in tables  # the rating table; the overall rating's chances
    # the same headings and tables (the same rows) in the Word document
    document, headings, word_tables = _docx(word_out)
    assert headings == page.headings
    assert word_tables == page.tables
    assert document.core_properties.title == page.title
    assert len(document.inline_shapes) == 2  # the band ladder and the score's distribution
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)  # A4
    # printed on A4 without cut tables
    text = html_out.read_text(encoding="utf-8")
    assert "@page { size: A4" in text and "width: 100% !important" in text and "break-inside: avoid" in text
    assert "img { max-width: 100%" in text


def test_a_2025_annexe_says_the_victims_sample_is_random_and_its_margin_wider(tmp_path, capsys):
    answers, record = _real_plan(tmp_path, policy="hmip-2025-children", victims=200, seed=2032)
    victims = record.samples["victims"]
    assert victims.drawn == "at random" and "victims" in record.above_target()  # what the annexe must say
    out = tmp_path / "a.html"
    assert main(["annexe", str(answers), "--out", str(out), "--json"]) == 0
    words = _words(_page(out))
    margin = record.above_target()["victims"]
    assert (f"The victims' cases were drawn at random from the {victims.population} eligible victims' cases, "
            "not balanced on any characteristic.") in words
    assert (f"The victims' sample of {victims.n} from {victims.population} achieves a margin of "
            f"{100 * margin:.1f} points, wider than the 5-point target, because the programme caps it at "
            f"{sampling.get_policy('hmip-2025-victims').maximum}.") in words
    assert "in the children's sample we ensured that the ratios in relation to court or out-of-court case, gender" in words
    _plain_words(words, unpublished=True)


def test_methodology_of_a_published_report_is_its_own_annex_sentence():
    # Essex 2018, Annex 1: "We examined 43 court disposals and 28 out-of-court disposals. The sample
    # size was set to achieve a confidence level of 80 per cent (with a margin of error of 5), and we
    # ensured that the ratios in relation to gender, sentence or disposal type, risk of serious harm,
    # and risk to safety and wellbeing matched those in the eligible population."
    lines = annexe_module.methodology_text(annexe_module.prepare("essex-2018")).lines
    assert " ".join(lines[:2]) == (
        "We examined 43 court disposals and 28 out-of-court disposals. The sample size was set to achieve a "
        "confidence level of 80 per cent (with a margin of error of 5), and we ensured that the ratios in "
        "relation to gender, sentence or disposal type, risk of serious harm, and risk to safety and wellbeing "
        "matched those in the eligible population.")
    # Calderdale 2022, Annexe 1: court, out-of-court and resettlement cases
    first = annexe_module.methodology_text(annexe_module.prepare("calderdale-2022")).lines[0]
    assert first == "We examined 11 court disposals, 17 out-of-court disposals and 2 resettlement cases."


def test_rules_are_the_inspectorates_sentences_from_rating_rules_md():
    page = (ROOT / "methodology" / "rating-rules.md").read_text(encoding="utf-8")
    quoted = " ".join(page.split())
    lines = annexe_module.rules_text(load_report("calderdale-2022")).lines
    for line in lines[2:6]:  # the lowest-band rule, qualitative standards, the score, resettlement
        assert line in quoted, line
    assert lines[1].replace("rating, 80", "rating ..., 80") in quoted  # the bands (the report's words elided there)
    assert "A Inadequate" not in " ".join(lines)


@pytest.mark.parametrize("name, words", [("within_points(5)", "within 5 points of the boundary"),
                                         ("cases(1)", "within 1 changed judgement of the band above"),
                                         ("cases(2)", "within 2 changed judgements of the band above"),
                                         ("interval(0.8)", "the band above inside the 80% interval"),
                                         ("strict", "never (the rules alone)")])
def test_rule_names_are_said_in_words(name, words):
    assert annexe_module.rule_words(name) == words


def test_tables_hold_words_and_the_overall_chances_say_what_independence_leaves_out():
    inspection = annexe_module.prepare("calderdale-2022")
    table = annexe_module.certainty_words(inspection)
    row = dict(zip(table.columns, table.rows[2], strict=True))  # 2.3: Inadequate by the rules (rows from 2.1)
    assert row["Standard"] == "2.3" and row["Judgements to change for the band below"] == "none: already the lowest band"
    assert row["Judgements to change for the band above"] == "1 judgement"
    blocks = annexe_module.overall_words(inspection).to_blocks()
    text = " ".join(b.get("text", "") for b in blocks)
    assert "A domain's standards are judged on the same cases" in text and "the 0\u201336 total" in text
    simulated = next(b for b in blocks if b["kind"] == "table" and b["title"].startswith("Simulated"))
    assert simulated["rows"][0][0] == "A case's key questions correlated (0.5)"
    # the simulation's figures are sampling.simulate's, with case_correlation, for the overall rating
    result = sampling.simulate(inspection.report, case_correlation=0.5, reps=20_000, rng=2024)
    rating = inspection.table.published_overall.label
    column = simulated["columns"].index(rating)
    assert simulated["rows"][0][column] == annexe_module._chance(float(result.overall.loc[rating, "without rule"]))
    for block in blocks:
        if block["kind"] == "table":
            _plain_words(" ".join(" ".join(r) for r in [block["columns"], *block["rows"]]), unpublished=False)


def test_a_problem_the_template_finds_is_one_error_line_and_nothing_is_written(tmp_path, capsys):
    # a sample of 170 out-of-court cases: the 80 per cent / 5-point formula gives no population that
    # implies it, so none can be implied; found inside the template, said as any input problem is
    from sampling import report_toml

    text = report_toml(load_report("sunderland-2022")).replace("out_of_court = 12", "out_of_court = 170")
    path = tmp_path / "big.toml"
    path.write_text(text.replace('id = "sunderland-2022"', 'id = "sunderland-big"'), encoding="utf-8")
    capsys.readouterr()
    assert main(["annexe", str(path), "--out", str(tmp_path / "a.html")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-2:] == ["annexe: the inspection's figures\u2026 failed",
                        "error: populations: the out-of-court sample of 170 implies no population; give it, "
                        "e.g. out-of-court=N"]
    assert not (tmp_path / "a.html").exists()


@pytest.mark.parametrize("report_id", ["essex-2018", "sunderland-2022"])
def test_word_and_html_of_a_report_notebook_have_the_same_headings_and_tables(report_id, tmp_path, monkeypatch):
    notebook = nbformat.read(REPORTS / f"{report_id}.ipynb", as_version=4)
    title = annexe_module.annexe_title(load_report(report_id))
    (tmp_path / "a.html").write_text(annexe_module.annexe_html(notebook, title=title), encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    data = annexe_module.annexe_docx(notebook, title=title)
    assert annexe_module.annexe_docx(notebook, title=title) == data  # the same bytes, with SOURCE_DATE_EPOCH
    (tmp_path / "a.docx").write_bytes(data)
    page = _page(tmp_path / "a.html")
    document, headings, tables = _docx(tmp_path / "a.docx")
    assert headings == page.headings and tables == page.tables
    assert len(tables) >= 10 and page.title == title == document.core_properties.title
    # the illustrative draw of the report notebooks is there too, in words
    assert any(t[0][:3] == ["Sample", "Variable", "Category"] for t in tables)
    _plain_words(_words(page), unpublished=False)


def test_the_judgement_error_double_marking_measured_is_used_and_said(tmp_path, capsys):
    from sampling.synthetic import double_judged

    double = tmp_path / "double.csv"
    double_judged(60, judgement_error=0.08, rng=2).to_csv(double, index=False)
    assert main(["agreement", str(double), "--json"]) == 0
    measured = tmp_path / "agreement.json"
    measured.write_text(capsys.readouterr().out, encoding="utf-8")
    error = json.loads(measured.read_text())["overall"]["judgement_error"]
    assert annexe_module.judgement_error_of(str(measured)) == error
    assert annexe_module.judgement_error_of("0.05") == 0.05
    with pytest.raises(sampling.SamplingError, match="holds no judgement_error"):
        bad = tmp_path / "bad.json"
        bad.write_text("{}", encoding="utf-8")
        annexe_module.judgement_error_of(bad)
    out = tmp_path / "annexe.html"
    assert main(["annexe", "calderdale-2022", "--out", str(out), "--judgement-error", str(measured)]) == 0
    text = html.unescape(out.read_text(encoding="utf-8"))
    assert f"measured for this inspection by double-marking ({error:.3f}" in text
    assert f"And each judgement wrong with probability {error:.3f}" in text
