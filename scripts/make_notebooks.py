"""Write and execute the notebooks in notebooks/ (the report notebooks share one structure).

    python scripts/make_notebooks.py            # write every notebook and execute it in place
    python scripts/make_notebooks.py --no-run   # write only

The notebooks are committed executed; ``python -m pytest`` re-runs them with nbval and compares
every output. Edit the text here, not in the .ipynb files, and re-run this script.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def md(text: str):
    return new_markdown_cell(text.strip("\n"))


def code(text: str):
    return new_code_cell(text.strip("\n"))


# --------------------------------------------------------------------------------------------
# report notebooks


REPORTS = {
    "cambridgeshire-2023": {
        "title": "Cambridgeshire Youth Justice Service (October 2023)",
        "seed": 2023,
        "particular_title": "11 of 17 printed as 65 %",
        "particular_text": """
Cambridgeshire's court sample was 17 cases. Assessment (2.1) printed 65 % for keeping the child safe
and for keeping other people safe: 11 of 17 is 64.7 %, which the report prints as 65 % and rates
**Good**. The bands apply to the printed whole number, rounded half up. Had the rule used the
unrounded share, 2.1 would have been Requires improvement and the score 18/36, one point below the
Good boundary: the overall rating turns on the rounding of one fraction.
""",
        "particular_code": """
from sampling import band, band_probabilities, percent

print("11 of 17 =", round(11 / 17 * 100, 2), "% -> printed", percent(11, 17), "% ->", band(percent(11, 17)).label)
print("Python's round(62.5) =", round(62.5), "but the reports print 10 of 16 as", percent(10, 16), "%")
band_probabilities(11, 17).round(3)
""",
        "conclusion": """
Cambridgeshire's **Good** (19/36) is the lowest score that is Good, and it rests on key questions that
sit on a boundary: 2.1's two safety questions at 11 of 17 (printed 65 %) and 3.1.2 at 8 of 16 (50 %).
The rating follows the published rules exactly, with no discretion. But the chance that the service's
underlying practice is Good by the same rules is small under process uncertainty (about 0.11; 0.20 if
the 17 and 16 cases were drawn from 18 and 17 eligible cases), because one case either way in any of
several key questions would move the score across 18/19. Read it as "Good, at the boundary".
""",
    },
    "essex-2018": {
        "title": "Essex Youth Offending Service (2018)",
        "seed": 2018,
        "particular_title": "\"Within the 5 per cent margin of error\"",
        "particular_text": """
Essex raised 3.4 (joint working) to Good because "the score for 3.4.2 is within the 5 per cent margin
of error from the next grade" (Annex 2, footnote 12). 3.4.2 printed 63 %, two points below Good. The
phrase borrows the sample's design margin (5 points at 80 % confidence for the whole sample of 28), but
the margin of one key question is wider: its own interval spans far more than five points. 63 % cannot
come from 28 cases (17/28 = 61 %, 18/28 = 64 %), so the toolkit assumes the largest denominator that
prints it, 27, and says so.
""",
        "particular_code": """
from sampling import feasible_denominators, interval, margin_of_error

kq = report.key_question("3.4.2")
print(f"3.4.2: {kq.k} of {kq.n} ({kq.denominator} denominator); denominators up to 28 that print 63%:",
      feasible_denominators(63, 28))
print("design margin of the whole out-of-court sample at N = 33:", round(margin_of_error(28, 33) * 100, 2), "points")
print("80% Wilson interval for 3.4.2:", [round(v * 100, 1) for v in (interval(kq.k, kq.n).low, interval(kq.k, kq.n).high)])
""",
        "conclusion": """
Essex's **Outstanding** (33/36 as published; 32 by the rule) does not depend on its one discretion
decision: 32 is Outstanding too. The decision itself (3.4, 63 % raised to Good) is eligible under the
rule its words describe (`within_points(5)`) and under `cases(1)`. Its samples (43 and 28) are exactly
what the formula gives for 57 and 33 eligible cases. The overall rating is less secure than the score
suggests: several standards sit at 80-81 %, one case above the Outstanding line, so the chance that
practice is Outstanding by the rules is about 0.46 under process uncertainty (0.77 for the eligible
cases themselves).
""",
    },
    "nottingham-city-2020": {
        "title": "Nottingham City Youth Justice Service (March 2020)",
        "seed": 2020,
        "particular_title": "The 11-case denominator",
        "particular_text": """
