"""Writing output files safely: whole or not at all, with ordinary permissions."""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

from ._errors import SamplingError


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


def output_path(path, *, option: str = "--out", suffixes=(".csv",), force: bool = False,
                kind: str | None = None) -> Path:
    """Check where an output goes, before any work: the right suffix, a folder that exists, and
    no file overwritten without ``--force``. One place for every command's output files.

    >>> output_path("plan.xlsx", suffixes=(".xlsx",)).name
    'plan.xlsx'
    """
    out = Path(path)
    if out.suffix.lower() not in suffixes:
        words = suffixes[0] if len(suffixes) == 1 else ", ".join(suffixes[:-1]) + " or " + suffixes[-1]
        raise SamplingError(f"{option}: {str(path)!r} must end in {words}" + (f" ({kind})" if kind else ""))
    if out.exists() and not force:
        raise SamplingError(f"{option}: {out} exists; choose another name or add --force to overwrite")
    if not out.resolve().parent.exists():
        raise SamplingError(f"{option}: the folder {out.parent} does not exist")
    return out
