"""Answers in: the answers workbook made from a plan, read back and checked, and the report it gives.

The path of an inspection, after the sample is drawn (``methodology/report-format.md``):

1. :func:`answers_template` reads the plan workbook's ``sample`` sheet and writes an answers
   workbook: a sheet ``answers`` with one row per sampled case and key question of its domain
   (the key question's wording beside it and a drop-down of yes / no / not relevant), a sheet
   ``qualitative`` for the standards that case answers cannot rate, ``instructions`` and
   ``about`` (the framework and where the workbook came from).
2. Inspectors fill in the answers.
3. :func:`read_answers` reads the workbook back and checks it, reporting every problem at once
   with its row as the spreadsheet numbers it; :meth:`Answers.report` builds the report with exact
   denominators (:func:`sampling.report_from_answers`), and :func:`report_toml` writes it as a
   report file.

Answer words are read trimmed and in any case: "Yes", "yes " and "Y" are yes; "No" and "n" are
no; "n/a", "N/A", "not relevant" and "NR" are not relevant.
"""

from __future__ import annotations

import functools
import hashlib
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

from ._errors import AnswersError, SamplingError
from ._files import append_row, output_path, save_workbook
from ._version import __version__
from .caselists import load_workbook
from .framework import Rating, get_framework
from .record import InspectionRecord
from .reports import ANSWER_WORDS, answer_word, report_from_answers

__all__ = [
    "ANSWER_WORDS",
    "key_question_wording",
    "AnswersTemplate",
    "answers_template",
    "Answers",
    "read_answers",
    "report_toml",
]

_CHOICES = ("yes", "no", "not relevant")
_ANSWER_COLUMNS = ("case_id", "domain", "key_question", "question", "answer")
_QUALITATIVE_COLUMNS = ("standard", "name", "rating", "note")
#: The samples of the plans made for the 2025 programme (``plan(..., policy="hmip-2025-children")``).
_SAMPLES_2025 = ("children", "victims")


def _samples(framework: str) -> tuple[str, ...]:
    """The framework's samples, in order: court, out_of_court, resettlement; or children, victims."""
    return tuple(dict.fromkeys(get_framework(framework).sample_names.values()))


def _display(sample: str) -> str:
    """A sample's name as a person writes it: out_of_court -> out-of-court."""
    return sample.replace("_", "-")


def _normal(text: object) -> str:
    return "_".join(str(text).strip().lower().replace("-", " ").replace("_", " ").split())


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or str(value).strip() == ""


