"""Synthetic case lists for examples, tests and notebooks.

No real case data enters this repository: case lists describe children. These lists have the
columns a service's case list would have for selection, with category shares in the range the
reports describe (mostly boys; few cases of high risk of serious harm; about 40 % court and 60 %
out-of-court work, as Calderdale's 11 and 17), and are generated from a seed.

:func:`messy_case_list` dresses the same cases as a case management system's export would come:
its own headings, values in any case with stray spaces, abbreviated disposal types, dates day
first; :func:`write_export` writes one as CSV (any separator, with or without a byte-order mark,
with Excel's trailing rows of bare commas) or XLSX (optionally behind a notes sheet).
"""

from __future__ import annotations

import numbers

import numpy as np

from . import _validation
from ._errors import SamplingError
from ._files import fill_sheet, neutralise, new_workbook, save_workbook, write_bytes
from .framework import Rating, get_framework
from .reports import list_reports, load_report, report_from_answers

__all__ = ["case_list", "messy_case_list", "write_export", "CATEGORIES", "REFERENCE_DATE"]

#: The fieldwork date the synthetic start dates are spread back from (Cambridgeshire's fieldwork
#: started in August 2023).
REFERENCE_DATE = "2023-08-07"

#: Category shares used by :func:`case_list` (illustrative, not measured from any service).
CATEGORIES = {
    "domain": {"court": 0.40, "out_of_court": 0.60},
    "gender": {"male": 0.85, "female": 0.15},
    "disposal_type": {
        "court": {"referral order": 0.55, "youth rehabilitation order": 0.35,
                  "detention and training order": 0.10},
        "out_of_court": {"community resolution": 0.55, "youth caution": 0.25,
                         "youth conditional caution": 0.20},
    },
    "rosh": {"low": 0.50, "medium": 0.38, "high": 0.10, "very high": 0.02},
    "safety_wellbeing": {"low": 0.25, "medium": 0.45, "high": 0.25, "very high": 0.05},
}


def _pick(rng, shares: dict, size: int) -> np.ndarray:
    labels = np.array(list(shares))
    return labels[rng.choice(len(labels), size=size, p=np.array(list(shares.values())))]


def case_list(N: int, *, rng=None):  # noqa: N803 - N is the population's name throughout
    """A plausible synthetic case list of ``N`` cases.

    Columns: ``case_id`` (S00001, ...), ``domain`` (court / out_of_court), ``gender``,
    ``disposal_type`` (by domain), ``rosh`` (risk of serious harm), ``safety_wellbeing``,
    ``start_date`` (spread over the 12 months before :data:`REFERENCE_DATE`). Risk of serious
    harm and safety-and-wellbeing ratings are mildly associated with court work and with each
    other, as real caseloads are, so that the cross-classification is not a product of margins.
    ``N`` is at most ``MAX_CASE_LIST`` (100,000), far beyond any service's caseload.

    Examples
    --------
    >>> cases = case_list(500, rng=1)
    >>> cases.shape, list(cases.columns)
    ((500, 7), ['case_id', 'domain', 'gender', 'disposal_type', 'rosh', 'safety_wellbeing', 'start_date'])
    >>> case_list(50, rng=7).equals(case_list(50, rng=7))
    True
    """
    import pandas as pd

    if isinstance(N, bool) or not isinstance(N, numbers.Integral) or N < 1:
        raise SamplingError(f"N must be a whole number of cases, at least 1, got {N!r}")
    _validation.case_list_size(N)
    rng = np.random.default_rng(rng)
    domain = _pick(rng, CATEGORIES["domain"], N)
    gender = _pick(rng, CATEGORIES["gender"], N)
    disposal = np.empty(N, dtype=object)
    for name, shares in CATEGORIES["disposal_type"].items():
        rows = domain == name
        disposal[rows] = _pick(rng, shares, int(rows.sum()))
    # an ordinal latent risk, higher for court cases, shared by the two risk ratings
    latent = rng.normal(size=N) + np.where(domain == "court", 0.4, 0.0)
    rosh = _ordinal(latent + rng.normal(scale=1.0, size=N), CATEGORIES["rosh"])
    safety = _ordinal(latent + rng.normal(scale=1.0, size=N), CATEGORIES["safety_wellbeing"])
    days = rng.integers(0, 365, size=N)
    start = pd.Timestamp(REFERENCE_DATE) - pd.to_timedelta(days, unit="D")
    return pd.DataFrame({
        "case_id": [f"S{i:05d}" for i in range(1, N + 1)],
        "domain": domain,
        "gender": gender,
        "disposal_type": disposal.astype(str),
        "rosh": rosh,
        "safety_wellbeing": safety,
        "start_date": start.strftime("%Y-%m-%d"),
    })


