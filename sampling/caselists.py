"""Reading a real case-list export: headings, values, domains, and every problem at once.

A youth justice service's case management system exports its eligible cases with its own
headings ("Case Ref", "Sex", "Sentence or disposal type", "RoSH", "Safety & Wellbeing") and its
own spellings ("Male", "male ", "MALE"; "Court disposal", "OOCD"). :func:`read_case_list` maps
the headings to the toolkit's fields, normalises the values, places each case in its domain and
reports every problem in the file in one :class:`~sampling.CaseListError`. The reports balance
on "gender, sentence or disposal type, risk of serious harm, and risk to safety and wellbeing"
(Essex 2018, Annex 1), court and out-of-court work separately, and resettlement (children
sentenced to custody or released from it) apart (Calderdale 2022, Annexe 1).

Headings match ignoring case, spaces and punctuation ("&" reads as "and"), against the synonyms
in :data:`HEADINGS`; a heading with a bracketed abbreviation ("Risk of serious harm (RoSH)")
matches on either part. Values are trimmed, their inner spaces collapsed and case folded before
counting; each category is shown in its commonest spelling. Nothing here draws a sample.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from ._errors import CaseListError, SamplingError
from ._files import restore
from ._text import MAX_CELL, clean, control_characters, fold, looks
from .selection import DEFAULT_STRATA

__all__ = [
    "CaseList", "CaseListProblem", "read_case_list", "read_table", "read_cases", "load_workbook",
    "FIELDS", "HEADINGS", "DOMAIN_NAMES", "DOMAIN_WORDS", "DISPOSAL_DOMAINS",
    "normalise_heading", "normalise_value", "cell_text", "parse_columns", "parse_disposal_domains",
    "parse_blank_as", "value_synonyms",
]

#: The fields a plan reads, in the order the plan's sheets show them.
FIELDS = ("case_id", "domain", "gender", "disposal_type", "rosh", "safety_wellbeing", "date",
          "resettlement")

#: The domains, as the rest of the toolkit names them (a report's ``samples`` keys): the 2018 and
#: 2021 frameworks' court, out-of-court and resettlement samples, and the 2025 programme's
#: samples of children's cases (court and out-of-court pooled) and of victims' cases.
DOMAIN_NAMES = ("court", "out_of_court", "resettlement", "children", "victims")

#: Headings recognised for each field, best first, as :func:`normalise_heading` writes them.
HEADINGS: dict[str, tuple[str, ...]] = {
    "case_id": ("caseid", "caseref", "casereference", "casenumber", "caseno", "caseidentifier", "caserefno",
                "casereferencenumber", "ref", "refno", "reference", "referencenumber", "referenceno", "id",
                "childid", "childref", "childreference",
                "youngpersonid", "ypid", "ypref", "ypreference", "youngpersonref", "youngpersonreference",
                "personid", "personref", "clientid", "clientref", "uniqueid", "urn", "crn", "recordid",
                "victimid", "victimref", "victimreference", "victimcaseid", "victimcaseref",
                "victimcasereference",
                "victimno", "victimnumber"),
    "domain": ("domain", "courtooc", "courtoocd", "courtoroutofcourt", "courtoutofcourt", "casetype",
               "typeofcase", "casecategory", "disposalcategory", "disposalgroup", "cohort", "worktype",
               "typeofwork"),
    "gender": ("gender", "sex", "genderidentity", "gendersex", "sexgender"),
    "disposal_type": ("disposaltype", "sentenceordisposaltype", "sentenceordisposal", "sentencedisposaltype",
                      "sentencedisposal", "disposalsentencetype", "disposalorsentencetype", "disposal",
                      "sentencetype", "sentence", "typeofdisposal", "typeofsentence", "ordertype",
                      "typeoforder", "order", "typeofsentenceordisposal", "sentenceoutcome",
                      "disposaloutcome", "courtoutcome", "outcometype", "outcome", "legaloutcome",
                      "legaloutcometype", "outcomeofcase", "caseoutcome", "finaloutcome"),
    "rosh": ("rosh", "roshlevel", "roshrating", "roshclassification", "roshrisklevel", "riskofseriousharm",
             "riskofseriousharmlevel", "riskofseriousharmrating", "riskofseriousharmclassification",
             "riskofseriousharmtoothers", "roshrisk", "seriousharmrisk", "riskofharm", "seriousharm", "roh"),
    "safety_wellbeing": ("safetyandwellbeing", "safetywellbeing", "sandw", "sw", "asw",
                         "risktosafetyandwellbeing", "risktosafetywellbeing", "safetyandwellbeingrisk",
                         "safetyandwellbeinglevel", "safetyandwellbeingrating",
                         "safetyandwellbeingclassification", "safetyandwellbeingrisklevel",
                         "safetywellbeingrisk", "risksafetyandwellbeing", "sandwrisk", "swrisk",
                         "wellbeingrisk", "wellbeing"),
    "date": ("date", "startdate", "sentencedate", "disposaldate", "orderstartdate", "sentencestartdate",
             "disposalstartdate", "dateofsentence", "dateofdisposal", "datesentenced", "outcomedate",
             "orderdate", "dateoforder", "orderstart", "sentencestart", "disposalstart", "startdateoforder",
             "sentencedisposaldate", "disposalsentencedate", "dateofoutcome", "licencestartdate", "start"),
    "resettlement": ("resettlement", "resettlementcase", "resettlementflag", "resettlementcohort",
                     "custody", "custodial", "custodialsentence", "incustody", "releasedfromcustody"),
}

#: Spellings of each domain in a domain column, as :func:`normalise_heading` writes them ("domain
#: two" and "domain three" are the reports' chapters on court and out-of-court work).
DOMAIN_WORDS: dict[str, str] = {
    **dict.fromkeys(("court", "courts", "courtdisposal", "courtdisposals", "courtorder", "courtorders",
                     "postcourt", "postcourtdisposal", "postcourtdisposals", "courtsentence", "courtwork",
                     "domain2", "domaintwo"), "court"),
    **dict.fromkeys(("outofcourt", "outofcourtdisposal", "outofcourtdisposals", "ooc", "oocd", "oocds",
                     "outofcourtresolution", "outofcourtresolutions", "outofcourtwork", "domain3",
                     "domainthree"), "out_of_court"),
    **dict.fromkeys(("resettlement", "resettlementcase", "resettlementcases", "custody", "custodial"),
                    "resettlement"),
}

#: The domain of each sentence or disposal type, when the export has no domain column: the
#: orders a youth court imposes (referral order, youth rehabilitation order, detention and
#: training order and its licence, section 250 detention and its predecessor, section 91 of the
#: Powers of Criminal Courts (Sentencing) Act 2000) are court work; youth cautions, youth
#: conditional cautions, community resolutions and Outcome 22 are out-of-court work. Keys as
#: :func:`normalise_heading` writes them; "Referral Order (RO)" matches on "referralorder" or
#: "ro". Override or extend with ``disposal_domains``.
DISPOSAL_DOMAINS: dict[str, str] = {
    **dict.fromkeys(("referralorder", "ro",
                     "youthrehabilitationorder", "yro", "yrowithiss", "yroiss",
                     "youthrehabilitationorderwithintensivesupervisionandsurveillance",
                     "yrowithintensivesupervisionandsurveillance",
                     "detentionandtrainingorder", "detentiontrainingorder", "dto", "dtolicence", "dtolicense",
                     "detentionandtrainingorderlicence", "detentionandtrainingorderlicense", "dtocustody",
                     "section250", "s250", "section250detention", "s250detention", "section250sentence",
                     "section250licence", "section91", "s91", "section9091"), "court"),
    **dict.fromkeys(("youthcaution", "yc", "youthconditionalcaution", "ycc", "communityresolution", "cr",
                     "outcome22", "o22"), "out_of_court"),
}

_YES = frozenset({"yes", "y", "true", "1", "x", "resettlement", "custody", "custodial"})
_NO = frozenset({"no", "n", "false", "0", ""})
_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y",
                 "%d.%m.%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d %b %Y", "%d %B %Y", "%d-%b-%Y",
                 "%d-%b-%y", "%Y/%m/%d")
_SHOWN_ROWS = 5  # row numbers shown per problem before "and k more"
_SCAN_ROWS = 10  # rows searched for the heading row


def normalise_heading(text: object) -> str:
    """A heading (or a domain or disposal spelling) as matched: case folded, "&" as "and",
    everything but letters and digits removed.

    >>> normalise_heading("Safety & Wellbeing"), normalise_heading(" S&W "), normalise_heading("Case Ref")
    ('safetyandwellbeing', 'sandw', 'caseref')
    """
    return re.sub(r"[\W_]+", "", str(text).casefold().replace("&", "and"))


def normalise_value(text: object) -> str:
    """A category as counted: trimmed, inner spaces collapsed, case folded.

    >>> {normalise_value(v) for v in ("Male", "male ", "MALE", " Male")}
    {'male'}
    """
    return " ".join(str(text).split()).casefold()


def _keys(text: str) -> tuple[str, ...]:
    """The whole key, then without bracketed parts, then each bracketed part alone."""
    inner = re.findall(r"\(([^()]*)\)", text)
    outer = re.sub(r"\([^()]*\)", " ", text)
    keys = [normalise_heading(text), normalise_heading(outer), *(normalise_heading(part) for part in inner)]
    return tuple(dict.fromkeys(k for k in keys if k))


def _lookup(text: str, table: Mapping[str, str]) -> str | None:
    return next((table[key] for key in _keys(text) if key in table), None)


# --------------------------------------------------------------------------------------------
# problems


@dataclass(frozen=True)
class CaseListProblem:
    """One problem in a case list: its kind, the field, the message and how to fix it.

    :func:`read_case_list` collects every problem it finds and raises them together in one
    :class:`CaseListError` (its ``problems``). ``str(problem)`` is the message. Each parameter
    is also an attribute.

    Parameters
    ----------
    kind : str
        What is wrong, e.g. "missing column", "blank cells", "duplicate case ids".
    field : str
        The toolkit's field it concerns (``case_id``, ``gender``, ...).
    message : str
        The problem in a sentence, naming the export's heading and the rows.
    fix : str
        How to fix it (the command-line option or the change to the export).
    rows : tuple of int, default ()
        The spreadsheet's row numbers (the heading row is row 1 in a plain export).

    Examples
    --------
    >>> import pandas as pd
    >>> export = pd.DataFrame({"Case ID": ["A1", "A1"], "Sex": ["m", "f"], "Disposal": ["YRO", "YRO"],
    ...                        "RoSH": ["low", "high"], "Safety": ["low", "low"]})
    >>> try:
    ...     read_case_list(export, strata=("gender", "rosh"))
    ... except CaseListError as error:
    ...     problem = error.problems[0]
    >>> problem.kind, problem.field, problem.rows
    ('duplicate case ids', 'case_id', (2, 3))
    >>> problem.fix
    'list each case once, or name the right id column with --id-column HEADING'
    """

    kind: str
    field: str
    message: str
    fix: str
    rows: tuple[int, ...] = ()

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict:
        """The problem as a dict.

        Returns
        -------
        dict
            ``kind``, ``field``, ``message``, ``fix`` and ``rows`` (a list).

        Examples
        --------
        >>> CaseListProblem("blank cells", "rosh", "column 'RoSH': 1 blank cell(s), row 4", "fill it",
        ...                 (4,)).to_dict()["rows"]
        [4]
        """
        return {"kind": self.kind, "field": self.field, "message": self.message, "fix": self.fix,
                "rows": list(self.rows)}

    def to_frame(self):
        """The problem as a one-row table, the columns of :meth:`to_dict`.

        Returns
        -------
        pandas.DataFrame
            One row.

        Examples
        --------
        >>> CaseListProblem("blank cells", "rosh", "1 blank", "fill it", (4,)).to_frame()["kind"].tolist()
        ['blank cells']
        """
        import pandas as pd

        return pd.DataFrame([self.to_dict()])


def _rows_text(rows: Sequence[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:_SHOWN_ROWS])
    more = len(rows) - _SHOWN_ROWS
    word = "row" if len(rows) == 1 else "rows"
    return f"{word} {shown}" + (f" and {more} more" if more > 0 else "")


def _raise(problems: list[CaseListProblem], source: str):
    """One CaseListError for every problem: a summary line with the commonest fix, then one each."""
    if len(problems) == 1:
        only = problems[0]
        raise CaseListError(f"{source}: {only.message}; {only.fix}", problems)
    kinds = [p.kind for p in problems]
    commonest = max(dict.fromkeys(kinds), key=kinds.count)
    first = next(p for p in problems if p.kind == commonest)
    count = kinds.count(commonest)
    lead = f"the commonest, {commonest} ({count} of {len(problems)})" if count > 1 else f"first, {commonest}"
    lines = [f"{source}: {len(problems)} problems in the case list, one per line below; {lead}: {first.fix}"]
    lines += [f"  {p.message}; {p.fix}" for p in problems]
    raise CaseListError("\n".join(lines), problems)


# --------------------------------------------------------------------------------------------
# the raw table


@dataclass(frozen=True)
class _Table:
    headings: list[str]
    cells: list[np.ndarray]  # one array of str per column, every row after the heading row
    rows: np.ndarray  # each row's number as the spreadsheet shows it
    source: str
    sha256: str
    description: str
    sheet: str | None
    heading_row: int
    invisible: int = 0  # format characters (zero-width and the like) removed from the cells
    formulas: Mapping[int, tuple[int, ...]] = field(default_factory=dict)  # column: rows of unsaved formulas


def cell_text(value) -> str:
    """A spreadsheet cell's value as text: blank for none, whole numbers without ".0", dates as
    YYYY-MM-DD.

    >>> cell_text(None), cell_text(12.0), cell_text(True)
    ('', '12', 'yes')
    """
    import datetime

    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _heading_score(row: Sequence[str]) -> int:
    """How many fields a row's cells name (a heading row names several)."""
    keys = {key for cell in row for key in _keys(str(cell))}
    return sum(1 for synonyms in HEADINGS.values() if keys.intersection(synonyms))


