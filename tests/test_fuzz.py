"""Fuzzing every reader: whatever bytes arrive, the toolkit answers with a value or its own error.

Each property feeds a reader inputs an export, a hand-edited workbook or a hand-edited TOML file can
carry (other encodings and separators, title lines and footers, formula starts, Excel's error values,
NUL and other control characters, zero-width and direction characters, decomposed accents, cells
longer than a workbook holds, ragged rows, repeated ids, empty files, binary junk, a zip that is not
a workbook, formulas with and without saved values, mutated report, framework, plan and answers
files) and checks four things:

- the result is a value or a :class:`sampling.SamplingError` (a ``KeyError``, ``IndexError``,
  ``TypeError``, ``UnicodeDecodeError``, ``zipfile.BadZipFile``, ``OverflowError`` or ``csv.Error``
  escaping a reader is a bug), and any warning is one of the toolkit's own (:class:`SamplingWarning`);
- the error's message is one line per problem with no control character in it;
- the input file is left as it was (its bytes and its modification time);
- any workbook the toolkit then writes holds no formula and no error cell (every text cell is a text
  cell, ``data_type == "s"``).

The examples are derandomized (the same on every run) and bounded, so the suite is deterministic in
CI. A last property writes any text id through ``select --out`` (CSV and XLSX) and reads it back.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import json
import math
import re
import tempfile
import tomllib
import unicodedata
import warnings
import zipfile
from importlib import resources
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

import sampling
from sampling import SamplingError
from sampling._errors import AnswersError, CaseListError, SamplingWarning
from sampling._text import clean
from sampling.across import agreement
from sampling.answers import answers_template, read_answers
from sampling.caselists import read_case_list, read_cases, read_table
from sampling.cli import main
from sampling.framework import Rating, get_framework, load_framework
from sampling.plans import read_plan, replace_case
from sampling.reports import load_report
from sampling.synthetic import messy_case_list

FUZZ = settings(derandomize=True, deadline=None, max_examples=150, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

#: Cells an export or a hand-edited workbook can carry (OWASP's formula starts, Excel's error
#: values, control, zero-width and direction characters, decomposed accents, words pandas would
#: take for a missing value, quotes and separators inside a cell).
HOSTILE = ["=1+1", '=HYPERLINK("http://x.example","click")', "+1+1", "-2+3", "@SUM(1+1)", "\tTAB", "\rCR",
           "=cmd|' /C calc'!A0", "#N/A", "#DIV/0!", "#REF!", "'=1+1", "'", "a\x00b", "\x00", "\x1b[31mred",
           "\x7f", "\x85", "\u200b", "\u200bYJ-1", "\u202eevil", "\u2066x\u2069", "\ufeffid", "\u00ad",
           "Re\u0301fe\u0301re\u0301", "Référé", "", " ", "\u00a0", "\u2028", "nan", "NaN", "NULL", "None",
           "N/A", "1e309", "-0", "01", "1.0", "TRUE", '"', '""', "a,b", "a;b", "a\nb", "_x0041_", "x" * 40_000,
           "Male", "male ", "MALE", "Female", "Court", "OOCD", "YRO", "Referral Order", "Youth caution",
           "High", "low", "Medium", "2023-02-30", "2023-01-05", "31/12/2022", "yes", "no"]
HEADINGS = ["Case ID", "case_id", "CASE ID", "Case Ref", "ID", "Sex", "Gender", "gender", "Disposal",
            "Sentence or disposal type", "RoSH", "Safety & Wellbeing", "Domain", "Date", "Resettlement",
            "Notes", "", "=1+1", "#N/A", "Case\u200b ID", "Se\u0301x", "Sex\x00"]
CELL = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12))

_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u2028\u2029]")


# --------------------------------------------------------------------------------------------
# the four checks


def _snapshot(*paths) -> list:
    return [(p, p.read_bytes(), p.stat().st_mtime_ns) for p in paths if p.exists()]


def _unchanged(snapshot) -> None:
    for path, data, mtime in snapshot:
        assert path.read_bytes() == data, f"{path} was changed"
        assert path.stat().st_mtime_ns == mtime, f"{path} was touched"


def _check_message(error: SamplingError) -> None:
    text = str(error)
    assert text.strip(), "an empty message"
    bad = [f"U+{ord(c):04X}" for c in text if unicodedata.category(c) == "Cc" and c != "\n"]
    assert not bad and not _BIDI.search(text), (bad, text[:500])
    lines = text.split("\n")
    problems = getattr(error, "problems", None)
    if isinstance(error, AnswersError):
        assert len(lines) == 1 + len(problems), text[:2000]
    elif isinstance(error, CaseListError) and len(problems) > 1:
        assert len(lines) == 1 + len(problems), text[:2000]
    else:  # one line, or a summary line "N problems" and one line each
        counted = re.search(r"\b(\d+) problems\b", lines[0])
        assert len(lines) == (1 + int(counted.group(1)) if counted and len(lines) > 1 else 1), text[:2000]
    assert all(line.strip() for line in lines), text[:2000]


def outcome(call, *args, **kwargs):
    """The value of ``call``, or the toolkit's error (checked); any other exception propagates,
    and any warning but the toolkit's own fails the test."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = call(*args, **kwargs)
        except SamplingError as error:
            _check_message(error)
            value = error
    foreign = [f"{w.category.__name__}: {w.message}" for w in caught if not issubclass(w.category, SamplingWarning)]
    assert not foreign, foreign
    event(f"{getattr(call, '__name__', call)}: {type(value).__name__}")  # --hypothesis-show-statistics
    return value