def _text(value: object) -> str:
    """A cell as text: trimmed, and a whole number read as 12.0 written as 12."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows(numbers) -> str:
    numbers = list(numbers)
    shown = ", ".join(str(r) for r in numbers[:8])
    return shown + (f" and {len(numbers) - 8} more" if len(numbers) > 8 else "")


# --------------------------------------------------------------------------------------------
# the wording of the key questions


@functools.cache
def _wordings() -> dict:
    raw = (resources.files("sampling") / "data" / "key_questions.toml").read_bytes()
    return tomllib.loads(raw.decode("utf-8"))


def key_question_wording(framework: str = "youth-2021") -> dict[str, str]:
    """Each key question's wording in ``framework``, keyed by its id ("2.1.1").

    Transcribed from the reports' tables (youth-2018: Essex 2018, Annex 2; youth-2021:
    Cambridgeshire 2023, domains two and three); ``sampling/data/key_questions.toml`` names the
    source of each. A framework file's own ``[key_questions]`` wording comes first (youth-2025's
    cites its sources); a key question with neither is given as "".

    Parameters
    ----------
    framework : str, default "youth-2021"
        A bundled framework's name or a framework file (:func:`sampling.get_framework`).

    Returns
    -------
    dict of str to str
        Key question id to wording, in the framework's order.

    Raises
    ------
    SamplingError
        For an unknown framework or a bad framework file.

    Examples
    --------
    >>> key_question_wording("youth-2021")["2.1.2"]
    'Does assessment sufficiently analyse how to keep the child safe?'
    >>> key_question_wording("youth-2018")["3.4.2"]
    'Does the YOT work effectively with the police in implementing the out-of-court disposal?'
    """
    spec = get_framework(framework)
    table = _wordings().get(spec.name, {})
    return {kq: spec.wording(kq) or table.get(kq, {}).get("question", "")
            for s in spec.standards for kq in s.key_questions}


# --------------------------------------------------------------------------------------------
# the plan's sample


def _check_out(out, force: bool, inputs=()) -> Path:

    return output_path(out, suffixes=(".xlsx",), force=force, kind="an Excel workbook", inputs=inputs)


def _read_sheets(path: Path, what: str) -> dict:
    import pandas as pd


    how = ("make one with python -m sampling plan CASES --seed S --out PLAN.xlsx" if what == "plan" else
           "give the answers workbook that python -m sampling template wrote, filled in")
    try:
        book = load_workbook(path, what=f"{what} workbook", how=how)
    except SamplingError as error:
        raise AnswersError(str(error)) from None
    try:
        # keep_default_na=False: "N/A", "NA" and "n/a" are answers here, not missing values
        return pd.read_excel(book, sheet_name=None, dtype=object, engine="openpyxl", keep_default_na=False)
    except (ValueError, OSError, KeyError) as exc:
        raise AnswersError(f"{path}: not an Excel workbook ({exc}); give the {what} .xlsx file") from None
    finally:
        book.close()


def _columns(frame, wanted, sheet: str, problems: list[str]) -> dict[str, object]:
    found = {_normal(c): c for c in frame.columns}
    missing = [c for c in wanted if c not in found]
    if missing:
        problems.append(f"sheet {sheet!r}: missing column(s) {', '.join(missing)}; the first row must "
                        f"name the columns ({', '.join(wanted)}); found: "
                        + ", ".join(map(str, frame.columns)))
    return {c: found[c] for c in wanted if c in found}


def _plan_cases(path: Path, framework: str | None):
    """The plan's sampled cases (``case_id`` and ``domain``, a sample name, in the plan's order) and
    the framework: the one given, else youth-2025 for a plan of children's and victims' samples and
    youth-2021 for one of court and out-of-court samples."""
    import pandas as pd

    sheets = _read_sheets(path, "plan")
    try:
        record = _record(sheets, path)
    except SamplingError as error:
        raise AnswersError(str(error)) from None
    if framework is None and record is not None:
        framework = record.framework
    if "sample" not in sheets:
        raise AnswersError(f"{path}: no sheet 'sample'; give the plan workbook that "
                           f"'python -m sampling plan' wrote (sheets found: {', '.join(sheets)})")
    frame = sheets["sample"]
    problems: list[str] = []
    cols = _columns(frame, ("case_id", "domain"), "sample", problems)
    if problems:
        raise AnswersError(f"{path}: the plan cannot be used", problems)
    filled = [(index, row[cols["case_id"]], row[cols["domain"]]) for index, row in frame.iterrows()
              if not (_blank(row[cols["case_id"]]) and _blank(row[cols["domain"]]))]
    if framework is None:
        pooled = any(_normal(domain) in _SAMPLES_2025 for _, _, domain in filled)
        framework = "youth-2025" if pooled else "youth-2021"
    samples = _samples(framework)
    rows, unknown = [], {}
    for index, case, domain in filled:
        if _blank(case):
            problems.append(f"sample row {index + 2}: case_id is blank")
        sample = _normal(domain)
        if sample not in samples:
            unknown.setdefault(_text(domain), []).append(index + 2)
        rows.append((_text(case), sample, index + 2))
    for domain, numbers in unknown.items():
        where = f"sample row{'s' if len(numbers) > 1 else ''} {_rows(numbers)}"
        problems.append(f"{where}: domain {domain!r} is not one of {framework}'s "
                        "samples, " + ", ".join(_display(s) for s in samples)
                        + "; give --framework for the plan's samples")
    cases = pd.DataFrame(rows, columns=["case_id", "domain", "row"])
    for case, group in cases[cases.case_id.duplicated(keep=False)].groupby("case_id", sort=False):
        problems.append(f"case {case!r} is sampled twice (sample rows {_rows(group.row)})")
    if problems:
        raise AnswersError(f"{path}: {len(problems)} problem(s) in the plan's sample sheet", problems)
    return cases.drop(columns="row"), framework, record


# --------------------------------------------------------------------------------------------
# the answers workbook


@dataclass(frozen=True)
class AnswersTemplate:
    """What :func:`answers_template` wrote: the file, its framework, its cases and rows.

    Each parameter is also an attribute.

    Parameters
    ----------
    path : str
        The answers workbook written.
    plan : str
        The plan workbook read.
    framework : str
        The framework's name.
    cases : mapping of str to int
        Sampled cases per sample (court, out_of_court, resettlement; children, victims).
    rows : int
        Answer rows: one per case and key question of its domain.
    plan_sha256 : str, default ""
        The SHA-256 of the plan workbook.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> folder = Path(tempfile.mkdtemp())
    >>> sample = pd.DataFrame({"case_id": ["C1", "C2", "O1"],
    ...                        "domain": ["court", "court", "out-of-court"]})
    >>> sample.to_excel(folder / "plan.xlsx", sheet_name="sample", index=False)
    >>> made = answers_template(folder / "plan.xlsx", folder / "answers.xlsx")
    >>> made.framework, dict(made.cases), made.rows
    ('youth-2021', {'court': 2, 'out_of_court': 1}, 33)
    """

    path: str
    plan: str
    framework: str
    cases: Mapping[str, int]  # sampled cases per sample (court, out_of_court, resettlement)
    rows: int  # answer rows: one per case and key question of its domain
    plan_sha256: str = ""

    def to_dict(self) -> dict:
        """What was written, as ``--json`` prints it.

        Returns
        -------
        dict
            ``path``, ``plan``, ``plan_sha256``, ``framework``, ``cases`` and ``rows``.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> import pandas as pd
        >>> folder = Path(tempfile.mkdtemp())
        >>> sample = pd.DataFrame({"case_id": ["C1", "C2", "O1"],
        ...                        "domain": ["court", "court", "out-of-court"]})
        >>> sample.to_excel(folder / "plan.xlsx", sheet_name="sample", index=False)
        >>> made = answers_template(folder / "plan.xlsx", folder / "answers.xlsx")
        >>> data = made.to_dict()
        >>> data["cases"], data["rows"], len(data["plan_sha256"])
        ({'court': 2, 'out_of_court': 1}, 33, 64)
        """
        return {"path": self.path, "plan": self.plan, "plan_sha256": self.plan_sha256,
                "framework": self.framework, "cases": dict(self.cases), "rows": self.rows}

    def to_frame(self):
        """The sampled cases per sample, as a table.

        Returns
        -------
        pandas.DataFrame
            Indexed by sample ("court", "out-of-court", ...), one column ``cases``.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> import pandas as pd
        >>> folder = Path(tempfile.mkdtemp())
        >>> sample = pd.DataFrame({"case_id": ["C1", "C2", "O1"],
        ...                        "domain": ["court", "court", "out-of-court"]})
        >>> sample.to_excel(folder / "plan.xlsx", sheet_name="sample", index=False)
        >>> made = answers_template(folder / "plan.xlsx", folder / "answers.xlsx")
        >>> made.to_frame()["cases"].to_dict()
        {'court': 2, 'out-of-court': 1}
        """
        import pandas as pd

        return pd.DataFrame([{"sample": _display(k), "cases": v} for k, v in self.cases.items()]) \
            .set_index("sample")


def _answer_rows(cases, framework: str) -> list[tuple]:
    wording = key_question_wording(framework)
    by_domain = _domain_key_questions(framework)
    return [(case, _display(domain), kq, wording[kq], None)
            for case, domain in zip(cases.case_id, cases.domain, strict=True)
            for kq in by_domain.get(domain, [])]


def _qualitative_rows(framework: str, resettlement: int) -> list[tuple]:
    rows = []
    for spec in get_framework(framework).standards:
        if not spec.qualitative:
            continue
        note = "optional: leave the rating blank where there is nothing to rate" if spec.optional else ""
        if spec.optional and not spec.scored:
            note = (f"informed by the {resettlement} resettlement case(s) of the plan"
                    if resettlement else "no resettlement cases in the plan: leave blank (not rated)")
        rows.append((spec.id, spec.name, None, note))
    return rows


_INSTRUCTIONS = (
    "How to fill in this workbook",
    "",
    "{samples}",
    "Choose yes, no or not relevant in the answer column for every row. A key question's "
    "percentage is its yes answers out of its yes and no answers; not relevant leaves the case "
    "out of that key question.",
    "Answers are read trimmed and in any case: Y, yes, Yes are yes; N, no are no; n/a, NR, "
    "not relevant are not relevant.",
    "Do not change case_id, domain or key_question; do not add or remove rows.",
    "qualitative: give the rating of each standard that case answers cannot rate "
    "(Inadequate, Requires improvement, Good or Outstanding), with a note if you wish.",
    "Resettlement cases, when the plan has them, form their own sample and inform the "
    "resettlement standard on this sheet.",
    "about: where this workbook came from; leave it as it is.",
    "record: the inspection as the plan recorded it (service, framework, each sample's eligible cases and "
    "how it was drawn); leave it as it is.",
    "",
    "Then: python -m sampling annexe ANSWERS.xlsx --out ANNEXE.html",
    "Every problem in the workbook is listed at once, with its row number.",
)


def _samples_line(framework: str) -> str:
    """Which key questions each sample's cases answer, e.g. "court cases answer 2.1.1 to 2.4.3"."""
    parts = [f"{_display(sample)} cases answer {kqs[0]} to {kqs[-1]}" if len(kqs) > 1
             else f"{_display(sample)} cases answer {kqs[0]}"
             for sample, kqs in _domain_key_questions(framework).items()]
    return f"answers: one row per sampled case and key question of its sample ({'; '.join(parts)})."