Reviewing (2.4) printed 45 % for keeping other people safe. 45 % cannot come from the 30 court cases
(13/30 = 43 %, 14/30 = 47 %); the chapter's text says the question concerned 11 relevant cases, and
5 of 11 = 45.5 %. That is also why the report could say the Inadequate rating "related to only one
case": 6 of 11 is 55 %, Requires improvement.
""",
        "particular_code": """
from sampling import cases_to_boundary, feasible_denominators

print("denominators up to 30 that print 45%:", feasible_denominators(45, 30))
kq = report.key_question("2.4.3")
print(f"2.4.3: {kq.k} of {kq.n} ({kq.denominator}); cases to the band above:", cases_to_boundary(kq).up)
""",
        "conclusion": """
Nottingham City's **Requires improvement** (15/36; 14 by the rule) is secure: its out-of-court work is
Inadequate on every standard by wide margins, and no plausible change of a few cases moves the score
out of 7-18. The one discretion decision (2.4, raised from Inadequate) is eligible under the rule its
words describe (`cases(1)`: 5 of 11 relevant cases, one from 55 %). Its samples (30 and 20) are exactly
what the formula gives for 36 and 22 eligible cases.
""",
    },
    "calderdale-2022": {
        "title": "Calderdale Youth Justice Service (May 2022)",
        "seed": 2022,
        "particular_title": "\"A shift of one case makes a difference of 10 per cent\"",
        "particular_text": """
With 11 court cases, one case is 9 points. Implementation and delivery (2.3) printed 45 % for the
child's safety: 5 of 11. One more "yes" gives 6 of 11 = 55 %, Requires improvement, and the panel
raised the standard on that ground (footnote 17). Reviewing (2.4) has two key questions at 45 %, so it
needed two changed judgements and was not raised.
""",
        "particular_code": """
from sampling import cases_to_boundary

for sid in ("2.3", "2.4"):
    result = cases_to_boundary(report.standard(sid))
    print(sid, result.rating.label, "-> cases to the band above:", result.up)
print("one case out of 11 is", round(100 / 11, 1), "percentage points")
""",
        "conclusion": """
Calderdale's **Requires improvement** (18/36 as published, the highest score that is Requires
improvement; 17 by the rule) is secure: the court standards sit low, and the chance that practice is
Good by the rules is about 0.01. Its discretion decision (2.3) is eligible under the rule its words
describe (`cases(1)`); 2.4, two cases short, was not raised, although a five-point rule would have
raised it. Its court sample of 11 is the whole population the formula implies (with 11 or fewer
eligible cases the formula asks for all of them); the out-of-court sample was set by the caseload's
proportion, not by the formula.
""",
    },
    "sunderland-2022": {
        "title": "Sunderland Youth Offending Service (December 2022)",
        "seed": 2022,
        "particular_title": "A census-sized court sample",
        "particular_text": """
Sunderland inspected 8 court cases. The formula gives 8 from 8 eligible cases: with so few, it asks for
every one, and then there is no sampling error about those cases at all (finite uncertainty vanishes).
The report also says 17 children were on court disposals at the time of inspection; if the 8 were drawn
from 17, the margin would be far above 5 points. Every court standard is one or two cases from Good.
""",
        "particular_code": """
from sampling import margin_of_error, rating_distribution

print("margin of 8 from 8 eligible:", margin_of_error(8, 8))
print("margin of 8 from 17 eligible:", round(margin_of_error(8, 17) * 100, 1), "points")
census = rating_distribution(report, mode="finite", populations={"court": 8, "out_of_court": 12})
census.overall
""",
        "conclusion": """