def assert_no_formula(path, sheets=None) -> None:
    """No formula or error cell in ``path`` (in ``sheets``, when named)."""
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        if sheets is not None and sheet.title not in sheets:
            continue
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type not in ("f", "e"), (path, sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (path, sheet.title, cell.coordinate, cell.value)


@contextlib.contextmanager
def folder():
    with tempfile.TemporaryDirectory(prefix="fuzz-") as name:
        yield Path(name)


# --------------------------------------------------------------------------------------------
# case lists: CSV


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1"]


VALID = {"Case ID": [f"C{i:03d}" for i in range(40)], "Sex": ["Male", "Female", "male "],
         "Disposal": ["YRO", "Referral Order", "Youth caution", "DTO"], "RoSH": ["Low", "Medium", "High"],
         "Safety & Wellbeing": ["Low", "Medium", "High"], "Date": ["2023-01-05", "05/02/2023"]}


@st.composite
def case_rows(draw) -> list[list[str]]:
    """A case list's rows: a clean export with a few hostile cells, or a table of hostile cells."""
    if draw(st.booleans()):
        headings = list(VALID)
        rows = [[VALID[h][i] if h == "Case ID" else draw(st.sampled_from(VALID[h])) for h in headings]
                for i in range(draw(st.integers(1, 12)))]
        for _ in range(draw(st.integers(0, 3))):
            r = draw(st.integers(-1, len(rows) - 1))
            target = headings if r < 0 else rows[r]
            target[draw(st.integers(0, len(target) - 1))] = draw(CELL)
        if draw(st.integers(0, 3)) == 0:  # a ragged row
            rows[-1] = rows[-1] + [draw(CELL)] if draw(st.booleans()) else rows[-1][:-2]
    else:
        headings = draw(st.lists(st.sampled_from(HEADINGS), min_size=0, max_size=7))
        if draw(st.booleans()):
            headings = ["Case ID", "Sex", "Disposal", "RoSH", "Safety & Wellbeing", *headings[:2]]
        ids = st.one_of(st.sampled_from(["A1", "a1", "A1 ", "A2", "\u200bA2", "A3", "=A4", "#N/A"]), CELL)
        width = max(len(headings), 1)
        rows = draw(st.lists(st.lists(CELL, min_size=0, max_size=width + 2), min_size=0, max_size=8))
        rows = [[draw(ids), *row[1:]] if row else row for row in rows]
    title = draw(st.lists(st.sampled_from(["Eligible cases", "Exported 2024-01-01 by =SUM(A1)", "", ",,,"]),
                          max_size=2))
    footer = draw(st.lists(st.sampled_from(["Total: 12", "", ",,,,", ";;;", "End of report"]), max_size=2))
    return [[t] for t in title] + [headings] + rows + [[f] for f in footer]


def _csv_text(rows, separator: str, quoted: bool) -> str:
    if quoted:
        out = io.StringIO()
        csv.writer(out, delimiter=separator, lineterminator="\r\n").writerows(rows)
        return out.getvalue()
    return "".join(separator.join(row) + "\n" for row in rows)


@st.composite
def csv_bytes(draw) -> bytes:
    kind = draw(st.sampled_from(["table"] * 6 + ["junk", "zip", "empty", "truncated"]))
    if kind == "junk":
        return draw(st.binary(max_size=300))
    if kind == "empty":
        return draw(st.sampled_from([b"", b"\n\n", b"\xef\xbb\xbf", b"\xff\xfe", b"   \r\n", b"\x00\x00"]))
    if kind == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "not a workbook")
        return buffer.getvalue()
    rows = draw(case_rows())
    text = _csv_text(rows, draw(st.sampled_from([",", ";", "\t", "|"])), draw(st.booleans()))
    encoding = draw(st.sampled_from(ENCODINGS))
    data = text.encode(encoding, errors="replace" if encoding in ("cp1252", "latin-1") else "surrogatepass")
    if kind == "truncated":
        data = data[: draw(st.integers(0, max(len(data) - 1, 0)))]
    return data


