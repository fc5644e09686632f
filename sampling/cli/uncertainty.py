"""``uncertainty``: intervals, band probabilities and rating distributions of a report."""

from __future__ import annotations

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
    from ..framework import Rating
    from ..reports import load_report
    from ..uncertainty import interval, key_question_population, rating_distribution

    check_plot_path(args.plot)
    report = load_report(args.report)
    populations = _parse_populations(args.populations)
    dist = rating_distribution(report, mode=args.mode, populations=populations)
    method = args.method
    rows = []
    for standard in report.standards:
        for kq in standard.key_questions:
            big_n = (key_question_population(kq, report, dist.populations)
                     if args.mode == "finite" else None)
            result = interval(kq.k, kq.n, population=big_n, confidence=args.confidence, method=method)
            bands = dist.key_questions.loc[kq.id, Rating.labels()]
            rows.append((kq, result, {r: float(bands[r]) for r in Rating.labels()}))
    if args.plot:
        _uncertainty_plot(report, dist, args)
    if args.json:
        print_json({
            "report": report.id,
            "key_questions": [{"id": kq.id, "k": kq.k, "n": kq.n, "percent": kq.percent,
                               "low": res.low, "high": res.high, "bands": bands}
                              for kq, res, bands in rows],
            "standards": dist.to_dict()["standards"],
            "score": dist.to_dict()["score"],
            "overall": dist.to_dict()["overall"],
        })
        return 0
    labels = Rating.labels()
    short = ["Inad", "RI", "Good", "Outs"]
    kind = "finite (eligible cases)" if args.mode == "finite" else "process (underlying rate)"
    print(f"{report.id}: {kind} uncertainty, {args.confidence:.0%} intervals, Jeffreys prior")
    if args.mode == "finite":
        print("populations: " + ", ".join(f"{k.replace('_', '-')} {v}" for k, v in dist.populations.items()))
    print(f"{'kq':<7} {'k/n':>6} {'%':>4}  {'interval':<15} " + " ".join(f"{s:>5}" for s in short))
    for kq, res, bands in rows:
        bounds = f"[{res.low * 100:5.1f}, {res.high * 100:5.1f}]"
        print(f"{kq.id:<7} {kq.k:>3}/{kq.n:<3} {kq.percent:>3}  {bounds}  "
              + " ".join(f"{bands[r]:5.2f}" for r in labels) + f"  {res.method}")
    print(f"{'std':<7} {'published':<21} " + " ".join(f"{s:>5}" for s in short))
    for sid, row in dist.standards.iterrows():
        print(f"{sid:<7} {row['published']:<21} " + " ".join(f"{row[r]:5.2f}" for r in labels))
    print("overall: " + ", ".join(f"P({r}) = {dist.overall[r]:.3f}" for r in labels))
    print(f"published {report.overall.label}: P = {dist.p_published_overall:.3f}")
    return 0



def _uncertainty_plot(report, dist, args) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..plots import band_ladder, score_distribution

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
    from ..uncertainty import rating_distribution

    lines = ["uncertainty of the overall rating (exact; key questions independent; Jeffreys prior)"]
    for mode in ("process", "finite"):
        dist = rating_distribution(report, mode=mode)
        others = ", ".join(f"{r} {dist.overall[r]:.3f}" for r in Rating.labels()
                           if r != report.overall.label and dist.overall[r] >= 0.0005)
        lines.append(f"  {mode:<7}: P(published {report.overall.label}) = {dist.p_published_overall:.3f}"
                     + (f"; {others}" if others else ""))
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
    p.set_defaults(func=_cmd_uncertainty)


reproduce_lines = _reproduce_uncertainty
