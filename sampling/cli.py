"""The command line: ``python -m sampling COMMAND ...``, a thin layer over the package.

Every command has ``--help``. A bad argument or input prints one line on stderr and exits 2,
with no traceback and no output file written.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Callable, Sequence

from ._errors import SamplingError

__all__ = ["main"]

#: Functions that add sub-commands to the parser, one per capability.
_COMMANDS: list[Callable] = []
#: Sections each capability adds to ``reproduce``: each takes a Report and returns lines.
_REPRODUCE_SECTIONS: list[Callable] = []


class _UsageError(Exception):
    """Raised by the parser instead of printing its usage and exiting."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2 (handled in main)
        raise _UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


def _float_arg(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def _population_arg(text: str) -> int | None:
    if text.strip().lower() in {"inf", "infinity", "none", "unlimited"}:
        return None
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of cases or 'inf', got {text!r}") from None
    if not value.is_integer():
        raise argparse.ArgumentTypeError(f"expected a whole number of cases or 'inf', got {text!r}")
    return int(value)


def _print_json(payload) -> None:
    print(json.dumps(payload, indent=2, allow_nan=False))


# --------------------------------------------------------------------------------------------
# commands


def _cmd_reports(args) -> int:
    from .reports import list_reports, load_report

    for report_id in list_reports():
        r = load_report(report_id)
        score = r.published_score
        samples = ", ".join(f"{k.replace('_', '-')} {v}" for k, v in r.samples.items())
        print(f"{r.id:<22} {r.service:<42} {r.published:<14} {r.framework.name:<10} "
              f"{score:>2}/{r.framework.max_score} {r.overall.label:<20} samples: {samples}")
    return 0


def _cmd_rate(args) -> int:
    from .reports import rate_report

    table = rate_report(args.report)
    if args.json:
        _print_json(table.to_dict())
        return 0
    print(_format_rating_table(table))
    return 0


def _format_rating_table(table) -> str:
    lines = [f"{'std':<5} {'name':<44} {'key questions':<16} {'lowest':>6}  "
             f"{'rule':<21} {'published':<21}"]
    for row in table.rows:
        kqs = " ".join(f"{v}" for v in row.key_question_percents.values()) or "qualitative"
        lowest = "" if row.lowest_percent is None else f"{row.lowest_percent}%"
        mark = "  *" if row.differs else ""
        lines.append(f"{row.id:<5} {row.name:<44} {kqs:<16} {lowest:>6}  "
                     f"{row.rule_rating.label:<21} {row.published_rating.label:<21}{mark}")
    top = table.report.framework.max_score
    lines.append(f"score: rule {table.rule_score}/{top}, published {table.published_score}/{top}; "
                 f"overall: rule {table.rule_overall.label}, published {table.published_overall.label}")
    for row in table.differences:
        lines.append(f"  * {row.id} {row.rule_rating.label} -> {row.published_rating.label}: "
                     f"{row.reason or 'NO REASON STATED IN THE REPORT'}")
    return "\n".join(lines)


def _cmd_reproduce(args) -> int:
    from .reports import list_reports, rate_report

    reproduced = 0
    decisions = 0
    ids = list_reports()
    for report_id in ids:
        table = rate_report(report_id)
        report = table.report
        print("=" * 100)
        print(f"{report.id}: {report.service} ({report.published}, {report.framework.name})")
        print("samples: " + ", ".join(f"{k.replace('_', '-')} {v}" for k, v in report.samples.items()))
        print(_format_rating_table(table))
        for section in _REPRODUCE_SECTIONS:
            for line in section(report):
                print(line)
        decisions += len(table.differences)
        ok = table.reproduced
        reproduced += ok
        printed = ("no printed score" if report.score is None
                   else f"printed score {report.score}/{report.framework.max_score}")
        print(f"reproduced: {'yes' if ok else 'NO'} ({printed}; published ratings sum to "
              f"{table.published_score}; overall {table.published_overall.label})")
    print("=" * 100)
    print(f"{reproduced} of {len(ids)} reports reproduced; "
          f"{decisions} professional-discretion decisions found")
    return 0 if reproduced == len(ids) else 1




# --------------------------------------------------------------------------------------------
# sample size


def _cmd_size(args) -> int:
    from .size import sample_size

    if args.table:
        return _size_table(args)
    if args.population is _MISSING:
        raise SamplingError("size: give --population N (or inf), or --table for a grid")
    result = sample_size(args.population, confidence=args.confidence, margin=args.margin,
                         method=args.method, correction=args.correction)
    if args.json:
        _print_json({"n": result.n, "population": result.population,
                     "confidence": result.confidence, "margin": result.margin,
                     "method": result.method, "correction": result.correction,
                     "achieved_margin": result.achieved_margin})
    else:
        print(result)
    return 0


_TABLE_POPULATIONS = (8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 75, 100, 150, 200, 300, 500, 1000,
                      10_000, None)
_TABLE_CONFIDENCES = (0.80, 0.90, 0.95)
_TABLE_MARGINS = (0.05, 0.10)


def _size_table(args) -> int:
    from .size import sample_size

    columns = [(c, e) for c in _TABLE_CONFIDENCES for e in _TABLE_MARGINS]
    rows = []
    for population in _TABLE_POPULATIONS:
        rows.append((population, [sample_size(population, confidence=c, margin=e, method=args.method,
                                              correction=args.correction).n for c, e in columns]))
    if args.json:
        table = []
        for population, sizes in rows:
            cells = [{"confidence": c, "margin": e, "n": n}
                     for (c, e), n in zip(columns, sizes, strict=True)]
            table.append({"population": population, "sizes": cells})
        _print_json({"method": args.method, "correction": args.correction, "rows": table})
        return 0
    how = "exact" if args.method == "exact" else f"normal, {args.correction} correction"
    print(f"Sample size n by eligible population N, confidence and margin ({how})")
    print(f"{'N':>8} " + " ".join(f"{c:.0%}/{e * 100:g}pt".rjust(10) for c, e in columns))
    for population, sizes in rows:
        label = "unlimited" if population is None else f"{population:,}"
        print(f"{label:>9}" + "".join(f"{n:>11}" for n in sizes))
    return 0


def _reproduce_samples(report):
    from .size import margin_of_error, populations_for_sample_size

    lines = ["sample sizes (80% confidence, 5-point margin): populations each published n implies"]
    for name, n in report.samples.items():
        if name == "resettlement":
            lines.append(f"  {name}: {n} case(s), illustrative only (not sized by the formula)")
            continue
        cochran = populations_for_sample_size(n)
        simple = populations_for_sample_size(n, correction="simple")
        census = "; a census of its population" if cochran.low == n else ""
        margin = ("" if cochran.empty or cochran.high is None
                  else f"; margin at N = {cochran.low}: {margin_of_error(n, cochran.low) * 100:.2f} points")
        lines.append(f"  {name.replace('_', '-')} n = {n}: N = {cochran} (Cochran), {simple} (simple)"
                     f"{census}{margin}")
    return lines


def _register_size(sub) -> None:
    p = sub.add_parser("size", help="sample size from the number of eligible cases",
                       description="Sample size for a proportion at a confidence level and margin, "
                                   "from the number of eligible cases N (the reports' 80%% and 5 "
                                   "points by default).")
    p.add_argument("--population", type=_population_arg, default=_MISSING, metavar="N",
                   help="eligible cases N, or 'inf' for an unlimited population")
    p.add_argument("--confidence", type=_float_arg, default=0.80, metavar="C",
                   help="confidence as a proportion (default 0.80)")
    p.add_argument("--margin", type=_float_arg, default=0.05, metavar="E",
                   help="margin of error as a proportion (default 0.05 for 5 points)")
    p.add_argument("--method", choices=("normal", "exact"), default="normal",
                   help="normal approximation (default) or exact hypergeometric")
    p.add_argument("--correction", choices=("cochran", "simple"), default="cochran",
                   help="finite-population correction of the normal method (default cochran)")
    p.add_argument("--table", action="store_true", help="print a grid of N by confidence and margin")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_size)


