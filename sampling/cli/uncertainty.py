"""``uncertainty``: intervals, band probabilities and rating distributions of a report."""

from __future__ import annotations

import sys

from .._errors import SamplingError
from ._common import (
    add_out,
    check_out,
    check_plot_path,
    emit_table,
    float_arg,
    print_json,
    report_arg,
    resolve,
    with_context,
)

#: The unit of each number in ``uncertainty --json`` and ``uncertainty --out``.
UNITS = {"confidence": "proportion", "key_questions.percent": "percentage",
         "key_questions.low": "proportion", "key_questions.high": "proportion",
         "key_questions.low_proportion": "proportion", "key_questions.high_proportion": "proportion",
         "key_questions.k": "cases", "key_questions.n": "cases", "key_questions.population": "cases",
         "key_questions.bands": "probability", "standards.probabilities": "probability",
         "published_probabilities.probability": "probability", "score": "probability",
         "overall": "probability", "populations": "cases"}
TABLE_UNITS = {"k": "cases", "n": "cases", "percent": "percentage", "population": "cases",
               "low_proportion": "proportion", "high_proportion": "proportion",
               "p_inadequate": "probability", "p_requires_improvement": "probability",
               "p_good": "probability",
               "p_outstanding": "probability", "p_rating": "probability", "p_rating_process": "probability"}


def _parse_populations(text: str | None) -> dict[str, int] | None:
    if text is None:
        return None
    result = {}
    for part in text.split(","):
        name, _, value = part.partition("=")
        name = name.strip().replace("-", "_")
        if name not in ("court", "out_of_court") or not value.strip().isdigit():
            raise SamplingError(f"--populations: expected court=N,out-of-court=N, got {part!r}")
        result[name] = int(value)
    return result



def _cmd_uncertainty(args) -> int:
    from ..journey import is_unpublished, report_context
    from ..uncertainty import report_uncertainty

    check_plot_path(args.plot, args.force)
    if args.out:
        check_out(args.out, args.force, inputs=[args.report])
    if args.populations is not None and args.mode != "finite":
        raise SamplingError("--populations is for --mode finite (the eligible cases); add --mode finite")
    report = resolve(args.report)
    result = report_uncertainty(report, mode=args.mode, confidence=args.confidence, method=args.method,
                                populations=_parse_populations(args.populations))
    unpublished = is_unpublished(report)
    if args.plot:
        _uncertainty_plot(report, result, args)
        print(f"wrote {args.plot}", file=sys.stderr)
    context = report_context(report, mode=result.mode, populations=result.populations,
                             populations_source=result.populations_source)
    emit_table(uncertainty_frame(result, unpublished), args.out, {**context, "units": TABLE_UNITS})
    if args.json:
        print_json(with_context(uncertainty_dict(result, unpublished), {**context, "units": UNITS}))
        return 0
    print("\n".join(_format(result, unpublished)))
    return 0


def uncertainty_dict(result, unpublished: bool = False) -> dict:
    """``ReportUncertainty.to_dict()`` with the interval's bounds named as proportions
    (``low_proportion``, ``high_proportion``) and, for a report from answers, "not yet
    published" where a published rating was (each entry's ``rating`` says which rating its
    probability is of). No key is renamed or removed."""
    from ..record import NOT_PUBLISHED

    data = result.to_dict()
    for row in data["key_questions"]:
        row["low_proportion"], row["high_proportion"] = row["low"], row["high"]
    for row in (*data["published_probabilities"], *data["explanations"]):
        if "published" in row:
            row["rating"] = row["published"]
            if unpublished:
                row["published"] = NOT_PUBLISHED
    return data