def _heading_index(rows: Sequence[Sequence[str]]) -> tuple[int, int]:
    """(index, score) of the row among the first few that names the most fields (the first if none)."""
    scores = [_heading_score(row) for row in rows[:_SCAN_ROWS]]
    if not scores or max(scores) < 2:
        return 0, max(scores, default=0)
    best = max(scores)
    return scores.index(best), best


def _columns_of(body: Sequence[Sequence[str]], width: int) -> list[np.ndarray]:
    padded = [list(row[:width]) + [""] * (width - len(row)) for row in body]
    matrix = np.array(padded, dtype=object).reshape(len(padded), width)
    return [matrix[:, j] for j in range(width)]


def _utf16(raw: bytes) -> str | None:
    """The byte order of UTF-16 text (Excel's "Unicode text"): by its byte-order mark, or by the
    NUL bytes that half of ASCII text has in UTF-16; None for other text."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = raw[:2000]
    if len(head) >= 4 and head.count(0) >= len(head) // 3:
        odd, even = head[1::2].count(0), head[0::2].count(0)
        if odd > 3 * max(even, 1):
            return "utf-16-le"
        if even > 3 * max(odd, 1):
            return "utf-16-be"
    return None


def _decode(raw: bytes) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "UTF-8 with BOM"
    wide = _utf16(raw)
    if wide is not None:
        try:
            return raw.decode(wide).lstrip("\ufeff"), "UTF-16 (Excel's Unicode text)"
        except UnicodeDecodeError:
            raise CaseListError("the file looks like UTF-16 text but does not decode as it; save it "
                                "from Excel as CSV UTF-8") from None
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "Windows-1252"


def _sniff(text: str) -> tuple[str, int]:
    """The separator that makes the headings recognisable (comma if none does), and its heading row."""
    head = text.splitlines()[: _SCAN_ROWS]
    best = (",", 0, -1, -1)
    for separator in (",", ";", "\t"):
        rows = list(csv.reader(head, delimiter=separator))
        index, score = _heading_index(rows)
        width = len(rows[index]) if rows else 0
        if (score, width) > (best[2], best[3]):
            best = (separator, index, score, width)
    return best[0], best[1]


_SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


def _read_csv(path: Path, raw: bytes) -> tuple[_Table, list[CaseListProblem]]:
    try:
        text, encoding = _decode(raw)
    except CaseListError as error:
        raise CaseListError(f"{path}: {error}") from None
    try:
        return _parse_csv(path, raw, text, encoding)
    except csv.Error as error:  # Python's csv module refuses a cell over 131,072 characters
        raise CaseListError(f"{path}: cannot read it as CSV ({error}); a cell holds at most "
                            f"{MAX_CELL:,} characters: check that the file is the case list") from None


def _parse_csv(path: Path, raw: bytes, text: str, encoding: str) -> tuple[_Table, list[CaseListProblem]]:
    import pandas as pd

    separator, index = _sniff(text)
    problems: list[CaseListProblem] = []
    try:
        frame = pd.read_csv(io.StringIO(text), sep=separator, header=None, dtype=str, keep_default_na=False,
                            skiprows=index, skip_blank_lines=False, quoting=csv.QUOTE_MINIMAL)
        matrix = frame.to_numpy(dtype=object)
        headings, columns = [str(h) for h in matrix[0]], [matrix[1:, j] for j in range(matrix.shape[1])]
    except pd.errors.ParserError:  # ragged rows: read them one by one and name the long ones
        rows = list(csv.reader(io.StringIO(text), delimiter=separator))[index:]
        headings = [str(h) for h in rows[0]] if rows else []
        for number, row in enumerate(rows[1:], start=index + 2):
            if any(cell.strip() for cell in row[len(headings):]):
                problems.append(CaseListProblem(
                    "ragged row", "", f"row {number} has {len(row)} cells but the heading row has "
                    f"{len(headings)}", "quote values that contain the separator, or export again",
                    (number,)))
        columns = _columns_of(rows[1:], len(headings))
    except pd.errors.EmptyDataError:
        headings, columns = [], []
    count = len(columns[0]) if columns else 0
    description = f"CSV, {_SEPARATOR_NAMES[separator]}-separated, {encoding}"
    digest = hashlib.sha256(raw).hexdigest()
    return _Table(headings, columns, np.arange(count) + index + 2, path.name, digest, description, None,
                  index + 1), problems


def load_workbook(source, *, what: str = "workbook", how: str = "save it from Excel as .xlsx",
                  read_only: bool = True, data_only: bool = True):
    """Open an ``.xlsx`` file with openpyxl, or refuse it in one line: the one door through which
    every workbook the toolkit reads comes in (case lists, plans, answers workbooks).

    Parameters
    ----------
    source : str, Path or bytes
        The file, or its bytes.
    what : str, default "workbook"
        What the file should be, for the message ("plan workbook", "answers workbook").
    how : str
        How to make a good one, for the message.
    read_only, data_only : bool, default True
        As :func:`openpyxl.load_workbook` takes them.

    Returns
    -------
    openpyxl.Workbook
        The workbook; close it when done.

    Raises
    ------
    SamplingError
        For a missing or empty file, a CSV or other file that is not a workbook, or a workbook
        openpyxl cannot read; the message names the file and ``how``.

    Examples
    --------
    >>> try:
    ...     load_workbook(b"case_id,gender\\nA1,m\\n", what="plan workbook", how="make one with plan")
    ... except SamplingError as error:
    ...     print(error)
    (bytes): not a plan workbook: it is text (a CSV file?), not an .xlsx workbook; make one with plan
    """
    import openpyxl

    if isinstance(source, bytes | bytearray):
        name, raw = "(bytes)", bytes(source)
    else:
        path = Path(source)
        name = str(path)
        if not path.exists():
            raise SamplingError(f"{name}: no such file; {how}")
        if not path.is_file():
            raise SamplingError(f"{name}: a folder, not a {what}; {how}")
        raw = path.read_bytes()
    if not raw.strip():
        raise SamplingError(f"{name}: the file is empty, not a {what}; {how}")
    if not raw.startswith(b"PK"):
        kind = "text (a CSV file?)" if _looks_like_text(raw) else "not a zip archive"
        raise SamplingError(f"{name}: not a {what}: it is {kind}, not an .xlsx workbook; {how}")
    try:
        return openpyxl.load_workbook(io.BytesIO(raw), read_only=read_only, data_only=data_only)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise SamplingError(f"{name}: not a {what}: cannot read it as .xlsx "
                            f"({exc.__class__.__name__}); {how}") from None


def _looks_like_text(raw: bytes) -> bool:
    head = raw[:2000]
    if _utf16(head):
        return True
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return not any(b < 9 for b in head)


def _read_xlsx(path: Path, raw: bytes, sheet) -> tuple[_Table, list[CaseListProblem]]:
    try:
        book = load_workbook(raw, what="case list workbook", how="save it from Excel as .xlsx")
    except SamplingError as error:
        raise CaseListError(str(error).replace("(bytes)", str(path), 1)) from None
    try:
        name, rows = _pick_sheet(book, sheet, path)
    finally:
        book.close()
    index, _ = _heading_index(rows)
    headings = [str(h) for h in rows[index]] if rows else []
    problems, formulas = _unsaved_formulas(raw, name, rows, headings)
    columns = _columns_of(rows[index + 1:], len(headings))
    count = len(columns[0]) if columns else max(len(rows) - index - 1, 0)
    names = book.sheetnames
    how = "the only sheet" if len(names) == 1 else (
        "as asked" if sheet is not None else "the one with the case columns; sheets: " + ", ".join(names))
    return _Table(headings, columns, np.arange(count) + index + 2, path.name, hashlib.sha256(raw).hexdigest(),
                  f"XLSX, sheet {name!r} ({how})", name, index + 1, 0, formulas), problems


def _unsaved_formulas(raw: bytes, name: str, rows, headings) -> tuple[list[CaseListProblem], dict]:
    """Formula cells whose value was never saved (a workbook written by a program, not by Excel):
    read as values they are blank, so each is named rather than read as a blank cell."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        if not any(b"<f" in archive.read(member) for member in archive.namelist()
                   if member.startswith("xl/worksheets/") and member.endswith(".xml")):
            return [], {}
    book = load_workbook(raw, data_only=False)
    try:
        found: dict[int, list[int]] = {}
        for r, row in enumerate(book[name].iter_rows(min_row=1, values_only=False)):
            for c, cell in enumerate(row):
                if getattr(cell, "data_type", None) == "f" and r < len(rows) and c < len(rows[r]) \
                        and rows[r][c] == "":
                    found.setdefault(c, []).append(r + 1)
    finally:
        book.close()
    problems = []
    for c, numbers in sorted(found.items()):
        heading = headings[c] if c < len(headings) and headings[c] else f"column {c + 1}"
        problems.append(CaseListProblem(
            "formulas with no saved value", "", f"column {heading!r}: {len(numbers)} formula cell(s) with no "
            f"saved value (not blank: their values were never computed), {_rows_text(numbers)}",
            "open the file in Excel and save it, or paste the values in place of the formulas",
            tuple(numbers)))
    return problems, {c: tuple(numbers) for c, numbers in found.items()}


