"""``compare``, ``funnel`` and ``agreement``: across inspections, services and inspectors."""

from __future__ import annotations

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

_SHORT = {"Inadequate": "Inad", "Requires improvement": "RI", "Good": "Good", "Outstanding": "Outs"}


def _save(fig, path: str) -> None:
    import sys

    import matplotlib.pyplot as plt

    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(f"wrote {path}", file=sys.stderr)


def _use_agg() -> None:
    import matplotlib

    matplotlib.use("Agg")


# --------------------------------------------------------------------------------------------
# compare


#: The unit of each number in ``compare --json`` and ``compare --out``.
COMPARE_UNITS = {"confidence": "proportion", "key_questions.before.percent": "percentage",
                 "key_questions.after.percent": "percentage", "key_questions.difference": "percentage points",
                 "key_questions.low": "percentage points", "key_questions.high": "percentage points",
                 "key_questions.p_band_changed": "probability", "standards.p_changed": "probability",
                 "overall.p_higher": "probability"}
COMPARE_TABLE_UNITS = {"before_yes": "cases", "before_relevant": "cases", "before_percent": "percentage",
                       "after_yes": "cases", "after_relevant": "cases", "after_percent": "percentage",
                       "difference_points": "percentage points", "low_points": "percentage points",
                       "high_points": "percentage points", "p_changed": "probability",
                       "p_higher": "probability", "p_lower": "probability"}


def _resolve_named(source, where: str):
    """The report ``source`` names, with ``where`` (before, after, reports[2]) in any refusal."""
    from .._errors import ReportError

    try:
        return resolve(source)
    except ReportError as exc:
        raise ReportError(f"{where}: {exc}") from None


def compare_frame(result):
    """The tables ``compare`` prints as one tidy table: one row per key question, then per
    standard, then the overall rating (``level``): counts and percentages, the change and its
    interval in percentage points, the bands or ratings, and P(changed, higher, lower)."""
    import pandas as pd

    rows = []
    for kq, row in result.key_questions.iterrows():
        rows.append({"level": "key question", "id": kq, "name": "",
                     "before_yes": row.before_yes, "before_relevant": row.before_relevant,
                     "before_percent": row.before_percent, "after_yes": row.after_yes,
                     "after_relevant": row.after_relevant, "after_percent": row.after_percent,
                     "difference_points": row.difference, "low_points": row.low, "high_points": row.high,
                     "before_rating": row.before_band, "after_rating": row.after_band,
                     "p_changed": row.p_band_changed, "p_higher": row.p_band_up, "p_lower": row.p_band_down,
                     "change_likely": bool(row.band_change_likely), "qualitative": False})
    for sid, row in result.standards.iterrows():
        rows.append({"level": "standard", "id": sid, "name": row["name"], "before_rating": row.before,
                     "after_rating": row.after, "p_changed": row.p_changed, "p_higher": row.p_higher,
                     "p_lower": row.p_lower, "change_likely": bool(row.p_changed >= result.confidence),
                     "qualitative": bool(row.qualitative)})
    overall = result.overall
    rows.append({"level": "overall", "id": "overall", "name": "", "before_rating": overall["before"],
                 "after_rating": overall["after"], "p_changed": 1 - overall["p_same"],
                 "p_higher": overall["p_higher"], "p_lower": overall["p_lower"],
                 "change_likely": bool(1 - overall["p_same"] >= result.confidence), "qualitative": False})
    columns = ["level", "id", "name", "before_yes", "before_relevant", "before_percent", "after_yes",
               "after_relevant", "after_percent", "difference_points", "low_points", "high_points",
               "before_rating", "after_rating", "p_changed", "p_higher", "p_lower", "change_likely",
               "qualitative"]
    counts = ["before_yes", "before_relevant", "before_percent", "after_yes", "after_relevant",
              "after_percent"]
    return pd.DataFrame(rows, columns=columns).astype(dict.fromkeys(counts, "Int64"))