def _read_every_way(path: Path) -> None:
    snapshot = _snapshot(path)
    for call, kwargs in ((read_table, {}), (read_cases, {}), (read_case_list, {}),
                         (read_case_list, {"strata": ("gender",)}),
                         (read_case_list, {"strata": ("gender",), "columns": {"case_id": "Case ID"}})):
        outcome(call, path, **kwargs)
    _unchanged(snapshot)


@FUZZ
@given(data=csv_bytes())
@example(data="case_id,gender\nA1,m\n".encode("utf-16-le"))  # UTF-16 without a byte-order mark
@example(data="\ufeffcase_id\tgender\nA1\tm\n".encode("utf-16"))
@example(data=b"case_id,gender\n" + b"A" * 140_000 + b",m\n")  # longer than Python's csv allows
@example(data=b'case_id,gender\n"A1,m\n')  # an unclosed quote
@example(data=b"case_id,gender\nA1,m\x00\n")
@example(data=b"PK\x03\x04 not really a zip")
@example(data=b"\x00" * 50)
@example(data=b"\xfe\xff\x00")  # a UTF-16 byte-order mark and an odd byte
@example(data=b"case_id,gender\r\n" + b"A1,m\r" * 3)
def test_any_csv_bytes_give_a_table_or_the_toolkits_error(data):
    with folder() as here:
        path = here / "cases.csv"
        path.write_bytes(data)
        _read_every_way(path)


# --------------------------------------------------------------------------------------------
# case lists: XLSX


def _set(cell, value) -> None:
    try:
        cell.value = value
    except IllegalCharacterError:  # openpyxl refuses control characters in a cell
        cell.value = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", value)


def _cache_formulas(raw: bytes, cached: str) -> bytes:
    """The workbook with every formula's value saved, as Excel saves it."""
    from xml.sax.saxutils import escape

    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                body = re.sub(rb'<c r="([A-Z]+[0-9]+)"((?: s="[0-9]+")?)><f>(.*?)</f><v ?/>',
                              lambda m: b'<c r="' + m.group(1) + b'"' + m.group(2) + b' t="str"><f>' + m.group(3)
                              + b"</f><v>" + escape(cached).encode() + b"</v>", body)
            target.writestr(info, body)
    return out.getvalue()


@st.composite
def xlsx_bytes(draw) -> bytes:
    kind = draw(st.sampled_from(["book"] * 8 + ["junk", "zip", "truncated"]))
    if kind == "junk":
        return draw(st.binary(max_size=300))
    if kind == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/workbook.xml", draw(st.sampled_from(["", "<workbook/>", "\x00"])))
        return buffer.getvalue()
    book = openpyxl.Workbook()
    sheets = [book.active] + [book.create_sheet(f"S{i}") for i in range(draw(st.integers(0, 2)))]
    for sheet in sheets:
        for r, row in enumerate(draw(case_rows()), start=1):
            for c, value in enumerate(row, start=1):
                if draw(st.integers(0, 9)) == 0:
                    value = draw(st.sampled_from(
                        [None, 0, 1.0, -2.5, 10**20, True, float("nan"), datetime.datetime(2023, 1, 5),
                         datetime.date(1900, 1, 1), datetime.time(12, 0), "=A1", "=1/0", '="A"&"B"', "=NA()"]))
                if isinstance(value, float) and math.isnan(value):
                    value = None
                _set(sheets[0].cell(r, c) if sheet is sheets[0] else sheet.cell(r, c), value)
    buffer = io.BytesIO()
    book.save(buffer)
    raw = buffer.getvalue()
    if draw(st.booleans()):
        raw = _cache_formulas(raw, draw(st.sampled_from(["2", "A1", "=1+1", "#N/A", "", "Male", "x" * 500])))
    if kind == "truncated":
        raw = raw[: draw(st.integers(0, len(raw) - 1))]
    return raw