def _sheet_rows(worksheet, limit: int | None = None) -> list[list[str]]:
    worksheet.reset_dimensions()
    rows = worksheet.iter_rows(min_row=1, max_row=limit, values_only=True)
    return [[cell_text(v) for v in row] for row in rows]


def _pick_sheet(book, sheet, path: Path) -> tuple[str, list[list[str]]]:
    """The asked sheet (by name, any case, or 1-based number), else the one naming the most fields."""
    names = book.sheetnames
    if sheet is not None:
        wanted = str(sheet).strip()
        match = next((n for n in names if n == wanted), None) or next(
            (n for n in names if n.casefold() == wanted.casefold()), None)
        if match is None and wanted.isdigit() and 1 <= int(wanted) <= len(names):
            match = names[int(wanted) - 1]
        if match is None:
            raise CaseListError(f"{path}: --sheet {wanted!r}: no such sheet; sheets: " + ", ".join(names))
        return match, _sheet_rows(book[match])
    scores = [_heading_index(_sheet_rows(book[name], _SCAN_ROWS))[1] for name in names]
    best = names[scores.index(max(scores))]
    return best, _sheet_rows(book[best])


def _clean_cells(table: _Table, problems: list[CaseListProblem]) -> _Table:
    """Every heading and cell as the toolkit compares text (:mod:`sampling._text`): NFC, format
    characters removed (counted), a CSV's neutralising quote taken off (not a workbook's); control
    characters and cells too long for a workbook are problems naming their row and column."""
    import pandas as pd

    invisible = 0
    headings = []
    # only a CSV file is neutralised when written: a workbook's text cell "'=1+1" is that text
    unquote = restore if table.sheet is None else str
    for j, heading in enumerate(table.headings):
        text, removed = clean(unquote(str(heading)))
        invisible += removed
        bad = control_characters(text)
        if bad:
            problems.append(CaseListProblem(
                "control characters", "", f"heading of column {j + 1} holds control character(s) "
                f"{', '.join(bad)}", "remove them from the export (they are invisible in Excel)",
                (table.heading_row,)))
        headings.append(text)
    cells = []
    for j, column in enumerate(table.cells):
        codes, uniques = pd.factorize(np.asarray(column, dtype=object))
        counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
        cleaned, long_codes, control_codes, seen = [], [], [], []
        for code, value in enumerate(uniques):
            text = unquote(str(value))
            if len(text) > MAX_CELL:
                long_codes.append(code)
                text = text[:MAX_CELL]
            text, removed = clean(text)
            invisible += removed * int(counts[code])
            bad = control_characters(text)
            if bad:
                control_codes.append(code)
                seen += bad
            cleaned.append(text)
        long_rows = table.rows[np.isin(codes, long_codes)].tolist() if long_codes else []
        control_rows = table.rows[np.isin(codes, control_codes)].tolist() if control_codes else []
        name = headings[j] if j < len(headings) and headings[j].strip() else f"column {j + 1}"
        if long_rows:
            rows = sorted(long_rows)
            problems.append(CaseListProblem(
                "cells too long", "", f"column {name!r}: {len(rows)} cell(s) longer than {MAX_CELL:,} "
                f"characters, {_rows_text(rows)}", "check that the file is the case list export; a "
                "workbook cell holds at most 32,767 characters", tuple(rows)))
        if control_rows:
            rows = sorted(control_rows)
            problems.append(CaseListProblem(
                "control characters", "", f"column {name!r}: {len(rows)} cell(s) hold control character(s) "
                f"{', '.join(dict.fromkeys(seen))}, {_rows_text(rows)}",
                "remove them from the export (they are invisible in Excel)", tuple(rows)))
        values = np.array(cleaned + [""], dtype=object)
        cells.append(values[codes])
    return _Table(headings, cells, table.rows, table.source, table.sha256, table.description, table.sheet,
                  table.heading_row, invisible, table.formulas)


