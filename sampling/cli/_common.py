"""What every command shares: the parser that fails in one line, argument types, JSON output,
and output files written safely."""

from __future__ import annotations

import argparse
import json

from .._files import output_path


class _UsageError(Exception):
    """Raised by the parser instead of printing its usage and exiting."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2 (handled in main)
        raise _UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


def float_arg(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def population_arg(text: str) -> int | None:
    if text.strip().lower() in {"inf", "infinity", "none", "unlimited"}:
        return None
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of cases or 'inf', got {text!r}") from None
    if not value.is_integer():
        raise argparse.ArgumentTypeError(f"expected a whole number of cases or 'inf', got {text!r}")
    return int(value)


def print_json(payload) -> None:
    print(json.dumps(payload, indent=2, allow_nan=False))


def check_out(path: str, force: bool, inputs=()) -> None:
    """A table's path: .csv or .xlsx, in a folder that exists, none of the command's ``inputs``,
    not overwritten without --force."""
    output_path(path, suffixes=(".csv", ".xlsx"), force=force, inputs=inputs)


def write_table(frame, path: str, context=()) -> None:
    """Write a table through the one writer (text never a formula; whole or not at all)."""
    from .._files import write_table as write

    write(frame, path, context=context)


def add_out(parser, what: str = "the table printed") -> None:
    """``--out FILE.xlsx|FILE.csv``: write ``what`` through the one writer, with its context."""
    parser.add_argument("--out", metavar="FILE.xlsx|FILE.csv", default=None,
                        help=f"also write {what} to this file, one row per line of it, with its context "
                             "(service, framework, version, populations) on a sheet 'context' or "
                             "on '#' lines before a CSV")


def report_arg(parser, name: str = "report", metavar: str = "REPORT", what: str = "the report",
               **kwargs) -> None:
    """A report argument: whatever :func:`sampling.resolve_report` accepts."""
    parser.add_argument(name, metavar=metavar,
                        help=f"{what}: a bundled report id, a report file (.toml) or an answers "
                             "workbook (.xlsx)", **kwargs)


def resolve(source):
    """The report ``source`` names (:func:`sampling.resolve_report`)."""
    from ..journey import resolve_report

    return resolve_report(source)


def with_context(payload: dict, context: dict) -> dict:
    """``payload`` with the context's keys added where it has none of that name (no existing key
    is renamed or replaced)."""
    return {**payload, **{key: value for key, value in context.items() if key not in payload}}


def emit_table(frame, path: str | None, context: dict) -> None:
    """Write ``frame`` to ``path`` (when given) with ``context``, and say so on stderr."""
    if path is None:
        return
    import sys

    from ..journey import context_rows

    write_table(frame, path, context=context_rows(context))
    print(f"wrote {path}", file=sys.stderr)


def seed_arg(text: str) -> int:
    """A seed: a whole number from 0."""
    if not (text.strip().isascii() and text.strip().isdigit()):
        raise argparse.ArgumentTypeError(f"a seed is a whole number from 0, got {text!r}")
    return int(text)


def check_plot_path(path: str | None, force: bool = False) -> None:
    """A figure's path: .png, .pdf or .svg, in a folder that exists, not overwritten without --force."""
    if path is not None:
        output_path(path, option="--plot", suffixes=(".png", ".pdf", ".svg"), force=force)