def _ordinal(score: np.ndarray, shares: dict) -> np.ndarray:
    """Cut a continuous score at its quantiles so that the categories get the given shares."""
    labels = np.array(list(shares))
    cuts = np.quantile(score, np.cumsum(list(shares.values()))[:-1])
    return labels[np.searchsorted(cuts, score, side="right")]


#: How :func:`messy_case_list` spells each disposal type (one spelling each, as one system would).
EXPORT_DISPOSALS = {"referral order": "Referral Order (RO)", "youth rehabilitation order": "YRO",
                    "detention and training order": "DTO", "community resolution": "Community Resolution",
                    "youth caution": "Youth Caution", "youth conditional caution": "YCC"}
_EXPORT_DOMAINS = {"court": ("Court disposal", "court", "Court"),
                   "out_of_court": ("OOCD", "out of court", "Out-of-court disposal")}


def _scuff(values: np.ndarray, rng) -> np.ndarray:
    """Each value as typed: mostly as given, sometimes lower or upper case or with a stray space."""
    how = rng.choice(5, size=values.size, p=[0.6, 0.1, 0.1, 0.1, 0.1])
    styles = (lambda v: v, str.lower, str.upper, lambda v: v + " ", lambda v: " " + v)
    return np.array([styles[h](str(v)) for h, v in zip(how, values, strict=True)], dtype=object)


def messy_case_list(N: int, *, rng=None, domain_column: bool = True, resettlement: int = 0):  # noqa: N803
    """:func:`case_list`'s cases as a case management system might export them.

    Headings "Case Ref", "Court/OOCD" (left out with ``domain_column=False``: the domain then
    follows from the disposal type), "Sex", "Sentence or disposal type", "RoSH", "Safety &
    Wellbeing", "Start Date" (DD/MM/YYYY) and "Team"; values title case with some lower case,
    upper case and stray spaces ("Male", "male ", "MALE"); disposal types as
    ``EXPORT_DISPOSALS`` spells them, a third of community resolutions as "Outcome 22";
    domains as "Court disposal", "OOCD", "out of court" and so on. ``resettlement`` cases
    (detention and training orders first) are flagged "Yes" in a "Resettlement" column.

    >>> export = messy_case_list(200, rng=3)
    >>> list(export.columns)  # doctest: +NORMALIZE_WHITESPACE
    ['Case Ref', 'Court/OOCD', 'Sex', 'Sentence or disposal type', 'RoSH', 'Safety & Wellbeing',
     'Start Date', 'Team']
    >>> sorted({v.strip().lower() for v in export["Sex"]})
    ['female', 'male']
    """
    import pandas as pd

    rng = np.random.default_rng(rng)
    cases = case_list(N, rng=rng)
    disposal = cases.disposal_type.map(EXPORT_DISPOSALS).to_numpy(dtype=object)
    outcome = (cases.disposal_type == "community resolution").to_numpy() & (rng.random(N) < 1 / 3)
    disposal[outcome] = "Outcome 22"
    domain = np.array([_EXPORT_DOMAINS[d][k] for d, k in zip(cases.domain, rng.integers(0, 3, N),
                                                             strict=True)])
    data = {"Case Ref": [f"YJ-{i:05d}" for i in rng.permutation(N) + 1]}
    if domain_column:
        data["Court/OOCD"] = _scuff(domain, rng)
    data["Sex"] = _scuff(cases.gender.str.title().to_numpy(), rng)
    data["Sentence or disposal type"] = _scuff(disposal, rng)
    data["RoSH"] = _scuff(cases.rosh.str.title().to_numpy(), rng)
    data["Safety & Wellbeing"] = _scuff(cases.safety_wellbeing.str.title().to_numpy(), rng)
    data["Start Date"] = pd.to_datetime(cases.start_date).dt.strftime("%d/%m/%Y").to_numpy()
    data["Team"] = rng.choice(["North", "South", "East", "West"], size=N)
    frame = pd.DataFrame(data)
    if resettlement:
        order = np.argsort(~(cases.disposal_type == "detention and training order").to_numpy(), kind="stable")
        flags = np.full(N, "", dtype=object)
        flags[order[:resettlement]] = "Yes"
        frame["Resettlement"] = flags
    return frame