def _cmd_compare(args) -> int:
    from ..across import compare
    from ..journey import report_context

    check_plot_path(args.plot, args.force)
    if args.out:
        check_out(args.out, args.force, inputs=[args.before, args.after])
    before, after = _resolve_named(args.before, "before"), _resolve_named(args.after, "after")
    result = compare(before, after, confidence=args.confidence, prior=args.prior)
    if args.plot:
        _use_agg()
        from ..plots import change_plot

        _save(change_plot(result), args.plot)
    context = report_context([before, after], mode="process", populations=None)
    emit_table(compare_frame(result), args.out, {**context, "units": COMPARE_TABLE_UNITS})
    if args.json:
        print_json(with_context(result.to_dict(), {**context, "units": COMPARE_UNITS}))
        return 0
    for line in _compare_lines(result, before, after):
        print(line)
    return 0


def _compare_lines(result, before=None, after=None) -> list[str]:
    lines = [f"{result.before} ({result.before_framework}) -> {result.after} ({result.after_framework}): "
             f"after minus before, {result.confidence:.0%} Newcombe intervals; band probabilities for "
             f"the underlying rates ({result.to_dict()['prior']} prior)",
             f"{'kq':<7} {'before':>10} {'after':>10} {'change':>7}  {'interval':<16} "
             f"{'P(band changed)':>15}  {'bands'}"]
    for kq, row in result.key_questions.iterrows():
        flag = "  likely" if row.band_change_likely else ""
        lines.append(
            f"{kq:<7} {row.before_yes:>3}/{row.before_relevant:<3}{row.before_percent:>3}% "
            f"{row.after_yes:>3}/{row.after_relevant:<3}{row.after_percent:>3}% {row.difference:>+7.1f}  "
            f"[{row.low:+6.1f}, {row.high:+6.1f}] {row.p_band_changed:>15.2f}  "
            f"{_SHORT[row.before_band]} -> {_SHORT[row.after_band]}{flag}")
    lines.append(f"{'std':<7} {'before':<21} {'after':<21} P(changed) P(higher) P(lower)")
    for sid, row in result.standards.iterrows():
        note = "  (q)" if row.qualitative else ""
        lines.append(f"{sid:<7} {row.before:<21} {row.after:<21} {row.p_changed:>10.2f} "
                     f"{row.p_higher:>9.2f} {row.p_lower:>8.2f}{note}")
    lines.append("(q): a qualitative standard, rated as published")
    overall = result.overall
    from ..journey import is_unpublished

    if any(r is not None and is_unpublished(r) for r in (before, after)):
        def which(report, rating):
            when = "this inspection, not yet published" if is_unpublished(report) else "published"
            return f"{rating} ({when})"

        ratings = f"{which(before, overall['before'])} -> {which(after, overall['after'])}"
    else:
        ratings = f"published {overall['before']} -> {overall['after']}"
    lines.append(f"overall: {ratings}; for the underlying "
                 f"rates P(after higher) = {overall['p_higher']:.3f}, P(same) = {overall['p_same']:.3f}, "
                 f"P(after lower) = {overall['p_lower']:.3f}")
    likely = int(result.key_questions["band_change_likely"].sum())
    lines.append(f"{likely} of {len(result.key_questions)} key questions: band change likely "
                 f"(P >= {result.confidence:.0%})")
    for kind, item, which in result.unmatched:
        lines.append(f"not compared: {kind.replace('_', ' ')} {item} (only in {which}"
                     + (", or a different standard under that id" if kind == "standard" else "") + ")")
    return lines


# --------------------------------------------------------------------------------------------
# funnel


def _levels_arg(text: str) -> tuple[float, ...]:
    import argparse

    try:
        return tuple(float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected proportions separated by commas, e.g. 0.8,0.95,0.998, "
                                         f"got {text!r}") from None


#: The unit of each number in ``funnel --json`` and ``funnel --out``.
FUNNEL_UNITS = {"levels": "proportion", "key_questions.pooled_rate": "proportion",
                "key_questions.points.percent": "percentage", "key_questions.points.proportion": "proportion",
                "key_questions.points.outside": "proportion (a level)",
                "key_questions.limits.low": "proportion", "key_questions.limits.high": "proportion",
                "key_questions.limits.n": "cases"}
FUNNEL_TABLE_UNITS = {"yes": "cases", "relevant": "cases", "percent": "percentage",
                      "proportion": "proportion",
                      "pooled_rate_proportion": "proportion", "outside_level": "proportion (a level)",
                      "p_lower_tail": "probability", "p_upper_tail": "probability"}


