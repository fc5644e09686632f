"""The one way out: every CSV and XLSX the toolkit writes, and where it may write them.

What this module guarantees (``methodology/files.md`` says it for users):

- **Text is never a formula.** A value from the data is written to a workbook as a text cell
  (``data_type == "s"``): openpyxl otherwise stores a string that begins with ``=`` as a formula
  and ``#N/A`` as an error cell. Numbers the toolkit computes stay numbers.
- **CSV is neutralised.** A text value that a spreadsheet would evaluate (one that begins with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with a single quote before
  it, as the OWASP Foundation's page "CSV Injection" advises; :func:`restore` takes the quote off
  again, and the toolkit's readers call it, so a case id survives the round trip.
- **Whole or not at all.** Every file is written to a temporary file beside it and renamed.
- **Inputs are never overwritten.** :func:`output_path` refuses an output that is the same file
  as any input of the command (through ``..``, a symbolic link or a hard link), with or without
  ``--force``.
- **The same bytes twice.** With ``SOURCE_DATE_EPOCH`` set (the reproducible-builds convention),
  every time a file records is that moment, so that the same input and seed give byte-identical
  files; without it, the times are now and the cells are identical.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import re
import secrets
import stat
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from ._errors import SamplingError

#: The first characters that make a spreadsheet evaluate a CSV cell (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what an .xlsx cell cannot hold


# --------------------------------------------------------------------------------------------
# time


def source_date() -> datetime.datetime | None:
    """The moment ``SOURCE_DATE_EPOCH`` names (UTC, naive), or None when it is unset or blank.

    The convention of the Reproducible Builds project: a whole number of seconds since
    1970-01-01 UTC that every tool writing a file uses instead of the current time.

    >>> import os
    >>> os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    >>> source_date()
    datetime.datetime(2023, 11, 14, 22, 13, 20)
    >>> del os.environ["SOURCE_DATE_EPOCH"]
    """
    text = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) > 253402300799:
        raise SamplingError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, got {text!r}")
    return datetime.datetime.fromtimestamp(int(text), tz=datetime.UTC).replace(tzinfo=None)


def now() -> datetime.datetime:
    """The time to record in a file: ``SOURCE_DATE_EPOCH`` if set, else the local time now, to
    the second."""
    return source_date() or datetime.datetime.now().replace(microsecond=0)


# --------------------------------------------------------------------------------------------
# values


def neutralise(value):
    """A CSV cell's value with a quote before text a spreadsheet would evaluate.

    Text that already begins with a quote and a formula start gets one more, so that
    :func:`restore` gives it back as it was.

    >>> neutralise("=1+1"), neutralise("-2+3"), neutralise("YJ-001"), neutralise(-2.5)
    ("'=1+1", "'-2+3", 'YJ-001', -2.5)
    >>> neutralise("'=x"), restore(neutralise("'=x"))
    ("''=x", "'=x")
    """
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def restore(value):
    """The value :func:`neutralise` was given: the quote before a formula start taken off.

    >>> restore("'=1+1"), restore("'tis"), restore("O'Neil"), restore("''=x")
    ('=1+1', "'tis", "O'Neil", "'=x")
    """
    if isinstance(value, str) and value.startswith("'") and value.lstrip("'").startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _cell_value(value):
    """A value as a workbook cell takes it: pandas' missing values as empty, numpy scalars as
    Python numbers, text without the control characters a workbook cannot hold."""
    if value is None:
        return None
    try:
        if value != value:  # NaN, NaT, pd.NA raise or compare unequal
            return None
    except (TypeError, ValueError):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (AttributeError, ValueError):
            pass
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, str):
        return _ILLEGAL.sub("", value)
    if isinstance(value, (bool, int, float, datetime.date, datetime.datetime, datetime.time)):
        return value
    return _ILLEGAL.sub("", str(value))


def put(cell, value) -> None:
    """Write ``value`` into an openpyxl cell; text is always a text cell, never a formula or an
    error. Use it for edits in place too: assigning ``cell.value`` again re-types the cell."""
    value = _cell_value(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def append_row(sheet, values: Iterable) -> None:
    """Append a row of values to an openpyxl sheet, each through :func:`put`."""
    values = [_cell_value(v) for v in values]
    if not values:
        return
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def fill_sheet(sheet, frame, *, bold_headings: bool = True, widths: bool = True) -> None:
    """A DataFrame onto an empty sheet: headings in row 1 (bold, frozen), then each row."""
    from openpyxl.styles import Font

    append_row(sheet, [str(c) for c in frame.columns])
    if bold_headings:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        append_row(sheet, row)
    sheet.freeze_panes = "A2"
    if widths:
        for i, name in enumerate(frame.columns, start=1):
            sample = [len(str(v)) for v in frame.iloc[:50, i - 1].tolist()]
            width = max([len(str(name))] + sample)
            letter = sheet.cell(row=1, column=i).column_letter
            sheet.column_dimensions[letter].width = min(max(width + 2, 8), 60)


# --------------------------------------------------------------------------------------------
# files


def atomic_write(path, write: Callable[[str], None]) -> None:
    """Call ``write(temporary)`` then rename the temporary file onto ``path``.

    The temporary file sits beside ``path`` (so the rename is atomic) and ends in the same
    suffix (pandas and openpyxl choose the format by it). It is created as ``open()`` creates a
    file, so its permissions follow the umask (``tempfile.mkstemp`` would give 0600, leaving a
    plan that colleagues cannot open); when ``path`` exists its permission bits are kept. On any
    failure the temporary file is removed and ``path`` is left as it was.
    """
    out = Path(path)
    temporary = out.with_name(f".{out.stem}.{secrets.token_hex(4)}.tmp{out.suffix}")
    with open(temporary, "xb"):
        pass
    try:
        if out.exists():
            os.chmod(temporary, stat.S_IMODE(out.stat().st_mode))
        write(str(temporary))
        os.replace(temporary, out)
    finally:
        if temporary.exists():
            temporary.unlink()


def write_bytes(path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all."""
    def write(temporary: str) -> None:
        with open(temporary, "wb") as stream:
            stream.write(data)

    atomic_write(path, write)