Sunderland's **Good** (26/36) is secure: the probability that practice is Good by the rules is above
0.99, because 26 is far from both 18 and 31. Its four court standards are each one or two cases short of
Good (2.1, 2.3 and 2.4 one case; 2.2 two), and the report raised none of them, although the one-case and
five-point rules used elsewhere would have made 2.1, 2.3 and 2.4 eligible; applied, they would have made
the score 29, still Good. The court sample of 8 is a census under the formula.
""",
    },
}


def report_notebook(report_id: str, spec: dict):
    cells = [
        md(f"""
# {spec['title']}: the methodology annexe reproduced

This notebook reproduces, from the bundled report `{report_id}`, every figure of its methodology annexe
and rating tables, and asks how sure each rating is. Every report notebook has the same sections:

1. Sample sizes, the eligible populations they imply, and their margins
2. A stratified draw on a synthetic case list of the implied size
3. The ratings recomputed from the key questions
4. Professional discretion
5. How sure is the rating?
6. What is particular to this report
7. Conclusion

The figures come from the toolkit's functions; see `methodology/` for the formulas and sources. No real
case data is used: the case list in section 2 is synthetic.
"""),
        code(f"""
from sampling import assess_discretion, load_report, rate_report, rating_distribution, select, subgroup_margins
from sampling.plots import band_ladder, score_distribution
from sampling.size import allocate, implied_populations
from sampling.synthetic import case_list

report = load_report("{report_id}")
print(report.service, "|", report.published, "|", report.framework.name, "| samples:", dict(report.samples))
"""),
        md("""
## 1. Sample sizes and the populations they imply

"The sample size was set to achieve a confidence level of 80 per cent (with a margin of error of 5)".
For each published sample: the eligible populations N for which the formula gives exactly that n (the
Cochran and simple corrections), and the margin it achieves there by the normal formula and exactly.
"""),
        code("""
samples = {name: n for name, n in report.samples.items() if name != "resettlement"}
table = implied_populations(samples)
table.round(4)
"""),
        md("""
Sub-samples have wider margins ("the margin of error for the sub-sample findings may be higher than
five"). For example, boys and girls in the court sample, split 85:15:
"""),
        code("""
court_n, court_N = samples["court"], int(table.loc["court", "N"])
split_n = allocate(court_n, {"boys": 0.85, "girls": 0.15})
split_N = allocate(court_N, {"boys": 0.85, "girls": 0.15})
subgroup_margins(split_n, split_N).round(4)
"""),
        md("""
## 2. A stratified draw

A synthetic case list of the implied court population, and a sample of the published size balanced on
gender, disposal type, risk of serious harm and safety and wellbeing, with three reserves. Every
category's sample count is the floor or ceiling of its target.
"""),
        code(f"""
cases = case_list(court_N, rng={spec['seed']})
chosen = select(cases, court_n, reserves=3, rng={spec['seed']})
print("balanced:", chosen.balanced, "| largest deviation:", round(chosen.largest_deviation, 2), "cases")
chosen.balance[["variable", "category", "population", "target", "sample"]].round(2)
"""),
        md("""
## 3. The ratings

Each standard takes the band of its lowest key question (Inadequate below 50 %, Requires improvement
50-64 %, Good 65-79 %, Outstanding 80 % and over, on the printed whole-number percentage). Qualitative
standards are taken as published.
"""),
        code("""
ratings = rate_report(report)
print(f"score: rule {ratings.rule_score}/36, published {ratings.published_score}/36;",
      f"overall: rule {ratings.rule_overall.label}, published {ratings.published_overall.label};",
      "reproduced:", ratings.reproduced)
ratings.to_frame().drop(columns="reason")
"""),
        md("""
## 4. Professional discretion

For each standard rated from key questions: the cases to the next band, the probability that the true
band is higher, and whether each candidate rule would make it eligible; then the facts.
"""),
        code("""
discretion = assess_discretion(report)
for fact in discretion.facts():
    print("-", fact)
discretion.to_frame().round(3)
"""),
        md("""
## 5. How sure is the rating?

Each key question's printed percentage and its 80 % interval over the bands (process uncertainty:
Wilson intervals for the underlying rate):
"""),
        code("""