def funnel_frame(result):
    """The points of a funnel, one row per key question and service (tidy): counts, percentage,
    proportion, the pooled rate, the widest level it is outside and which way, and both tails."""
    points = result.points.rename(columns={"name": "report", "outside": "outside_level"}).copy()
    points.insert(2, "framework", [(result.frameworks or {}).get(name, "") for name in points["report"]])
    points["pooled_rate_proportion"] = [float(result.pooled.loc[kq, "pooled_rate"])
                                        for kq in points["key_question"]]
    points["direction"] = points["direction"].fillna("").replace("", "inside")
    columns = ["key_question", "report", "framework", "service", "yes", "relevant", "percent", "proportion",
               "pooled_rate_proportion", "outside_level", "direction", "p_lower_tail", "p_upper_tail"]
    return points[columns].reset_index(drop=True)


def _cmd_funnel(args) -> int:
    from ..across import funnel
    from ..journey import report_context

    check_plot_path(args.plot, args.force)
    if args.out:
        check_out(args.out, args.force, inputs=args.reports)
    reports = [_resolve_named(source, f"reports[{i}]") for i, source in enumerate(args.reports)]
    result = funnel(reports, args.key_question, levels=args.levels)
    if args.plot:
        _use_agg()
        from ..plots import funnel_plot

        _save(funnel_plot(result), args.plot)
    context = report_context(reports, mode="process", populations=None)
    emit_table(funnel_frame(result), args.out, {**context, "units": FUNNEL_TABLE_UNITS})
    if args.json:
        print_json(with_context(result.to_dict(), {**context, "units": FUNNEL_UNITS}))
        return 0
    levels = ", ".join(f"{level:.1%}" for level in result.levels)
    print(f"{len(args.reports)} reports; limits at {levels} ({result.method})")
    for kq, summary in result.pooled.iterrows():
        points = result.points[result.points["key_question"] == kq]
        out = points[points["outside"].notna()]
        print(f"{kq}: pooled {int(summary.yes)}/{int(summary.relevant)} = {summary.pooled_rate:.1%} over "
              f"{int(summary.services)} services; dispersion {summary.dispersion:.2f}; {len(out)} outside")
        shown = points if args.key_question is not None else out
        for _, p in shown.iterrows():
            where = (f"outside {p['outside']:.1%} ({p['direction']})" if p["direction"] else "inside")
            print(f"  {p['name']:<28} {p['yes']:>3}/{p['relevant']:<3} {p['percent']:>3}%  {where}")
    return 0


# --------------------------------------------------------------------------------------------
# agreement


AGREEMENT_UNITS = {"confidence": "proportion", "agreement": "proportion", "agreement_low": "proportion",
                   "agreement_high": "proportion", "judgement_error": "probability", "cases": "cases"}


def agreement_frame(result):
    """The table ``agreement`` prints: one row per key question, then the overall row."""
    return result.to_frame().reset_index()


def _cmd_agreement(args) -> int:
    from ..journey import report_context
    from ..team import agreement

    if args.out:
        check_out(args.out, args.force, inputs=[args.file, args.second])
    result = agreement(args.file, args.second, confidence=args.confidence, columns=args.columns)
    context = report_context(None, populations=None, units=AGREEMENT_UNITS)
    emit_table(agreement_frame(result), args.out, {**context, "source": result.source})
    if args.json:
        print_json(with_context(result.to_dict(), context))
        return 0
    print(f"{result.source}: two judges, {result.confidence:.0%} intervals "
          "(agreement exact; kappa asymptotic)")
    whole = result.relevance
    print(f"relevance (relevant or not relevant), {whole.pairs} pairs: {whole.both_relevant} both relevant, "
          f"{whole.both_not_relevant} both not relevant, {whole.first_only + whole.second_only} "
          f"one only; agreement {whole.agreement:.1%} "
          f"[{whole.agreement_low:.1%}, {whole.agreement_high:.1%}], "
          f"kappa {whole.kappa:.2f}, AC1 {whole.ac1:.2f}")
    print("yes or no, on the pairs both judged relevant:")
    print(f"{'kq':<8} {'cases':>5} {'agree':>6} {'interval':<15} {'kappa':>6} {'interval':<15} "
          f"{'AC1':>5} {'error':>6}")
    for row in (*result.key_questions, result.overall):
        print(f"{row.key_question or 'overall':<8} {row.cases:>5} {row.agreement:>6.1%} "
              f"[{row.agreement_low:5.1%}, {row.agreement_high:5.1%}] {row.kappa:>6.2f} "
              f"[{row.kappa_low:5.2f}, {row.kappa_high:5.2f}] {row.ac1:>5.2f} {row.judgement_error:>6.3f}")
    print(f"judgement error (each judge flips an answer with this probability): "
          f"{result.judgement_error:.3f}; use simulate(..., judgement_error={result.judgement_error:.3f})")
    return 0


