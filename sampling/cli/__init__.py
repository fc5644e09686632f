"""The command line: ``python -m sampling COMMAND ...``, a thin layer over the package.

Every command has ``--help``. A bad argument or input prints one line on stderr and exits 2,
with no traceback and no output file written.

One module per job registers its commands: each has ``register(subparsers)``, and may have
``reproduce_lines(report)``, the lines it adds to ``reproduce`` for each bundled report. A new
command is a new module listed in ``COMMAND_MODULES``.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence

from .._errors import SamplingError
from . import (
    across,
    annexe,
    app,
    discretion,
    explain,
    plan,
    reports,
    selection,
    size,
    status,
    team,
    uncertainty,
)
from ._common import _Parser, _UsageError

__all__ = ["main", "build_parser"]

#: The modules that add commands, in the order ``--help`` lists them.
COMMAND_MODULES = (reports, size, uncertainty, discretion, selection, plan, annexe, team, status, across,
                   explain, app)


def reproduce_sections():
    """Each module's ``reproduce_lines``, in order: what ``reproduce`` prints for each report."""
    return [module.reproduce_lines for module in COMMAND_MODULES if hasattr(module, "reproduce_lines")]


def build_parser() -> argparse.ArgumentParser:
    """The whole command line's parser, every command registered (what ``--help`` and the
    documentation's command-line reference show)."""
    parser = _Parser(
        prog="python -m sampling",
        description="Inspection sampling toolkit: sample sizes, balanced selection, rating-band "
                    "uncertainty and professional discretion for youth justice inspections.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


_build_parser = build_parser  # the name the tests and older callers use


def _show_warning(message, category, filename, lineno, file=None, line=None):
    print(f"warning: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    args.argv = list(sys.argv[1:] if argv is None else argv)  # for the audit of what was run
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = _show_warning
        try:
            return args.func(args)
        except SamplingError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        except BrokenPipeError:  # the reader (e.g. `| head`) stopped early: nothing more to say
            sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - keeps Python from reporting it at exit
            return 0
        except OSError as exc:
            print(f"error: {exc.strerror or exc}: {getattr(exc, 'filename', '') or ''}".rstrip(": "),
                  file=sys.stderr)
            return 2