fig = band_ladder(report)
"""),
        md("""
The exact distribution of the score and the overall rating, key questions taken as independent
(process uncertainty, Jeffreys prior), then the same for the eligible cases the samples imply (finite):
"""),
        code("""
process = rating_distribution(report)
finite = rating_distribution(report, mode="finite")
fig = score_distribution(process)
print("P(overall rating), process:", process.overall.round(3).to_dict())
print("P(overall rating), finite: ", finite.overall.round(3).to_dict())
"""),
        md(f"""
## 6. Particular to this report: {spec['particular_title']}

{spec['particular_text'].strip()}
"""),
        code(spec["particular_code"]),
        md(f"""
## 7. Conclusion

{spec['conclusion'].strip()}
"""),
    ]
    return cells


# --------------------------------------------------------------------------------------------
# teaching notebooks

TEACHING = {
    "01-margin-of-error": [
        md("""
# 1. Margin of error and the finite-population correction

**Learning goals.** By the end you can

- say what "a confidence level of 80 per cent (with a margin of error of 5)" means;
- compute the sample size for an unlimited population and correct it for a small one, both ways;
- find the margin a given sample achieves, and the populations a published sample implies;
- explain why an exact method asks for a few more cases.
"""),
        md("""
## The unlimited population

For a proportion p estimated within ±e at confidence c: n0 = z² p(1 − p) / e², with z the normal quantile
for (1 + c)/2. At 80 % and 5 points, with the worst case p = 0.5:
"""),
        code("""
from sampling import margin_of_error, populations_for_sample_size, sample_size

result = sample_size(None)
print(result)
round(result.n_unrounded, 4)
"""),
        md("""
## Small populations

Inspected services have tens of eligible cases, not thousands. The finite-population correction shrinks
n; two forms are in use and they differ by one case for some N.
"""),
        code("""
import pandas as pd

rows = [{"N": N, "cochran": sample_size(N).n, "simple": sample_size(N, correction="simple").n,
         "exact": sample_size(N, method="exact").n} for N in (8, 12, 17, 22, 24, 33, 36, 57, 60, 100, 1000)]
pd.DataFrame(rows).set_index("N")
"""),
        md("""
The margin a sample achieves falls as n approaches N, and is zero for a census:
"""),
        code("""
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(7, 3.2))
for N in (20, 40, 60):
    ns = range(1, N + 1)
    ax.plot(list(ns), [margin_of_error(n, N) * 100 for n in ns], label=f"N = {N}")
ax.axhline(5, color="0.3", linestyle="--", linewidth=0.8)
ax.set_xlabel("cases sampled, n")
ax.set_ylabel("margin of error (points)")
ax.set_title("80% confidence, p = 0.5")
ax.legend()
fig.tight_layout()
"""),
        md("""
## Working backwards

A report prints n; which eligible populations give exactly that n? Essex examined 43 court cases:
"""),
        code("""
print("43 ->", populations_for_sample_size(43), "(Cochran);", populations_for_sample_size(43, correction="simple"), "(simple)")
print("28 ->", populations_for_sample_size(28))
print("165 ->", populations_for_sample_size(165))
"""),
        md("""
## Exercises

1. How many cases must be read from 40 eligible cases at 80 % and 5 points? At 90 %?
2. What margin do Calderdale's 11 court cases achieve if there were 30 eligible cases?
3. Which populations give a sample of 20? Is there an N for which the two corrections differ by one case
   below 30?
4. Why does the exact method need 45 cases from 57 where the formula asks for 43?

Answers are at the end.
"""),
        md("## Answers"),
        code("""
print("1.", sample_size(40).n, "and", sample_size(40, confidence=0.90).n)
print("2.", round(margin_of_error(11, 30) * 100, 1), "points")
print("3.", populations_for_sample_size(20), "|", [N for N in range(1, 30) if sample_size(N).n != sample_size(N, correction="simple").n])
print("4. exact:", sample_size(57, method="exact").n, "- with 43 cases some population proportions leave one value fewer"
      " of p-hat inside the window, and the chance of landing within 5 points drops below 80%")
