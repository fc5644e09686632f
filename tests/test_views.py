"""The finite and the process views side by side: which populations were used and whether given or
implied, the range of populations each sample size allows, P(published) in both views per standard
and overall, the caption that says what each view means, and in words why a published rating is
unlikely where it is (the rule score and the discretion behind it)."""

from __future__ import annotations

import json

import pytest

from sampling import Rating, load_report, populations_for_sample_size, rate_report
from sampling.cli import main
from sampling.uncertainty import LOW_PROBABILITY, rating_distribution, report_uncertainty

LABELS = Rating.labels()


def test_population_ranges_are_those_of_the_sample_sizes(report_id):
    result = report_uncertainty(report_id, mode="finite")
    report = load_report(report_id)
    assert result.populations_source == "implied"
    for name, found in result.population_ranges.items():
        expected = populations_for_sample_size(report.samples[name])
        assert (found.low, found.high) == (expected.low, expected.high)
        assert result.populations[name] == found.low  # implied: the smallest population giving the sample
    assert report_uncertainty(report_id).population_ranges is None  # process: no population is used


def test_given_populations_say_so_and_keep_their_ranges():
    result = report_uncertainty("essex-2018", mode="finite", populations={"court": 60, "out_of_court": 40})
    assert result.populations_source == "given" and dict(result.populations) == {"court": 60, "out_of_court": 40}
    assert str(result.population_ranges["court"]) == "57"  # 43 is what 57 eligible cases give
    assert "from the populations given" in result.caption


def test_both_views_per_standard_and_overall(report_id):
    result = report_uncertainty(report_id, mode="finite")
    finite, process = rating_distribution(report_id, mode="finite"), rating_distribution(report_id)
    rows = {row["id"]: row for row in result.published_probabilities()}
    assert rows["overall"]["probability"] == pytest.approx(finite.p_published_overall, abs=1e-15)
    assert rows["overall"]["process_probability"] == pytest.approx(process.p_published_overall, abs=1e-15)
    for sid, standard in finite.standards.iterrows():
        label = standard["published"]
        assert rows[sid]["probability"] == pytest.approx(standard[label], abs=1e-15)
        assert rows[sid]["process_probability"] == pytest.approx(process.standards.loc[sid, label], abs=1e-15)
    data = result.to_dict()
    old = {"report", "mode", "method", "confidence", "prior", "populations", "populations_source",
           "key_questions", "standards", "score", "overall", "overall_process"}
    assert old | {"population_ranges", "caption", "standards_process", "published_probabilities",
                  "explanations"} == set(data)
    assert all(set(s) == {"id", "probabilities"} for s in data["standards"] + data["standards_process"])
    json.dumps(data, allow_nan=False)


def test_the_caption_says_what_each_view_means():
    caption = report_uncertainty("cambridgeshire-2023", mode="finite").caption
    assert "all eligible cases in the period" in caption and "the service's practice" in caption
    assert "Bayesian" in caption and "simple random sample" in caption
    assert "at least 80% at every true value" in caption  # hypergeometric
    assert "80% on average over true rates" in report_uncertainty("cambridgeshire-2023").caption  # Wilson


def test_cambridgeshire_says_why_good_is_unlikely():
    # Cambridgeshire 2023: 19 of 36, the lowest Good; 2.1.2 and 2.1.3 at 11 of 17 = 65 %, on the line
    result = report_uncertainty("cambridgeshire-2023")
    overall = next(e for e in result.explanations if e.id == "overall")
    assert overall.probability == pytest.approx(0.106, abs=5e-4)
    assert (overall.rule_score, overall.published_score, overall.rule_rating) == (19, 19, Rating.GOOD)
    assert overall.at_risk[0] == "2.1" and overall.discretion == ()
    assert "19 of 36, the lowest score rated Good (19 to 30)" in overall.text
    assert "2.1.2, 11 of 17 = 65 %, 1 case above Requires improvement" in overall.text
    assert overall.to_dict()["text"] == overall.text


def test_discretion_behind_a_rating_is_quoted():
    essex = report_uncertainty("essex-2018", mode="finite")
    overall = next(e for e in essex.explanations if e.id == "overall")
    assert (overall.rule_score, overall.published_score) == (32, 33)
    assert "within the 5 per cent margin of error" in overall.text and len(overall.discretion) == 1
    calderdale = report_uncertainty("calderdale-2022")
    raised = next(e for e in calderdale.explanations if e.id == "2.3")
    assert raised.rule_rating is Rating.INADEQUATE and raised.published is Rating.REQUIRES_IMPROVEMENT
    assert "a shift of one case makes a difference of 10 per cent" in raised.text


def test_explanations_cover_exactly_the_unlikely_ratings(report_id):
    result = report_uncertainty(report_id, mode="finite")
    ids = {e.id for e in result.explanations}
    overall = min(result.distribution.p_published_overall, result.process.p_published_overall)
    assert ("overall" in ids) == (overall < LOW_PROBABILITY)
    for standard in load_report(report_id).standards:
        if standard.qualitative:
            continue
        label = standard.rating.label
        p = min(result.distribution.standards.loc[standard.id, label],
                result.process.standards.loc[standard.id, label])
        expected = standard.rating != standard.rule_rating or p < LOW_PROBABILITY / 2
        assert (standard.id in ids) == expected, standard.id
    table = rate_report(report_id)
    assert all(e.rule_score in (None, table.rule_score) for e in result.explanations)


def test_the_command_prints_both_views_and_why(capsys):
    assert main(["uncertainty", "cambridgeshire-2023", "--mode", "finite"]) == 0
    out = capsys.readouterr().out
    assert "populations: court 18, out-of-court 17, resettlement 1 (implied by the sample sizes)" in out
    assert "court: a sample of 17 is what the reports' formula (80% confidence, 5 points) gives for 18" in out
    assert "P(published)  process" in out
    assert "why: Overall: P(published Good) = 0.204 (finite), 0.106 (process)." in out
    assert "all eligible cases in the period" in out and "the service's practice" in out


def test_reproduce_says_why(capsys):
    main(["reproduce"])
    out = capsys.readouterr().out
    assert "process: P(published Good) = 0.106" in out
    assert "why: Overall: P(published Good) = 0.204 (finite), 0.106 (process)." in out
    assert "court: a sample of 43 is what the reports' formula" in out
