"""``plan`` speed: a messy export of 20,000 cases (bar: under 2 s) and of 250,000 (bar: under 15 s),
read from CSV, sized, selected and written as a workbook, both domains, four balancing variables.

    python benchmarks/bench_plan.py

Medians of several runs (the time a methodologist waits for ``python -m sampling plan``, less
Python's start-up and imports, which are timed once and printed apart). A workbook export of
20,000 cases is timed too, for reference: openpyxl reading every cell dominates it.
"""

from __future__ import annotations

import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import median_seconds  # noqa: E402

from sampling.plans import plan  # noqa: E402
from sampling.synthetic import messy_case_list, write_export  # noqa: E402


def main() -> None:
    start = time.perf_counter()
    import openpyxl  # noqa: F401
    import pandas  # noqa: F401
    import scipy.optimize  # noqa: F401

    print(f"imports (pandas, scipy, openpyxl): {time.perf_counter() - start:.2f} s, once per command")
    with tempfile.TemporaryDirectory() as folder:
        for population, bar, repeats in ((20_000, 2.0, 7), (250_000, 15.0, 3)):
            export = Path(folder) / f"export-{population}.csv"
            write_export(messy_case_list(population, rng=1), export, bom=True, trailing_blank_rows=3)
            out = Path(folder) / "plan.xlsx"

            def run(export=export, out=out):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    result = plan(str(export), seed=2024)
                result.write(out, overwrite=True)
                return result

            result = run()  # warm
            median = median_seconds(run, repeats)
            sizes = ", ".join(f"{p.domain} {p.population:,} -> n = {p.n}" for p in result.domains)
            print(f"N = {population:>7,} ({sizes}): median {median:.2f} s over {repeats} runs "
                  f"(bar {bar:g} s: {'met' if median < bar else 'MISSED'}; {bar / median:.1f}x headroom)")
        # for reference, no bar: the same 20,000 cases from a workbook (openpyxl reads every cell)
        book = Path(folder) / "export.xlsx"
        write_export(messy_case_list(20_000, rng=1), book, notes_sheet=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            median = median_seconds(lambda: plan(str(book), seed=2024), 3)
        print(f"N =  20,000 from .xlsx (behind a notes sheet): median {median:.2f} s over 3 runs (no bar)")


if __name__ == "__main__":
    main()