def uncertainty_frame(result, unpublished: bool = False):
    """The tables ``uncertainty`` prints as one tidy table: one row per key question, then per
    standard, then the overall rating (``level``), each with P(each band); intervals as
    proportions; ``rating`` the rating each ``p_rating`` is of, ``published`` it or "not yet
    published"."""
    import pandas as pd

    from ..framework import percent
    from ..record import NOT_PUBLISHED

    labels = _labels()
    names = [f"p_{label.lower().replace(' ', '_')}" for label in labels]
    dist = result.distribution
    rows = []
    for kq, res in result.intervals.items():
        bands = dist.key_questions.loc[kq]
        rows.append({"level": "key question", "id": kq, "k": res.k, "n": res.n,
                     "percent": percent(res.k, res.n), "population": res.population,
                     "low_proportion": res.low, "high_proportion": res.high, "method": res.method,
                     **{name: float(bands[r]) for name, r in zip(names, labels, strict=True)}})
    for entry in result.published_probabilities()[1:] + result.published_probabilities()[:1]:
        sid = entry["id"]
        probabilities = dist.overall if sid == "overall" else dist.standards.loc[sid]
        rows.append({"level": "overall" if sid == "overall" else "standard", "id": sid,
                     **{name: float(probabilities[r]) for name, r in zip(names, labels, strict=True)},
                     "rating": entry["published"],
                     "published": NOT_PUBLISHED if unpublished else entry["published"],
                     "p_rating": entry["probability"], "p_rating_process": entry["process_probability"]})
    columns = ["level", "id", "k", "n", "percent", "population", "low_proportion", "high_proportion",
               "method", *names, "rating", "published", "p_rating", "p_rating_process"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({"k": "Int64", "n": "Int64", "percent": "Int64", "population": "Int64"})


_SHORT = ("Inad", "RI", "Good", "Outs")
_AVERAGE = ("wilson", "jeffreys", "agresti-coull")  # coverage only on average over true rates
_KEY = ("key: Inad Inadequate, RI Requires improvement, Good, Outs Outstanding: the probability that the "
        "true band is each (Bayesian, Jeffreys prior) (methodology/band-uncertainty.md)")


def _population_lines(result) -> list[str]:
    """The populations used, whether given or implied, and the range each sample size allows."""
    source = {"implied": "implied by the sample sizes", "plan": "the plan's eligible cases"}.get(
        result.populations_source, result.populations_source or "given")
    named = ", ".join(f"{k.replace('_', '-')} {v}" for k, v in result.populations.items())
    lines = [f"populations: {named} ({source})"]
    for name, found in (result.population_ranges or {}).items():
        lines.append(f"  {name.replace('_', '-')}: a sample of {found.n} is what the reports' formula "
                     f"({found.confidence:.0%} confidence, {found.margin * 100:g} points) gives for {found} "
                     "eligible cases")
    return lines


def _standard_lines(result, unpublished: bool = False) -> list[str]:
    labels = _labels()
    dist, finite = result.distribution, result.mode == "finite"
    named = "rating" if unpublished else "published"
    header = f"{'std':<7} {named:<21} " + " ".join(f"{s:>5}" for s in _SHORT) + f"  {'P(' + named + ')':>12}"
    lines = [header + ("  process" if finite else "")]
    for sid, row in dist.standards.iterrows():
        p = row[row["published"]]
        line = (f"{sid:<7} {row['published']:<21} " + " ".join(f"{row[r]:5.2f}" for r in labels)
                + f"  {p:12.3f}")
        if finite:
            line += f"  {result.process.standards.loc[sid, row['published']]:7.3f}"
        lines.append(line)
    return lines


def _labels():
    from ..framework import Rating

    return Rating.labels()


def _format(result, unpublished: bool = False) -> list[str]:
    from ..framework import percent
    from ..record import NOT_PUBLISHED

    labels = _labels()
    dist = result.distribution
    kind = "finite (eligible cases)" if result.mode == "finite" else "process (underlying rate)"
    promise = "on average over true rates" if result.method in _AVERAGE else "at least, at every true value"
    name = f"this inspection ({result.report}, {NOT_PUBLISHED})" if unpublished else result.report
    lines = [f"{name}: {kind} uncertainty, {result.method} intervals at {result.confidence:.0%} "
             f"({promise}), Jeffreys prior"]
    if result.mode == "finite":
        lines += _population_lines(result)
    lines.append(f"{'kq':<7} {'k/n':>6} {'%':>4}  {'interval':<15} " + " ".join(f"{s:>5}" for s in _SHORT))
    for kq, res in result.intervals.items():
        bounds = f"[{res.low * 100:5.1f}, {res.high * 100:5.1f}]"
        lines.append(f"{kq:<7} {res.k:>3}/{res.n:<3} {percent(res.k, res.n):>3}  {bounds}  "
                     + " ".join(f"{dist.key_questions.loc[kq, r]:5.2f}" for r in labels) + f"  {res.method}")
    lines += _standard_lines(result, unpublished)
    lines.append("overall: " + ", ".join(f"P({r}) = {dist.overall[r]:.3f}" for r in labels))
    which = (f"this inspection's {dist.published_overall.label} ({NOT_PUBLISHED})" if unpublished
             else f"published {dist.published_overall.label}")
    lines.append(f"{which}: P = {dist.p_published_overall:.3f}")
    if result.mode == "finite":
        lines.append(f"process view beside it: {which}: P = {result.process.p_published_overall:.3f}")
    for explanation in result.explanations:
        text = explanation.text.replace("P(published ", "P(") if unpublished else explanation.text
        lines.append(f"why: {text}")
    lines.append(_KEY)
    lines.append(result.caption)
    return lines


def _uncertainty_plot(report, result, args) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..journey import is_unpublished
    from ..plots import band_ladder, score_distribution
    from ..record import NOT_PUBLISHED

    dist = result.distribution
    n_rows = len(report.key_questions)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 0.32 * n_rows + 5),
                                      height_ratios=[0.32 * n_rows + 1.5, 3.2])
    band_ladder(report, mode=args.mode, confidence=args.confidence, method=args.method,
                populations=dist.populations, ax=top)
    score_distribution(dist, ax=bottom)
    if is_unpublished(report):  # never "published" for an inspection that is not
        for ax in (top, bottom):
            title = ax.get_title().replace(f"{report.id}:", f"this inspection ({NOT_PUBLISHED}):")
            ax.set_title(title.replace("P(published ", "P("), fontsize=10)
    fig.tight_layout()
    fig.savefig(args.plot, dpi=120)
    plt.close(fig)



