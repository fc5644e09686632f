"""A report's plausibility is checked when it is loaded, so that every command agrees.

Three checks (methodology/report-format.md, "Checks at loading"): a sample of cases inspected is
at most 1,000 (a population is refused); a user's report may not take a bundled report's id with
other figures; a standard's published rating more than one band from what its percentages give
is a transcription error (every discretion decision in the reports moves one band).
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import warnings
from importlib import resources
from pathlib import Path

import pytest

from sampling import ReportError, list_reports, load_report
from sampling._errors import SamplingWarning
from sampling.cli import main
from sampling.framework import Rating
from sampling.reports._loader import _check_transcription, _Fail
from sampling.reports._model import KeyQuestion, Standard

ROOT = Path(__file__).resolve().parent.parent
CALDERDALE = (resources.files("sampling") / "data" / "reports" / "calderdale-2022.toml").read_text("utf-8")


def edited(old: str, new: str) -> str:
    assert CALDERDALE.count(old) == 1, old
    return CALDERDALE.replace(old, new)


def refused_by_every_command(capsys, path, fragment):
    for argv in (["rate", str(path)], ["uncertainty", str(path)], ["discretion", str(path)]):
        code = main(argv)
        out, err = capsys.readouterr()
        assert code == 2 and out == "", argv
        assert len(err.strip().splitlines()) == 1 and fragment in err, (argv, err)


def test_the_five_bundled_reports_still_load():
    # they are real published reports: every check must accept them
    assert [load_report(r).id for r in list_reports()] == list_reports()


# --------------------------------------------------------------------------------------------
# a population where the cases inspected belong


def test_a_population_as_a_sample_is_refused_by_every_command(capsys, write_toml):
    path = write_toml(edited("court = 11\n", "court = 100000000\n"))
    refused_by_every_command(capsys, path, "samples.court: 100,000,000 cases is not a plausible inspection sample")
    result = subprocess.run([sys.executable, "-m", "sampling", "rate", str(path)], capture_output=True, text=True,
                            check=False, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert result.returncode == 2 and result.stdout == "" and len(result.stderr.strip().splitlines()) == 1


def test_a_denominator_beyond_any_sample_is_refused(write_toml):
    path = write_toml(edited('key_questions = { "2.1.1" = 73, "2.1.2" = 64, "2.1.3" = 55 }',
                             'key_questions = { "2.1.1" = 73, "2.1.2" = 64, "2.1.3" = 55 }\n'
                             'cases = { "2.1.1" = 5000 }').replace("court = 11\n", "court = 5000\n"))
    with pytest.raises(ReportError, match="samples.court: 5,000 cases"):
        load_report(path)
    # 1,000 is the most (sampling._validation.MAX_CASES_JUDGED): 73% of 1,000 prints as 73
    most = edited("court = 11\n", "court = 1000\n").replace('id = "calderdale-2022"', 'id = "most"')
    assert load_report(write_toml(most, name="most.toml")).samples["court"] == 1000


# --------------------------------------------------------------------------------------------
# a bundled report's id on other figures


def test_a_bundled_id_on_other_figures_is_refused_and_a_copy_loads(capsys, write_toml):
    # 2.1.1 = 82 % of 11 (9 of 11) instead of Calderdale's 73 % (8 of 11): another service's data
    path = write_toml(edited('"2.1.1" = 73', '"2.1.1" = 82'))
    refused_by_every_command(capsys, path, "id: 'calderdale-2022' is a bundled report's id, but these figures "
                                           "differ from it; choose another id")
    renamed = write_toml(edited('"2.1.1" = 73', '"2.1.1" = 82').replace('id = "calderdale-2022"',
                                                                        'id = "calderdale-2022-own"'),
                         name="own.toml")
    assert load_report(renamed).key_question("2.1.1").k == 9
    copy = load_report(write_toml(CALDERDALE, name="copy.toml"))
    assert copy.id == "calderdale-2022" and copy.path is not None


# --------------------------------------------------------------------------------------------
# a standard's published rating no discretion could reach


def test_a_rating_two_bands_from_its_percentages_is_refused(capsys, write_toml):
    # Calderdale's 2.4 is Inadequate on 55/45/45; at 73/73/73 (8 of 11 each) its percentages give Good
    path = write_toml(edited('"2.4.1" = 55, "2.4.2" = 45, "2.4.3" = 45', '"2.4.1" = 73, "2.4.2" = 73, "2.4.3" = 73'))
    refused_by_every_command(capsys, path, "standards.\"2.4\".rating: 'Inadequate' is more than one band from "
                                           "'Good'")


def test_all_zero_percent_under_good_is_refused_and_under_requires_improvement_warns(write_toml):
    # Calderdale's 2.1 is Requires improvement: one band above Inadequate, what 0 % gives, but from
    # 50 points below the boundary, where no discretion decision of the reports came from
    zero = edited('"2.1.1" = 73, "2.1.2" = 64, "2.1.3" = 55', '"2.1.1" = 0, "2.1.2" = 0, "2.1.3" = 0') \
        .replace('id = "calderdale-2022"', 'id = "zero"')
    with pytest.warns(SamplingWarning, match=r"standard 2.1: published 'Requires improvement' where its "
                                             r"percentages give 'Inadequate', with its lowest key question at "
                                             r"0%, 50 points from the 50% boundary"):
        assert load_report(write_toml(zero)).standard("2.1").rule_rating is Rating.INADEQUATE
    # 2.2 is Good: two bands above
    two = edited('"2.2.1" = 73, "2.2.2" = 73, "2.2.3" = 82', '"2.2.1" = 0, "2.2.2" = 0, "2.2.3" = 0') \
        .replace('id = "calderdale-2022"', 'id = "zero"')
    with pytest.raises(ReportError, match="'Good' is more than one band from 'Inadequate'"):
        load_report(write_toml(two, name="two.toml"))


def _band(percent: int) -> int:
    """The youth frameworks' bands, written out independently: Inadequate below 50 %, Requires
    improvement 50-64 %, Good 65-79 %, Outstanding 80 % and over (Calderdale 2022, Annexe 1;
    methodology/rating-rules.md)."""
    return sum(percent >= bound for bound in (50, 65, 80))


def _accepted(percents, rating: Rating) -> bool:
    kqs = tuple(KeyQuestion(f"2.1.{i}", p, 100, p) for i, p in enumerate(percents, start=1))
    try:
        with warnings.catch_warnings():  # far discretion is warned of, not refused: tested above
            warnings.simplefilter("ignore", SamplingWarning)
            _check_transcription(Standard("2.1", "a standard", rating, kqs), _Fail("report.toml"))
    except ReportError:
        return False
    return True


def test_the_transcription_check_accepts_exactly_the_ratings_within_one_band():
    # brute force: every percentage of one key question, and every triple of percentages at and
    # beside each boundary, under each of the four ratings
    singles = [(p,) for p in range(101)]
    edges = (0, 49, 50, 64, 65, 79, 80, 100)
    cases = singles + list(itertools.product(edges, repeat=3))
    checked = 0
    for percents, rating in itertools.product(cases, Rating):
        expected = abs(int(rating) - _band(min(percents))) <= 1
        assert _accepted(percents, rating) is expected, (percents, rating)
        checked += 1
    assert checked == (101 + 8**3) * 4


def test_qualitative_standards_have_no_percentages_to_check():
    for rating in Rating:  # rated without key questions: any rating stands
        assert _check_transcription(Standard("1.1", "governance", rating), _Fail("report.toml")) is None