@settings(FUZZ, max_examples=60)
@given(data=xlsx_bytes(), sheet=st.sampled_from([None, None, None, "S1", "2", "0", "nope", "=1+1"]))
def test_any_xlsx_bytes_give_a_table_or_the_toolkits_error(data, sheet):
    with folder() as here:
        path = here / "cases.xlsx"
        path.write_bytes(data)
        snapshot = _snapshot(path)
        outcome(read_table, path, sheet=sheet)
        outcome(read_cases, path, sheet=sheet)
        outcome(read_case_list, path, sheet=sheet)
        outcome(read_case_list, path, sheet=sheet, strata=("gender",))
        _unchanged(snapshot)
        named_csv = here / "workbook.csv"  # a workbook named .csv
        named_csv.write_bytes(data)
        outcome(read_table, named_csv)


# --------------------------------------------------------------------------------------------
# what select and plan write from hostile case lists


@st.composite
def hostile_case_list(draw) -> pd.DataFrame:
    n = draw(st.integers(12, 30))
    frame = messy_case_list(n, rng=draw(st.integers(0, 5)))
    for column in ("Case Ref", "Sex", "Sentence or disposal type", "RoSH", "Team"):
        if column not in frame.columns:
            continue
        for i in draw(st.lists(st.integers(0, n - 1), max_size=4)):
            frame.loc[i, column] = draw(CELL)
    return frame


@settings(FUZZ, max_examples=25)
@given(frame=hostile_case_list(), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_what_select_and_plan_write_from_a_hostile_list_holds_no_formula(frame, suffix):
    from sampling._files import write_table

    with folder() as here:
        cases = here / f"cases{suffix}"
        write_table(frame, cases)
        snapshot = _snapshot(cases)
        for argv, out in ((["select", cases, "--n", "8", "--strata", "Sex", "--id-column", "Case Ref", "--seed", "1"],
                           here / "sample.xlsx"),
                          (["plan", cases, "--seed", "1", "--n", "court=4,out_of_court=4"], here / "plan.xlsx")):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
                    code = main([str(a) for a in (*argv, "--out", out)])
            assert all(issubclass(w.category, SamplingWarning) for w in caught), [str(w.message) for w in caught]
            assert code in (0, 2), err.getvalue()
            event(f"{argv[0]}: exit {code}")
            if code == 0:
                assert_no_formula(out)
            else:
                message = err.getvalue()
                assert not [c for c in message if unicodedata.category(c) == "Cc" and c != "\n"], message
        _unchanged(snapshot)


# --------------------------------------------------------------------------------------------
# TOML files: reports and frameworks


def _toml_string(text: str) -> str:
    out = []
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif unicodedata.category(c) == "Cc" or c in "\u2028\u2029":
            out.append(f"\\u{ord(c):04X}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_string(str(k))} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def toml_text(data: dict) -> str:
    return "".join(f"{_toml_string(str(k))} = {toml_value(v)}\n" for k, v in data.items())


def _paths(tree, prefix=()) -> list[tuple]:
    found = []
    items = tree.items() if isinstance(tree, dict) else enumerate(tree) if isinstance(tree, list) else ()
    for key, value in items:
        found.append((*prefix, key))
        found += _paths(value, (*prefix, key))
    return found


REPLACEMENTS = [0, 1, -1, 37, 101, 1000, 10**6, 10**30, 2**63, -(2**63) - 1, 0.5, 1e308, float("inf"), float("nan"),
                -0.0, "", " ", "x", "Outstanding", "Good", "Requires improvement", "Inadequate", "outstanding",
                "youth-2018", "youth-2021", "youth-2025", "lowest", "score", "percent", "areas", "court",
                "out_of_court", "=1+1", "\x00", "\u202e", "2.1", "2.1.1", "9.9", True, False, [], {}, [1, 2],
                [0, 1, 2, 3], [50, 65, 80], [[0, 6], [7, 18]], {"a": 1}, {"2.1.1": 50}, [{"id": "9.9"}],
                datetime.date(2020, 1, 1)]


@st.composite
def mutated(draw, data: dict) -> dict:
    data = json.loads(json.dumps(data, default=str))  # a deep copy (dates as text)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        key, value = path[-1], parent[path[-1]]
        op = draw(st.sampled_from(["delete", "replace", "replace", "number", "add", "rename"]))
        if op == "delete":
            del parent[key]
        elif op == "replace":
            parent[key] = draw(st.one_of(st.sampled_from(REPLACEMENTS), st.integers(), st.text(max_size=8)))
        elif op == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
            parent[key] = draw(st.sampled_from([value + 1, value - 1, -value, value * 1000, value + 0.5,
                                                value * 10**20]))
        elif op == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "cases", "note", "9.9", "2.1.9", "key_questions"]))] = \
                draw(st.sampled_from(REPLACEMENTS))
        elif op == "rename" and isinstance(parent, dict):
            parent[str(key).upper() if str(key).islower() else f"{key} "] = parent.pop(key)
    return data