def new_workbook():
    """An empty openpyxl workbook with no sheet."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    return book


def workbook_bytes(book) -> bytes:
    """An openpyxl workbook as the bytes of an .xlsx file, its recorded times :func:`now`.

    openpyxl stamps the document's "modified" property and every member of the zip archive with
    the current time; both are set here to :func:`now`, so that with ``SOURCE_DATE_EPOCH`` set
    two saves of the same workbook are the same bytes.
    """
    when = now()
    book.properties.created = when
    book.properties.modified = when
    buffer = io.BytesIO()
    book.save(buffer)
    return stable_zip(buffer.getvalue())


def stable_zip(data: bytes) -> bytes:
    """An Office file (.xlsx, .docx: a zip archive) with every member's time and the document's
    "created" and "modified" dates :func:`now`, so that with ``SOURCE_DATE_EPOCH`` set the same
    content is the same bytes."""
    when = now()
    stamp = max(when, datetime.datetime(1980, 1, 1)).timetuple()[:6]  # zip dates start in 1980
    iso = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:modified|created)[^>]*>)[^<]*(</dcterms:)",
                              lambda m: m.group(1) + iso + m.group(2), body)
            member = zipfile.ZipInfo(info.filename, date_time=stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = info.external_attr
            target.writestr(member, body)
    return out.getvalue()


def save_workbook(book, path) -> None:
    """Save an openpyxl workbook to ``path`` whole or not at all, its times :func:`now`."""
    write_bytes(path, workbook_bytes(book))


def table_bytes(frame, suffix: str, *, context: Sequence[tuple[str, object]] = (),
                sheet_name: str = "table") -> bytes:
    """A table as the bytes of a ``.csv`` or ``.xlsx`` file.

    Text is neutralised in CSV and written as text cells in a workbook; numbers stay numbers.
    ``context`` (field and value pairs: the service, the framework, the toolkit's version) goes
    on a sheet of its own named ``context`` in a workbook, and in CSV on lines before the
    table that begin with ``#``.
    """
    if suffix.lower() == ".xlsx":
        book = new_workbook()
        fill_sheet(book.create_sheet(sheet_name[:31]), frame)
        if context:
            sheet = book.create_sheet("context")
            append_row(sheet, ["field", "value"])
            for field, value in context:
                append_row(sheet, [field, value])
        return workbook_bytes(book)
    text = io.StringIO()
    for field, value in context:
        line = f"# {field}: {'' if value is None else value}"
        text.write(" ".join(line.splitlines()) + "\n")
    safe = frame.copy()
    for name in safe.columns:
        if safe[name].dtype == object or str(safe[name].dtype) in ("string", "str"):
            safe[name] = [neutralise(v) for v in safe[name].tolist()]
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    # Python's csv quotes a cell holding a line feed but not one holding a carriage return alone,
    # which a reader takes for the end of a row: such a table is written with its text quoted
    carriage = any(isinstance(v, str) and "\r" in v for v in [*safe.columns, *safe.to_numpy().ravel()])
    safe.to_csv(text, index=False, lineterminator="\n",
                quoting=csv.QUOTE_NONNUMERIC if carriage else csv.QUOTE_MINIMAL)
    return text.getvalue().encode("utf-8")


def write_table(frame, path, *, context: Sequence[tuple[str, object]] = (),
                sheet_name: str = "table") -> None:
    """Write a table to a ``.csv`` or ``.xlsx`` file (chosen by the suffix) through
    :func:`table_bytes`, whole or not at all."""
    write_bytes(path, table_bytes(frame, Path(path).suffix, context=context, sheet_name=sheet_name))


def _same_file(first: Path, second: Path) -> bool:
    try:
        return first.exists() and second.exists() and os.path.samefile(first, second)
    except OSError:
        return False


def output_path(path, *, option: str = "--out", suffixes=(".csv",), force: bool = False,
                kind: str | None = None, inputs: Iterable = ()) -> Path:
    """Check where an output goes, before any work: the right suffix, a folder that exists, not
    one of the command's inputs, and no file overwritten without ``--force``. One place for
    every command's output files.

    ``inputs`` are the files the command reads: an output that is the same file as any of them
    (through ``..``, a symbolic link or a hard link) is refused even with ``force``.

    >>> output_path("plan.xlsx", suffixes=(".xlsx",)).name
    'plan.xlsx'
    """
    out = Path(path)
    if out.suffix.lower() not in suffixes:
        words = suffixes[0] if len(suffixes) == 1 else ", ".join(suffixes[:-1]) + " or " + suffixes[-1]
        raise SamplingError(f"{option}: {str(path)!r} must end in {words}" + (f" ({kind})" if kind else ""))
    for given in inputs:
        if given is None or not isinstance(given, (str, os.PathLike)):
            continue
        source = Path(given)
        if _same_file(out, source) or os.path.abspath(out) == os.path.abspath(source):
            raise SamplingError(f"{option}: {path} is {source}, a file this command reads; an input is "
                                "never overwritten, even with --force: choose another name")
    if out.is_dir():
        raise SamplingError(f"{option}: {path} is a folder; give a file name in it")
    if out.exists() and not force:
        raise SamplingError(f"{option}: {path} already exists (an earlier output?); choose another name, "
                            "or add --force to replace it")
    if not out.resolve().parent.exists():
        raise SamplingError(f"{option}: the folder {out.parent} does not exist")
    return out
