"""Every lesson of the course meets the counts trainers were promised, read from the notebook file.

A lesson is a notebook ``notebooks/teaching/NN-name.ipynb``. Each must have: at least 1,000 words of
explanation in its markdown cells outside ``<details>`` solution blocks (and outside code blocks);
``## Learning objectives`` as its first section, ``## Summary`` as its last, and a
``## Common misreadings`` section; at least three figures stored in cells that nbval compares; an
ipywidgets control in a code cell whose first line is ``# NBVAL_IGNORE_OUTPUT``, with the widget
state saved in the notebook's metadata; at least three ``### Exercise`` headings, each followed by an
empty cell for the learner and then a collapsed ``<details>`` solution; a worked example on a bundled
report; random calls seeded visibly; and a jupytext MyST twin ``NN-name.md`` beside it whose cells are
the notebook's cells.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import jupytext
import nbformat
import pytest

from sampling import list_reports

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks" / "teaching").glob("[0-9][0-9]-*.ipynb"))

MIN_WORDS = 1000
MIN_FIGURES = 3
MIN_EXERCISES = 3
IGNORED = ("# NBVAL_IGNORE_OUTPUT", "# NBVAL_SKIP")
#: functions of the toolkit and of pandas that draw at random, and the keyword that seeds them
RANDOM_CALLS = {"select": "rng", "select_by_domain": "rng", "simulate_selection": "rng", "case_list": "rng",
                "simulate": "rng", "monte_carlo_score": "rng", "sample": "random_state"}


@pytest.fixture(params=LESSONS, ids=[path.stem for path in LESSONS])
def lesson(request):
    path = request.param
    return path, nbformat.read(path, as_version=4)


def test_there_are_lessons():
    assert len(LESSONS) >= 5, [p.name for p in LESSONS]


def _markdown(notebook) -> list[str]:
    return [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]


def _without_code_blocks(text: str) -> str:
    return re.sub(r"^```.*?^```", " ", text, flags=re.S | re.M)


def _explanation(text: str) -> str:
    """Markdown text without solution blocks, code blocks, HTML comments and tags."""
    text = re.sub(r"<details.*?</details>", " ", text, flags=re.S | re.I)
    text = re.sub(r"<!--.*?-->", " ", _without_code_blocks(text), flags=re.S)
    return re.sub(r"<[^>]+>", " ", text)


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9]+(?:['’.,-][A-Za-z0-9]+)*", text)


def _headings(notebook, level: int) -> list[str]:
    prefix = "#" * level + " "
    return [line[len(prefix):].strip() for text in _markdown(notebook)
            for line in _without_code_blocks(text).splitlines() if line.startswith(prefix)]


def _code(notebook) -> list:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def _compared(cell) -> bool:
    return not cell.source.lstrip().startswith(IGNORED)


def test_words_words_words():
    # the counter itself: solution text and code blocks do not count, prose does
    text = "One two three.\n\n<details><summary>Solution</summary>\n\nfour five\n\n</details>\n\n```python\nsix\n```"
    assert _words(_explanation(text)) == ["One", "two", "three"]
    assert len(_words("Cambridgeshire's 11 of 17 = 64.7 % (half-up)")) == 6


def test_at_least_a_thousand_words_of_explanation(lesson):
    path, notebook = lesson
    count = sum(len(_words(_explanation(text))) for text in _markdown(notebook))
    assert count >= MIN_WORDS, f"{path.name}: {count} words of explanation outside <details>"


def test_objectives_first_summary_last_and_misreadings(lesson):
    path, notebook = lesson
    sections = _headings(notebook, 2)
    assert sections, f"{path.name} has no ## sections"
    assert sections[0] == "Learning objectives", sections
    assert sections[-1] == "Summary", sections
    assert "Common misreadings" in sections, sections


def test_at_least_three_stored_figures_that_nbval_sees(lesson):
    path, notebook = lesson
    figures = sum(1 for cell in _code(notebook) if _compared(cell)
                  for output in cell.get("outputs", []) if "image/png" in output.get("data", {}))
    assert figures >= MIN_FIGURES, f"{path.name}: {figures} stored figures outside ignored cells"


def test_a_widget_with_saved_state(lesson):
    path, notebook = lesson
    controls = [cell for cell in _code(notebook)
                if re.search(r"\b(import ipywidgets|from ipywidgets import)\b", cell.source)
                and re.search(r"\b(interact|interactive|interact_manual)\(", cell.source)]
    assert controls, f"{path.name}: no code cell offers an ipywidgets control"
    for cell in controls:
        # widget outputs carry model ids that change on every run
        assert cell.source.startswith("# NBVAL_IGNORE_OUTPUT"), cell.source.splitlines()[0]
    state = notebook.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    models = state.get("state", {})
    assert any(model["model_name"].endswith("SliderModel") for model in models.values()), \
        f"{path.name}: no slider saved in the notebook's widget state (execute with scripts/run_notebooks.py)"
    views = [output["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
             for cell in controls for output in cell.get("outputs", [])
             if "application/vnd.jupyter.widget-view+json" in output.get("data", {})]
    assert views, f"{path.name}: the widget cell has no stored view"
    assert all(view in models for view in views), "a stored widget view refers to a model not saved"


def _learner_cell(cell) -> bool:
    lines = [line.strip() for line in cell.source.splitlines()]
    return all(not line or line.startswith("#") for line in lines) and not cell.get("outputs")


def test_exercises_have_a_learner_cell_and_a_hidden_solution(lesson):
    path, notebook = lesson
    cells = notebook.cells
    starts = [i for i, cell in enumerate(cells)
              if cell.cell_type == "markdown" and re.search(r"^### Exercise\b", cell.source, re.M)]
    assert len(starts) >= MIN_EXERCISES, f"{path.name}: {len(starts)} exercises"
    for start in starts:
        title = re.search(r"^### Exercise.*$", cells[start].source, re.M).group(0)
        code = next((i for i in range(start + 1, len(cells)) if cells[i].cell_type == "code"), None)
        assert code is not None and _learner_cell(cells[code]), f"{title}: no empty cell for the learner"
        assert "<details" not in "".join(cells[i].source for i in range(start, code)), \
            f"{title}: the solution comes before the learner's cell"
        solution = next((i for i in range(code + 1, len(cells)) if cells[i].cell_type == "markdown"), None)
        assert solution is not None, f"{title}: no solution after the learner's cell"
        text = cells[solution].source
        assert re.search(r"<details>\s*<summary>\s*Solution\s*</summary>", text), f"{title}: no <details> solution"
        assert "</details>" in text and "<details open" not in text, f"{title}: the solution is not collapsed"
        between = cells[code + 1:solution]
        assert all(cell.cell_type != "code" for cell in between), f"{title}: code between the exercise and its solution"


def test_worked_example_on_a_bundled_report(lesson):
    path, notebook = lesson
    code = "\n".join(cell.source for cell in _code(notebook))
    assert any(f'"{report}"' in code or f"'{report}'" in code for report in list_reports()), \
        f"{path.name}: no code cell works on a bundled report"


def _unseeded_calls(source: str) -> list[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics; no lesson needs them
        return [f"unparsable cell: {source.splitlines()[0]!r}"]
    missing = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            keyword = RANDOM_CALLS.get(name)
            if keyword and keyword not in {k.arg for k in node.keywords}:
                missing.append(f"{name}(...) without {keyword}=: {ast.unparse(node)[:80]}")
    return missing


def test_unseeded_calls_are_found():
    assert _unseeded_calls("select(cases, 20, rng=1)\ncases.sample(5, random_state=2)") == []
    assert len(_unseeded_calls("select(cases, 20)\ncases.sample(5)")) == 2


def test_every_random_call_is_seeded(lesson):
    path, notebook = lesson
    missing = [problem for cell in _code(notebook) for problem in _unseeded_calls(cell.source)]
    assert not missing, f"{path.name}: {missing}"


def test_no_output_that_changes_between_runs(lesson):
    path, notebook = lesson
    volatile = re.compile(r"(/(?:home|tmp|work|root|Users|private)/|\d{2}:\d{2}:\d{2}|ipykernel_\d+)")
    for cell in _code(notebook):
        if not _compared(cell):
            continue
        for output in cell.get("outputs", []):
            texts = [output.get("text", "")] + [output.get("data", {}).get("text/plain", "")]
            for text in texts:
                found = volatile.search(text if isinstance(text, str) else "".join(text))
                assert found is None, f"{path.name}: output shows {found.group(0)!r}"
            assert output.get("name") != "stderr", f"{path.name}: a cell writes to stderr (a warning?)"


def test_jupytext_twin_holds_the_same_cells(lesson):
    path, notebook = lesson
    assert notebook.metadata.get("jupytext", {}).get("formats") == "ipynb,md:myst", \
        f"{path.name}: pair it with jupytext --set-formats ipynb,md:myst"
    twin = path.with_suffix(".md")
    assert twin.exists(), f"{twin.name} is missing"
    text_cells = jupytext.read(twin).cells
    notebook_cells = jupytext.read(path).cells
    assert [(c.cell_type, c.source) for c in text_cells] == [(c.cell_type, c.source) for c in notebook_cells], \
        f"{twin.name} and {path.name} differ: run jupytext --sync {twin.relative_to(ROOT)}"


# --------------------------------------------------------------------------------------------
# a 45-minute session, and the guide, the notebooks' index and the site list every lesson

MAX_WORDS = 3000  # explanation outside the exercises: what a trainer can teach in 45 minutes
GUIDE = ROOT / "notebooks" / "teaching" / "README.md"


def _body_words(notebook) -> int:
    """Words of explanation outside the ``## Exercises`` section (solutions and code excluded)."""
    count, exercises = 0, False
    for text in _markdown(notebook):
        if re.search(r"^## Exercises\b", text, re.M):
            exercises = True
        if re.search(r"^## Summary\b", text, re.M):
            exercises = False
        if not exercises:
            count += len(_words(_explanation(text)))
    return count