def _read_file(path, sheet) -> tuple[_Table, list[CaseListProblem]]:
    table, problems = _read_raw(path, sheet)
    return _clean_cells(table, problems), problems


def _read_raw(path, sheet) -> tuple[_Table, list[CaseListProblem]]:
    path = Path(path)
    if not path.exists():
        raise CaseListError(f"{path}: no such file")
    if not path.is_file():
        raise CaseListError(f"{path}: not a file")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        kind = suffix or "(none)"
        raise CaseListError(f"{path}: unknown file type {kind!r}; give a .csv or .xlsx case list")
    raw = path.read_bytes()
    if not raw.strip():
        raise CaseListError(f"{path}: the file is empty")
    if suffix == ".xlsx":
        return _read_xlsx(path, raw, sheet)
    if raw.startswith(b"PK\x03\x04"):
        raise CaseListError(f"{path}: an Excel workbook named .csv; rename it to .xlsx")
    if sheet is not None:
        raise CaseListError(f"{path}: --sheet is for .xlsx workbooks; a CSV file has one table")
    return _read_csv(path, raw)


def _from_frame(frame, problems: list[CaseListProblem]) -> _Table:
    """A DataFrame read as if it were a sheet with its column names on row 1."""
    text = frame.to_csv(index=False)
    cells = [np.array([cell_text(v) if v == v else "" for v in frame.iloc[:, j].tolist()], dtype=object)
             for j in range(frame.shape[1])]
    table = _Table([str(c) for c in frame.columns], cells, np.arange(len(frame)) + 2, "(DataFrame)",
                   hashlib.sha256(text.encode()).hexdigest(), "a pandas DataFrame", None, 1)
    return _clean_cells(table, problems)


# --------------------------------------------------------------------------------------------
# headings to fields


def parse_columns(text: str | None) -> dict[str, str]:
    """``--columns field=Heading,...`` as a mapping; a heading may itself contain commas.

    >>> parse_columns("case_id=Ref, gender=Sex, or gender, rosh=RoSH")
    {'case_id': 'Ref', 'gender': 'Sex, or gender', 'rosh': 'RoSH'}
    """
    if text is None or not text.strip():
        return {}
    parts = re.split(r",(?=\s*[A-Za-z_][\w\- ]*=)", text)
    result = {}
    for part in parts:
        name, equals, heading = part.partition("=")
        if not equals or not name.strip() or not heading.strip():
            raise SamplingError("--columns: expected field=Heading pairs such as "
                                f"case_id=Case Ref,gender=Sex, got {part.strip()!r}")
        result[name.strip()] = heading.strip()
    return result


def parse_blank_as(texts) -> str | dict[str, str] | None:
    """``--blank-as`` as ``read_case_list`` takes it: one name for every balancing variable, or
    ``variable=name`` pairs (the option may be repeated).

    >>> parse_blank_as(["not recorded"]), parse_blank_as(["rosh=not recorded", "gender=Unknown"])
    ('not recorded', {'rosh': 'not recorded', 'gender': 'Unknown'})
    """
    if not texts:
        return None
    texts = [texts] if isinstance(texts, str) else list(texts)
    pairs = [t for t in texts if re.match(r"^\s*[A-Za-z_]+\s*=", t)]
    if not pairs:
        if len(texts) > 1:
            raise SamplingError("--blank-as: give one name for every balancing variable, or variable=name "
                                "pairs such as rosh='not recorded'")
        return texts[0]
    if len(pairs) < len(texts):
        raise SamplingError("--blank-as: mix no plain name with variable=name pairs; give "
                            "rosh='not recorded' for each column")
    result = {}
    for text in pairs:
        name, _, category = text.partition("=")
        if not category.strip():
            raise SamplingError(f"--blank-as: {text!r} names no category; e.g. rosh='not recorded'")
        result[name.strip()] = category.strip().strip("'\"")
    return result


def parse_disposal_domains(text: str | None) -> dict[str, str]:
    """``--disposal-domain 'Type=court,Other type=out-of-court'`` as a mapping.

    >>> parse_disposal_domains("Triage=out-of-court, Bail support=court")
    {'Triage': 'out_of_court', 'Bail support': 'court'}
    """
    if text is None or not text.strip():
        return {}
    result = {}
    for part in text.split(","):
        name, equals, domain = part.rpartition("=")
        place = _lookup(domain, DOMAIN_WORDS) if equals else None
        if not name.strip() or place is None:
            raise SamplingError(f"--disposal-domain: expected Disposal type=court or =out-of-court, "
                                f"got {part.strip()!r}")
        result[name.strip()] = place
    return result


def _field_name(name: str, known: Sequence[str]) -> str | None:
    key = normalise_heading(name)
    return next((f for f in known if normalise_heading(f) == key), None)


def _find_heading(headings: list[str], wanted: str) -> list[int]:
    exact = [i for i, h in enumerate(headings) if h.strip() == wanted.strip()]
    return exact or [i for i, h in enumerate(headings) if normalise_heading(h) == normalise_heading(wanted)]


def _override(headings, columns, fields, taken, problems) -> dict[str, int]:
    """The fields named with ``columns``; unknown fields and headings are problems."""
    mapping = {}
    for name, heading in columns.items():
        target = _field_name(name, fields)
        if target is None:
            raise SamplingError(f"columns: unknown field {name!r}; the fields are " + ", ".join(fields))
        found = [i for i in _find_heading(headings, heading) if i not in taken]
        if not found:
            problems.append(CaseListProblem(
                "unknown heading", target,
                f"--columns {target}={heading!r}: no such heading; headings found: "
                + ", ".join(repr(h) for h in headings),
                "copy the heading as the export's heading row shows it"))
            continue
        mapping[target] = found[0]
        taken.add(found[0])
    return mapping


def _guess(headings, target, synonyms, taken) -> tuple[int | None, list[int]]:
    """The heading matching the best-ranked synonym, and any others tied with it."""
    ranks = {}
    for i, heading in enumerate(headings):
        if i in taken:
            continue
        found = [synonyms.index(k) for k in _keys(heading) if k in synonyms]
        if found:
            ranks[i] = min(found)
    if not ranks:
        return None, []
    best = min(ranks.values())
    tied = [i for i, rank in ranks.items() if rank == best]
    return tied[0], tied


def _missing_fix(target: str, strata: Sequence[str]) -> str:
    if target == "case_id":
        return "name the case id column with --id-column HEADING (or --columns case_id=HEADING)"
    fix = f"name it with --columns {target}=HEADING"
    if target in strata:
        others = ",".join(s for s in strata if s != target)
        fix += f", or balance without it with --strata {others}" if others else ""
    return fix


def _map_headings(headings, columns, strata, problems, given_domain=None) -> dict[str, int]:
    """Each field's column index: given ones first, then the best synonym; missing ones are problems."""
    fields = tuple(dict.fromkeys((*FIELDS, *strata)))
    taken: set[int] = set()
    mapping = _override(headings, columns or {}, fields, taken, problems)
    for target in fields:
        if target in mapping:
            continue
        synonyms = HEADINGS.get(target, (normalise_heading(target),))
        index, tied = _guess(headings, target, synonyms, taken)
        if len(tied) > 1:
            names = " and ".join(repr(headings[i]) for i in tied)
            problems.append(CaseListProblem("ambiguous heading", target, f"{names} could each be {target}",
                                            f"choose one with --columns {target}=HEADING"))
        if index is not None:
            mapping[target] = index
            taken.add(index)
    required = ["case_id", *strata] + ([] if "domain" in mapping or given_domain else ["disposal_type"])
    for target in dict.fromkeys(required):
        if target not in mapping:
            what = "the domain is read from it when there is no domain column" if target == "disposal_type" \
                and target not in strata else "needed"
            problems.append(CaseListProblem(
                "missing column", target, f"no column for {target} ({what}); headings found: "
                + ", ".join(repr(h) for h in headings), _missing_fix(target, strata)))
    return mapping


# --------------------------------------------------------------------------------------------
# values


