"""Execute committed notebooks in place, so that their stored outputs match the package again.

    python scripts/run_notebooks.py                       # every notebook under notebooks/
    python scripts/run_notebooks.py notebooks/teaching/02-balanced-sample.ipynb

The notebooks are the source: this only runs them (nbclient, the kernel of the current
environment) and saves the outputs that ``python -m pytest`` then compares with nbval. It never
writes a cell's source.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def execute(path: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    # store_widget_state: a lesson's controls render when the saved notebook is opened
    NotebookClient(notebook, timeout=600, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nbformat.write(notebook, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path,
                        help="notebooks to run (default: all under notebooks/)")
    args = parser.parse_args(argv)
    paths = args.paths or sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb")
                                 if ".ipynb_checkpoints" not in p.parts)
    for path in paths:
        execute(path)
        print("executed", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
