"""A team's fieldwork: a workbook for each inspector, a second reader's, and the answers merged back.

The journey of an inspection read by several inspectors (``methodology/inspection-workflow.md``,
"Fieldwork"):

1. :func:`team_templates` reads the plan workbook and writes one answers workbook per inspector
   with that inspector's cases: the cases are allocated from a column of the plan, from a file,
   or balanced across the inspectors within each sample (seeded from the plan's seed, and
   recorded). With ``qa`` it also writes ``qa.xlsx``, a second reader's workbook for a
   quality-assurance sub-sample drawn within each sample. Each workbook is protected: only the
   answer and notes cells can be edited.
2. Inspectors fill in their workbooks.
3. :func:`merge_answers` checks the returned workbooks together (every problem at once) and writes
   the one answers workbook that ``annexe`` and the analyses read, with the plan's record and
   each answer's notes; ``agreement ANSWERS.xlsx qa.xlsx`` compares the second reading with the
   first.

This module builds on :mod:`sampling.answers`, whose workbook it extends: the two are one job in
two files, and this one uses that one's readers and writer of the answers workbook.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ._errors import AnswersError, SamplingError
from ._files import append_row, new_workbook, output_path, workbook_bytes, write_bytes
from ._version import __version__
from .across import agreement as statistics
from .answers import (
    _about,
    _blank,
    _display,
    _domain_key_questions,
    _normal,
    _plan_cases,
    _qualitative_rows,
    _read_sheets,
    _rows,
    _samples,
    _samples_line,
    _text,
    _write_workbook,
    key_question_wording,
)
from .caselists import load_workbook, read_table
from .framework import get_framework
from .reports import answer_word

__all__ = ["TeamTemplates", "team_templates", "MergedAnswers", "merge_answers"]

#: What the ``about`` sheet's first row says each workbook is.
INSPECTOR_KIND = "inspection-sampling inspector's answers 1"
SECOND_KIND = "inspection-sampling second reader's answers 1"
MERGED_KIND = "inspection-sampling merged answers 1"

#: The columns of an inspector's answers sheet, in order.
COLUMNS = ("case_id", "domain", "key_question", "question", "answer", "notes")

#: What each workbook shows of a case by default, where the plan's sample sheet has it: the
#: balancing variables and the dates.
DETAILS = ("case_type", "gender", "disposal_type", "rosh", "safety_wellbeing", "date")

#: The streams of the plan's seed that allocate cases to inspectors and draw the second reading
#: (numpy ``SeedSequence(seed, spawn_key=(k,))``; the plan's samples use k = 0, 1, 2).
ALLOCATION_STREAM = 1000
QA_STREAM = 1001

_QA_FILE = "qa.xlsx"
_CHOICES = ("yes", "no", "not relevant")


# --------------------------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class TeamTemplates:
    """What :func:`team_templates` wrote: a workbook per inspector, and the second reader's.

    Each parameter is also an attribute.

    Parameters
    ----------
    folder : str
        The folder written into.
    plan : str
        The plan workbook read.
    framework : str
        The framework's name.
    workbooks : mapping of str to str
        Each inspector's name to the workbook written for them.
    cases : mapping of str to mapping of str to int
        Each inspector's cases per sample.
    allocation : str
        How the cases were allocated, in words.
    seed : int or None
        The seed of the allocation and the second reading (None for a given allocation without
        a second reading).
    qa : str or None, default None
        The second reader's workbook, if one was written.
    qa_cases : mapping of str to int, default {}
        The second reading's cases per sample.
    plan_sha256 : str, default ""
        The SHA-256 of the plan workbook.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sampling.plans import plan
    >>> from sampling.synthetic import case_list
    >>> folder = Path(tempfile.mkdtemp())
    >>> plan(case_list(300, rng=1), seed=7, n={"court": 10, "out_of_court": 11}).write(folder / "plan.xlsx")
    >>> made = team_templates(folder / "plan.xlsx", folder / "team", inspectors=["Ann", "Bob"], qa=2)
    >>> {name: dict(n) for name, n in made.cases.items()}
    {'Ann': {'court': 5, 'out_of_court': 6}, 'Bob': {'court': 5, 'out_of_court': 5}}
    >>> sorted(p.name for p in (folder / "team").iterdir())
    ['ann.xlsx', 'bob.xlsx', 'qa.xlsx']
    """

    folder: str
    plan: str
    framework: str
    workbooks: Mapping[str, str]
    cases: Mapping[str, Mapping[str, int]]
    allocation: str
    seed: int | None
    qa: str | None = None
    qa_cases: Mapping[str, int] = field(default_factory=dict)
    plan_sha256: str = ""

    def to_dict(self) -> dict:
        """What was written, as ``template --inspectors ... --json`` prints it.

        Returns
        -------
        dict
            ``folder``, ``plan``, ``plan_sha256``, ``framework``, ``allocation``, ``seed``,
            ``workbooks`` (inspector to file), ``cases`` (inspector to cases per sample), ``qa``
            and ``qa_cases``.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> from sampling.plans import plan
        >>> from sampling.synthetic import case_list
        >>> folder = Path(tempfile.mkdtemp())
        >>> plan(case_list(300, rng=1), seed=7, n={"court": 6, "out_of_court": 6}).write(folder / "plan.xlsx")
        >>> made = team_templates(folder / "plan.xlsx", folder / "team", inspectors="Ann,Bob,Cat")
        >>> data = made.to_dict()
        >>> data["seed"], data["qa"], data["cases"]["Cat"]
        (7, None, {'court': 2, 'out_of_court': 2})
        """
        return {"folder": self.folder, "plan": self.plan, "plan_sha256": self.plan_sha256,
                "framework": self.framework, "allocation": self.allocation, "seed": self.seed,
                "workbooks": dict(self.workbooks),
                "cases": {name: dict(n) for name, n in self.cases.items()},
                "qa": self.qa, "qa_cases": dict(self.qa_cases)}

    def to_frame(self):
        """One row per workbook: the reader, the file and the cases of each sample.

        Returns
        -------
        pandas.DataFrame
            Indexed by reader (the second reader as "second reader"); a column ``workbook``
            and one column per sample.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> from sampling.plans import plan
        >>> from sampling.synthetic import case_list
        >>> folder = Path(tempfile.mkdtemp())
        >>> plan(case_list(300, rng=1), seed=7, n={"court": 6, "out_of_court": 6}).write(folder / "plan.xlsx")
        >>> made = team_templates(folder / "plan.xlsx", folder / "team", inspectors="Ann,Bob", qa=1)
        >>> made.to_frame()  # doctest: +NORMALIZE_WHITESPACE
                        workbook  court  out-of-court
        reader
        Ann             ann.xlsx      3             3
        Bob             bob.xlsx      3             3
        second reader    qa.xlsx      1             1
        """
        import pandas as pd

        rows = [{"reader": name, "workbook": Path(path).name,
                 **{_display(s): n for s, n in self.cases[name].items()}}
                for name, path in self.workbooks.items()]
        if self.qa is not None:
            rows.append({"reader": "second reader", "workbook": Path(self.qa).name,
                         **{_display(s): n for s, n in self.qa_cases.items()}})
        return pd.DataFrame(rows).set_index("reader").fillna(0)


@dataclass(frozen=True)
class MergedAnswers:
    """What :func:`merge_answers` wrote: the one answers workbook of a team's returned workbooks.

    Each parameter is also an attribute.

    Parameters
    ----------
    path : str
        The answers workbook written.
    framework : str
        The framework's name.
    workbooks : mapping of str to str
        Each workbook merged (its file name) to its inspector.
    cases : mapping of str to int
        The plan's cases per sample.
    rows : int
        Answer rows written.
    answered : int
        Rows with an answer.
    blank : int
        Rows still blank (to fill in before ``annexe``).
    skipped : tuple of (str, str), default ()
        Files given but not merged, with the reason (the second reader's workbook, Excel's lock
        files).
    plan_sha256 : str, default ""
        The SHA-256 of the plan every workbook came from.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sampling.plans import plan
    >>> from sampling.synthetic import case_list
    >>> folder = Path(tempfile.mkdtemp())
    >>> plan(case_list(300, rng=1), seed=7, n={"court": 4, "out_of_court": 4}).write(folder / "plan.xlsx")
    >>> _ = team_templates(folder / "plan.xlsx", folder / "team", inspectors="Ann,Bob")
    >>> merged = merge_answers(sorted((folder / "team").glob("*.xlsx")), folder / "answers.xlsx")
    >>> merged.rows, merged.answered, merged.blank
    (84, 0, 84)
    """

    path: str
    framework: str
    workbooks: Mapping[str, str]
    cases: Mapping[str, int]
    rows: int
    answered: int
    blank: int
    skipped: tuple[tuple[str, str], ...] = ()
    plan_sha256: str = ""

    def to_dict(self) -> dict:
        """What was written, as ``merge --json`` prints it.

        Returns
        -------
        dict
            ``path``, ``framework``, ``plan_sha256``, ``workbooks``, ``cases``, ``rows``,
            ``answered``, ``blank`` and ``skipped`` (file and reason).

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> from sampling.plans import plan
        >>> from sampling.synthetic import case_list
        >>> folder = Path(tempfile.mkdtemp())
        >>> plan(case_list(300, rng=1), seed=7, n={"court": 4, "out_of_court": 4}).write(folder / "plan.xlsx")
        >>> _ = team_templates(folder / "plan.xlsx", folder / "team", inspectors="Ann,Bob", qa=1)
        >>> data = merge_answers([folder / "team"], folder / "answers.xlsx").to_dict()
        >>> data["workbooks"], data["skipped"][0]["file"]
        ({'ann.xlsx': 'Ann', 'bob.xlsx': 'Bob'}, 'qa.xlsx')
        """
        return {"path": self.path, "framework": self.framework, "plan_sha256": self.plan_sha256,
                "workbooks": dict(self.workbooks), "cases": dict(self.cases), "rows": self.rows,
                "answered": self.answered, "blank": self.blank,
                "skipped": [{"file": name, "reason": why} for name, why in self.skipped]}

    def to_frame(self):
        """The plan's cases per sample, as a table.

        Returns
        -------
        pandas.DataFrame
            Indexed by sample ("court", "out-of-court", ...), one column ``cases``.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> from sampling.plans import plan
        >>> from sampling.synthetic import case_list
        >>> folder = Path(tempfile.mkdtemp())
        >>> plan(case_list(300, rng=1), seed=7, n={"court": 4, "out_of_court": 4}).write(folder / "plan.xlsx")
        >>> _ = team_templates(folder / "plan.xlsx", folder / "team", inspectors="Ann,Bob")
        >>> merged = merge_answers([folder / "team"], folder / "answers.xlsx")
        >>> merged.to_frame()["cases"].to_dict()
        {'court': 4, 'out-of-court': 4}
        """
        import pandas as pd

        return pd.DataFrame([{"sample": _display(k), "cases": v} for k, v in self.cases.items()]) \
            .set_index("sample")


# --------------------------------------------------------------------------------------------
# who reads which case


def _slug(name: str) -> str:
    """A file name for an inspector: "Ann Smith" -> "ann-smith"."""
    return "-".join("".join(ch if ch.isalnum() else " " for ch in name.lower()).split())


def _names_from_text(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _read_inspectors(source, problems: list[str]):
    """(names, given allocation {case: name} or None, where it came from) from ``inspectors``:
    names, comma-separated names, or a .csv/.txt/.xlsx file of names or of case_id and inspector."""
    if source is None:
        return [], None, None
    if not isinstance(source, str | Path) and isinstance(source, Sequence):
        return [str(n).strip() for n in source if str(n).strip()], None, None
    text = str(source)
    path = Path(text)
    if path.suffix.lower() not in (".csv", ".txt", ".xlsx"):
        return _names_from_text(text), None, None
    if not path.is_file():
        problems.append(f"inspectors: {text}: no such file; give names separated by commas, or a .csv, "
                        ".txt or .xlsx file of them (or of case_id and inspector)")
        return [], None, None
    if path.suffix.lower() == ".txt":
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        return [line.strip() for line in lines if line.strip()], None, path.name

    try:
        table = read_table(path) if path.suffix.lower() == ".xlsx" else _names_csv(path)
    except SamplingError as error:
        problems.append(f"inspectors: {error}")
        return [], None, None
    if isinstance(table, list):
        return table, None, path.name
    columns = {_normal(c): c for c in table.columns}
    if "case_id" in columns and "inspector" in columns:
        return (*_allocation_table(table, columns, path.name, problems), path.name)
    named = columns.get("inspector") or columns.get("name")
    if named is None and len(table.columns) == 1:
        return [str(table.columns[0]).strip()] + [_text(v) for v in table.iloc[:, 0] if not _blank(v)], \
            None, path.name
    if named is None:
        problems.append(f"inspectors: {path.name} has columns {', '.join(map(str, table.columns))}; give "
                        "names one per line, or the columns case_id and inspector (an allocation)")
        return [], None, None
    return [_text(v) for v in table[named] if not _blank(v)], None, path.name


def _allocation_table(table, columns, where: str, problems: list[str]):
    """(names, {case: name}) from a table of case_id and inspector; blanks and a case given twice named."""
    allocation, order = {}, []
    for number, (case, name) in enumerate(zip(table[columns["case_id"]], table[columns["inspector"]],
                                               strict=True), start=2):
        if _blank(case) or _blank(name):
            problems.append(f"{where} row {number}: {'case_id' if _blank(case) else 'inspector'} is blank")
            continue
        case, name = _text(case), _text(name)
        if case in allocation and allocation[case] != name:
            problems.append(f"{where} row {number}: case {case!r} is given to {allocation[case]} and to "
                            f"{name}; give each case one inspector")
        allocation.setdefault(case, name)
        order.append(name)
    return list(dict.fromkeys(order)), allocation


def _names_csv(path: Path):
    """A .csv of names one per line (a first line "inspector" or "name" is a heading), or a
    table of case_id and inspector."""

    lines = [line.strip().strip('"') for line in path.read_text(encoding="utf-8-sig").splitlines()]
    if not any("," in line for line in lines):
        names = [line for line in lines if line]
        if names and _normal(names[0]) in ("inspector", "inspectors", "name", "names"):
            names = names[1:]
        return names
    return read_table(path)


def _check_names(names: list[str], problems: list[str]) -> None:
    if not names:
        problems.append("inspectors: no names; give them separated by commas (--inspectors Ann,Bob,Cat) "
                        "or a file of them, one per line")
        return
    slugs: dict[str, str] = {}
    for name in names:
        slug = _slug(name)
        if not slug:
            problems.append(f"inspectors: {name!r} has no letter or digit to name its workbook")
        elif slug == "qa":
            problems.append(f"inspectors: {name!r} would be written as qa.xlsx, the second reader's "
                            "workbook; give the inspector's name")
        elif slug in slugs:
            problems.append(f"inspectors: {slugs[slug]!r} and {name!r} are one name (their workbooks "
                            f"would both be {slug}.xlsx); give each inspector once")
        else:
            slugs[slug] = name


def _check_allocation(allocation: Mapping[str, str], cases, where: str, problems: list[str]) -> None:
    """Every case of the plan given to an inspector, and no case outside the plan."""
    planned = list(cases.case_id)
    missing = [c for c in planned if c not in allocation]
    strangers = [c for c in allocation if c not in set(planned)]
    if missing:
        problems.append(f"{where}: {len(missing)} case(s) of the plan have no inspector: "
                        + _listed(missing) + "; give each sampled case an inspector")
    if strangers:
        problems.append(f"{where}: {len(strangers)} case(s) are not in the plan's sample: "
                        + _listed(strangers) + "; give the cases of this plan")


def _listed(items, limit: int = 5) -> str:
    items = list(items)
    shown = ", ".join(repr(i) for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _balanced(cases, names: list[str], details, strata: list[str], seed: int) -> dict[str, str]:
    """Cases dealt to the inspectors within each sample: in a random order sorted (stably) by the
    balancing variables, so that each category is spread across them, then dealt in turn, the
    turn carried from one sample to the next so that the totals differ by at most one too."""
    import numpy as np

    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(ALLOCATION_STREAM,)))
    turn = int(rng.integers(len(names)))
    allocation: dict[str, str] = {}
    for _sample, group in cases.groupby("domain", sort=False):
        ids = list(group.case_id)
        order = [ids[i] for i in rng.permutation(len(ids))]
        order.sort(key=lambda case: tuple(_text(details.get(case, {}).get(c, "")).lower() for c in strata))
        for case in order:
            allocation[case] = names[turn % len(names)]
            turn += 1
    return allocation


def _qa_cases(cases, allocation: Mapping[str, str], names: list[str], qa, seed: int) -> dict[str, list[str]]:
    """The second reading's cases per sample: ``qa`` cases (or that share, rounded up) of each
    sample, taken from the inspectors in turn (each inspector's cases in a random order), so that
    every inspector's reading is checked about equally."""
    import numpy as np

    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(QA_STREAM,)))
    chosen: dict[str, list[str]] = {}
    for sample, group in cases.groupby("domain", sort=False):
        ids = list(group.case_id)
        k = min(len(ids), qa if isinstance(qa, int) else math.ceil(qa * len(ids) - 1e-9))
        queues = [[c for c in ids if allocation[c] == name] for name in names]
        queues = [[q[i] for i in rng.permutation(len(q))] for q in queues if q]
        queues = [queues[i] for i in rng.permutation(len(queues))]
        picked: list[str] = []
        while len(picked) < k:
            for queue in queues:
                if queue and len(picked) < k:
                    picked.append(queue.pop(0))
        chosen[sample] = [c for c in ids if c in set(picked)]  # in the plan's order
    return chosen