class _Column:
    """One column as codes into its distinct values, so that 250,000 rows cost a few thousand."""

    def __init__(self, values: np.ndarray, rows: np.ndarray):
        import pandas as pd

        codes, uniques = pd.factorize(np.asarray(values, dtype=object))
        self.codes = codes
        self.rows = rows
        self.trimmed = [" ".join(str(u).split()) for u in uniques]

    def fill_blank(self, category: str) -> _Column:
        """The column with its blank cells holding ``category``."""
        part = object.__new__(_Column)
        blank = self.blank()
        part.trimmed = [*self.trimmed, category]
        part.codes = np.where(blank, len(self.trimmed), self.codes)
        part.rows = self.rows
        return part

    def subset(self, keep: np.ndarray) -> _Column:
        part = object.__new__(_Column)
        part.codes, part.rows, part.trimmed = self.codes[keep], self.rows[keep], self.trimmed
        return part

    def per_row(self, per_value: Sequence, dtype=object) -> np.ndarray:
        return np.asarray(per_value, dtype=dtype)[self.codes]

    def blank(self) -> np.ndarray:
        return self.per_row([t == "" for t in self.trimmed], dtype=bool)

    def rows_where(self, per_value_mask: Sequence[bool]) -> list[int]:
        return self.rows[self.per_row(per_value_mask, dtype=bool)].tolist()

    def _label_of(self, synonyms) -> tuple[list[str], list[tuple[str, str, int]]]:
        """Each distinct value's category in its commonest spelling (ties: the first in sorted
        order), spellings that ``synonyms`` (normalised spelling to category) names alike being
        one; and the synonyms folded: (spelling, the category it joined, cases), for the audit."""
        counts = np.bincount(self.codes[self.codes >= 0], minlength=len(self.trimmed))
        keys = []
        for text in self.trimmed:
            found = _lookup(text, synonyms) if synonyms and text else None
            keys.append(f"={found}" if found else fold(text))  # a synonym's category, else the text folded
        tally: dict[str, dict[str, int]] = {}
        for text, key, count in zip(self.trimmed, keys, counts, strict=True):
            spellings = tally.setdefault(key, {})
            spellings[text] = spellings.get(text, 0) + int(count)
        label = {key: min(s, key=lambda t, s=s: (-s[t], t)) for key, s in tally.items()}
        folded: dict[tuple[str, str], int] = {}
        first: dict[tuple[str, str], str] = {}
        for text, key, count in zip(self.trimmed, keys, counts, strict=True):
            if count and fold(text) != fold(label[key]):  # another word for it, not another spelling
                name = (fold(text), label[key])
                folded[name] = folded.get(name, 0) + int(count)
                first.setdefault(name, text)
        return [label[key] for key in keys], sorted((first[name], name[1], n) for name, n in folded.items())


def _values_problem(kind, target, heading, column, bad: list[bool], what: str, fix: str):
    """A problem naming each bad distinct value with its count and first rows."""
    rows = column.rows_where(bad)
    values = [t for t, b in zip(column.trimmed, bad, strict=True) if b]
    shown = []
    for value in values[:_SHOWN_ROWS]:
        where = column.rows_where([t == value for t in column.trimmed])
        shown.append(f"{value!r} ({_rows_text(where)})")
    more = f" and {len(values) - _SHOWN_ROWS} more" if len(values) > _SHOWN_ROWS else ""
    return CaseListProblem(kind, target, f"column {heading!r} ({target}): {len(rows)} {what}: "
                           + ", ".join(shown) + more, fix, tuple(rows))


def _check_blanks(target, heading, column, strata, problems, formulas=()) -> None:
    blank = column.blank() & ~np.isin(column.rows, list(formulas))  # unsaved formulas are named apart
    if blank.any():
        rows = column.rows[blank].tolist()
        fix = "fill them in the export, or leave those cases out"
        if target in strata and len(strata) > 1:
            fix += " (or balance without it with --strata " + ",".join(s for s in strata if s != target) + ")"
        problems.append(CaseListProblem("blank cells", target, f"column {heading!r} ({target}): "
                                        f"{len(rows)} blank cell(s), {_rows_text(rows)}", fix, tuple(rows)))


def _check_ids(heading, column, problems) -> np.ndarray:
    """The trimmed ids; ids repeated (after trimming) are one problem listing each with its rows."""
    import pandas as pd

    ids = column.per_row(column.trimmed)
    _check_alike_ids(heading, column, problems)
    repeated = pd.Series(ids).duplicated(keep=False).to_numpy() & ~column.blank()
    if repeated.any():
        groups = pd.Series(column.rows[repeated]).groupby(ids[repeated], sort=False).agg(list)
        shown = [f"{case!r} ({_rows_text(rows)})" for case, rows in list(groups.items())[:_SHOWN_ROWS]]
        more = f" and {len(groups) - _SHOWN_ROWS} more" if len(groups) > _SHOWN_ROWS else ""
        problems.append(CaseListProblem(
            "duplicate case ids", "case_id",
            f"column {heading!r} (case_id): {len(groups)} case id(s) appear more "
            "than once (surrounding spaces ignored): " + ", ".join(shown) + more,
            "list each case once, or name the right id column with --id-column HEADING",
            tuple(column.rows[repeated].tolist())))
    return ids


def _alike_groups(values: Sequence[str], key) -> list[list[str]]:
    """Groups of two or more distinct non-blank values that ``key`` makes equal."""
    groups: dict[str, list[str]] = {}
    for value in dict.fromkeys(values):
        if value:
            groups.setdefault(key(value), []).append(value)
    return [group for group in groups.values() if len(group) > 1]


def _alike_text(column: _Column, groups: list[list[str]]) -> tuple[str, list[int]]:
    shown, rows = [], []
    for group in groups:
        parts = []
        for value in group:
            where = column.rows_where([t == value for t in column.trimmed])
            rows += where
            parts.append(f"{ascii(value)} ({_rows_text(where)})")
        shown.append(" and ".join(parts))
    more = f"; and {len(groups) - _SHOWN_ROWS} more" if len(groups) > _SHOWN_ROWS else ""
    return "; ".join(shown[:_SHOWN_ROWS]) + more, sorted(rows)


def _check_alike_ids(heading, column, problems) -> None:
    """Ids that print alike but differ (in case, spacing, invisible or look-alike letters): one
    problem listing each group."""
    groups = _alike_groups(column.trimmed, lambda t: looks(t))
    if groups:
        text, rows = _alike_text(column, groups)
        problems.append(CaseListProblem(
            "case ids that differ only in case or look-alike letters", "case_id",
            f"column {heading!r} (case_id): {len(groups)} group(s) of case ids that print alike: {text}",
            "make each case's id unique in the export, or name the right id column with --id-column HEADING",
            tuple(rows)))


def _check_alike_categories(target, heading, column, problems) -> None:
    """Two categories that fold differently but would print alike (a Cyrillic letter for a Latin
    one, a full-width letter): one problem listing each group."""
    groups = _alike_groups([fold(t) for t in column.trimmed], looks)
    if groups:
        spelled = {}
        for text in column.trimmed:
            spelled.setdefault(fold(text), text)
        text, rows = _alike_text(column, [[spelled[g] for g in group] for group in groups])
        problems.append(CaseListProblem(
            "categories that print alike", target,
            f"column {heading!r} ({target}): {len(groups)} group(s) of different categories that print "
            f"alike: {text}", "write each category one way in the export (retype the odd ones)", tuple(rows)))


def _parse_date(text: str):
    import datetime

    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def _dates(heading, column, problems) -> np.ndarray:
    parsed = [None if t == "" else _parse_date(t) for t in column.trimmed]
    bad = [t != "" and p is None for t, p in zip(column.trimmed, parsed, strict=True)]
    if any(bad):
        problems.append(_values_problem("dates that do not parse", "date", heading, column, bad,
                                        "date(s) do not parse", "write dates as YYYY-MM-DD or DD/MM/YYYY"))
    values = np.array([np.datetime64(p, "ns") if p is not None else np.datetime64("NaT",
                                                                                  "ns") for p in parsed],
                      dtype="datetime64[ns]")
    return values[column.codes] if len(values) else np.array([], dtype="datetime64[ns]")


def _domain_from_column(heading, column, problems) -> np.ndarray:
    places = [_lookup(t, DOMAIN_WORDS) if t else "" for t in column.trimmed]
    bad = [p is None for p in places]
    if any(bad):
        problems.append(_values_problem(
            "unknown domains", "domain", heading, column, bad, "value(s) neither court nor out-of-court",
            "write court, out-of-court (OOCD) or resettlement there, or name another column with "
            "--columns domain=HEADING"))
    return column.per_row(places)


def _domain_from_disposal(heading, column, extra: Mapping[str, str], problems) -> tuple[np.ndarray, dict]:
    table = {**DISPOSAL_DOMAINS, **{normalise_heading(k): v for k, v in extra.items()}}
    user = {normalise_heading(k): v for k, v in extra.items()}
    places = [(_lookup(t, user) or _lookup(t, table)) if t else "" for t in column.trimmed]
    bad = [p is None for p in places]
    if any(bad):
        # the first that the option can carry as typed: printable, and no quote, comma or "="
        example = next((t for t, b in zip(column.trimmed, bad, strict=True)
                        if b and t.isprintable() and not set(t) & set("',=")), "TYPE")
        problems.append(_values_problem(
            "disposal types with no domain", "disposal_type", heading, column, bad,
            "case(s) whose disposal type is not known to be court or out-of-court",
            f"say which with --disposal-domain '{example}=court' (or =out-of-court), or add a domain column"))
    found = {}
    for text, place in zip(column.trimmed, places, strict=True):
        if text and place:
            found.setdefault(text.casefold(), (text, place))
    return column.per_row(places), dict(found.values())