def _write_workbook(path: Path, answers: list[tuple], qualitative: list[tuple], about: list[tuple],
                    samples_line: str, record: list[tuple] | None = None, *, notes: bool = False):
    """The answers workbook; with ``notes`` the answers sheet has a sixth column, ``notes`` (the
    workbook ``merge`` writes from a team's workbooks, each answer's notes kept)."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation


    book = Workbook()
    sheet = book.active
    sheet.title = "answers"
    append_row(sheet, [*_ANSWER_COLUMNS, "notes"] if notes else list(_ANSWER_COLUMNS))
    for row in answers:
        append_row(sheet, list(row))
    choice = DataValidation(type="list", formula1='"' + ",".join(_CHOICES) + '"', allow_blank=True,
                            showErrorMessage=True, error="Choose yes, no or not relevant")
    sheet.add_data_validation(choice)
    choice.add(f"E2:E{len(answers) + 1}")
    for column, width in zip("ABCDEF", (14, 14, 13, 90, 14, 60), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"

    sheet = book.create_sheet("qualitative")
    append_row(sheet, list(_QUALITATIVE_COLUMNS))
    for row in qualitative:
        append_row(sheet, list(row))
    ratings = DataValidation(type="list", formula1='"' + ",".join(Rating.labels()) + '"',
                             allow_blank=True)
    sheet.add_data_validation(ratings)
    ratings.add(f"C2:C{len(qualitative) + 1}")
    for column, width in zip("ABCD", (10, 44, 22, 70), strict=True):
        sheet.column_dimensions[column].width = width

    sheet = book.create_sheet("instructions")
    for line in _INSTRUCTIONS:
        append_row(sheet, [line.format(samples=samples_line) if line == "{samples}" else line])
    sheet.column_dimensions["A"].width = 120
    sheet = book.create_sheet("about")
    append_row(sheet, ["field", "value"])
    for row in about:
        append_row(sheet, list(row))
    if record is not None:  # the inspection's record, as the plan wrote it
        sheet = book.create_sheet("record")
        append_row(sheet, ["field", "value"])
        for row in record:
            append_row(sheet, list(row))
        sheet.column_dimensions["A"].width = 30
        sheet.column_dimensions["B"].width = 80
    save_workbook(book, path)


def answers_template(plan, out, *, framework: str | None = None, force: bool = False) -> AnswersTemplate:
    """Write the answers workbook for a plan's sampled cases.

    Parameters
    ----------
    plan : str or Path
        A plan workbook (``python -m sampling plan``): its ``sample`` sheet has a row per sampled
        case with ``case_id`` and ``domain`` (court, out-of-court or resettlement; children or
        victims in a plan for the 2025 programme; ``out_of_court`` and any case accepted).
    out : str or Path
        The answers workbook to write (.xlsx). It is written through a temporary file and renamed.
    framework : str, optional
        Which key questions each sample answers: a bundled framework ('youth-2018', 'youth-2021',
        'youth-2025') or a framework file. By default 'youth-2025' for a plan of children's and
        victims' samples (victims' cases answer V1.1 and V1.2), else 'youth-2021'.
    force : bool, default False
        Overwrite ``out`` if it exists.

    Returns
    -------
    AnswersTemplate
        The file written, its framework, its cases per sample and its rows.

    Raises
    ------
    SamplingError
        For an unknown framework, or ``out`` that exists without ``force`` or is not ``.xlsx``.
    AnswersError
        Listing every problem of the plan at once (missing sheet or columns, blank or repeated
        case ids, a domain that is not one of the framework's samples), with row numbers.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> plan = pd.DataFrame({"case_id": ["C1", "C2", "O1"], "domain": ["court", "Court", "out-of-court"]})
    >>> plan.to_excel(folder / "plan.xlsx", sheet_name="sample", index=False)
    >>> made = answers_template(folder / "plan.xlsx", folder / "answers.xlsx")
    >>> dict(made.cases), made.rows       # 12 court and 9 out-of-court key questions per case
    ({'court': 2, 'out_of_court': 1}, 33)
    """
    if framework is not None:
        chosen = get_framework(framework)
        framework = chosen.path or chosen.name  # a framework file is recorded by its path
    out_path = _check_out(out, force, inputs=[plan, framework])
    plan_path = Path(plan)
    cases, framework, record = _plan_cases(plan_path, framework)
    samples = _samples(framework)
    answers = _answer_rows(cases, framework)
    counts = {s: int((cases.domain == s).sum()) for s in samples if (cases.domain == s).any()}
    digest = hashlib.sha256(plan_path.read_bytes()).hexdigest()

    about = [("framework", framework), ("plan", plan_path.name), ("plan_sha256", digest),
             ("toolkit", f"inspection-sampling {__version__}")]
    about += [(f"cases.{s}", counts.get(s, 0)) for s in samples]
    about += [(f"case ids.{s}", json.dumps(cases.case_id[cases.domain == s].tolist(), ensure_ascii=False))
              for s in samples if counts.get(s) and _display(s) in _answering(answers)]
    _write_workbook(out_path, answers, _qualitative_rows(framework, counts.get("resettlement", 0)), about,
                    _samples_line(framework), record.rows() if record is not None else None)
    return AnswersTemplate(str(out_path), str(plan_path), framework, counts, len(answers), digest)


# --------------------------------------------------------------------------------------------
# reading the answers back


@dataclass(frozen=True)
class Answers:
    """An answers workbook, read and checked.

    ``frame`` has one row per case and key question (``case_id``, ``domain``, ``key_question``,
    ``answer`` as yes / no / not relevant, ``row`` as the spreadsheet numbers it);
    ``qualitative`` maps a standard's id to its rating's name; ``samples`` counts the cases of
    each sample, resettlement included (from the workbook's ``about`` sheet). Made by
    :func:`read_answers`; each parameter is also an attribute.

    Parameters
    ----------
    path : str
        The workbook read.
    framework : str
        The framework's name (from the workbook's ``about`` sheet).
    frame : pandas.DataFrame
        One row per case and key question, as above.
    qualitative : mapping of str to str
        Each qualitative standard's rating, by id.
    samples : mapping of str to int
        Cases per sample.
    record : InspectionRecord or None, default None
        The inspection's record, carried from the plan (``record`` sheet); None for a workbook
        made before records, or by hand.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import openpyxl
    >>> import pandas as pd
    >>> folder = Path(tempfile.mkdtemp())
    >>> sample = pd.DataFrame({"case_id": ["C1", "C2", "O1"],
    ...                        "domain": ["court", "court", "out-of-court"]})
    >>> sample.to_excel(folder / "plan.xlsx", sheet_name="sample", index=False)
    >>> _ = answers_template(folder / "plan.xlsx", folder / "answers.xlsx")
    >>> book = openpyxl.load_workbook(folder / "answers.xlsx")
    >>> for number, row in enumerate(book["answers"].iter_rows(min_row=2)):
    ...     row[4].value = "no" if number % 3 == 0 else "yes"           # column E: answer
    >>> for row in book["qualitative"].iter_rows(min_row=2):
    ...     row[2].value = None if row[0].value == "4.1" else "Good"    # column C: rating
    >>> book.save(folder / "answers.xlsx")
    >>> answers = read_answers(folder / "answers.xlsx")
    >>> answers.framework, dict(answers.samples), answers.qualitative["1.1"]
    ('youth-2021', {'court': 2, 'out_of_court': 1}, 'Good')
    """

    path: str
    framework: str
    frame: object = field(repr=False)
    qualitative: Mapping[str, str]
    samples: Mapping[str, int]
    record: InspectionRecord | None = None

    def to_frame(self):
        """A copy of the answers, one row per case and key question.

        Returns
        -------
        pandas.DataFrame
            ``case_id``, ``domain``, ``key_question``, ``answer`` and ``row``.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> import openpyxl
        >>> import pandas as pd
        >>> folder = Path(tempfile.mkdtemp())
        >>> sample = pd.DataFrame({"case_id": ["C1", "C2", "O1"],
        ...                        "domain": ["court", "court", "out-of-court"]})
        >>> sample.to_excel(folder / "plan.xlsx", sheet_name="sample", index=False)
        >>> _ = answers_template(folder / "plan.xlsx", folder / "answers.xlsx")
        >>> book = openpyxl.load_workbook(folder / "answers.xlsx")
        >>> for number, row in enumerate(book["answers"].iter_rows(min_row=2)):
        ...     row[4].value = "no" if number % 3 == 0 else "yes"           # column E: answer
        >>> for row in book["qualitative"].iter_rows(min_row=2):
        ...     row[2].value = None if row[0].value == "4.1" else "Good"    # column C: rating
        >>> book.save(folder / "answers.xlsx")
        >>> answers = read_answers(folder / "answers.xlsx")
        >>> answers.to_frame().head(2)
          case_id domain key_question answer  row
        0      C1  court        2.1.1     no    2
        1      C1  court        2.1.2    yes    3
        """
        return self.frame.copy()

    def to_dict(self) -> dict:
        """What was read, as ``--json`` prints it (the answers counted, not listed).

        Returns
        -------
        dict
            ``path``, ``framework``, ``samples``, ``qualitative`` and ``answers`` (how many of
            each answer).

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> import openpyxl
        >>> import pandas as pd
        >>> folder = Path(tempfile.mkdtemp())
        >>> sample = pd.DataFrame({"case_id": ["C1", "C2", "O1"],
        ...                        "domain": ["court", "court", "out-of-court"]})
        >>> sample.to_excel(folder / "plan.xlsx", sheet_name="sample", index=False)
        >>> _ = answers_template(folder / "plan.xlsx", folder / "answers.xlsx")
        >>> book = openpyxl.load_workbook(folder / "answers.xlsx")
        >>> for number, row in enumerate(book["answers"].iter_rows(min_row=2)):
        ...     row[4].value = "no" if number % 3 == 0 else "yes"           # column E: answer
        >>> for row in book["qualitative"].iter_rows(min_row=2):
        ...     row[2].value = None if row[0].value == "4.1" else "Good"    # column C: rating
        >>> book.save(folder / "answers.xlsx")
        >>> answers = read_answers(folder / "answers.xlsx")
        >>> answers.to_dict()["answers"]
        {'yes': 22, 'no': 11, 'not relevant': 0}
        """
        return {"path": self.path, "framework": self.framework, "samples": dict(self.samples),
                "qualitative": dict(self.qualitative),
                "answers": self.frame["answer"].value_counts().reindex(_CHOICES, fill_value=0)
                .astype(int).to_dict()}

    def report(self, *, service: str | None = None, id: str | None = None):  # noqa: A002
        """The report these answers give (:func:`sampling.report_from_answers`).

        Exact denominators, each quantitative standard rated by the rules, the resettlement
        sample recorded where the plan had one.

        Parameters
        ----------
        service : str, optional
            The service's name (default "This inspection").
        id : str, optional
            The report's id (default: the workbook's file name without ``.xlsx``).

        Returns
        -------
        Report
            Unpublished, with exact denominators.

        Raises
        ------
        SamplingError
            As :func:`sampling.report_from_answers`, e.g. a key question no case answered yes or no.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> import openpyxl
        >>> import pandas as pd
        >>> folder = Path(tempfile.mkdtemp())
        >>> sample = pd.DataFrame({"case_id": ["C1", "C2", "O1"],
        ...                        "domain": ["court", "court", "out-of-court"]})
        >>> sample.to_excel(folder / "plan.xlsx", sheet_name="sample", index=False)
        >>> _ = answers_template(folder / "plan.xlsx", folder / "answers.xlsx")
        >>> book = openpyxl.load_workbook(folder / "answers.xlsx")
        >>> for number, row in enumerate(book["answers"].iter_rows(min_row=2)):
        ...     row[4].value = "no" if number % 3 == 0 else "yes"           # column E: answer
        >>> for row in book["qualitative"].iter_rows(min_row=2):
        ...     row[2].value = None if row[0].value == "4.1" else "Good"    # column C: rating
        >>> book.save(folder / "answers.xlsx")
        >>> answers = read_answers(folder / "answers.xlsx")
        >>> report = answers.report(service="Example YJS")
        >>> report.id, report.key_question("2.1.2").k, report.key_question("2.1.2").n
        ('answers', 2, 2)
        """

        record = self.record
        named = service or (record.service if record is not None else None)
        report = report_from_answers(
            self.frame[["case_id", "key_question", "answer"]], framework=self.framework,
            qualitative=dict(self.qualitative), id=id or Path(self.path).stem,
            service=named or "This inspection", published="unpublished")
        resettlement = self.samples.get("resettlement", 0)
        if resettlement:
            report = replace(report, samples={**report.samples, "resettlement": resettlement})
        if record is not None:  # the plan's populations, for every sample the report has
            planned = {name: big_n for name, big_n in record.populations.items()
                       if name in report.samples and big_n >= report.samples[name]}
            report = replace(report, populations=planned)
        return report


def _record(sheets, path) -> InspectionRecord | None:
    """The inspection record of a plan or answers workbook (its ``record`` sheet), or None."""
    frame = sheets.get("record")
    if frame is None or frame.shape[1] < 2:
        return None
    rows = [tuple(frame.columns[:2])] + [tuple(row[:2]) for row in frame.itertuples(index=False)]
    return InspectionRecord.from_rows(rows, source=f"{Path(path).name}, sheet 'record'")


def _answering(answers: list[tuple]) -> set[str]:
    """The samples with answer rows, as the sheet shows them (resettlement cases under the 2021
    framework are rated on the qualitative sheet)."""
    return {row[1] for row in answers}


def _check_planned(about: Mapping, data, problems: list[str]) -> None:
    """Every case the plan sampled has answer rows: a case whose rows were all deleted is named
    (workbooks written before the ``case ids`` rows of ``about`` are not checked)."""
    for name, text in about.items():
        if not name.startswith("case ids.") or _blank(text):
            continue
        sample = name.split(".", 1)[1]
        try:
            planned = [str(case) for case in json.loads(_text(text))]
        except (ValueError, TypeError):
            problems.append(f"sheet 'about': {name} is not as the template wrote it; leave that sheet as "
                            "it is")
            continue
        present = set(data.loc[data.domain == sample, "case_id"])
        missing = [case for case in planned if case not in present]
        if missing:
            shown = ", ".join(repr(c) for c in missing[:5]) + (f" and {len(missing) - 5} more"
                                                               if len(missing) > 5 else "")
            problems.append(f"answers: {len(missing)} {_display(sample)} case(s) of the plan have no rows: "
                            f"{shown}; put their rows back (copy them from a fresh template) or, if the "
                            "case was withdrawn, replace it in the plan and make the template again")


def _about(sheets) -> dict[str, object]:
    frame = sheets.get("about")
    if frame is None or frame.shape[1] < 2:
        return {}
    return {_text(k): v for k, v in zip(frame.iloc[:, 0], frame.iloc[:, 1], strict=True) if not _blank(k)}


def _framework(about: Mapping, frame, problems: list[str]) -> str:
    name = about.get("framework")
    if not _blank(name):
        try:
            chosen = get_framework(_text(name))
            return chosen.path or chosen.name
        except SamplingError as exc:
            problems.append(f"sheet 'about': {exc}")
            return "youth-2021"
    # a workbook made by hand: the 2018 framework is the one with key questions 3.4.x, the 2025
    # one the one with the victims' V1.1 and V1.2
    kqs = {_text(v) for v in frame.get("key_question", [])}
    if any(k.startswith("V") for k in kqs):
        return "youth-2025"
    return "youth-2018" if any(k.startswith("3.4.") for k in kqs) else "youth-2021"


def _answer_frame(frame, cols, framework: str, problems: list[str], partial: bool = False):
    """One normalised row per filled line; every problem of a single row is listed."""
    import pandas as pd

    spec = get_framework(framework)
    known = set(spec.key_questions)
    samples = _samples(framework)
    rows, blanks = [], []
    for index, row in frame.iterrows():
        values = {name: row[col] for name, col in cols.items()}
        if all(_blank(v) for v in values.values()):
            continue
        number = index + 2
        case, kq, domain = _text(values["case_id"]), _text(values["key_question"]), _normal(values["domain"])
        if _blank(values["case_id"]):
            problems.append(f"answers row {number}: case_id is blank")
        if kq not in known:
            problems.append(f"answers row {number}: key question {kq!r} is not in {framework}; they are "
                            + ", ".join(sorted(known)))
        elif domain in samples and spec.sample_of(kq) != domain:
            own = _display(spec.sample_of(kq))
            article = "an" if own[0] in "aeiou" else "a"
            problems.append(f"answers row {number}: key question {kq} is {article} {own} question, but "
                            f"the row's domain is {_display(domain)}")
        if domain not in samples:
            problems.append(f"answers row {number}: domain {values['domain']!r} is not one of "
                            + ", ".join(_display(s) for s in samples))
        answer = _answer(values["answer"], number, problems, blanks)
        rows.append((case, domain, kq, answer, number))
    if blanks and not partial:
        problems.append(f"answers: {len(blanks)} answer(s) missing (rows {_rows(blanks)}); "
                        "choose yes, no or not relevant")
    return pd.DataFrame(rows, columns=["case_id", "domain", "key_question", "answer", "row"])


def _answer(value: object, number: int, problems: list[str], blanks: list[int]) -> str | None:
    if _blank(value):
        blanks.append(number)
        return None
    word = answer_word(value)  # the one reading of answer words, shared with report_from_answers
    if word is None:
        problems.append(f"answers row {number}: answer {_text(value)!r} is not yes, no or not relevant "
                        "(Y, N, n/a and NR are read too)")
    return word


def _check_cases(data, framework: str, problems: list[str]) -> None:
    """A case in two domains, a case and key question twice, a case without a key question,
    a key question without a yes or no answer."""
    for case, group in data.groupby("case_id", sort=False):
        domains = [d for d in dict.fromkeys(group.domain) if d in _samples(framework)]
        if len(domains) > 1:
            first = [int(group.loc[group.domain == d, "row"].iloc[0]) for d in domains]
            where = [f"{_display(d)} (row {r})" for d, r in zip(domains, first, strict=True)]
            problems.append(f"case {case!r} is in two domains: " + " and ".join(where))
    repeated = data[data.duplicated(["case_id", "key_question"], keep=False)]
    for (case, kq), group in repeated.groupby(["case_id", "key_question"], sort=False):
        problems.append(f"case {case!r} answers {kq} more than once (rows {_rows(group.row)})")
    _check_coverage(data, framework, problems)


def _domain_key_questions(framework: str) -> dict[str, list[str]]:
    """The key questions each sample answers, in the framework's order."""
    spec = get_framework(framework)
    result: dict[str, list[str]] = {}
    for standard in spec.standards:
        for kq in standard.key_questions:
            result.setdefault(spec.sample_of(kq), []).append(kq)
    return result