def _check_qa(qa, problems: list[str]):
    if qa is None:
        return None
    if isinstance(qa, str):
        text = qa.strip()
        try:
            qa = int(text) if text.isdigit() else float(text)
        except ValueError:
            problems.append(f"qa: {text!r} is neither a number of cases (3) nor a share of each sample (0.1)")
            return None
    if isinstance(qa, bool) or not isinstance(qa, int | float) or not math.isfinite(qa):
        problems.append(f"qa: {qa!r} is neither a number of cases (3) nor a share of each sample (0.1)")
        return None
    if isinstance(qa, float) and qa.is_integer() and qa >= 1:
        qa = int(qa)
    if isinstance(qa, int):
        if qa < 1:
            problems.append(f"qa: {qa} cases; give at least 1 case per sample, or a share such as 0.1")
            return None
        return qa
    if not 0 < qa < 1:
        problems.append(f"qa: {qa} is not a share between 0 and 1 (0.1 is a tenth of each sample) nor a "
                        "whole number of cases")
        return None
    return float(qa)


# --------------------------------------------------------------------------------------------
# the plan


def _plan_seed(sheets, record) -> int | None:
    if record is not None:
        return int(record.seed)
    audit = sheets.get("audit")
    if audit is not None and audit.shape[1] >= 2:
        for name, value in zip(audit.iloc[:, 0], audit.iloc[:, 1], strict=True):
            if _text(name) == "seed" and _text(value).isdigit():
                return int(_text(value))
    return None