def write_export(frame, path, *, separator: str = ",", bom: bool = False, trailing_blank_rows: int = 0,
                 notes_sheet: bool = False) -> None:
    """Write an export as a real one comes: CSV with the given separator (and byte-order mark), and
    Excel's trailing rows of bare separators; or XLSX, optionally with a notes sheet first."""
    from pathlib import Path


    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        import pandas as pd

        book = new_workbook()
        if notes_sheet:
            notes = ["Case list exported for inspection", "Synthetic: no real cases"]
            fill_sheet(book.create_sheet("Notes"), pd.DataFrame({"Notes": notes}))
        fill_sheet(book.create_sheet("Cases"), frame)
        save_workbook(book, path)
        return
    safe = frame.map(neutralise)
    text = safe.to_csv(index=False, sep=separator, lineterminator="\r\n")
    text += (separator * (frame.shape[1] - 1) + "\r\n") * trailing_blank_rows
    write_bytes(path, ("\ufeff" if bom else "").encode() + text.encode("utf-8"))


# --------------------------------------------------------------------------------------------
# many services' reports, and cases judged twice


#: Shares of the ratings given to qualitative standards in :func:`reports` (illustrative, worst
#: first; not measured from any inspection).
QUALITATIVE_SHARES = (0.05, 0.30, 0.50, 0.15)


def _check_range(value, name: str) -> tuple[int, int]:
    try:
        low, high = (int(v) for v in value)
    except (TypeError, ValueError):
        raise SamplingError(f"{name} must be a pair (fewest, most) of cases, got {value!r}") from None
    if not 1 <= low <= high:
        raise SamplingError(f"{name} must be a pair (fewest, most) with 1 <= fewest <= most, got {value!r}")
    return low, high


def _key_question_means(framework) -> dict[str, float]:
    """Each key question's mean k / n over the bundled reports that have it (all, if none do)."""

    seen: dict[str, list[float]] = {}
    for report_id in list_reports():
        for row in load_report(report_id).evidence_rows():
            seen.setdefault(row.key_question, []).append(row.yes / row.relevant)
    everything = [v for values in seen.values() for v in values]
    return {kq: float(np.mean(seen.get(kq, everything)))
            for spec in framework.standards for kq in spec.key_questions}


def _service_answers(rng, framework, means, concentration, sizes, relevance):
    """One service's case-level answers (case_id, key_question, answer) as a DataFrame."""
    import pandas as pd

    cases = {name: rng.integers(low, high + 1) for name, (low, high) in sizes.items()}
    frames = []
    for spec in framework.standards:
        for kq in spec.key_questions:
            sample = framework.sample_of(spec.id)
            n = int(cases[sample])
            mean = means[kq]
            rate = rng.beta(mean * concentration, (1 - mean) * concentration)
            relevant = rng.random(n) < relevance
            relevant[0] = True  # every key question has at least one relevant case
            yes = rng.random(n) < rate
            answer = np.where(relevant, np.where(yes, "yes", "no"), "not relevant")
            ids = [f"{sample[0].upper()}{i:03d}" for i in range(1, n + 1)]
            frames.append(pd.DataFrame({"case_id": ids, "key_question": kq, "answer": answer}))
    return pd.concat(frames, ignore_index=True)