def _reproduce_uncertainty(report):
    from ..framework import Rating
    from ..uncertainty import report_uncertainty

    lines = ["uncertainty of the overall rating (exact; key questions independent; Jeffreys prior)"]
    finite = report_uncertainty(report, mode="finite")
    for mode, dist in (("process", finite.process), ("finite", finite.distribution)):
        others = ", ".join(f"{r} {dist.overall[r]:.3f}" for r in Rating.labels()
                           if r != report.overall.label and dist.overall[r] >= 0.0005)
        lines.append(f"  {mode:<7}: P(published {report.overall.label}) = {dist.p_published_overall:.3f}"
                     + (f"; {others}" if others else ""))
    lines += ["  " + line for line in _population_lines(finite)]
    lines += [f"  why: {explanation.text}" for explanation in finite.explanations]
    lines.append("  " + finite.caption)
    return lines


def register(sub) -> None:
    p = sub.add_parser("uncertainty", help="how sure each rating is: intervals and band probabilities",
                       description="Intervals and band probabilities for each key question, and "
                                   "the exact distributions of each standard's rating, the score "
                                   "and the overall rating.")
    report_arg(p, metavar="ID_OR_PATH")
    p.add_argument("--mode", choices=("process", "finite"), default="process",
                   help="process: the underlying rate (binomial; default); finite: the eligible "
                        "cases (hypergeometric)")
    p.add_argument("--confidence", type=float_arg, default=0.80, metavar="C",
                   help="interval confidence as a proportion (default 0.80)")
    p.add_argument("--method", choices=("wilson", "clopper-pearson", "jeffreys", "agresti-coull",
                                        "hypergeometric"), default=None,
                   help="interval method (default: wilson for process, hypergeometric for finite)")
    p.add_argument("--populations", metavar="court=N,out-of-court=N", default=None,
                   help="eligible cases for --mode finite (default: those the samples imply)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--plot", metavar="FILE.png", default=None,
                   help="write the band ladder and score distribution to this file")
    add_out(p, "the key questions', standards' and overall rating's figures")
    p.add_argument("--force", action="store_true", help="overwrite --plot and --out if they exist")
    p.set_defaults(func=_cmd_uncertainty)


reproduce_lines = _reproduce_uncertainty