def _strata(sheets) -> list[str]:
    audit = sheets.get("audit")
    if audit is None or audit.shape[1] < 2:
        return []
    for name, value in zip(audit.iloc[:, 0], audit.iloc[:, 1], strict=True):
        if _text(name) == "strata" and not _blank(value):
            return [_normal(s) for s in _text(value).split(",") if s.strip()]
    return []


def _details(sheets, carry, problems: list[str]):
    """The carried columns ({case: {column: value}}, their headings) of the plan's sample sheet."""
    frame = sheets["sample"]
    found = {_normal(c): c for c in frame.columns}
    case_column = found.get("case_id")
    if carry is None:
        wanted = [c for c in dict.fromkeys([*_strata(sheets), *DETAILS]) if c in found]
    else:
        names = _names_from_text(carry) if isinstance(carry, str) else [str(c) for c in carry]
        wanted = []
        for name in names:
            if _normal(name) not in found:
                problems.append(f"carry: the plan's sample sheet has no column {name!r}; its columns are "
                                + ", ".join(map(str, frame.columns)))
            elif _normal(name) not in ("case_id", "domain"):
                wanted.append(_normal(name))
    details: dict[str, dict[str, object]] = {}
    if case_column is not None:
        for _, row in frame.iterrows():
            if not _blank(row[case_column]):
                details[_text(row[case_column])] = {c: row[found[c]] for c in wanted}
    return details, [str(found[c]) for c in wanted], wanted


def _allocation_from_column(sheets, heading: str, problems: list[str]):
    frame = sheets["sample"]
    found = {_normal(c): c for c in frame.columns}
    if _normal(heading) not in found:
        problems.append(f"allocation column: the plan's sample sheet has no column {heading!r}; its "
                        "columns are " + ", ".join(map(str, frame.columns)))
        return [], None
    column, case_column = found[_normal(heading)], found.get("case_id")
    allocation, order, blank = {}, [], []
    for index, row in frame.iterrows():
        if _blank(row[case_column]):
            continue
        if _blank(row[column]):
            blank.append(index + 2)
            continue
        allocation[_text(row[case_column])] = _text(row[column])
        order.append(_text(row[column]))
    if blank:
        problems.append(f"allocation column {heading!r}: no inspector in sample row(s) {_rows(blank)}; "
                        "give every sampled case an inspector")
    return list(dict.fromkeys(order)), allocation