def _resettlement(heading, column, problems) -> np.ndarray:
    flags = [t.casefold() in _YES if t.casefold() not in _NO else False for t in column.trimmed]
    bad = [t.casefold() not in _YES and t.casefold() not in _NO for t in column.trimmed]
    if any(bad):
        problems.append(_values_problem("unknown resettlement flags", "resettlement", heading, column, bad,
                                        "value(s) neither yes nor no", "write yes or no (a blank is no)"))
    return column.per_row(flags, dtype=bool)


# --------------------------------------------------------------------------------------------
# the case list


@dataclass(frozen=True)
class CaseList:
    """A case list read from an export, with the mapping and checks that produced it.

    ``frame`` has one row per case and the columns ``case_id``, ``domain`` (court, out_of_court
    or resettlement), ``gender``, ``disposal_type``, ``rosh``, ``safety_wellbeing`` (each
    category in its commonest spelling; None where the export has no such column), ``date``
    (datetime; NaT where absent), ``row`` (the row number the spreadsheet shows), then any other
    balancing variable and every other column of the export under its own heading. ``mapping``
    gives each field's heading (None when absent); ``domain_from`` says whether the domain came
    from a column or from the disposal type, and ``disposal_domains`` which domain each disposal
    type found was placed in. Made by :func:`read_case_list`; each parameter is also an
    attribute.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per case, in the columns above.
    source : str
        The file read ("(DataFrame)" for a frame).
    sha256 : str
        The SHA-256 of the file's bytes (of the frame's headings and cells for a frame).
    description : str
        The format found, e.g. "CSV, UTF-8, comma separated".
    sheet : str or None
        The workbook's sheet read (None for CSV and frames).
    heading_row : int
        The row number of the heading row.
    mapping : dict
        Field to the export's heading (None when absent).
    domain_from : {"column", "disposal_type"}
        Where each case's domain came from.
    disposal_domains : dict
        Disposal type to domain, for the types found (when the domain came from them).
    strata : tuple of str
        The balancing variables.
    skipped_rows : tuple of int, default ()
        Rows with no value at all, left out.
    extras : tuple of str, default ()
        The export's other headings, kept as columns under their own names.
    invisible : int, default 0
        Invisible format characters (zero-width spaces and the like) removed from the cells.
    footer_rows : tuple of int, default ()
        The export's footer lines ("Total records: 180") after the cases, left out.
    folded : tuple of tuple, default ()
        Each other word for a category that was folded into it: (field, spelling, category,
        cases), by ``value_synonyms``.
    notes : tuple of str, default ()
        What a methodologist should know: blank cells balanced as a category, categories that
        say the value is unknown.
    blank_as : mapping of str to str, default {}
        The balancing variables whose blank cells were balanced as a category, and its name.

    Examples
    --------
    >>> from sampling.synthetic import messy_case_list
    >>> cases = read_case_list(messy_case_list(300, rng=1))
    >>> cases.rows, cases.domain_from, cases.heading_row, cases.extras
    (300, 'column', 1, ('Team',))
    >>> cases.frame.columns.tolist()[:6]
    ['case_id', 'domain', 'gender', 'disposal_type', 'rosh', 'safety_wellbeing']
    """

    frame: object
    source: str
    sha256: str
    description: str
    sheet: str | None
    heading_row: int
    mapping: dict
    domain_from: str
    disposal_domains: dict
    strata: tuple[str, ...]
    skipped_rows: tuple[int, ...] = ()
    extras: tuple[str, ...] = field(default=())
    invisible: int = 0
    footer_rows: tuple[int, ...] = ()
    folded: tuple[tuple[str, str, str, int], ...] = ()
    notes: tuple[str, ...] = ()
    blank_as: Mapping[str, str] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        """The number of cases (empty rows skipped).

        Examples
        --------
        >>> from sampling.synthetic import messy_case_list
        >>> read_case_list(messy_case_list(300, rng=1)).rows
        300
        """
        return len(self.frame)

    def domains(self) -> dict[str, int]:
        """Cases per domain, in the order court, out_of_court, resettlement (absent ones left out).

        Returns
        -------
        dict of str to int
            The number of cases in each domain present.

        Examples
        --------
        >>> from sampling.synthetic import messy_case_list
        >>> read_case_list(messy_case_list(300, rng=1)).domains()
        {'court': 127, 'out_of_court': 173}
        """
        counts = self.frame["domain"].value_counts()
        return {name: int(counts[name]) for name in DOMAIN_NAMES if name in counts.index}

    def categories(self) -> dict[str, dict[str, int]]:
        """Each balancing variable's categories (as shown) with their counts, in sorted order.

        Returns
        -------
        dict of str to dict of str to int
            Per balancing variable, each category's number of cases.

        Examples
        --------
        >>> from sampling.synthetic import messy_case_list
        >>> read_case_list(messy_case_list(300, rng=1)).categories()["gender"]
        {'Female': 43, 'Male': 257}
        """
        result = {}
        for name in self.strata:
            counts = self.frame[name].value_counts()
            result[name] = {str(k): int(counts[k]) for k in sorted(counts.index, key=str)}
        return result

    def to_frame(self):
        """A copy of the cases, one row per case.

        Returns
        -------
        pandas.DataFrame
            A copy of ``frame``, safe to change.

        Examples
        --------
        >>> from sampling.synthetic import messy_case_list
        >>> read_case_list(messy_case_list(300, rng=1)).to_frame().loc[0, "case_id"]
        'YJ-00040'
        """
        return self.frame.copy()

    def _repr_html_(self) -> str:
        return self.frame.head(20)._repr_html_()

    def to_dict(self) -> dict:
        """What was read, as ``--json`` prints it (without the cases themselves).

        Returns
        -------
        dict
            ``source``, ``sha256``, ``rows``, ``description``, ``mapping``, ``domain_from``,
            ``disposal_domains``, ``domains``, ``categories`` and ``skipped_rows``.

        Examples
        --------
        >>> from sampling.synthetic import messy_case_list
        >>> data = read_case_list(messy_case_list(300, rng=1)).to_dict()
        >>> data["rows"], data["mapping"]["case_id"], data["domains"]
        (300, 'Case Ref', {'court': 127, 'out_of_court': 173})
        """
        return {"source": self.source, "sha256": self.sha256, "rows": self.rows,
                "description": self.description, "mapping": dict(self.mapping),
                "domain_from": self.domain_from,
                "disposal_domains": dict(self.disposal_domains), "domains": self.domains(),
                "categories": self.categories(), "skipped_rows": list(self.skipped_rows)}

    def audit_rows(self) -> list[tuple[str, object]]:
        """(field, value) rows describing what was read, for a plan's audit sheet.

        Returns
        -------
        list of tuple
            (field, value) pairs: the file, its SHA-256, format and heading row, the rows read
            and skipped, the invisible characters removed, each field's heading, where the domain
            came from and each balancing variable's categories.

        Examples
        --------
        >>> from sampling.synthetic import messy_case_list
        >>> rows = read_case_list(messy_case_list(300, rng=1)).audit_rows()
        >>> rows[0], rows[4], rows[6], rows[8]  # doctest: +NORMALIZE_WHITESPACE
        (('input file', '(DataFrame)'), ('input rows', 300), ('invisible characters removed', 0),
         ('column case_id', 'Case Ref'))
        """
        rows: list[tuple[str, object]] = [
            ("input file", self.source), ("input SHA-256", self.sha256), ("input format", self.description),
            ("heading row", self.heading_row), ("input rows", self.rows),
            ("skipped empty rows", _ranges(self.skipped_rows) or "none"),
            ("invisible characters removed", self.invisible),
            ("skipped footer rows", _ranges(self.footer_rows) or "none")]
        rows += [(f"blank as {name}", category) for name, category in self.blank_as.items()]
        rows += [(f"values folded {name}", f"{spelling!r} as {category!r} ({n})")
                 for name, spelling, category, n in self.folded]
        for name in (*FIELDS, *(s for s in self.strata if s not in FIELDS)):
            heading = self.mapping.get(name)
            rows.append((f"column {name}", "(none)" if heading is None else heading))
        source = {"column": f"column {self.mapping['domain']!r}", "given": "the list (one sample)"}.get(
            self.domain_from, "the disposal type (mapping below)")
        rows.append(("domain from", source))
        if self.domain_from == "disposal_type":
            rows += [(f"domain of {text!r}", place) for text, place in sorted(self.disposal_domains.items())]
        for name, counts in self.categories().items():
            rows.append((f"categories {name}", ", ".join(f"{k} ({v})" for k, v in counts.items())))
        return rows


def _ranges(rows: Sequence[int]) -> str:
    """2, 3, 4, 9 -> '2-4, 9'."""
    parts, start, previous = [], None, None
    for row in list(rows) + [None]:
        if start is not None and (row is None or row != previous + 1):
            parts.append(str(start) if start == previous else f"{start}-{previous}")
            start = None
        if row is not None and start is None:
            start = row
        previous = row
    return ", ".join(parts)