_MISSING = object()
_COMMANDS.append(_register_size)
_REPRODUCE_SECTIONS.append(_reproduce_samples)


# --------------------------------------------------------------------------------------------
# band-boundary uncertainty


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


def _check_plot_path(path: str | None) -> None:
    if path is not None and not path.lower().endswith((".png", ".pdf", ".svg")):
        raise SamplingError(f"--plot: {path!r} must end in .png, .pdf or .svg")


def _cmd_uncertainty(args) -> int:
    from .framework import Rating
    from .reports import load_report
    from .uncertainty import interval, key_question_population, rating_distribution

    _check_plot_path(args.plot)
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
        _print_json({
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

    from .plots import band_ladder, score_distribution

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
    from .framework import Rating
    from .uncertainty import rating_distribution

    lines = ["uncertainty of the overall rating (exact; key questions independent; Jeffreys prior)"]
    for mode in ("process", "finite"):
        dist = rating_distribution(report, mode=mode)
        others = ", ".join(f"{r} {dist.overall[r]:.3f}" for r in Rating.labels()
                           if r != report.overall.label and dist.overall[r] >= 0.0005)
        lines.append(f"  {mode:<7}: P(published {report.overall.label}) = {dist.p_published_overall:.3f}"
                     + (f"; {others}" if others else ""))
    return lines


def _register_uncertainty(sub) -> None:
    p = sub.add_parser("uncertainty", help="how sure each rating is: intervals and band probabilities",
                       description="Intervals and band probabilities for each key question, and "
                                   "the exact distributions of each standard's rating, the score "
                                   "and the overall rating.")
    p.add_argument("report", metavar="ID_OR_PATH", help="a bundled report id or a .toml file")
    p.add_argument("--mode", choices=("process", "finite"), default="process",
                   help="process: the underlying rate (binomial; default); finite: the eligible "
                        "cases (hypergeometric)")
    p.add_argument("--confidence", type=_float_arg, default=0.80, metavar="C",
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


_COMMANDS.append(_register_uncertainty)
_REPRODUCE_SECTIONS.append(_reproduce_uncertainty)


# --------------------------------------------------------------------------------------------
# professional discretion


def _cmd_discretion(args) -> int:
    from .discretion import assess_discretion

    rules = None if args.rule is None else [r.strip() for r in args.rule.split(";") if r.strip()]
    result = assess_discretion(args.report, rules=rules, mode=args.mode)
    if args.json:
        _print_json(result.to_dict())
        return 0
    print(f"{result.report}: professional discretion ({args.mode} uncertainty for P(higher))")
    names = list(result.rules)
    print(f"{'std':<5} {'rule':<21} {'published':<21} {'cases':>5} {'P(higher)':>9}  "
          + " ".join(f"{n:>17}" for n in names) + "  applied")
    for row in result.rows:
        cases = "" if row.cases_to_next is None else str(row.cases_to_next)
        print(f"{row.id:<5} {row.rule_rating.label:<21} {row.published_rating.label:<21} {cases:>5} "
              f"{row.p_higher:>9.3f}  "
              + " ".join(f"{('yes' if row.eligible[n] else '-'):>17}" for n in names)
              + f"  {'YES' if row.applied else ''}")
    for fact in result.facts():
        print("  " + fact)
    return 0


def _cmd_simulate(args) -> int:
    import time

    from .discretion import simulate

    try:
        rates = [float(v) for v in args.true.split(",")]
    except ValueError:
        raise SamplingError(f"--true: expected rates such as 0.62,0.7,0.8, got {args.true!r}") from None
    start = time.perf_counter()
    shown = [False]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - start > 1.0 or shown[0]:
            shown[0] = True
            width = 30
            filled = int(width * done / total)
            print(f"\rsimulating [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}",
                  end="" if done < total else "\n", file=sys.stderr, flush=True)

    result = simulate(rates, args.n, population=args.population, case_correlation=args.case_correlation,
                      judgement_error=args.judgement_error, rule=args.rule, reps=args.reps, rng=args.seed,
                      progress=progress)
    if args.json:
        _print_json({"n": args.n, "true": rates, "population": args.population, **result.to_dict()})
        return 0
    truth = result.true_bands["standard"].label
    print(f"{args.reps:,} simulated inspections of {len(rates)} key question(s), n = {args.n}"
          + (f" of {args.population}" if args.population else "") + f"; true band {truth}")
    print(result.summary().round(4).to_string())
    print("awarded (with the rule, if any):")
    table = result.confusion_with_rule if result.rule else result.confusion
    print((table.loc[truth] / args.reps).round(4).to_string())
    return 0


def _reproduce_discretion(report):
    from .discretion import assess_discretion

    result = assess_discretion(report)
    lines = ["professional discretion (rules: " + ", ".join(result.rules) + ")"]
    lines += [f"  {fact}" for fact in result.facts()] or ["  no standard within reach of any rule"]
    return lines


def _register_discretion(sub) -> None:
    p = sub.add_parser("discretion", help="which standards were within reach of discretion",
                       description="Per standard: rule and published ratings, cases to the next band, "
                                   "P(higher band), each rule's verdict, and whether the report used "
                                   "discretion.")
    p.add_argument("report", metavar="ID_OR_PATH", help="a bundled report id or a .toml file")
    p.add_argument("--rule", default=None, metavar="NAME",
                   help="rule(s) to apply, e.g. 'cases(1)' or 'cases(1);within_points(5)' "
                        "(default: strict, within_points(5), cases(1), interval(0.8), posterior(0.5))")
    p.add_argument("--mode", choices=("process", "finite"), default="process",
                   help="uncertainty behind P(higher) and the statistical rules (default process)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_discretion)

    p = sub.add_parser("simulate", help="simulated inspections of a standard, with and without a rule",
                       description="Simulate inspections of one standard with known true rates and count "
                                   "right and wrong ratings, with and without a discretion rule.")
    p.add_argument("--n", type=int, required=True, help="cases judged per key question")
    p.add_argument("--true", required=True, metavar="R[,R...]",
                   help="true rate of each key question, e.g. 0.62,0.7,0.8")
    p.add_argument("--population", type=int, default=None, metavar="N",
                   help="eligible cases (finite population; default: process sampling)")
    p.add_argument("--rule", default=None, metavar="NAME", help="discretion rule, e.g. cases(1)")
    p.add_argument("--reps", type=int, default=10_000, help="simulated inspections (default 10000)")
    p.add_argument("--seed", type=int, default=None, help="random seed (same seed, same answer)")
    p.add_argument("--case-correlation", type=_float_arg, default=0.0, metavar="RHO",
                   help="quality shared by the key questions of a case (default 0)")
    p.add_argument("--judgement-error", type=_float_arg, default=0.0, metavar="E",
                   help="probability that a judgement is flipped (default 0)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_simulate)


_COMMANDS.append(_register_discretion)
_REPRODUCE_SECTIONS.append(_reproduce_discretion)


# --------------------------------------------------------------------------------------------
# case selection


def _check_out(path: str, force: bool) -> None:
    from pathlib import Path

    out = Path(path)
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise SamplingError(f"--out: {path!r} must end in .csv or .xlsx")
    if out.exists() and not force:
        raise SamplingError(f"--out: {path} exists; choose another name or add --force to overwrite")
    if not out.parent.exists():
        raise SamplingError(f"--out: the folder {out.parent} does not exist")


def _write_table(frame, path: str) -> None:
    """Write a table atomically: to a temporary file beside it, then rename."""
    import os
    import tempfile
    from pathlib import Path

    out = Path(path)
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=".sampling-", suffix=out.suffix)
    os.close(handle)
    try:
        if out.suffix.lower() == ".xlsx":
            frame.to_excel(temporary, index=False)
        else:
            frame.to_csv(temporary, index=False)
        os.replace(temporary, out)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def _parse_window(text: str) -> tuple[int, int]:
    low, _, high = text.partition("-")
    if not (low.strip().isdigit() and high.strip().isdigit()) or int(low) > int(high):
        raise SamplingError(f"--window: expected months before fieldwork such as 6-9, got {text!r}")
    return int(low), int(high)


def _cmd_select(args) -> int:
    from .selection import Recency, read_cases, select

    _check_out(args.out, args.force)
    if args.n < 1:
        raise SamplingError(f"--n must be at least 1 case, got {args.n}")
    recency = None
    if args.recency_column or args.fieldwork_date:
        if not (args.recency_column and args.fieldwork_date):
            raise SamplingError("recency needs both --recency-column and --fieldwork-date")
        import pandas as pd

        try:
            pd.Timestamp(args.fieldwork_date)
        except ValueError:
            raise SamplingError(f"--fieldwork-date: {args.fieldwork_date!r} does not parse; use YYYY-MM-DD") \
                from None
        recency = Recency(args.recency_column, args.fieldwork_date, _parse_window(args.window),
                          args.recent_share)
    cases = read_cases(args.cases)
    strata = tuple(s.strip() for s in args.strata.split(",") if s.strip())
    selection = select(cases, args.n, strata=strata, id_column=args.id_column, recency=recency,
                       reserves=args.reserves, rng=args.seed)
    table = selection.to_frame().rename(columns={"_recent": "recent_window"})
    _write_table(table, args.out)
    if args.json:
        _print_json(selection.to_dict())
        return 0
    print(f"sample of {selection.n} from {selection.population} cases, seed {args.seed}, "
          f"{len(selection.reserves)} reserves -> {args.out}")
    print(f"{'variable':<18} {'category':<30} {'population':>10} {'target':>7} {'sample':>6}")
    for row in selection.balance.itertuples():
        mark = "" if row.within else "  MISSED"
        print(f"{row.variable:<18} {str(row.category):<30} {row.population:>10} {row.target:>7.2f} "
              f"{row.sample:>6}{mark}")
    verdict = ("every ratio matched within a case" if selection.balanced
               else f"{len(selection.misses)} categories missed (see above)")
    print(f"largest deviation {selection.largest_deviation:.2f} case(s): {verdict}")
    return 0


def _cmd_synthetic(args) -> int:
    from .synthetic import case_list

    _check_out(args.out, args.force)
    cases = case_list(args.n, rng=args.seed)
    _write_table(cases, args.out)
    print(f"wrote {len(cases)} synthetic cases (seed {args.seed}) to {args.out}")
    return 0


def _register_selection(sub) -> None:
    p = sub.add_parser("select", help="draw a balanced random sample with reserves from a case list",
                       description="Draw a sample whose gender, disposal, risk of serious harm and safety "
                                   "and wellbeing ratios match the case list's within a case, at random "
                                   "within that balance, with an ordered reserve list.")
    p.add_argument("cases", metavar="CASES.csv|CASES.xlsx", help="the eligible case list")
    p.add_argument("--n", type=int, required=True, help="cases to sample")
    p.add_argument("--seed", type=int, required=True, help="random seed, recorded for audit")
    p.add_argument("--out", required=True, metavar="SAMPLE.csv", help="where to write sample and reserves")
    p.add_argument("--reserves", type=int, default=0, metavar="K", help="length of the reserve list")
    p.add_argument("--strata", default="gender,disposal_type,rosh,safety_wellbeing", metavar="a,b,c,d",
                   help="balancing columns (default gender,disposal_type,rosh,safety_wellbeing)")
    p.add_argument("--id-column", default="case_id", metavar="COL", help="case id column (default case_id)")
    p.add_argument("--recency-column", default=None, metavar="COL", help="date column for recency")
    p.add_argument("--fieldwork-date", default=None, metavar="YYYY-MM-DD", help="fieldwork start date")
    p.add_argument("--window", default="6-9", metavar="6-9", help="months before fieldwork (default 6-9)")
    p.add_argument("--recent-share", type=_float_arg, default=0.6, metavar="0.6",
                   help="share of the sample from the window (default 0.6)")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_select)

    p = sub.add_parser("synthetic", help="write a synthetic case list (no real data)",
                       description="Write a plausible synthetic case list for examples and training.")
    p.add_argument("--n", type=int, required=True, help="cases")
    p.add_argument("--seed", type=int, default=None, help="random seed")
    p.add_argument("--out", required=True, metavar="CASES.csv", help="file to write (.csv or .xlsx)")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.set_defaults(func=_cmd_synthetic)


_COMMANDS.append(_register_selection)


# --------------------------------------------------------------------------------------------


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m sampling",
        description="Inspection sampling toolkit: sample sizes, balanced selection, rating-band "
                    "uncertainty and professional discretion for youth justice inspections.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("reports", help="list the bundled reports, one line each",
                       description="List the bundled reports, one line each.")
    p.set_defaults(func=_cmd_reports)

    p = sub.add_parser("rate", help="a report's rating table: rule against published",
                       description="Recompute a report's ratings from its key questions.")
    p.add_argument("report", metavar="ID_OR_PATH", help="a bundled report id or a .toml file")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=_cmd_rate)

    p = sub.add_parser("reproduce", help="reproduce every bundled report's published figures",
                       description="For every bundled report: samples, rating table, score and "
                                   "overall rating, each difference with the report's reason, "
                                   "and the analyses of the other commands. Exit 0 only when "
                                   "every report reproduces.")
    p.set_defaults(func=_cmd_reproduce)

    for register in _COMMANDS:
        register(sub)
    return parser




def _show_warning(message, category, filename, lineno, file=None, line=None):
    print(f"warning: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = _show_warning
        try:
            return args.func(args)
        except SamplingError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        except OSError as exc:
            print(f"error: {exc.strerror or exc}: {getattr(exc, 'filename', '') or ''}".rstrip(": "),
                  file=sys.stderr)
            return 2