def _check_coverage(data, framework: str, problems: list[str]) -> None:
    """Every case answers every key question of its domain; every key question is judged."""
    domain_kqs = _domain_key_questions(framework)
    for case, group in data.groupby("case_id", sort=False):
        domain = group.domain.iloc[0]
        missing = [kq for kq in domain_kqs.get(domain, []) if kq not in set(group.key_question)]
        if missing and group.domain.nunique() == 1:
            problems.append(f"case {case!r} has no row for key question(s) {', '.join(missing)}; "
                            "every case answers every key question of its domain")
    for kq, answers in data.groupby("key_question", sort=False)["answer"]:
        if answers.notna().all() and not answers.isin(["yes", "no"]).any():
            problems.append(f"key question {kq}: every case answers not relevant; a standard needs each of "
                            "its key questions judged yes or no in some case")


def _qualitative(sheets, framework: str, problems: list[str], partial: bool = False) -> dict[str, str]:
    spec = get_framework(framework)
    wanted = {s.id: s for s in spec.standards if s.qualitative}
    frame = sheets.get("qualitative")
    if frame is None:
        problems.append("no sheet 'qualitative'; give the ratings of " + ", ".join(wanted))
        return {}
    cols = _columns(frame, ("standard", "rating"), "qualitative", problems)
    if len(cols) < 2:
        return {}
    labels = {label.lower(): label for label in Rating.labels()}
    ratings: dict[str, str] = {}
    for index, row in frame.iterrows():
        sid, rating = _text(row[cols["standard"]]), row[cols["rating"]]
        if _blank(row[cols["standard"]]) and _blank(rating):
            continue
        where = f"qualitative row {index + 2}"
        if sid not in wanted:
            problems.append(f"{where}: {sid!r} is not a qualitative standard of {framework} "
                            f"({', '.join(wanted)})")
        elif sid in ratings:
            problems.append(f"{where}: {sid} is rated twice")
        elif not _blank(rating):
            label = labels.get(" ".join(str(rating).strip().lower().split()))
            if label is None:
                problems.append(f"{where}: rating {_text(rating)!r} for {sid} is not one of "
                                + ", ".join(Rating.labels()))
            else:
                ratings[sid] = label
        elif not wanted[sid].optional and not partial:
            problems.append(f"{where}: the rating of {sid} ({wanted[sid].name}) is blank")
    listed = set(map(_text, frame[cols["standard"]]))
    for sid, standard in wanted.items():
        if sid not in ratings and not standard.optional and sid not in listed:
            problems.append(f"qualitative: no row for {sid} ({standard.name}); give its rating")
    return ratings