def test_the_body_counter_leaves_out_the_exercises():
    cells = [nbformat.v4.new_markdown_cell(text) for text in
             ("## Learning objectives\n\none two", "## Exercises\n\nthree four five", "### Exercise 1\n\nsix",
              "## Summary\n\nseven")]
    assert _body_words(nbformat.v4.new_notebook(cells=cells)) == 6  # headings count, exercises do not


def test_at_most_three_thousand_words_outside_the_exercises(lesson):
    path, notebook = lesson
    count = _body_words(notebook)
    assert count <= MAX_WORDS, f"{path.name}: {count} words outside the exercises; trim it or split the lesson"


def test_every_lesson_is_listed_by_the_guide_the_notebooks_index_and_the_site():
    listings = {GUIDE: "`{name}`", ROOT / "notebooks" / "README.md": "`{name}`",
                ROOT / "docs" / "course" / "index.md": "<../_notebooks/teaching/{stem}>"}
    for listing, form in listings.items():
        text = listing.read_text(encoding="utf-8")
        for path in LESSONS:
            assert form.format(name=path.name, stem=path.stem) in text, f"{listing.relative_to(ROOT)}: no {path.name}"
    session_plan = re.findall(r"^\| (\d+) \| `(\d\d-[^`]+\.ipynb)`", GUIDE.read_text(encoding="utf-8"), re.M)
    assert [name for _, name in session_plan] == [path.name for path in LESSONS]
    assert [int(number) for number, _ in session_plan] == list(range(1, len(LESSONS) + 1))