# --------------------------------------------------------------------------------------------


def register(sub) -> None:
    p = sub.add_parser("compare", help="what changed between two inspections, and how sure that is",
                       description="Per key question the change in percentage points with Newcombe's "
                                   "interval and P(true band changed); per standard P(rating changed); "
                                   "overall P(after's true rating higher, same, lower).")
    report_arg(p, "before", "BEFORE", "the earlier report")
    report_arg(p, "after", "AFTER", "the later report")
    p.add_argument("--confidence", type=float_arg, default=0.80, metavar="C",
                   help="interval confidence as a proportion, and the P from which a band change "
                        "is called likely (default 0.80)")
    p.add_argument("--prior", choices=("jeffreys", "uniform"), default="jeffreys",
                   help="prior of each rate for the band probabilities (default jeffreys)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--plot", metavar="FILE.png", default=None, help="write the changes and intervals here")
    add_out(p, "the key questions', standards' and overall rating's changes")
    p.add_argument("--force", action="store_true", help="overwrite --plot and --out if they exist")
    p.set_defaults(func=_cmd_compare)

    p = sub.add_parser("funnel", help="many services' key-question results against their cases",
                       description="Each service's percentage against its relevant cases, with the "
                                   "pooled rate and exact binomial control limits (Spiegelhalter 2005); "
                                   "services outside are flagged.")
    report_arg(p, "reports", "REPORT", "two or more reports, each", nargs="+")
    p.add_argument("--key-question", default=None, metavar="KQ",
                   help="one key question, e.g. 2.1.1 (default: every key question two reports share)")
    p.add_argument("--levels", type=_levels_arg, default="0.8,0.95,0.998", metavar="L1,L2,...",
                   help="levels of the limits (default 0.8,0.95,0.998)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--plot", metavar="FILE.png", default=None, help="write the funnel plot here")
    add_out(p, "every point (key question and service), inside the limits or not")
    p.add_argument("--force", action="store_true", help="overwrite --plot and --out if they exist")
    p.set_defaults(func=_cmd_funnel)

    p = sub.add_parser("agreement", help="how far two inspectors agree on the same cases",
                       description="Percentage agreement, Cohen's kappa and Gwet's AC1 per key question "
                                   "and overall, and the judgement error that simulate takes, from a "
                                   "file with columns case_id, key_question, first, second, or from an "
                                   "answers workbook and the second reader's qa.xlsx. Agreement on "
                                   "relevance (not relevant against yes or no) is reported on its own; "
                                   "yes / no agreement counts the pairs both judged relevant.")
    p.add_argument("file", metavar="DOUBLE.csv|ANSWERS.xlsx",
                   help="double-judged cases (.csv or .xlsx), or the answers workbook of the first reading")
    p.add_argument("second", metavar="QA.xlsx", nargs="?", default=None,
                   help="the second reader's workbook (template --qa wrote it), paired with ANSWERS.xlsx by "
                        "case and key question")
    p.add_argument("--columns", default=None, metavar="ROLE=HEADING,...",
                   help="the headings of DOUBLE.csv, e.g. first='Inspector A',second=QA (roles case_id, "
                        "key_question, first, second)")
    p.add_argument("--confidence", type=float_arg, default=0.80, metavar="C",
                   help="interval confidence as a proportion (default 0.80)")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_out(p, "the table, one row per key question and the overall row")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.set_defaults(func=_cmd_agreement)
