"""``uncertainty``: intervals, band probabilities and rating distributions of a report."""

from __future__ import annotations

import sys

from .._errors import SamplingError
from ._common import check_plot_path, float_arg, print_json


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
    from ..uncertainty import report_uncertainty

    check_plot_path(args.plot, args.force)
    if args.populations is not None and args.mode != "finite":
        raise SamplingError("--populations is for --mode finite (the eligible cases); add --mode finite")
    result = report_uncertainty(args.report, mode=args.mode, confidence=args.confidence, method=args.method,
                                populations=_parse_populations(args.populations))
    if args.plot:
        _uncertainty_plot(result, args)
        print(f"wrote {args.plot}", file=sys.stderr)
    if args.json:
        print_json(result.to_dict())
        return 0
    print("\n".join(_format(result)))
    return 0


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


def _standard_lines(result) -> list[str]:
    labels = _labels()
    dist, finite = result.distribution, result.mode == "finite"
    header = f"{'std':<7} {'published':<21} " + " ".join(f"{s:>5}" for s in _SHORT) + "  P(published)"
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


def _format(result) -> list[str]:
    from ..framework import percent

    labels = _labels()
    dist = result.distribution
    kind = "finite (eligible cases)" if result.mode == "finite" else "process (underlying rate)"
    promise = "on average over true rates" if result.method in _AVERAGE else "at least, at every true value"
    lines = [f"{result.report}: {kind} uncertainty, {result.method} intervals at {result.confidence:.0%} "
             f"({promise}), Jeffreys prior"]
    if result.mode == "finite":
        lines += _population_lines(result)
    lines.append(f"{'kq':<7} {'k/n':>6} {'%':>4}  {'interval':<15} " + " ".join(f"{s:>5}" for s in _SHORT))
    for kq, res in result.intervals.items():
        bounds = f"[{res.low * 100:5.1f}, {res.high * 100:5.1f}]"
        lines.append(f"{kq:<7} {res.k:>3}/{res.n:<3} {percent(res.k, res.n):>3}  {bounds}  "
                     + " ".join(f"{dist.key_questions.loc[kq, r]:5.2f}" for r in labels) + f"  {res.method}")
    lines += _standard_lines(result)
    lines.append("overall: " + ", ".join(f"P({r}) = {dist.overall[r]:.3f}" for r in labels))
    lines.append(f"published {dist.published_overall.label}: P = {dist.p_published_overall:.3f}")
    if result.mode == "finite":
        lines.append(f"process view beside it: published {dist.published_overall.label}: "
                     f"P = {result.process.p_published_overall:.3f}")
    for explanation in result.explanations:
        lines.append(f"why: {explanation.text}")
    lines.append(_KEY)
    lines.append(result.caption)
    return lines


def _uncertainty_plot(result, args) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..plots import band_ladder, score_distribution
    from ..reports import load_report

    report, dist = load_report(args.report), result.distribution
    n_rows = len(report.key_questions)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 0.32 * n_rows + 5),
                                      height_ratios=[0.32 * n_rows + 1.5, 3.2])
    band_ladder(report, mode=args.mode, confidence=args.confidence, method=args.method,
                populations=dist.populations, ax=top)
    score_distribution(dist, ax=bottom)
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
    p.add_argument("report", metavar="ID_OR_PATH", help="a bundled report id or a .toml file")
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
    p.add_argument("--force", action="store_true", help="overwrite --plot if it exists")
    p.set_defaults(func=_cmd_uncertainty)


reproduce_lines = _reproduce_uncertainty