def _bundled(kind: str, name: str) -> dict:
    raw = (resources.files("sampling") / "data" / kind / f"{name}.toml").read_bytes()
    return tomllib.loads(raw.decode("utf-8"))


REPORTS = sampling.list_reports()


@st.composite
def report_file(draw) -> bytes:
    data = draw(mutated(_bundled("reports", draw(st.sampled_from(REPORTS)))))
    raw = toml_text(data).encode("utf-8")
    if draw(st.integers(0, 9)) == 0:  # a damaged file
        cut = draw(st.integers(0, len(raw)))
        raw = raw[:cut] + draw(st.sampled_from([b"", b"\xff", b"\x00", b"[", b"= =", b"\xef\xbb\xbf"])) + raw[cut:]
    return raw


def _use_report(report) -> None:
    report.evidence()
    assert isinstance(report.limiting, dict) and isinstance(report.not_rated, tuple)
    for standard in report.standards:
        assert standard.rule_rating is not None
    sampling.rating_distribution(report)


@FUZZ
@given(raw=report_file())
def test_a_mutated_report_file_loads_or_gives_the_toolkits_error(raw):
    with folder() as here:
        path = here / "report.toml"
        path.write_bytes(raw)
        snapshot = _snapshot(path)
        report = outcome(load_report, path)
        if not isinstance(report, SamplingError):
            outcome(_use_report, report)
        _unchanged(snapshot)


@st.composite
def framework_file(draw) -> tuple[bytes, str]:
    name = draw(st.sampled_from(["youth-2018", "youth-2021", "youth-2025"]))
    data = draw(mutated(_bundled("frameworks", name)))
    raw = toml_text(data).encode("utf-8")
    if draw(st.integers(0, 9)) == 0:
        raw = raw[: draw(st.integers(0, len(raw)))]
    return raw, name


def _use_framework(path: Path, name: str) -> None:
    framework = get_framework(path)
    for percent in (0, 49, 50, 100):
        framework.band(percent)
    framework.overall_from_ratings({s.id: Rating.GOOD for s in framework.scored_standards})
    assert framework.max_score >= 0
    for kq in framework.key_questions:
        framework.sample_of(kq)


@FUZZ
@given(made=framework_file())
def test_a_mutated_framework_file_loads_or_gives_the_toolkits_error(made):
    raw, name = made
    with folder() as here:
        path = here / "framework.toml"
        path.write_bytes(raw)
        snapshot = _snapshot(path)
        framework = outcome(load_framework, path)
        if not isinstance(framework, SamplingError):
            outcome(_use_framework, path, name)
            # a bundled report of the same framework, read against the mutated file beside it
            report = next((r for r in REPORTS if _bundled("reports", r)["framework"] == name), None)
            if report is not None:
                data = _bundled("reports", report)
                data["framework"] = "framework.toml"
                data["id"] = "fuzzed"
                (here / "report.toml").write_text(toml_text(data), encoding="utf-8")
                outcome(load_report, here / "report.toml")
        _unchanged(snapshot)