def reports(count: int, *, rng=None, framework: str = "youth-2021", concentration: float = 12.0,
            court=(10, 45), out_of_court=(8, 40), relevance: float = 0.9, published: str = "2023"):
    """``count`` synthetic inspection reports of different services, for examples and tests.

    Each service's true rate for key question j is drawn from Beta(m_j c, (1 - m_j) c), where
    m_j is that key question's mean k / n over the bundled reports and c is ``concentration``
    (so across services each key question follows exactly the beta-binomial model that
    :func:`sampling.empirical_prior` fits). Each service inspects a whole number of court and
    out-of-court cases drawn uniformly from the ranges given; each case is relevant to a key
    question with probability ``relevance`` and answers "yes" with the service's rate. The
    qualitative standards are rated at random with :data:`QUALITATIVE_SHARES`. The reports are
    built from those case-level answers by :func:`sampling.report_from_answers`, so every
    denominator is exact.

    Parameters
    ----------
    count : int
        Services, at least 1.
    rng : int, numpy.random.Generator or None
    framework : str
        "youth-2021" or "youth-2018".
    concentration : float
        a + b of each key question's Beta across services: larger, more alike.
    court, out_of_court : (int, int)
        Fewest and most cases inspected in each sample.
    relevance : float
        Probability that a case is relevant to a key question (0 < relevance <= 1).

    Returns
    -------
    list of Report
        Ids ``synthetic-001``, ...

    Examples
    --------
    >>> many = reports(3, rng=1)
    >>> [r.id for r in many], many[0].framework.name
    (['synthetic-001', 'synthetic-002', 'synthetic-003'], 'youth-2021')
    >>> [(kq.k, kq.n) for kq in many[0].key_questions][:3]
    [(24, 24), (19, 25), (21, 25)]
    """

    if isinstance(count, bool) or not isinstance(count, numbers.Integral) or count < 1:
        raise SamplingError(f"count must be a whole number of services, at least 1, got {count!r}")
    if isinstance(concentration, bool) or not isinstance(concentration, numbers.Real) or concentration <= 0:
        raise SamplingError(f"concentration must be a positive number (a + b), got {concentration!r}")
    if isinstance(relevance, bool) or not isinstance(relevance, numbers.Real) or not 0 < relevance <= 1:
        raise SamplingError(f"relevance must be a probability above 0, at most 1, got {relevance!r}")
    spec = get_framework(framework)
    sizes = {"court": _check_range(court, "court"),
             "out_of_court": _check_range(out_of_court, "out_of_court")}
    means = _key_question_means(spec)
    generator = _validation.generator(rng)
    labels = Rating.labels()
    result = []
    for i in range(1, count + 1):
        answers = _service_answers(generator, spec, means, float(concentration), sizes, float(relevance))
        drawn = generator.choice(len(labels), size=len(spec.standards), p=QUALITATIVE_SHARES)
        qualitative = {s.id: labels[r] for s, r in zip(spec.standards, drawn, strict=True)
                       if s.qualitative and not s.optional}
        result.append(report_from_answers(answers, framework=framework, qualitative=qualitative,
                                          id=f"synthetic-{i:03d}", service=f"Synthetic service {i}",
                                          published=published))
    return result


def double_judged(cases: int, *, key_questions=("2.1.1", "2.1.2", "2.1.3"), rate: float = 0.75,
                  judgement_error: float = 0.1, rng=None):
    """Synthetic cases judged by two inspectors, in the shape :func:`sampling.agreement` reads.

    Each case's true answer to each key question is "yes" with probability ``rate``; each
    inspector independently records the opposite with probability ``judgement_error``.

    Returns
    -------
    pandas.DataFrame
        Columns ``case_id`` (D0001, ...), ``key_question``, ``first``, ``second`` ("yes" / "no").

    Examples
    --------
    >>> double = double_judged(4, key_questions=("2.1.1",), rng=2)
    >>> list(double.columns), len(double)
    (['case_id', 'key_question', 'first', 'second'], 4)
    """
    import pandas as pd


    if isinstance(cases, bool) or not isinstance(cases, numbers.Integral) or cases < 1:
        raise SamplingError(f"cases must be a whole number, at least 1, got {cases!r}")
    for name, value, top in (("rate", rate, 1), ("judgement_error", judgement_error, 0.5)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= top:
            raise SamplingError(f"{name} must be a probability from 0 to {top}, got {value!r}")
    kqs = [str(k) for k in key_questions]
    if not kqs:
        raise SamplingError("key_questions must name at least one key question, e.g. ('2.1.1',)")
    generator = _validation.generator(rng)
    truth = generator.random((cases, len(kqs))) < rate
    first = truth ^ (generator.random(truth.shape) < judgement_error)
    second = truth ^ (generator.random(truth.shape) < judgement_error)
    words = np.array(["no", "yes"])
    return pd.DataFrame({
        "case_id": np.repeat([f"D{i:04d}" for i in range(1, cases + 1)], len(kqs)),
        "key_question": np.tile(kqs, cases),
        "first": words[first.ravel().astype(int)],
        "second": words[second.ravel().astype(int)],
    })


__all__ += ["reports", "double_judged", "QUALITATIVE_SHARES"]
