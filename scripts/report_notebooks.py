"""Execute the annexe template once per bundled report, into notebooks/reports/<id>.ipynb.

    PYTHONPATH=$PWD python scripts/report_notebooks.py                  # all five
    PYTHONPATH=$PWD python scripts/report_notebooks.py calderdale-2022  # one

Each report notebook is the template ``sampling/templates/annexe.ipynb`` with one cell added after
its ``parameters`` cell (tagged ``injected-parameters``) naming the report and the seed of the
illustrative draw, executed (:func:`sampling.execute_annexe`). Nothing here writes a cell's text:
change the template, then run this, and every report notebook follows.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: The seed of each report's illustrative draw: the year its inspection was published.
SEEDS = {"calderdale-2022": 2022, "cambridgeshire-2023": 2023, "essex-2018": 2018,
         "nottingham-city-2020": 2020, "sunderland-2022": 2022}


def main(argv: list[str] | None = None) -> int:
    import nbformat

    from sampling import execute_annexe

    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("reports", nargs="*", default=sorted(SEEDS), help="bundled report ids (default: all)")
    args = parser.parse_args(argv)
    for report_id in args.reports:
        notebook = execute_annexe(report_id, draw_seed=SEEDS[report_id])
        path = ROOT / "notebooks" / "reports" / f"{report_id}.ipynb"
        nbformat.write(notebook, path)
        print("executed", path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