# --------------------------------------------------------------------------------------------
# plan and answers workbooks


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, bytes]:
    """A plan written by the toolkit (with hostile ids) and the answers template made from it,
    filled in."""
    here = tmp_path_factory.mktemp("made")
    cases = messy_case_list(90, rng=3)
    cases.loc[:4, "Case Ref"] = ["=1+1", "#N/A", "-2+3", "@SUM(1+1)", '=HYPERLINK("http://x.example","c")']
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplingWarning)
        sampling.plan(cases, seed=5, n={"court": 5, "out_of_court": 4}, reserves=3).write(here / "plan.xlsx")
    answers_template(here / "plan.xlsx", here / "answers.xlsx")
    book = openpyxl.load_workbook(here / "answers.xlsx")
    for i, row in enumerate(book["answers"].iter_rows(min_row=2)):
        row[4].value = ["yes", "no", "Yes ", "not relevant"][i % 4]
    for row in book["qualitative"].iter_rows(min_row=2):
        row[2].value = "Good"
    book.save(here / "filled.xlsx")
    return {name: (here / name).read_bytes() for name in ("plan.xlsx", "answers.xlsx", "filled.xlsx")}


CELL_VALUES = [None, "", " ", "yes", "no", "NO", "n/a", "not relevant", "maybe", 1, 0, -1, 2.5, 10**20, True,
               datetime.datetime(2023, 1, 1), "=1+1", "=A1", "=NA()", "#N/A", "#REF!", "court", "out_of_court",
               "Court", "resettlement", "victims", "2.1.1", "3.1.1", "9.9.9", "1.1", "Good", "Outstanding", "good ",
               "Inadequate", "youth-2018", "youth-2025", "inspection-sampling plan", "\u200bYJ-1", "x" * 3000,
               "Re\u0301fe\u0301re\u0301", "'=1+1", "_x0041_"]