# --------------------------------------------------------------------------------------------
# writing


_INSTRUCTIONS = (
    "How to fill in this workbook",
    "",
    "This workbook holds the cases allocated to {reader}: {count} case(s). The sheet 'cases' shows "
    "each case's details from the service's export.",
    "{samples}",
    "answers: choose yes, no or not relevant for every row (the drop-down in the answer column). A key "
    "question's percentage is its yes answers out of its yes and no answers; not relevant leaves the "
    "case out of that key question.",
    "notes: write what you need to say about an answer in the notes cell beside it; notes are kept "
    "when the workbooks are merged.",
    "Only the answer and notes cells can be changed: the sheets are protected so that the rows, "
    "columns and sheets stay as the merge expects them. Do not rename this file's sheets or columns.",
    "Save the workbook as .xlsx and return it; a partly filled workbook can be merged and finished "
    "later.",
    "The qualitative standards (rated as a whole, not per case) are given once, in the merged workbook.",
    "about: who this workbook is for, how the cases were allocated and which plan they came from.",
    "record: the inspection as the plan recorded it.",
    "",
    "Then the lead: python -m sampling merge DIR/*.xlsx --out ANSWERS.xlsx",
)

_QA_LINE = ("This is the second reading of a quality-assurance sub-sample: read each case as if no one "
            "had, without the first reader's answers. The two readings are compared with "
            "python -m sampling agreement ANSWERS.xlsx qa.xlsx.")


