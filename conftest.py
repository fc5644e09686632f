"""Loaded by pytest before any test or notebook runs (the repository root's conftest).

The user guide's examples run in a fresh folder each (the fixture at the end).

matplotlib prints "Matplotlib is building the font cache" to stderr the first time it is imported
on a fresh machine. Inside a notebook kernel that line would become an output nbval does not
expect, so the cache is built here, in the pytest process, before any kernel starts.
"""

from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.font_manager  # noqa: E402,F401  (building the cache is the point)

_GUIDE = Path(__file__).resolve().parent / "docs" / "guide"


@pytest.fixture(autouse=True)
def _guide_examples_run_in_a_fresh_folder(request, tmp_path, monkeypatch):
    """The user guide's examples (docs/guide/*.md) run in an empty folder each, as a reader would
    run them: the files they write (exports, plans, workbooks, annexes) never land in the
    repository."""
    if _GUIDE in Path(str(request.node.path)).resolve().parents:
        monkeypatch.chdir(tmp_path)