def read_answers(path, *, partial: bool = False) -> Answers:
    """Read an answers workbook and check it, listing every problem at once.

    Parameters
    ----------
    path : str or Path
        A workbook written by :func:`answers_template` and filled in (or one of the same shape:
        a sheet ``answers`` with ``case_id``, ``domain``, ``key_question``, ``answer``, and a
        sheet ``qualitative`` with ``standard`` and ``rating``).
    partial : bool, default False
        Accept a workbook still being filled in: blank answers (``answer`` None in the frame)
        and blank qualitative ratings are not problems, as during fieldwork
        (:func:`sampling.fieldwork_status`); everything else is checked as before.

    Returns
    -------
    Answers
        The answers checked, the qualitative ratings and the samples.

    Raises
    ------
    AnswersError
        For a file that cannot be read as a workbook or has no sheet ``answers``; and with every
        problem, each naming its sheet and row as the spreadsheet numbers it (the
        header is row 1): unknown answer words, missing answers, unknown key questions, a key
        question of the other domain, a case in two domains, a case answering a key question
        twice or missing one, a key question no case judged, qualitative ratings that are not
        rating names or are missing.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> pd.DataFrame({"case_id": ["C1"], "domain": ["court"]}).to_excel(
    ...     folder / "plan.xlsx", sheet_name="sample", index=False)
    >>> _ = answers_template(folder / "plan.xlsx", folder / "answers.xlsx")
    >>> try:
    ...     read_answers(folder / "answers.xlsx")
    ... except SamplingError as error:
    ...     print(error.problems[0])
    answers: 12 answer(s) missing (rows 2, 3, 4, 5, 6, 7, 8, 9 and 4 more); choose yes, no or not relevant
    """
    path = Path(path)
    sheets = _read_sheets(path, "answers")
    problems: list[str] = []
    if "answers" not in sheets:
        raise AnswersError(f"{path}: no sheet 'answers'; give the workbook that "
                           f"'python -m sampling template' wrote (sheets found: {', '.join(sheets)})")
    frame = sheets["answers"]
    cols = _columns(frame, ("case_id", "domain", "key_question", "answer"), "answers", problems)
    if problems:
        raise AnswersError(f"{path}: the answers sheet cannot be read", problems)
    about = _about(sheets)
    framework = _framework(about, frame.rename(columns={v: k for k, v in cols.items()}), problems)
    data = _answer_frame(frame, cols, framework, problems, partial)
    if data.empty:
        problems.append("answers: no answer rows; run 'python -m sampling template' on the plan first")
    else:
        _check_cases(data, framework, problems)
        _check_planned(about, data, problems)
    qualitative = _qualitative(sheets, framework, problems, partial)
    if problems:
        raise AnswersError(f"{path.name}: {len(problems)} problem(s) in the answers; fix them in the "
                           "workbook and run again", problems)
    samples = {s: int(data.loc[data.domain == s, "case_id"].nunique()) for s in _samples(framework)
               if (data.domain == s).any()}
    resettlement = about.get("cases.resettlement")
    if not _blank(resettlement) and int(float(resettlement)) > 0:
        samples["resettlement"] = int(float(resettlement))
    return Answers(str(path), framework, data, qualitative, samples, _record(sheets, path))


