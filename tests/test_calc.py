"""What a person sees: the toolkit's files opened in LibreOffice Calc show hostile ids literally.

A plan with ids such as ``=1+1``, ``=HYPERLINK(...)``, ``#N/A``, ``-2+3`` and ``@SUM(1+1)``, the
answers template made from it and a ``select --out`` CSV are opened in Calc (headless) and
exported as CSV with each cell as shown: every id must read as typed (``=1+1``, never ``2``), and
in the CSV, opened with formulas evaluated, the neutralised value keeps its quote and is never
evaluated. Skipped when Calc is not installed (``apt-get install libreoffice-calc``) unless
``SAMPLING_REQUIRE_BROWSER=1``, when it fails instead.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest

import sampling
from sampling._errors import SamplingWarning
from sampling._files import write_table
from sampling.answers import answers_template
from sampling.cli import main
from sampling.synthetic import messy_case_list

HOSTILE = ["=1+1", '=HYPERLINK("http://x.example","click")', "#N/A", "-2+3", "@SUM(1+1)"]
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# separator, text delimiter, UTF-8, from line 1, -, language, quoted as text, detect special
# numbers, save cell contents as shown, export formulas, trim spaces, every sheet (-1), evaluate
# formulas on import
_OPTIONS = "44,34,76,1,,0,false,true,true,false,false,-1,true"

if SOFFICE is None:
    if os.environ.get("SAMPLING_REQUIRE_BROWSER") == "1":
        pytest.fail("SAMPLING_REQUIRE_BROWSER=1 but LibreOffice (soffice) is not on PATH", pytrace=False)
    pytest.skip("LibreOffice Calc (soffice) is not installed", allow_module_level=True)


def calc_export(path: Path, out: Path, profile: Path) -> dict[str, list[list[str]]]:
    """Each sheet of ``path`` as Calc shows it, read from its CSV export."""
    out.mkdir(exist_ok=True)
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         f"--infilter=CSV:{_OPTIONS}" if path.suffix == ".csv" else "--norestore",
         "--convert-to", f"csv:Text - txt - csv (StarCalc):{_OPTIONS}", "--outdir", str(out), str(path)],
        capture_output=True, text=True, timeout=180, env=dict(os.environ, HOME=str(profile)))
    assert done.returncode == 0, done.stderr
    sheets = {}
    for made in sorted(out.glob(f"{path.stem}*.csv")):
        with open(made, encoding="utf-8", newline="") as stream:
            sheets[made.stem] = list(csv.reader(stream))
    assert sheets, (done.stdout, done.stderr)
    return sheets


def column(rows: list[list[str]], heading: str) -> list[str]:
    index = rows[0].index(heading)
    return [row[index] for row in rows[1:] if len(row) > index]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    here = tmp_path_factory.mktemp("calc")
    cases = messy_case_list(40, rng=3)
    cases.loc[: len(HOSTILE) - 1, "Case Ref"] = HOSTILE
    write_table(cases, here / "cases.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplingWarning)
        sizes = sampling.read_case_list(cases).domains()  # every case sampled: every hostile id is there
        sampling.plan(cases, seed=5, n=sizes, reserves=0).write(here / "plan.xlsx")
    answers_template(here / "plan.xlsx", here / "answers.xlsx")
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["select", str(here / "cases.csv"), "--n", "40", "--strata", "Sex", "--id-column", "Case Ref",
                     "--seed", "1", "--out", str(here / "sample.csv")]) == 0
    return {"folder": here, **{p.stem: p for p in here.glob("*.*")}}


def test_calc_shows_the_plans_hostile_ids_as_typed(files):
    here = files["folder"]
    sheets = calc_export(files["plan"], here / "plan-out", here / "profile-plan")
    shown = column(sheets["plan-sample"], "case_id")
    assert set(HOSTILE) <= set(shown), shown
    assert "2" not in shown and "1" not in shown and "click" not in shown  # nothing evaluated


def test_calc_shows_the_answers_templates_hostile_ids_as_typed(files):
    here = files["folder"]
    sheets = calc_export(files["answers"], here / "answers-out", here / "profile-answers")
    shown = set(column(sheets["answers-answers"], "case_id"))
    assert set(HOSTILE) <= shown, shown
    assert not shown & {"2", "1", "click", ""}


def test_calc_opens_the_select_csv_with_each_neutralised_value_quoted_never_evaluated(files):
    here = files["folder"]
    sheets = calc_export(files["sample"], here / "sample-out", here / "profile-sample")
    (rows,) = sheets.values()
    start = next(i for i, row in enumerate(rows) if row and row[0] == "Case Ref")  # after the "# field" lines
    shown = column(rows[start:], "Case Ref")
    for value in HOSTILE:
        expected = "'" + value if value.startswith(("=", "+", "-", "@")) else value
        assert expected in shown, (value, shown)
    assert not {"2", "1", "click"} & set(shown)
