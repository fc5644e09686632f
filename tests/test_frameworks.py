"""Frameworks as data: the bundled files, a user's edited copy, ``extends``, another regulator's
aggregation (the Care Quality Commission's), the 2025 framework as far as it is public, and every
mistake a framework file can hold."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from sampling import ReportError, load_report, rate_report
from sampling.framework import FRAMEWORKS, Rating, get_framework, load_framework, percent
from sampling.reports import build_report

HERE = Path(__file__).parent
BUNDLED = Path(__file__).parents[1] / "sampling" / "data" / "frameworks"
REPORTS = Path(__file__).parents[1] / "sampling" / "data" / "reports"


def test_bundled_frameworks_hold_the_published_rules():
    # Calderdale 2022 and Nottingham City 2020, Annexe 2: bands 50/65/80, points 0-3, score bands
    # 0-6 / 7-18 / 19-30 / 31-36; Calderdale 2022: an Inadequate resettlement rating caps at Good
    for name in ("youth-2018", "youth-2021"):
        framework = FRAMEWORKS[name]
        assert framework.band_lower_bounds == (50, 65, 80)
        assert framework.points == (0, 1, 2, 3)
        assert framework.score_bands == ((0, 6), (7, 18), (19, 30), (31, 36))
        assert framework.max_score == 36
    assert [s.id for s in FRAMEWORKS["youth-2018"].standards][-1] == "3.4"
    assert FRAMEWORKS["youth-2018"].standard("3.4").key_questions == ("3.4.1", "3.4.2")
    assert FRAMEWORKS["youth-2021"].standard("3.4").qualitative
    resettlement = FRAMEWORKS["youth-2021"].standard("4.1")
    assert not resettlement.scored and resettlement.optional
    (judgement,) = FRAMEWORKS["youth-2021"].limiting
    assert (judgement.standard, judgement.when, judgement.cap) == ("4.1", Rating.INADEQUATE, Rating.GOOD)


def _moved_copy(tmp_path, lower_bounds) -> Path:
    text = (BUNDLED / "youth-2021.toml").read_text()
    assert "lower_bounds = [50, 65, 80]" in text
    path = tmp_path / "my-framework.toml"
    path.write_text(text.replace('name = "youth-2021"', 'name = "my-framework"')
                    .replace("lower_bounds = [50, 65, 80]", f"lower_bounds = {list(lower_bounds)}"))
    return path


def _band_by_hand(printed: int, lower_bounds) -> int:
    return sum(printed >= bound for bound in lower_bounds)


@pytest.mark.parametrize("report_id", ["calderdale-2022", "cambridgeshire-2023", "sunderland-2022"])
@pytest.mark.parametrize("lower_bounds", [(50, 70, 80), (45, 65, 85), (55, 60, 90)])
def test_a_copy_with_a_threshold_moved_rates_as_the_moved_threshold_implies(tmp_path, report_id, lower_bounds):
    framework_file = _moved_copy(tmp_path, lower_bounds)
    report_file = tmp_path / f"{report_id}.toml"
    report_file.write_text((REPORTS / f"{report_id}.toml").read_text()  # under an id of its own: a
                           .replace(f'id = "{report_id}"', f'id = "{report_id}-moved"')  # bundled id is
                           .replace('framework = "youth-2021"', f'framework = "{framework_file.name}"'))  # its figures
    original = load_report(report_id)
    try:
        moved = rate_report(report_file)
    except ReportError as exc:  # the published overall may no longer follow: then it says so
        assert "does not follow from the published ratings" in str(exc)
        return
    for standard in original.standards:
        row = next(r for r in moved.rows if r.id == standard.id)
        if standard.qualitative:
            assert row.rule_rating == standard.rating
        else:  # the lowest key question's band under the moved thresholds, by hand
            expected = min(_band_by_hand(kq.percent, lower_bounds) for kq in standard.key_questions)
            assert int(row.rule_rating) == expected, standard.id


def test_the_same_edit_through_extends(tmp_path):
    copy = load_framework(_moved_copy(tmp_path, (50, 70, 80)))
    small = tmp_path / "small.toml"
    small.write_text('extends = "youth-2021"\nname = "my-framework"\n[bands]\nlower_bounds = [50, 70, 80]\n')
    via_extends = load_framework(small)
    assert via_extends.band_lower_bounds == copy.band_lower_bounds == (50, 70, 80)
    assert via_extends.standards == copy.standards
    assert via_extends.limiting == copy.limiting
    assert via_extends.score_bands == copy.score_bands
    # its own values win over the framework it extends, lists included
    other = tmp_path / "other.toml"
    other.write_text('extends = "youth-2021"\nname = "x"\n[overall]\nmethod = "score"\n'
                     'bands = [[0, 8], [9, 20], [21, 30], [31, 36]]\nlimiting = []\n')
    loaded = load_framework(other)
    assert loaded.score_bands == ((0, 8), (9, 20), (21, 30), (31, 36)) and loaded.limiting == ()
    assert loaded.overall_rating(20) is Rating.REQUIRES_IMPROVEMENT


def test_answers_under_a_moved_threshold_rate_by_it(tmp_path):
    # case answers under the held-out copy (Good from 70 %): 2 of 3 yes prints 67 %, Good by the
    # youth bands (65 %) but Requires improvement by the copy's; 7 of 10 prints 70 %, Good by both
    import pandas as pd

    from sampling import report_from_answers

    moved = _moved_copy(tmp_path, (50, 70, 80))
    framework = load_framework(moved)
    for yes, cases in itertools.product(range(0, 13), range(1, 13)):
        if yes > cases:
            continue
        rows = [(f"c{i}", kq, "yes" if i < yes else "no") for spec in framework.standards
                for kq in spec.key_questions for i in range(cases)]
        qualitative = {s.id: "Good" for s in framework.standards if s.qualitative}
        report = report_from_answers(pd.DataFrame(rows, columns=["case_id", "key_question", "answer"]),
                                     framework=str(moved), qualitative=qualitative)
        expected = sum(percent(yes, cases) >= low for low in (50, 70, 80))
        assert int(report.standard("2.1").rating) == expected, (yes, cases)
        assert report.standard("2.1").rule_rating == report.standard("2.1").rating


CQC = HERE / "data" / "frameworks" / "cqc-local-authority.toml"


def _cqc_by_hand(total: int, statements: int = 9) -> Rating:
    # Care Quality Commission, "How we determine ratings": "25 to 38% = inadequate, 39 to 62% =
    # requires improvement, 63 to 87% = good, 88% and above = outstanding" of the highest score
    # (4 per statement); the percentage rounded half up to a whole number
    printed = percent(total, 4 * statements)
    if printed >= 88:
        return Rating.OUTSTANDING
    if printed >= 63:
        return Rating.GOOD
    if printed >= 39:
        return Rating.REQUIRES_IMPROVEMENT
    return Rating.INADEQUATE


def test_cqc_scoring_from_a_data_file_alone():
    framework = load_framework(CQC)
    assert framework.points == (1, 2, 3, 4) and framework.max_score == 36
    assert len(framework.standards) == 9 and all(s.qualitative for s in framework.standards)
    # every combination of nine statement scores would take 4^9 ratings; the overall rating
    # depends only on the total, so every total from 9 (all 1) to 36 (all 4) is checked
    for total in range(9, 37):
        assert framework.overall_rating(total) == _cqc_by_hand(total), total
    assert framework.overall_rating(27) is Rating.GOOD  # every statement "a good standard": 75 %
    assert framework.overall_rating(9) is Rating.INADEQUATE  # 25 %, the lowest possible


@pytest.mark.parametrize("scores", [(1,) * 9, (3,) * 9, (4,) * 9, (4, 4, 4, 4, 4, 4, 4, 4, 1),
                                    (2, 2, 2, 2, 1, 1, 2, 1, 1), (3, 3, 3, 2, 2, 2, 3, 3, 3)])
def test_a_cqc_report_rates_from_its_statements(scores):
    framework = load_framework(CQC)
    labels = Rating.labels()
    standards = {spec.id: {"rating": labels[score - 1]} for spec, score in zip(framework.standards, scores,
                                                                               strict=True)}
    expected = _cqc_by_hand(sum(scores))
    report = build_report({"id": "la", "service": "A local authority", "published": "2025",
                           "framework": str(CQC), "overall": expected.label, "samples": {},
                           "standards": standards})
    assert report.published_score == sum(scores)
    assert report.overall is expected


def test_the_2025_framework_as_far_as_it_is_public():
    framework = get_framework("youth-2025")
    victims = framework.standard("V1")
    assert victims.key_questions == ("V1.1", "V1.2")
    assert framework.wording("V1.1") == "Is work with victims high-quality, individualised, and responsive?"
    children = [s for s in framework.standards if s.area == "children"]
    assert len(children) == 1 and children[0].id.startswith("2")
    assert framework.sample_of("V1.1") == "victims" and framework.sample_of("2.1.1") == "children"
    assert framework.sources and framework.assumptions
    # Wakefield 2025: children Outstanding, victims Good, overall Good (the areas' lower rating)
    assert framework.overall_from_ratings({"2.1": Rating.OUTSTANDING, "V1": Rating.GOOD}) is Rating.GOOD
    for children_rating, victims_rating in itertools.product(Rating, Rating):
        overall = framework.overall_from_ratings({"2.1": children_rating, "V1": victims_rating})
        assert overall == min(children_rating, victims_rating)


@pytest.mark.parametrize(
    "text, message",
    [
        ('name = "x"\n', "standards: missing"),
        ('name = "x"\ncolour = "red"\n[[standards]]\nid = "1"\nname = "A"\n', "colour: unknown key"),
        ('name = "x"\npoints = [0, 1, 2]\n[[standards]]\nid = "1"\nname = "A"\n', "points: must be four"),
        ('name = "x"\npoints = [3, 2, 1, 0]\n[[standards]]\nid = "1"\nname = "A"\n', "points: must increase"),
        ('name = "x"\n[bands]\nlower_bounds = [65, 50, 80]\n[[standards]]\nid = "1"\nname = "A"\n',
         "bands.lower_bounds: must increase"),
        ('name = "x"\n[overall]\nmethod = "score"\nbands = [[0, 1], [1, 2], [3, 3], [4, 6]]\n'
         '[[standards]]\nid = "1"\nname = "A"\n[[standards]]\nid = "2"\nname = "B"\n', "without gaps or overlaps"),
        ('name = "x"\n[overall]\nmethod = "median"\n[[standards]]\nid = "1"\nname = "A"\n', "overall.method"),
        ('name = "x"\n[overall]\nmethod = "score"\nbands = [[0, 0], [1, 1], [2, 2], [3, 3]]\n'
         '[[overall.limiting]]\nstandard = "9"\nwhen = "Inadequate"\ncap = "Good"\n'
         '[[standards]]\nid = "1"\nname = "A"\n', "is not a standard of this framework"),
        ('name = "x"\n[[standards]]\nid = "1"\nname = "A"\n[[standards]]\nid = "1"\nname = "B"\n', "appears twice"),
        ('name = "x"\n[[standards]]\nid = "1"\nname = "A"\nkey_questions = ["7.1.1"]\n', "does not map to a sample"),
        ('extends = "x.toml"\nname = "x"\n', "extends itself"),
        ('name = "x"\n[standard_rule]\nrule = "mean"\n[[standards]]\nid = "1"\nname = "A"\n', "must be 'lowest'"),
    ],
)
def test_each_mistake_in_a_framework_file_names_the_field(tmp_path, text, message):
    path = tmp_path / "x.toml"
    path.write_text(text)
    with pytest.raises(ReportError, match=message) as info:
        load_framework(path)
    assert str(path) in str(info.value) and "framework-format.md" in str(info.value) or "extends" in message


def test_an_unknown_framework_is_refused_with_the_known_ones_named():
    with pytest.raises(ReportError, match="neither a bundled framework"):
        load_framework("youth-1999")