def _numbers(cell: str) -> set[int]:
    """Exercise numbers in a cell of the guide's table, without what the parentheses say of them."""
    return {int(n) for n in re.findall(r"\b\d+\b", re.sub(r"\([^)]*\)", "", cell))}


def _exercise_table() -> dict[int, tuple[set[int], set[int], set[int]]]:
    text = GUIDE.read_text(encoding="utf-8")
    table = text.split("### Which exercises for which audience", 1)[1].split("\n###", 1)[0]
    rows = {}
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].isdigit():
            rows[int(cells[0])] = tuple(_numbers(cell) for cell in cells[1:])
    return rows


def test_the_exercise_table_reader():
    assert _numbers("1 (`select` against `cases.sample`), 3 (inclusion frequencies)") == {1, 3}
    assert _numbers("all but those marked for analysts") == set()
    assert _numbers("1 (Essex 3.4.2's interval), 2 (Sunderland's 8 cases)") == {1, 2}


def test_the_exercises_the_guide_gives_analysts_alone_are_marked_for_analysts(lesson):
    path, notebook = lesson
    number = int(path.name[:2])
    rows = _exercise_table()
    assert number in rows, f"the guide's exercise table has no row for lesson {number}"
    inspectors, managers, analysts = rows[number]
    headings = _headings(notebook, 3)
    marked = {int(m.group(1)) for h in headings if (m := re.match(r"Exercise (\d+) \(for analysts\)$", h))}
    exercises = {int(m.group(1)) for h in headings if (m := re.match(r"Exercise (\d+)\b", h))}
    assert marked == analysts - inspectors - managers, \
        f"{path.name}: marked (for analysts) {sorted(marked)}, the guide gives analysts alone " \
        f"{sorted(analysts - inspectors - managers)}"
    assert (inspectors | managers | analysts) <= exercises, f"{path.name}: the guide names exercises it lacks"


def test_the_guide_says_which_of_the_two_files_to_open():
    text = GUIDE.read_text(encoding="utf-8")
    assert "Open the `.ipynb`" in text and "jupytext twin" in text