"""),
    ],
    "02-balanced-sample": [
        md("""
# 2. Drawing a balanced sample

**Learning goals.**

- see how far a simple random sample's ratios stray from the population's;
- draw a sample whose gender, disposal, ROSH and safety-and-wellbeing ratios match within a case;
- check that the balanced sample is still random (each case's chance stays close to n/N);
- use reserves when a case cannot be inspected.

Everything uses a synthetic case list: no real case data.
"""),
        code("""
import numpy as np

from sampling import select
from sampling.selection import balance_table
from sampling.synthetic import case_list

cases = case_list(120, rng=7)
cases.head()
"""),
        md("""
## A simple random sample

Draw 43 of 120 at random and compare each category's count with its target n × share:
"""),
        code("""
srs = cases.sample(43, random_state=1)
table = balance_table(cases, srs)
print("categories outside floor/ceiling of target:", int((~table.within).sum()), "of", len(table))
table[["variable", "category", "target", "sample", "within"]].round(2)
"""),
        md("""
## A balanced sample

`select` balances all four variables at once, at random within that balance:
"""),
        code("""
chosen = select(cases, 43, reserves=5, rng=1)
print("balanced:", chosen.balanced, "| largest deviation:", round(chosen.largest_deviation, 2))
chosen.balance[["variable", "category", "target", "sample", "within"]].round(2)
"""),
        md("""
## Still random?

Repeat the draw with 300 seeds and look at how often each case is chosen, against n/N (a small
demonstration; the test suite checks this with thousands of draws):
"""),
        code("""
import matplotlib.pyplot as plt

counts = np.zeros(len(cases))
for seed in range(300):
    picked = select(cases, 43, rng=seed).sample.case_id
    counts[cases.case_id.isin(picked).to_numpy()] += 1
fig, ax = plt.subplots(figsize=(7, 3))
ax.hist(counts / 300 / (43 / 120), bins=20, color="0.4")
ax.axvline(1, color="black", linestyle="--")
ax.set_xlabel("inclusion frequency / (n/N)")
ax.set_ylabel("cases")
fig.tight_layout()
"""),
        md("""
## Reserves

If a sampled case cannot be inspected, swap in the first reserve from the same cell. These sampled
cases have a reserve in their own cell:
"""),
        code("""
print(chosen.replaceable())
out = chosen.replaceable()[0]
updated = chosen.replace(out)
print("replaced", updated.replaced, "| still balanced:", updated.balanced)
"""),
        md("""
## Exercises

1. Draw 20 from the same list with seed 3. Is it balanced? What is its largest deviation?
2. From a larger list of 300 cases (seed 7), draw 43 with recency: 60 % of the sample from cases that
   started six to nine months before 7 August 2023.
3. How many categories did the simple random sample above miss?

Answers are at the end.
"""),
        md("## Answers"),
        code("""
from sampling import Recency

one = select(cases, 20, rng=3)
print("1.", one.balanced, round(one.largest_deviation, 2))
larger = case_list(300, rng=7)
two = select(larger, 43, recency=Recency("start_date", "2023-08-07", (6, 9), 0.6), rng=3)
print("2. balanced:", two.balanced)
print("2.", two.balance[two.balance.variable == "recent"][["category", "target", "sample"]].values.tolist())
print("3.", int((~table.within).sum()))
"""),
    ],
    "03-rounding-bands-lowest": [
        md("""
# 3. Rounding, bands and the lowest-key-question rule

**Learning goals.**

- print a percentage as the reports do (half up) and see why Python's `round` differs;
- place a percentage in its band, and a standard at its lowest key question's band;
- add twelve standards into a score out of 36 and band it;
- recover which denominators could have produced a printed percentage.
"""),
        code("""
from sampling import band, feasible_denominators, overall_rating, percent, rate_report, standard_rating

for k, n in [(5, 8), (7, 8), (11, 17), (10, 16)]:
    print(f"{k}/{n} = {100 * k / n:.2f}% -> printed {percent(k, n)}% ({band(percent(k, n)).label});",
          f"Python's round gives {round(100 * k / n)}")
"""),
        md("""
## Bands and the lowest key question

"If we rate three key questions as 'Good' and one as 'Inadequate', the overall rating for that standard is
'Inadequate'."
"""),
        code("""
print([band(p).label for p in (49, 50, 64, 65, 79, 80)])
print(standard_rating([73, 73, 45]).label, "|", standard_rating([94, 76, 82]).label)
print([overall_rating(s).label for s in (6, 7, 18, 19, 30, 31)])
"""),
        md("""
## A whole report

The rule's ratings beside the published ones; the only differences are the report's own discretion
decisions:
"""),
        code("""
table = rate_report("calderdale-2022")
table.to_frame().drop(columns="reason")
"""),
        md("""
## Which denominators?

A printed 45 % cannot come from 30 cases. Which n up to 30 can give it?
"""),
        code("""
feasible_denominators(45, 30)
"""),
        md("""
## Exercises

1. What does 13 of 20 print as, and in which band? And 129 of 200?
2. A standard's key questions print 80 %, 79 % and 95 %. Its rating?
3. Scores of 18 and 19: which overall ratings?
4. Which denominators up to 20 can print 63 %?

Answers are at the end.
"""),
        md("## Answers"),
        code("""
print("1.", percent(13, 20), band(percent(13, 20)).label, "|", percent(129, 200), band(percent(129, 200)).label)
print("2.", standard_rating([80, 79, 95]).label)
print("3.", overall_rating(18).label, "/", overall_rating(19).label)
print("4.", feasible_denominators(63, 20))
"""),
    ],
    "04-uncertainty-near-boundaries": [
        md("""
# 4. Uncertainty near band boundaries

**Learning goals.**

- tell finite uncertainty (the eligible cases) from process uncertainty (the underlying rate);
- compute an interval and the probability of each band for a key question;
- count the cases between a standard and the next band;
- read the distribution of the overall score.
"""),
        code("""
from sampling import band_probabilities, cases_to_boundary, interval, load_report, rating_distribution
from sampling.plots import band_ladder, score_distribution

for method in ("wilson", "jeffreys", "clopper-pearson"):
    result = interval(5, 11, method=method)
    print(f"5 of 11, {method:>15}: [{result.low:.3f}, {result.high:.3f}]")
print("13 of 20 from 40 eligible, hypergeometric:", interval(13, 20, population=40))
"""),
        md("""
## Band probabilities

Process (the underlying rate) and finite (the eligible cases); a census is certain:
"""),
        code("""
import pandas as pd

pd.DataFrame({"process": band_probabilities(13, 20), "finite, N = 40": band_probabilities(13, 20, population=40),
              "census, N = 20": band_probabilities(13, 20, population=20)}).round(4)
"""),
        md("""
## One case from the boundary

Calderdale 2.3 and 2.4:
"""),
        code("""
report = load_report("calderdale-2022")
for sid in ("2.3", "2.4"):
    print(sid, cases_to_boundary(report.standard(sid)).up, "case(s) to the band above")
fig = band_ladder(report)
"""),
        md("""
## The overall rating

The exact distribution of the score by convolution (key questions independent):
"""),
        code("""
dist = rating_distribution("cambridgeshire-2023")
fig = score_distribution(dist)
dist.overall.round(3)
"""),
        md("""
## Exercises

1. What is the 80 % Wilson interval for 17 of 27? Does it contain 65 %?
2. For 6 of 8, what is the probability that the underlying rate is at least Good?
3. How many cases separate Sunderland's 2.2 from Good?
4. What is the probability of Essex's published Outstanding under process uncertainty?

Answers are at the end.
"""),
        md("## Answers"),
        code("""
result = interval(17, 27)
print("1.", round(result.low, 3), round(result.high, 3), 0.65 in result)
print("2.", round(band_probabilities(6, 8)[["Good", "Outstanding"]].sum(), 3))
print("3.", cases_to_boundary(load_report("sunderland-2022").standard("2.2")).up)
print("4.", round(rating_distribution("essex-2018").p_published_overall, 3))
"""),
    ],
    "05-discretion-by-simulation": [
        md("""
# 5. Professional discretion by simulation

**Learning goals.**

- state candidate rules for raising a rating, and apply them to a report;
- simulate inspections with known true rates and count wrong ratings, with and without a rule;
- read operating-characteristic curves;
- see how shared case quality changes the picture.
"""),
        code("""
from sampling import assess_discretion, compare_rules, operating_characteristic, rules, simulate
from sampling.plots import confusion_matrix, operating_curves

for rule in rules.default_rules():
    print(f"{rule.name:>17}: {rule.description}")
"""),
        md("""
## What the reports did

Nottingham City raised 2.4 because it "related to only one case":
"""),
        code("""
result = assess_discretion("nottingham-city-2020")
for fact in result.facts():
    print("-", fact)
"""),
        md("""
## Simulated inspections

A standard of three key questions, true rates 62 %, 70 % and 80 % (truly Requires improvement), 11 cases
each, 20,000 simulated inspections:
"""),
        code("""
sim = simulate([0.62, 0.70, 0.80], 11, rule="cases(1)", reps=20_000, rng=1)
print(sim.summary().round(3))
fig = confusion_matrix(sim)
"""),
        md("""
## Operating characteristics

The chance of the right band against the true rate, one key question of 11 cases, for each rule (exact):
"""),
        code("""
fig = operating_curves(11)
"""),
        md("""
## Error rates over realistic rates

Averaged over a prior fitted to the bundled reports' key questions, three key questions of 11 cases:
"""),
        code("""
compare_rules(n=11, key_questions=3, prior="reports").round(3)
"""),
        md("""
## Shared case quality

Key questions judged on the same cases move together. With a correlation of 0.6:
"""),
        code("""
independent = simulate([0.7] * 3, 11, reps=20_000, rng=2)
correlated = simulate([0.7] * 3, 11, case_correlation=0.6, reps=20_000, rng=2)
print("P(correct band), independent:", round(independent.without_rule["p_correct"], 3),
      "| correlated:", round(correlated.without_rule["p_correct"], 3))
"""),
        md("""
## Exercises

1. Simulate one key question of 8 cases with true rate 0.6 and the rule `within_points(5)`: how often does
   it fire?
2. At a true rate of 0.45 and 11 cases, what is the exact chance of the right band without a rule?
3. Which standards of Sunderland are eligible under `cases(1)`?

Answers are at the end.
"""),
        md("## Answers"),
        code("""
one = simulate([0.6], 8, rule="within_points(5)", reps=20_000, rng=3)
print("1.", round(one.fire_rate, 3))
print("2.", round(float(operating_characteristic(11, rates=[0.45])["p_correct"].iloc[0]), 3))
print("3.", [r.id for r in assess_discretion("sunderland-2022").eligible_not_applied("cases(1)")])
"""),
    ],
}


def write(path: Path, cells) -> None:
    notebook = new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)


def execute(path: Path) -> None:
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nbformat.write(notebook, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-run", action="store_true", help="write the notebooks without executing them")
    parser.add_argument("only", nargs="*", help="names to write (default all)")
    args = parser.parse_args()
    paths = []
    for report_id, spec in REPORTS.items():
        paths.append((NOTEBOOKS / "reports" / f"{report_id}.ipynb", report_notebook(report_id, spec)))
    for name, cells in TEACHING.items():
        paths.append((NOTEBOOKS / "teaching" / f"{name}.ipynb", cells))
    for path, cells in paths:
        if args.only and path.stem not in args.only:
            continue
        write(path, cells)
        if not args.no_run:
            execute(path)
        print("wrote", path.relative_to(ROOT))


if __name__ == "__main__":
    main()