# --------------------------------------------------------------------------------------------
# a report as TOML


def _quote(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def _toml_table(values: Mapping[str, object]) -> str:
    return "{ " + ", ".join(f"{_quote(k)} = {v}" for k, v in values.items()) + " }"


def report_toml(report) -> str:
    """A report as the text of a report file (``methodology/report-format.md``).

    Key questions carry their exact counts (``cases`` and ``yes``) so that the file loads back
    to the same percentages and denominators; discretion reasons are kept.

    Parameters
    ----------
    report : Report
        A report (from :func:`sampling.load_report` or :meth:`Answers.report`).

    Returns
    -------
    str
        The TOML text, ending in a newline.

    Examples
    --------
    >>> import tomllib
    >>> from sampling import load_report
    >>> text = report_toml(load_report("calderdale-2022"))
    >>> tomllib.loads(text)["standards"]["2.3"]["yes"]
    {'2.3.1': 6, '2.3.2': 5, '2.3.3': 7}
    """
    lines = [f"id = {_quote(report.id)}", f"service = {_quote(report.service)}",
             f"published = {_quote(str(report.published))}",
             f"framework = {_quote(report.framework.name)}",
             f"overall = {_quote(report.overall.label)}",
             f"score = {report.published_score}", "", "[samples]"]
    lines += [f"{name} = {n}" for name, n in report.samples.items()]
    for standard in report.standards:
        lines += ["", f'[standards."{standard.id}"]', f"rating = {_quote(standard.rating.label)}"]
        if standard.key_questions:
            kqs = standard.key_questions
            lines.append("key_questions = " + _toml_table({kq.id: kq.percent for kq in kqs}))
            lines.append("cases = " + _toml_table({kq.id: kq.n for kq in kqs}))
            lines.append("yes = " + _toml_table({kq.id: kq.k for kq in kqs}))
        if standard.discretion:
            lines.append(f"discretion = {_quote(standard.discretion)}")
        if standard.discretion_rule:
            lines.append(f"discretion_rule = {_quote(standard.discretion_rule)}")
    return "\n".join(lines) + "\n"