def _answers_sheet(sheet, answer_rows: list[tuple]) -> None:
    """The answers sheet: a row per case and key question, the drop-down on the answer cells, and
    the answer and notes cells unlocked."""
    from openpyxl.styles import Protection
    from openpyxl.worksheet.datavalidation import DataValidation


    append_row(sheet, list(COLUMNS))
    for row in answer_rows:
        append_row(sheet, list(row))
    choice = DataValidation(type="list", formula1='"' + ",".join(_CHOICES) + '"', allow_blank=True,
                            showErrorMessage=True, error="Choose yes, no or not relevant")
    sheet.add_data_validation(choice)
    last = len(answer_rows) + 1
    if answer_rows:
        choice.add(f"E2:E{last}")
    for number in range(2, last + 1):
        sheet.cell(row=number, column=5).protection = Protection(locked=False)
        sheet.cell(row=number, column=6).protection = Protection(locked=False)
    for column, width in zip("ABCDEF", (14, 14, 13, 90, 14, 60), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"


def _reader_workbook(path: Path, *, reader: str, kind: str, framework: str, answer_rows: list[tuple],
                     case_rows: list[tuple], case_headings: list[str], about: list[tuple],
                     record: list[tuple] | None) -> bytes:
    """An inspector's (or the second reader's) workbook, every sheet protected and only the answer
    and notes cells unlocked."""
    from openpyxl.styles import Font
    from openpyxl.workbook.protection import WorkbookProtection


    book = new_workbook()
    _answers_sheet(book.create_sheet("answers"), answer_rows)

    sheet = book.create_sheet("cases")
    append_row(sheet, ["case_id", "domain", *case_headings])
    for row in case_rows:
        append_row(sheet, list(row))
        for cell in sheet[sheet.max_row]:
            if hasattr(cell.value, "year"):
                cell.number_format = "yyyy-mm-dd"
    for index in range(1, len(case_headings) + 3):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = 18
    sheet.freeze_panes = "A2"

    sheet = book.create_sheet("instructions")
    count = len(case_rows)
    for line in _INSTRUCTIONS:
        text = line.format(reader=reader, count=count, samples=_samples_line(framework))
        append_row(sheet, [text])
        if kind == SECOND_KIND and line.startswith("This workbook holds"):
            append_row(sheet, [_QA_LINE])
    sheet.column_dimensions["A"].width = 120

    sheet = book.create_sheet("about")
    append_row(sheet, ["field", "value"])
    for row in about:
        append_row(sheet, list(row))
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 80
    if record is not None:
        sheet = book.create_sheet("record")
        append_row(sheet, ["field", "value"])
        for row in record:
            append_row(sheet, list(row))
        sheet.column_dimensions["A"].width = 30
        sheet.column_dimensions["B"].width = 80

    for sheet in book.worksheets:
        sheet.protection.sheet = True
        sheet.protection.formatColumns = False  # widths and heights may still be changed
        sheet.protection.formatRows = False
    book.security = WorkbookProtection(lockStructure=True)
    return workbook_bytes(book)


def _who(sheets, cases, inspectors, allocation_column, problems: list[str]):
    """(names, given allocation or None, where it came from) from the names, a file or the plan's
    column; an allocation checked against the plan."""
    if inspectors is not None and allocation_column is not None:
        problems.append("give the inspectors or the allocation column, not both")
    if inspectors is None and allocation_column is None:
        problems.append("inspectors: give their names (Ann,Bob,Cat), a file of them, or the plan's "
                        "allocation column")
    given, where = None, None
    if allocation_column is not None:
        names, given = _allocation_from_column(sheets, allocation_column, problems)
        where = f"the plan's column {allocation_column!r}"
    else:
        names, given, source = _read_inspectors(inspectors, problems)
        if given is not None:
            where = f"the file {source}"
    _check_names(names, problems)
    if given is not None:
        _check_allocation(given, cases, where, problems)
    return names, given, where


def _check_targets(paths, force: bool, inputs, problems: list[str]) -> None:
    """Each workbook to write: not an input, not written over without ``force``."""

    for path in paths:
        if not path.parent.is_dir():  # a new folder holds no file yet
            continue
        try:
            output_path(path, suffixes=(".xlsx",), force=force, kind="an Excel workbook", inputs=inputs)
        except SamplingError as error:
            problems.append(str(error))


def team_templates(plan, out, *, inspectors=None, allocation_column: str | None = None,
                   carry=None, qa=None, seed: int | None = None, framework: str | None = None,
                   force: bool = False) -> TeamTemplates:
    """Write an answers workbook for each inspector of a team, and a second reader's if asked.

    Parameters
    ----------
    plan : str or Path
        A plan workbook (``python -m sampling plan``).
    out : str or Path
        The folder to write into (made if its parent exists): one ``NAME.xlsx`` per inspector
        (the name in lower case, spaces as hyphens) and ``qa.xlsx``.
    inspectors : str, Path or sequence of str, optional
        Names (a list, or one string separated by commas), or a file: a ``.txt`` or ``.csv`` of
        names one per line, or a ``.csv`` / ``.xlsx`` with the columns ``case_id`` and
        ``inspector`` (a given allocation). Names alone share the cases out: balanced within each
        sample (each inspector's count within one of the others'), each balancing category spread
        across them, seeded.
    allocation_column : str, optional
        A column of the plan's sample sheet naming each case's inspector, instead of
        ``inspectors``.
    carry : str or sequence of str, optional
        The columns of the plan's sample sheet each workbook shows per case (default: the
        balancing variables and the date, those the sheet has).
    qa : int, float or str, optional
        A second reading: this many cases of each sample (or this share of it, rounded up, for
        a number between 0 and 1), in a workbook of their own, ``qa.xlsx``.
    seed : int, optional
        The seed of the allocation and the second reading; by default the plan's. Each draws from
        its own stream of it (``SeedSequence(seed, spawn_key=(1000,))`` and ``(1001,)``).
    framework : str, optional
        As :func:`sampling.answers_template`.
    force : bool, default False
        Replace workbooks an earlier run wrote.

    Returns
    -------
    TeamTemplates
        The workbooks written, each inspector's cases, the allocation and its seed.

    Raises
    ------
    AnswersError
        Listing every problem at once, nothing written: the plan's (as
        :func:`sampling.answers_template`), no names or a name twice, an allocation missing a case
        of the plan or naming one outside it, a column that is not in the plan, a bad ``qa``, no
        seed in the plan and none given, a workbook that exists without ``force``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sampling.plans import plan
    >>> from sampling.synthetic import case_list
    >>> folder = Path(tempfile.mkdtemp())
    >>> plan(case_list(300, rng=1), seed=7, n={"court": 10, "out_of_court": 11}).write(folder / "plan.xlsx")
    >>> made = team_templates(folder / "plan.xlsx", folder / "team", inspectors="Ann,Bob,Cat")
    >>> made.allocation, made.seed
    ('balanced within each sample', 7)
    >>> {name: sum(n.values()) for name, n in made.cases.items()}
    {'Ann': 7, 'Bob': 7, 'Cat': 7}
    """

    problems: list[str] = []
    if framework is not None:
        chosen = get_framework(framework)
        framework = chosen.path or chosen.name
    plan_path = Path(plan)
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise AnswersError(f"--out: {folder} is a file; give a folder for the inspectors' workbooks")
    if not folder.resolve().parent.exists():
        raise AnswersError(f"--out: the folder {folder.resolve().parent} does not exist")
    cases, framework, record = _plan_cases(plan_path, framework)
    sheets = _read_sheets(plan_path, "plan")
    details, headings, carried = _details(sheets, carry, problems)
    qa = _check_qa(qa, problems)

    names, given, where = _who(sheets, cases, inspectors, allocation_column, problems)
    seed = seed if seed is not None else _plan_seed(sheets, record)
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        problems.append(f"seed: a seed is a whole number from 0, got {seed!r}")
    if seed is None and (given is None or qa is not None):
        problems.append("seed: the plan records no seed; give one (--seed S) for the allocation and the "
                        "second reading")

    targets = {name: folder / f"{_slug(name)}.xlsx" for name in names if _slug(name)}
    if qa is not None:
        targets[None] = folder / _QA_FILE
    _check_targets(targets.values(), force, [plan_path, inspectors if isinstance(inspectors, str | Path)
                                             else None], problems)
    if problems:
        raise AnswersError(f"{plan_path.name}: {len(problems)} problem(s); nothing written", problems)

    if given is None:
        strata = [c for c in _strata(sheets) if c in carried] or [c for c in carried if c != "date"]
        allocation = _balanced(cases, names, details, strata, seed)
        how = "balanced within each sample"
    else:
        allocation = {case: given[case] for case in cases.case_id}
        how = f"given by {where}"
    samples = _samples(framework)
    counts = {s: int((cases.domain == s).sum()) for s in samples if (cases.domain == s).any()}
    digest = hashlib.sha256(plan_path.read_bytes()).hexdigest()
    wording = key_question_wording(framework)
    by_domain = _domain_key_questions(framework)
    answering = {s for s in counts if by_domain.get(s)}
    common = [("framework", framework), ("plan", plan_path.name), ("plan_sha256", digest),
              ("toolkit", f"inspection-sampling {__version__}"), ("inspectors", ", ".join(names)),
              ("allocation", how), ("allocation seed", seed if given is None else "(none)")]
    common += [(f"plan cases.{s}", counts.get(s, 0)) for s in samples]
    common += [(f"plan case ids.{s}", json.dumps(cases.case_id[cases.domain == s].tolist(),
                                                 ensure_ascii=False)) for s in samples if s in answering]
    rows = record.rows() if record is not None else None

    def write(reader: str, kind: str, chosen: list[str], extra: list[tuple]) -> dict[str, int]:
        mine = cases[cases.case_id.isin(set(chosen))]
        own = {s: int((mine.domain == s).sum()) for s in counts}
        answer_rows = [(case, _display(domain), kq, wording[kq], None, None)
                       for case, domain in zip(mine.case_id, mine.domain, strict=True)
                       for kq in by_domain.get(domain, [])]
        case_rows = [(case, _display(domain), *(details.get(case, {}).get(c) for c in carried))
                     for case, domain in zip(mine.case_id, mine.domain, strict=True)]
        about = [("workbook", kind), ("inspector", reader), *common, *extra]
        about += [(f"cases.{s}", own.get(s, 0)) for s in samples]
        about += [(f"case ids.{s}", json.dumps(mine.case_id[mine.domain == s].tolist(), ensure_ascii=False))
                  for s in samples if s in answering and own.get(s)]
        data = _reader_workbook(targets[None if kind == SECOND_KIND else reader], reader=reader, kind=kind,
                                framework=framework, answer_rows=answer_rows, case_rows=case_rows,
                                case_headings=headings, about=about, record=rows)
        blobs.append((targets[None if kind == SECOND_KIND else reader], data))
        return own

    blobs: list[tuple[Path, bytes]] = []
    per_reader = {name: write(name, INSPECTOR_KIND, [c for c in cases.case_id if allocation[c] == name], [])
                  for name in names}
    qa_counts: dict[str, int] = {}
    if qa is not None:
        chosen = _qa_cases(cases, allocation, names, qa, seed)
        qa_counts = {s: len(chosen.get(s, [])) for s in counts}
        extra = [("second reading", f"{qa} case(s) of each sample" if isinstance(qa, int)
                  else f"{qa:g} of each sample, rounded up"), ("second reading seed", seed)]
        write("second reader", SECOND_KIND, [c for ids in chosen.values() for c in ids], extra)
    folder.mkdir(exist_ok=True)
    for path, data in blobs:
        write_bytes(path, data)
    return TeamTemplates(str(folder), str(plan_path), framework,
                         {name: str(targets[name]) for name in names}, per_reader, how,
                         seed if (given is None or qa is not None) else None,
                         str(targets[None]) if qa is not None else None, qa_counts, digest)


# --------------------------------------------------------------------------------------------
# merging


@dataclass
class _Book:
    path: Path
    about: dict
    frame: object
    record: tuple
    readable: bool


def _expand(paths) -> tuple[list[Path], list[tuple[str, str]]]:
    """The workbooks to merge: files as given, folders as the .xlsx files in them; Excel's lock
    files (``~$name.xlsx``) left out."""
    if isinstance(paths, str | Path):
        paths = [paths]
    found, skipped = [], []
    for given in paths:
        path = Path(given)
        members = sorted(path.glob("*.xlsx")) if path.is_dir() else [path]
        for member in members:
            if member.name.startswith("~$"):
                skipped.append((member.name, "Excel's lock file of an open workbook"))
            elif member.name.startswith(".") and path.is_dir():
                continue
            elif member not in found:
                found.append(member)
    return found, skipped


def _load(path: Path, problems: list[str], skipped: list) -> _Book | None:
    name = path.name
    if not path.is_file():
        problems.append(f"{name}: no such file")
        return None
    try:
        sheets = _read_sheets(path, "answers")
    except AnswersError as error:
        problems.append(str(error))
        return None
    about = _about(sheets)
    kind = _text(about.get("workbook", ""))
    if kind == SECOND_KIND:
        skipped.append((name, "the second reader's workbook: compare it with "
                              "'python -m sampling agreement ANSWERS.xlsx " + name + "'"))
        return None
    if kind != INSPECTOR_KIND:
        what = ("the merged answers workbook" if kind == MERGED_KIND else
                "not an inspector's workbook (template --inspectors writes those)")
        problems.append(f"{name}: {what}; give the workbooks the inspectors returned")
        return None
    expected = ["answers", "cases", "instructions", "about"] + (["record"] if "record" in sheets else [])
    missing = [s for s in ("answers", "cases", "instructions", "about") if s not in sheets]
    unknown = [s for s in sheets if s not in expected]
    if missing or unknown:
        problems.append(f"{name}: the sheets are {', '.join(sheets)}; expected "
                        + ", ".join([*expected[:4], "record"]) + " (a sheet missing or renamed: "
                        + ", ".join(missing + unknown) + "); take the inspector's answers into a fresh copy")
    readable = "answers" in sheets
    frame = sheets.get("answers")
    if frame is not None:
        columns = [_text(c) for c in frame.columns]
        if columns != list(COLUMNS):
            lost = [c for c in COLUMNS if c not in columns]
            added = [c for c in columns if c not in COLUMNS]
            problems.append(f"{name}: sheet 'answers' has the columns {', '.join(columns)}; expected "
                            f"{', '.join(COLUMNS)}" + (f" (missing: {', '.join(lost)}" if lost else " (")
                            + (f"; not expected: {', '.join(added)})" if added else ")")
                            + "; put the headings back as the template wrote them")
            readable = False
    record = ()
    if "record" in sheets and sheets["record"].shape[1] >= 2:
        table = sheets["record"]
        record = tuple(zip(table.iloc[:, 0], table.iloc[:, 1], strict=True))
    return _Book(path, about, frame, record, readable)


def _record_key(book: _Book) -> tuple:
    return tuple((_text(a), _text(b)) for a, b in book.record)


def _same_plan(books: list[_Book], problems: list[str]) -> list[_Book]:
    """The workbooks of the plan most of them came from; each other one named."""
    digests = Counter(_text(b.about.get("plan_sha256", "")) for b in books)
    if not digests:
        return []
    ranked = digests.most_common()
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        groups = "; ".join(", ".join(b.path.name for b in books if _text(b.about.get("plan_sha256", "")) == d)
                           + f" (plan {d[:12] or '?'}…)" for d, _ in ranked)
        problems.append(f"the workbooks come from {len(ranked)} plans: {groups}; give the workbooks of one "
                        "plan")
        return []
    reference = ranked[0][0]
    plan_name = next(_text(b.about.get("plan", "")) for b in books
                     if _text(b.about.get("plan_sha256", "")) == reference)
    kept = []
    for book in books:
        digest = _text(book.about.get("plan_sha256", ""))
        if digest != reference:
            other = _text(book.about.get("plan", "")) or "?"
            problems.append(f"{book.path.name}: from another plan ({other}, SHA-256 {digest[:12]}…; the "
                            f"others come from {plan_name}, {reference[:12]}…); give the workbooks of one "
                            "plan")
        else:
            kept.append(book)
    records = Counter(_record_key(b) for b in kept)
    if len(records) > 1:
        usual = records.most_common(1)[0][0]
        for book in kept:
            if _record_key(book) != usual:
                problems.append(f"{book.path.name}: its sheet 'record' differs from the other workbooks' "
                                "(edited?); the record is the plan's: take the answers into a fresh copy")
    return kept


def _plan_of(books: list[_Book], problems: list[str]):
    """(framework, {sample: [case ids]}, {sample: count}, inspectors) from the workbooks' about."""
    about = books[0].about
    framework = _text(about.get("framework", "youth-2021"))
    planned: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    for name, value in about.items():
        if name.startswith("plan case ids."):
            try:
                planned[name.split(".", 1)[1]] = [str(c) for c in json.loads(_text(value))]
            except (ValueError, TypeError):
                problems.append(f"{books[0].path.name}: sheet 'about': {name} is not as the template wrote "
                                "it; leave that sheet as it is")
        elif name.startswith("plan cases."):
            try:
                counts[name.split(".", 1)[1]] = int(float(_text(value)))
            except ValueError:
                problems.append(f"{books[0].path.name}: sheet 'about': {name} is not a number")
    for book in books[1:]:
        if _text(book.about.get("framework", "")) != framework:
            problems.append(f"{book.path.name}: framework {_text(book.about.get('framework', ''))!r}, not "
                            f"{framework!r} as {books[0].path.name}'s; give the workbooks of one plan")
    return framework, planned, counts, _text(about.get("inspectors", ""))


def merge_answers(paths, out, *, force: bool = False) -> MergedAnswers:
    """Merge the workbooks a team returned into the one answers workbook, checking them together.

    Parameters
    ----------
    paths : str, Path or sequence of them
        The inspectors' workbooks (:func:`team_templates`), or folders of them. The second
        reader's workbook (``qa.xlsx``) and Excel's lock files are left out, and said so.
    out : str or Path
        The answers workbook to write (.xlsx): the shape :func:`sampling.answers_template`
        writes, with the plan's record, each answer's notes in a column ``notes``, and a blank
        ``qualitative`` sheet for the team's ratings of the qualitative standards.
    force : bool, default False
        Replace ``out`` if it exists (never one of ``paths``).

    Returns
    -------
    MergedAnswers
        The workbook written, the workbooks merged, answered and blank rows.

    Raises
    ------
    AnswersError
        Listing every problem at once, nothing written: a file that is not an inspector's
        workbook, a workbook from another plan (its plan's SHA-256 differs) or with an edited
        record, a sheet or column missing or renamed, an answer that is not yes, no or not
        relevant, a case or key question outside the plan, a case of the plan in no workbook (or
        missing a key question's row), a case and key question answered differently in two
        workbooks.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import openpyxl
    >>> from sampling.plans import plan
    >>> from sampling.synthetic import case_list
    >>> folder = Path(tempfile.mkdtemp())
    >>> plan(case_list(300, rng=1), seed=7, n={"court": 4, "out_of_court": 4}).write(folder / "plan.xlsx")
    >>> made = team_templates(folder / "plan.xlsx", folder / "team", inspectors="Ann,Bob")
    >>> book = openpyxl.load_workbook(made.workbooks["Ann"])
    >>> book["answers"]["E2"] = "maybe"
    >>> book.save(made.workbooks["Ann"])
    >>> try:
    ...     merge_answers([folder / "team"], folder / "answers.xlsx")
    ... except AnswersError as error:
    ...     print(error.problems[0])
    ann.xlsx answers row 2: answer 'maybe' is not yes, no or not relevant (Y, N, n/a and NR are read too)
    """

    files, skipped = _expand(paths)
    out_path = output_path(out, suffixes=(".xlsx",), force=force, kind="an Excel workbook", inputs=files)
    problems: list[str] = []
    books = [b for b in (_load(path, problems, skipped) for path in files) if b is not None]
    if not files:
        problems.append("no workbooks given; give the inspectors' workbooks (DIR/*.xlsx, or the folder)")
    elif not books and not problems:
        problems.append("no inspector's workbook among the files given")
    books = _same_plan(books, problems)
    if not books:
        raise AnswersError(f"{len(problems)} problem(s) in the workbooks; nothing written", problems)
    framework, planned, counts, inspectors = _plan_of(books, problems)
    by_domain = _domain_key_questions(framework)
    seen, present, unreadable = _readings(books, planned, by_domain, problems)
    _check_together(seen, present, unreadable, planned, by_domain, problems)
    if problems:
        raise AnswersError(f"{len(problems)} problem(s) in the workbooks; nothing written", problems)
    wording = key_question_wording(framework)
    rows, answered = [], 0
    for sample, ids in planned.items():
        for case in ids:
            for kq in by_domain.get(sample, []):
                readings = seen[case, kq]
                word = next((w for _, _, w, _ in readings if w is not None), None)
                notes = "\n".join(dict.fromkeys(n for _, _, _, n in readings if n)) or None
                answered += word is not None
                rows.append((case, _display(sample), kq, wording[kq], word, notes))
    first = books[0].about
    record = list(books[0].record) if books[0].record else None
    _write_workbook(out_path, rows, _qualitative_rows(framework, counts.get("resettlement", 0)),
                    _merged_about(books, framework, planned, counts, inspectors), _samples_line(framework),
                    record, notes=True)
    return MergedAnswers(str(out_path), framework,
                         {b.path.name: _text(b.about.get("inspector", "")) for b in books},
                         {s: n for s, n in counts.items() if n}, len(rows), answered, len(rows) - answered,
                         tuple(skipped), _text(first.get("plan_sha256", "")))


def _readings(books: list[_Book], planned, by_domain, problems: list[str]):
    """Every reading of each case and key question ({(case, kq): [(file, row, answer, notes)]}), the
    cases with rows somewhere, and those in a workbook whose answers cannot be read (already named)."""
    where_of = {case: sample for sample, ids in planned.items() for case in ids}
    seen: dict[tuple[str, str], list[tuple[str, int, str | None, str]]] = {}
    present: set[str] = set()
    unreadable: set[str] = set()
    for book in books:
        frame = book.frame
        if frame is None:
            continue
        if "case_id" in frame.columns:
            ids = {_text(c) for c in frame["case_id"] if not _blank(c)}
            present |= ids
            if not book.readable:
                unreadable |= ids
        if book.readable:
            _book_readings(book, where_of, by_domain, seen, problems)
    return seen, present, unreadable


def _book_readings(book: _Book, where_of, by_domain, seen, problems: list[str]) -> None:
    """One workbook's rows into ``seen``; its rows' problems named."""
    name = book.path.name
    strangers: dict[str, list[int]] = {}
    own: dict[tuple[str, str], int] = {}
    for number, (case, domain, kq, _question, answer, notes) in enumerate(book.frame.itertuples(index=False),
                                                                          start=2):
        if all(_blank(v) for v in (case, domain, kq, answer, notes)):
            continue
        case, kq, domain = _text(case), _text(kq), _normal(domain)
        if case not in where_of:
            strangers.setdefault(case, []).append(number)
            continue
        sample = where_of[case]
        where = f"{name} answers row {number}"
        if domain != sample:
            problems.append(f"{where}: case {case!r} is {_display(sample)} in the plan, not "
                            f"{_display(domain) or 'blank'}")
        elif kq not in by_domain.get(sample, []):
            problems.append(f"{where}: key question {kq!r} is not one the {_display(sample)} cases answer")
        word = None if _blank(answer) else answer_word(answer)
        if word is None and not _blank(answer):
            problems.append(f"{where}: answer {_text(answer)!r} is not yes, no or not relevant (Y, N, n/a "
                            "and NR are read too)")
        if (case, kq) in own:
            problems.append(f"{where}: case {case!r} answers {kq} already in row {own[case, kq]}")
            continue
        own[case, kq] = number
        seen.setdefault((case, kq), []).append((name, number, word, "" if _blank(notes) else _text(notes)))
    for case, numbers in strangers.items():
        problems.append(f"{name}: case {case!r} (answers row{'s' if len(numbers) > 1 else ''} "
                        f"{_rows(numbers)}) is not in the plan's sample; answer the cases of this plan")


def _check_together(seen, present, unreadable, planned, by_domain, problems: list[str]) -> None:
    """A case and key question answered differently in two workbooks; a case of the plan in none;
    a case missing a key question's row."""
    for (case, kq), readings in seen.items():
        words = {w for _, _, w, _ in readings if w is not None}
        if len(words) > 1:
            problems.append(f"case {case!r}, key question {kq}: answered differently: "
                            + "; ".join(f"{w or 'blank'} in {n} (row {r})" for n, r, w, _ in readings)
                            + "; agree one answer and put it in both workbooks")
    for sample, ids in planned.items():
        nowhere = [c for c in ids if c not in present]
        if nowhere:
            problems.append(f"{len(nowhere)} {_display(sample)} case(s) of the plan are in no workbook: "
                            + _listed(nowhere) + "; give every inspector's workbook")
        for case in ids:
            lost = [kq for kq in by_domain.get(sample, []) if (case, kq) not in seen]
            if case in present and lost and case not in unreadable:
                problems.append(f"case {case!r} has no row for key question(s) {', '.join(lost)}; put the "
                                "rows back (the template wrote one per key question)")


def _merged_about(books: list[_Book], framework: str, planned, counts, inspectors: str) -> list[tuple]:
    """The merged workbook's ``about``: the rows ``template`` writes, and where the answers came from."""

    first = books[0].about
    about = [("framework", framework), ("plan", _text(first.get("plan", ""))),
             ("plan_sha256", _text(first.get("plan_sha256", ""))),
             ("toolkit", f"inspection-sampling {__version__}")]
    about += [(f"cases.{s}", counts.get(s, 0)) for s in _samples(framework)]
    about += [(f"case ids.{s}", json.dumps(ids, ensure_ascii=False)) for s, ids in planned.items() if ids]
    return about + [("workbook", MERGED_KIND), ("inspectors", inspectors),
                    ("allocation", _text(first.get("allocation", ""))),
                    ("allocation seed", first.get("allocation seed", "(none)")),
                    ("merged from", ", ".join(b.path.name for b in books))]


# --------------------------------------------------------------------------------------------
# double-marking: the files read for the agreement between two readers


def _word(value) -> str | None:
    """"yes", "no" or "not relevant" as answers are read (:func:`sampling.reports.answer_word`),
    None for a blank, "?" and the text when unreadable."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    if not text:
        return None
    return answer_word(text) or "?" + str(value)


def agreement(frame, second=None, *, confidence: float = 0.80, columns=None):
    """Agreement between two readers of the same cases, from their files: a .csv or .xlsx of
    double-judged cases (read by the one reader, :func:`sampling.caselists.read_table`), a
    DataFrame of them, or an answers workbook and a second reader's (``template --qa`` wrote
    ``qa.xlsx``), paired by case and key question. The statistics are
    ``sampling.across.agreement``'s.

    Parameters
    ----------
    frame : str, Path or pandas.DataFrame
        The double-judged cases (columns ``case_id``, ``key_question``, ``first``, ``second``,
        or those ``columns`` names); with ``second``, the first reading's answers workbook.
    second : str or Path, optional
        The second reader's answers workbook.
    confidence : float, default 0.80
        Of the intervals.
    columns : str or mapping of str to str, optional
        The headings of a file of double-judged cases, by role.

    Returns
    -------
    Agreement
        As ``sampling.across.agreement`` gives it.

    Raises
    ------
    SamplingError
        For a file that cannot be read; with ``second``, every problem at once: a workbook that
        cannot be read, the two from different plans, a case and key question of the second
        reading not in the first, a blank or unreadable answer; and as
        ``sampling.across.agreement``.

    Examples
    --------
    >>> from sampling import synthetic
    >>> double = synthetic.double_judged(200, judgement_error=0.1, rng=4)
    >>> round(agreement(double).overall.agreement, 3)
    0.803
    """
    import pandas as pd


    if second is not None:
        if columns is not None:
            raise SamplingError("columns: for a file of double-judged cases; two answers workbooks are read "
                                "by their own headings")
        for given in (frame, second):
            if not isinstance(given, str | Path):
                raise SamplingError(f"with a second reading, give two answers workbooks (.xlsx paths), got "
                                    f"{type(given).__name__}")
        data, where = _two_readings(frame, second)
        return statistics(data, confidence=confidence, source=where)
    if isinstance(frame, str | Path):
        path = Path(frame)
        if not path.is_file():
            raise SamplingError(f"{path}: no such file; give a .csv or .xlsx of double-judged cases")
        if path.suffix.lower() not in (".csv", ".xlsx"):
            raise SamplingError(f"{path}: must end in .csv or .xlsx")
        table = read_table(path)  # the one reader: encodings, formulas, invisible characters
        table = table.astype(object).where(table.notna(), "")
        return statistics(table, confidence=confidence, columns=columns, source=str(path))
    if not isinstance(frame, pd.DataFrame):
        raise SamplingError(f"frame must be a pandas DataFrame or the path of a .csv or .xlsx, "
                            f"got {type(frame).__name__}")
    return statistics(frame, confidence=confidence, columns=columns)


def _rows_of(book, name: str) -> list[tuple]:
    if name not in book.sheetnames:
        return []
    return [row for row in book[name].iter_rows(values_only=True) if any(v is not None for v in row)]


def _workbook_answers(path, which: str, problems: list[str]):
    """An answers workbook's (case, key question) to (answer as written, row), and its plan's SHA-256."""
    path = Path(path)
    try:
        book = load_workbook(path, what=f"{which} answers workbook",
                             how="give the workbook template or merge wrote, filled in")
    except SamplingError as error:
        problems.append(str(error))
        return None, None
    try:
        rows, about = _rows_of(book, "answers"), _rows_of(book, "about")
    finally:
        book.close()
    if not rows:
        problems.append(f"{path.name}: no sheet 'answers' with rows; give the workbook template or merge "
                        "wrote")
        return None, None
    heading = [str(h).strip().lower() if h is not None else "" for h in rows[0]]
    lost = [c for c in ("case_id", "key_question", "answer") if c not in heading]
    if lost:
        problems.append(f"{path.name}: sheet 'answers' has no column {', '.join(lost)}; found: "
                        + ", ".join(h for h in heading if h))
        return None, None
    at = {c: heading.index(c) for c in ("case_id", "key_question", "answer")}
    answers = {}
    for number, row in enumerate(rows[1:], start=2):
        case, kq = (str(row[at[c]]).strip() if row[at[c]] is not None else ""
                    for c in ("case_id", "key_question"))
        if case or kq:
            answers.setdefault((case, kq), (row[at["answer"]], number))
    digest = next((str(v).strip() for f, v, *_ in about if f == "plan_sha256"), None)
    return answers, digest


def _shown_items(items, limit: int) -> str:
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return ", ".join(map(str, items[:limit])) + more


def _paired_rows(first, second, first_name: str, second_name: str, problems: list[str]):
    """Each case and key question of the second reading with both answers; blanks and strangers."""
    records, blank_first, blank_second, strangers = [], [], [], []
    for (case, kq), (value, number) in second.items():
        if (case, kq) not in first:
            strangers.append(f"{case} {kq} (row {number})")
            continue
        other, other_number = first[case, kq]
        words = []
        for judged, name, row, blanks in ((_word(other), first_name, other_number, blank_first),
                                          (_word(value), second_name, number, blank_second)):
            if judged is None:
                blanks.append(row)
            elif judged.startswith("?"):
                problems.append(f"{name} answers row {row}: answer {judged[1:]!r} is not yes, no or not "
                                "relevant (y, n, n/a and NR are read too)")
            words.append(judged)
        records.append((case, kq, *words))
    return records, blank_first, blank_second, strangers


def _two_readings(first_path, second_path):
    """The two readings of an answers workbook and a second reader's, paired by case and key
    question: every case and key question of the second reading, its answer in each."""
    import pandas as pd

    problems: list[str] = []
    first, first_plan = _workbook_answers(first_path, "first", problems)
    second, second_plan = _workbook_answers(second_path, "second", problems)
    first_name, second_name = Path(first_path).name, Path(second_path).name
    if first is not None and second is not None:
        if first_plan and second_plan and first_plan != second_plan:
            problems.append(f"{second_name} comes from another plan than {first_name} (plan SHA-256 "
                            f"{second_plan[:12]}… and {first_plan[:12]}…); give the two readings of one plan")
        records, blank_first, blank_second, strangers = _paired_rows(first, second, first_name, second_name,
                                                               problems)
        if strangers:
            shown = _shown_items(strangers, 5)
            problems.append(f"{second_name}: {len(strangers)} case(s) and key question(s) are not in "
                            f"{first_name}: {shown}")
        for name, blanks in ((first_name, blank_first), (second_name, blank_second)):
            if blanks:
                shown = _shown_items(blanks, 8)
                problems.append(f"{name}: {len(blanks)} answer(s) of the second reading's cases are blank "
                                f"(answers rows {shown}); fill them in")
        if not records and not problems:
            problems.append(f"{second_name}: no case and key question to compare")
    if problems:
        where = f"{first_name} and {second_name}"
        if len(problems) == 1:
            raise SamplingError(f"{where}: {problems[0]}")
        raise SamplingError(f"{where}: {len(problems)} problems; fix them and run again:\n  "
                            + "\n  ".join(problems))
    pairs = pd.DataFrame(records, columns=["case_id", "key_question", "first", "second"])
    return pairs, f"{first_name} and {second_name}"