def read_case_list(
    source,
    *,
    columns: Mapping[str, str] | None = None,
    sheet: str | int | None = None,
    disposal_domains: Mapping[str, str] | None = None,
    strata: Sequence[str] = DEFAULT_STRATA,
    dates_required: bool = False,
    domain: str | None = None,
    blank_as: str | Mapping[str, str] | None = None,
    values=None,
) -> CaseList:
    """Read a case-list export, map its headings, normalise its values and place each case.

    Parameters
    ----------
    source : str, Path or pandas.DataFrame
        A ``.csv`` file (UTF-8 with or without a byte-order mark, or Windows-1252; comma,
        semicolon or tab separated, found from the headings), an ``.xlsx`` workbook, or a
        DataFrame whose column names are the headings. The heading row may follow a few title
        rows.
    columns : mapping of str to str, optional
        Field to heading, overriding the recognised headings, e.g. ``{"case_id": "Ref"}``.
    sheet : str or int, optional
        The workbook's sheet (its name, or its number from 1). By default, the sheet whose
        headings name the most fields (the first if none does).
    disposal_domains : mapping of str to str, optional
        Disposal type to domain, added to (and overriding) :data:`DISPOSAL_DOMAINS`, e.g.
        ``{"Triage": "out-of-court"}``; used when there is no domain column.
    strata : sequence of str, default DEFAULT_STRATA
        The balancing variables; each must have a column with no blank cell. Empty only with
        ``domain`` (a list drawn at random, without balancing).
    dates_required : bool, default False
        Whether every case needs a date (for recency); otherwise blank dates are allowed.
    domain : str, optional
        Every case's domain, for a list that is one sample as a whole, such as the 2025
        programme's victims' cases (``"victims"``): no domain column or disposal type is then
        needed, and one in the file is kept as it is. One of :data:`DOMAIN_NAMES`.
    blank_as : str or mapping of str to str, optional
        Balance blank cells as a category of their own: a name for every balancing variable
        ("not recorded"), or variable to name (``{"rosh": "not recorded"}``). Recorded in the
        audit. By default a blank cell in a balancing column is a problem.
    values : mapping or path, optional
        More spellings of one category (a mapping, or a TOML file, of the shape of
        ``value_synonyms``'s bundled table), added to the bundled ones.

    Returns
    -------
    CaseList
        The cases under the toolkit's field names, with the mapping and checks that produced
        them.

    Raises
    ------
    SamplingError
        For a source that is neither a path nor a DataFrame, a disposal domain that is neither
        court nor out-of-court, or bad strata.
    CaseListError
        With every problem found in ``problems``: missing, unknown or ambiguous headings, blank
        cells (count and first rows per column), case ids repeated (surrounding spaces ignored),
        dates that do not parse, domains neither court nor out-of-court, disposal types that
        cannot be placed, resettlement flags neither yes nor no, rows longer than the heading row.
        Rows with no value at all (an Excel export's trailing ",,,," rows) are skipped and
        listed in ``skipped_rows``.

    Examples
    --------
    >>> from sampling.synthetic import messy_case_list
    >>> cases = read_case_list(messy_case_list(300, rng=1))
    >>> cases.mapping["gender"], cases.domains()
    ('Sex', {'court': 127, 'out_of_court': 173})
    >>> cases.categories()["gender"]  # "Male", "male " and "MALE" are one category
    {'Female': 43, 'Male': 257}
    """
    import pandas as pd

    extra = {}
    for name, place in (disposal_domains or {}).items():
        extra[name] = _lookup(str(place), DOMAIN_WORDS)
        if extra[name] is None:
            raise SamplingError(f"disposal_domains: {name!r} must go to court or out-of-court, got {place!r}")
    if isinstance(source, pd.DataFrame):
        problems = []
        table = _from_frame(source, problems)
    elif isinstance(source, (str, Path)):
        table, problems = _read_file(source, sheet)
    else:
        raise SamplingError("source must be a .csv or .xlsx path or a pandas DataFrame, "
                            f"got {type(source).__name__}")
    strata = _check_strata(strata, allow_none=domain is not None)
    if domain is not None and domain not in DOMAIN_NAMES:
        raise SamplingError(f"domain must be one of {', '.join(DOMAIN_NAMES)}, got {domain!r}")
    if not table.headings or not any(h.strip() for h in table.headings):
        raise CaseListError(f"{table.source}: no heading row found; the first row should name the columns")
    if isinstance(blank_as, str):
        if not blank_as.strip():
            raise SamplingError("blank_as: give the category's name for blank cells, e.g. 'not recorded'")
        blank_as = dict.fromkeys(strata, " ".join(blank_as.split()))
    return _interpret(table, problems, columns, extra, strata, dates_required, domain, values,
                      dict(blank_as or {}))


def _check_strata(strata, allow_none: bool = False) -> tuple[str, ...]:
    if isinstance(strata, str):
        strata = strata.split(",")
    named = [s.strip() for s in strata if s and s.strip()]
    strata = tuple(dict.fromkeys(named))
    if len(strata) < len(named):
        twice = next(s for s in strata if named.count(s) > 1)
        raise SamplingError(f"strata: {twice!r} is named twice; name each balancing variable once, "
                            f"e.g. --strata {','.join(strata)}")
    if not strata and not allow_none:
        raise SamplingError("strata must name at least one balancing variable, e.g. gender,disposal_type")
    reserved = {"case_id", "domain", "date", "resettlement", "row"}.intersection(strata)
    if reserved:
        raise SamplingError(f"strata: {', '.join(sorted(reserved))} cannot be balanced on; "
                            "use the balancing variables, e.g. gender,disposal_type,rosh,safety_wellbeing")
    return strata


_FOOTER = re.compile(r"^\s*(grand total|totals?|count|number of|no\.? of|records?|rows?|end of|report|"
                     r"generated|printed|produced|extracted|run (?:on|date|by)|page \d|data as at|source\b)",
                     re.IGNORECASE)
_UNKNOWN = frozenset({"unknown", "not known", "notknown", "not recorded", "n/a", "na", "missing",
                      "not stated", "prefer not to say", "not assessed", "tbc", "to be confirmed",
                      "none recorded"})


def _footer(whole: list[_Column], keep: np.ndarray) -> np.ndarray:
    """The trailing rows that are an export's footer ("Total records: 180", "Report run on ..."):
    at most two cells filled, the first of them reading as a total or a note, after the cases."""
    footer = np.zeros(len(keep), dtype=bool)
    for index in np.flatnonzero(keep)[::-1][:10]:
        cells = [c.trimmed[c.codes[index]] if c.codes[index] >= 0 else "" for c in whole]
        filled = [t for t in cells if t]
        if not filled or len(filled) > 2 or not _FOOTER.match(filled[0]):
            break
        footer[index] = True
    return footer


def _interpret(table: _Table, problems, columns, extra_domains, strata, dates_required,
               given_domain=None, values_table=None, blank_as=None) -> CaseList:
    whole = [_Column(cells, table.rows) for cells in table.cells]
    keep = np.ones(len(table.rows), dtype=bool)
    for column in whole:
        keep &= column.blank()
    keep = ~keep
    footer = _footer(whole, keep)
    keep &= ~footer
    skipped = tuple(table.rows[~keep & ~footer].tolist())
    rows = table.rows[keep]
    if not keep.any():
        raise CaseListError(f"{table.source}: the case list has headings but no cases")
    mapping = _map_headings(table.headings, columns, strata, problems, given_domain)
    cols = {name: whole[i].subset(keep) for name, i in mapping.items()}
    heading = {name: table.headings[i] for name, i in mapping.items()}
    filled = _fill_blanks(cols, strata, blank_as or {}, problems)
    needed = ["case_id", *strata]
    if given_domain is None:
        needed += ["domain"] if "domain" in cols else ["disposal_type"]
    for name in dict.fromkeys(needed + (["date"] if dates_required else [])):
        if name in cols:
            _check_blanks(name, heading[name], cols[name], strata, problems,
                          table.formulas.get(mapping[name], ()))
    if dates_required and "date" not in cols:
        problems.append(CaseListProblem("missing column", "date", "no column for date (needed for recency)",
                                        "name it with --columns date=HEADING"))
    values = {"case_id": _check_ids(heading["case_id"], cols["case_id"],
                                    problems)} if "case_id" in cols else {}
    if given_domain is None:
        domain, found = _place(cols, heading, extra_domains, problems)
    else:
        domain, found = np.full(int(keep.sum()), given_domain, dtype=object), {}
    values["domain"] = domain
    if "date" in cols:
        values["date"] = _dates(heading["date"], cols["date"], problems)
    for name in dict.fromkeys(n for n in (*FIELDS[2:6], *strata) if n in cols):
        _check_alike_categories(name, heading[name], cols[name], problems)
    if problems:
        _raise(problems, table.source)
    folded, notes = _label_columns(cols, heading, strata, values_table, values, blank_as or {})
    notes = filled + notes
    frame, extras = _assemble(table, keep, rows, values, mapping)
    return CaseList(frame, table.source, table.sha256, table.description, table.sheet, table.heading_row,
                    {name: heading.get(name) for name in dict.fromkeys((*FIELDS, *strata))},
                    "given" if given_domain is not None
                    else "column" if "domain" in cols else "disposal_type",
                    found, strata, skipped, extras, table.invisible, tuple(table.rows[footer].tolist()),
                    tuple(folded), tuple(notes), dict(blank_as or {}))