@st.composite
def workbook_edits(draw, raw: bytes) -> bytes:
    """A workbook the toolkit wrote, edited by hand: cells changed (ids, answers, formulas),
    rows deleted or inserted, sheets added, removed or renamed."""
    book = openpyxl.load_workbook(io.BytesIO(raw))
    for _ in range(draw(st.integers(1, 5))):
        sheet = book[draw(st.sampled_from(book.sheetnames))]
        op = draw(st.sampled_from(["cell"] * 6 + ["copy id", "delete row", "insert row", "delete column",
                                                 "add sheet", "remove sheet", "rename sheet"]))
        row = draw(st.integers(1, max(sheet.max_row, 1) + 1))
        column = draw(st.integers(1, max(sheet.max_column, 1) + 1))
        if op == "cell":
            _set(sheet.cell(row, column), draw(st.one_of(st.sampled_from(CELL_VALUES), st.text(max_size=6))))
        elif op == "copy id":  # a case id written twice, or in another case
            _set(sheet.cell(row, column), sheet.cell(draw(st.integers(1, max(sheet.max_row, 1))), column).value)
        elif op == "delete row":
            sheet.delete_rows(row, draw(st.integers(1, 3)))
        elif op == "insert row":
            sheet.insert_rows(row)
        elif op == "delete column":
            sheet.delete_cols(column)
        elif op == "add sheet":
            extra = book.create_sheet(draw(st.sampled_from(["Sheet1", "notes", "answers (2)", "ABOUT"])))
            extra["A1"] = draw(st.sampled_from(CELL_VALUES))
        elif op == "remove sheet" and len(book.sheetnames) > 1:
            book.remove(sheet)
        elif op == "rename sheet":
            sheet.title = draw(st.sampled_from(["Answers", "answers ", "Sheet9", "sample", "audit", "x"]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _report_of(path: Path) -> None:
    answers = read_answers(path)
    answers.to_frame()
    answers.report(service="Fuzz", id="fuzz-answers")


@settings(FUZZ, max_examples=30)
@given(data=st.data())
def test_an_edited_answers_workbook_reads_or_gives_the_toolkits_error(made, data):
    which = data.draw(st.sampled_from(["filled.xlsx", "filled.xlsx", "answers.xlsx"]))
    raw = data.draw(workbook_edits(made[which]))
    with folder() as here:
        path = here / "answers.xlsx"
        path.write_bytes(raw)
        snapshot = _snapshot(path)
        outcome(read_answers, path)
        outcome(_report_of, path)
        _unchanged(snapshot)


def _template(plan: Path, out: Path) -> None:
    answers_template(plan, out)
    assert_no_formula(out)


def _replace(plan: Path, case_id) -> None:
    before = plan.read_bytes()
    try:
        replace_case(plan, case_id, reason=" =1+1 moved away ", now=datetime.datetime(2024, 1, 1))
    except SamplingError:
        assert plan.read_bytes() == before  # a refused replacement leaves the plan as it was
        raise
    # the sheets replace rewrites; a sheet of the user's own (notes, with their formulas) is kept as it was
    assert_no_formula(plan, sheets=("sample", "reserves", "balance", "audit", "withdrawn"))


@settings(FUZZ, max_examples=40)
@given(data=st.data(), pick=st.integers(0, 7))
def test_an_edited_plan_reads_or_gives_the_toolkits_error(made, data, pick):
    raw = data.draw(workbook_edits(made["plan.xlsx"]))
    with folder() as here:
        path = here / "plan.xlsx"
        path.write_bytes(raw)
        snapshot = _snapshot(path)
        plan = outcome(read_plan, path)
        outcome(_template, path, here / "answers.xlsx")
        _unchanged(snapshot)
        sample = plan.sample["case_id"].tolist() if not isinstance(plan, SamplingError) \
            and "case_id" in plan.sample else []
        choices = [*sample[:3], "=1+1", "#N/A", "nobody", ""]
        wanted = choices[pick % len(choices)]
        outcome(_replace, path, wanted)


# --------------------------------------------------------------------------------------------
# double-marking files


@st.composite
def marking_bytes(draw) -> bytes:
    rows = [["case_id", "key_question", "first", "second"]]
    for i in range(draw(st.integers(0, 12))):
        rows.append([f"C{i}", draw(st.sampled_from(["2.1.1", "2.1.2", "3.1.1"])),
                     draw(st.sampled_from(["yes", "no", "Y", "n"])), draw(st.sampled_from(["yes", "no", "N"]))])
    for _ in range(draw(st.integers(0, 4))):
        r = draw(st.integers(0, len(rows) - 1))
        row = rows[r]
        if draw(st.booleans()) or not row:
            rows[r] = row + [draw(CELL)]
        else:
            row[draw(st.integers(0, len(row) - 1))] = draw(CELL)
    text = _csv_text(rows, draw(st.sampled_from([",", ";", "\t"])), draw(st.booleans()))
    return text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")


@FUZZ
@given(data=st.one_of(marking_bytes(), st.binary(max_size=200)), suffix=st.sampled_from([".csv", ".csv", ".xlsx"]))
def test_a_double_marking_file_gives_agreement_or_the_toolkits_error(data, suffix):
    with folder() as here:
        path = here / f"marks{suffix}"
        path.write_bytes(data)
        snapshot = _snapshot(path)
        outcome(agreement, path)
        _unchanged(snapshot)


# --------------------------------------------------------------------------------------------
# any text id survives select's output


def _documented(text: str) -> str:
    """An id as the readers give it back: NFC, format characters removed, spaces trimmed."""
    return clean(text)[0].strip()


IDS = st.lists(st.text(min_size=1, max_size=12).filter(
    lambda t: not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", t) and _documented(t)),
    min_size=6, max_size=10, unique_by=lambda t: _documented(t).casefold())


@settings(FUZZ, max_examples=40)
@given(ids=IDS, suffix=st.sampled_from([".csv", ".xlsx"]))
@example(ids=["=1+1", "#N/A", "-2+3", "@SUM(1+1)", "_x0041_", "'=x", " a ", "\u200bb"], suffix=".xlsx")
@example(ids=["=1+1", "#N/A", "-2+3", "@SUM(1+1)", "_x0041_", "'=x", "\tc", "\rd", "e\r\nf"], suffix=".csv")
def test_any_text_id_written_by_select_reads_back_as_itself(ids, suffix):
    from sampling._files import write_table

    frame = pd.DataFrame({"case_id": ids, "gender": ["m", "f"] * (len(ids) // 2) + ["m"] * (len(ids) % 2)})
    with folder() as here:
        write_table(frame, here / "cases.csv")
        out = here / f"sample{suffix}"
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
            code = main(["select", str(here / "cases.csv"), "--n", str(len(ids)), "--strata", "gender",
                         "--seed", "1", "--out", str(out)])
        assert code == 0, err.getvalue()
        if suffix == ".xlsx":
            assert_no_formula(out)
        wanted = sorted(_documented(t) for t in ids)
        assert sorted(read_table(out)["case_id"].map(str.strip)) == wanted
        assert sorted(read_cases(out)["case_id"].map(str.strip)) == wanted