def _label_columns(cols, heading, strata, values_table, values, blank_as) -> tuple[list, list[str]]:
    """Each category column's labels into ``values`` (synonyms folded); what was folded and the
    notes on categories that say the value is unknown."""
    synonyms = value_synonyms(values_table)
    folded, notes = [], []
    for name in dict.fromkeys((*FIELDS[2:6], *strata)):
        values[name] = None
        if name in cols:  # each label and what was folded, worked out once
            labels, folds = cols[name]._label_of(synonyms.get(name))
            values[name] = cols[name].per_row(labels)
            folded += [(name, *item) for item in folds]
            notes += _unknown_notes(name, heading[name], values[name], name in strata, blank_as.get(name))
    return folded, notes


def _fill_blanks(cols, strata, blank_as: Mapping[str, str], problems) -> list[str]:
    """Blank cells of a balancing column as a category of their own (``blank_as``), said."""
    said = []
    for name, category in blank_as.items():
        if name not in strata:
            problems.append(CaseListProblem(
                "blank-as for a column not balanced on", name, f"--blank-as names {name}, which is not a "
                "balancing variable", "name one of " + ", ".join(strata) + ", or one name for all"))
            continue
        if name in cols and cols[name].blank().any():
            count = int(cols[name].blank().sum())
            cols[name] = cols[name].fill_blank(category)
            said.append(f"{name}: {count} blank cell(s) balanced as {category!r}")
    return said


def _unknown_notes(name: str, heading: str, labels: np.ndarray, balanced: bool, given=None) -> list[str]:
    """A note for each category that says the value is unknown ("Unknown", "Not known"), but the
    one blank cells were given (``--blank-as``), which is said already."""
    notes = []
    for label in dict.fromkeys(labels.tolist()):
        if isinstance(label, str) and fold(label) in _UNKNOWN and label != given:
            count = int((labels == label).sum())
            how = "balanced as a category of its own" if balanced else "kept as it is"
            notes.append(f"column {heading!r} ({name}): {count} case(s) {label!r}, {how}; check the export")
    return notes


def _place(cols, heading, extra_domains, problems) -> tuple[np.ndarray | None, dict]:
    """Each case's domain: from the domain column or the disposal type; a resettlement flag wins."""
    found: dict = {}
    if "domain" in cols:
        domain = _domain_from_column(heading["domain"], cols["domain"], problems)
    elif "disposal_type" in cols:
        domain, found = _domain_from_disposal(heading["disposal_type"], cols["disposal_type"], extra_domains,
                                              problems)
    else:
        return None, found
    if "resettlement" in cols:
        flags = _resettlement(heading["resettlement"], cols["resettlement"], problems)
        domain = np.where(flags, "resettlement", domain).astype(object)
    return domain, found


def _assemble(table: _Table, keep, rows, values, mapping):
    import pandas as pd

    count = int(keep.sum())
    data = {}
    for name in ("case_id", "domain", "gender", "disposal_type", "rosh", "safety_wellbeing"):
        value = values.get(name)
        data[name] = value if value is not None else np.full(count, None, dtype=object)
    date = values.get("date")
    data["date"] = date if date is not None else np.full(count, np.datetime64("NaT", "ns"))
    data["row"] = rows
    for name, value in values.items():
        if name not in data:
            data[name] = value
    used = set(mapping.values())
    extras = []
    for i, heading in enumerate(table.headings):
        cells = table.cells[i][keep]
        if i in used or not any(str(c).strip() for c in cells):
            continue
        label = heading.strip() or f"(column {i + 1})"
        while label in data:
            label += " (export)"
        data[label] = cells
        extras.append(label)
    return pd.DataFrame(data), tuple(extras)


def read_cases(path, *, sheet=None) -> object:
    """Read a case list from CSV or Excel (.xlsx) as text, under its own headings; never modifies
    the file.

    The file is read as :func:`sampling.caselists.read_table` reads it: a CSV file in UTF-8 (with
    or without a byte-order mark), comma, semicolon or tab separated; a workbook's sheet with the
    case columns (or ``sheet``); rows with no value at all (an Excel export's trailing ",,,,") left
    out. The file's SHA-256 is kept in ``frame.attrs["sha256"]`` for the selection's audit.

    Parameters
    ----------
    path : str or path
        A ``.csv`` or ``.xlsx`` file.
    sheet : str, optional
        The workbook's sheet; by default the one with the case columns.

    Returns
    -------
    pandas.DataFrame
        One row per case, every cell as text, under the file's own headings.

    Raises
    ------
    CaseListError
        For a missing, empty or unreadable file, an unknown file type or a file with no rows.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sampling.synthetic import case_list
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "cases.csv"
    ...     case_list(20, rng=1).to_csv(path, index=False)
    ...     cases = read_cases(path)
    >>> len(cases), cases.loc[0, "case_id"], len(cases.attrs["sha256"])
    (20, 'S00001', 64)
    """
    frame = read_table(path, sheet=sheet)
    if frame.empty:
        raise CaseListError(f"{path}: the case list has no rows")
    return frame


def read_table(path, *, sheet: str | int | None = None):
    """A case-list file as it stands: its headings as column names, every cell as text (an empty
    cell is NaN), rows with no value at all left out.

    Read as :func:`read_case_list` reads it (encoding, separator, heading row and sheet found the
    same way) but with no mapping and no checks; ``frame.attrs`` holds the file's ``sha256``,
    ``source`` (its name), ``description`` and ``skipped_rows``.

    Raises
    ------
    CaseListError
        For a missing, empty or unreadable file, an unknown file type, a row longer than the
        heading row, or a file with no heading row.
    """
    import pandas as pd

    table, problems = _read_file(path, sheet)
    if problems:
        _raise(problems, table.source)
    if not table.headings or not any(h.strip() for h in table.headings):
        raise CaseListError(f"{table.source}: no heading row found; the first row should name the columns")
    empty = np.ones(len(table.rows), dtype=bool)
    for cells in table.cells:
        empty &= _Column(cells, table.rows).blank()
    matrix = np.empty((int((~empty).sum()), len(table.headings)), dtype=object)
    for j, cells in enumerate(table.cells):
        column = cells[~empty]
        matrix[:, j] = np.where(column == "", np.nan, column)
    frame = pd.DataFrame(matrix, columns=table.headings)
    frame.attrs.update(sha256=table.sha256, source=table.source, description=table.description,
                       skipped_rows=table.rows[empty].tolist())
    return frame


# --------------------------------------------------------------------------------------------
# value synonyms


def value_synonyms(extra=None) -> dict[str, dict[str, str]]:
    """The spellings of one category folded together before balancing, per balancing variable:
    the bundled table (``sampling/data/values.toml``: YRO and youth rehabilitation order, DTO, YCC,
    ...), extended or overridden by ``extra`` (a mapping of the same shape, or a TOML file of it).

    Returns
    -------
    dict
        Variable to {normalised spelling: normalised category}; a category's own name is one
        of its spellings.

    Raises
    ------
    SamplingError
        For an ``extra`` file that cannot be read or is not of that shape.

    Examples
    --------
    >>> table = value_synonyms()
    >>> table["disposal_type"]["yro"] == table["disposal_type"]["youthrehabilitationorder"]
    True
    >>> extra = {"disposal_type": {"Triage": ["Triage programme"]}}
    >>> value_synonyms(extra)["disposal_type"]["triageprogramme"]
    'triage'
    """
    text = (resources.files("sampling") / "data" / "values.toml").read_text(encoding="utf-8")
    bundled = tomllib.loads(text)
    tables = [bundled]
    if extra is not None:
        tables.append(_values_file(extra) if isinstance(extra, str | Path) else extra)
    result: dict[str, dict[str, str]] = {}
    for table in tables:
        if not isinstance(table, Mapping):
            raise SamplingError("values: expected tables of category = [spellings], one table per balancing "
                                "variable, e.g. [disposal_type] \"youth rehabilitation order\" = [\"YRO\"]")
        for variable, categories in table.items():
            if not isinstance(categories, Mapping):
                raise SamplingError(f"values: [{variable}] must hold category = [spellings] lines")
            part = result.setdefault(str(variable), {})
            for category, spellings in categories.items():
                if isinstance(spellings, str) or not isinstance(spellings, list | tuple) \
                        or not all(isinstance(s, str) for s in spellings):
                    raise SamplingError(f"values: [{variable}] {category!r} must be a list of spellings, "
                                        f"e.g. [\"YRO\"], got {spellings!r}")
                key = normalise_heading(category)
                for spelling in (category, *spellings):
                    part[normalise_heading(spelling)] = key
    return result


def _values_file(path) -> Mapping:
    path = Path(path)
    if path.suffix.lower() != ".toml" or not path.is_file():
        raise SamplingError(f"--values: {path} is not a .toml file of value spellings (see "
                            "methodology/inspection-workflow.md, 'Value spellings')")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SamplingError(f"--values: {path} is not valid TOML ({error})") from None
