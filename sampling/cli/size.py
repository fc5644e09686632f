"""``size``: sample sizes from the number of eligible cases, and the grid for trainers."""

from __future__ import annotations

import argparse

from .._errors import SamplingError
from ._common import add_out, check_out, emit_table, float_arg, population_arg, print_json, with_context


def _context(args, population=None, units=None) -> dict:
    """The context of a size: no service or framework, the population given (if any)."""
    from ..journey import report_context

    populations = None if population is None else {"eligible": population}
    return report_context(None, mode=getattr(args, "model", None) if args.criterion == "bands" else None,
                          populations=populations, populations_source="given" if populations else None,
                          units=units)


_UNITS = {"confidence": "proportion", "margin": "proportion", "achieved_margin": "proportion",
          "margin_cochran": "proportion", "margin_simple": "proportion", "margin_exact": "proportion",
          "margin_proportion": "proportion", "achieved_margin_proportion": "proportion",
          "achieved_margin_points": "percentage points", "n": "cases", "population": "cases"}

_TABLE_POPULATIONS = (8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 75, 100, 150, 200, 300, 500, 1000,
                      10_000, None)

_TABLE_CONFIDENCES = (0.80, 0.90, 0.95)

_TABLE_MARGINS = (0.05, 0.10)



def _cmd_size(args) -> int:
    if args.list_policies:
        return _list_policies(args)
    if args.table:
        return _size_table(args)
    if args.out is not None:
        raise SamplingError("--out writes the grid of --table; add --table")
    if not hasattr(args, "population"):  # not given: argparse.SUPPRESS leaves it unset
        raise SamplingError("size: give --population N (or inf), or --table for a grid")
    if args.n is not None:
        return _given_size(args)
    if args.json:  # the same dict the app shows (sampling.size.size_summary)
        from ..size import size_summary

        # exactly the app's dict (tests/test_app.py holds them equal): its context is for size_summary
        print_json(size_summary(args.population, confidence=args.confidence, margin=args.margin,
                                method=args.method, correction=args.correction, policy=args.policy,
                                criterion=args.criterion, accuracy=args.accuracy, distance=args.distance,
                                model=args.model))
        return 0
    if args.criterion == "bands":
        return _band_size(args)
    if args.policy is not None:
        return _policy_size(args)
    from ..size import compare_sample_sizes

    sizes = compare_sample_sizes(args.population, confidence=args.confidence, margin=args.margin)
    if sizes.exact is None:  # the normal sizes at once, and why the exact one is not given
        print(f"{sizes.pick(args.method, args.correction)}; side by side: cochran {sizes.cochran.n}, "
              f"simple {sizes.simple.n} cases")
        print(f"exact size not given: {sizes.exact_reason}")
        return 0
    print(f"{sizes.pick(args.method, args.correction)}; side by side: {sizes} cases")
    return 0



def _points(margin: float) -> str:
    return f"{margin * 100:.2f}"


def _given_size(args) -> int:
    """``--n``: the margin a given sample achieves, and whether it is wider than the target."""
    from .._validation import confidence as check_confidence
    from ..size import margin_of_error, sample_size

    if args.policy is not None or args.criterion == "bands":
        raise SamplingError("--n gives the margin of a sample you chose; leave out --policy and "
                            "--criterion bands")
    confidence = check_confidence(args.confidence)
    method = "exact" if args.method == "exact" else "normal"
    achieved = margin_of_error(args.n, args.population, confidence=confidence, method=method,
                               correction=args.correction)
    target = sample_size(args.population, confidence=confidence, margin=args.margin, method=args.method,
                         correction=args.correction)
    wider = achieved > args.margin + 1e-12
    of = "" if args.population is None else f" of {args.population:,} cases"
    note = (f"n = {args.n} leaves the margin at {_points(achieved)} points, wider than the "
            f"{args.margin * 100:g}-point target ({target.n} cases reach it)" if wider else "")
    if args.json:
        payload = {"n": args.n, "population": args.population, "confidence": confidence,
                   "margin": args.margin, "margin_proportion": args.margin, "method": args.method,
                   "correction": args.correction,
                   "achieved_margin": achieved, "achieved_margin_proportion": achieved,
                   "achieved_margin_points": achieved * 100, "within_margin": not wider, "note": note,
                   "n_for_target": target.n}
        print_json(with_context(payload, _context(args, args.population, _UNITS)))
        return 0
    how = ("exact hypergeometric" if method == "exact"
           else f"normal approximation, {args.correction} correction")
    print(f"n = {args.n}{of} at {confidence:.0%} confidence: margin {_points(achieved)} points ({how})")
    if wider:
        print(f"note: {note}")
    return 0


def _policy_size(args) -> int:
    from ..size import sample_size

    print(sample_size(args.population, confidence=args.confidence, margin=args.margin,
                      method=args.method, correction=args.correction, policy=args.policy))
    return 0



def _band_size(args) -> int:
    from ..size import sample_size_for_bands

    print(sample_size_for_bands(args.population, accuracy=args.accuracy, distance=args.distance,
                                model=args.model))
    return 0



def _possessive(noun: str) -> str:
    """children -> children's, victims -> victims'."""
    return noun + ("'" if noun.endswith("s") else "'s")


def _list_policies(args) -> int:
    from ..size import get_policy, list_policies

    policies = [get_policy(name) for name in list_policies()]
    if args.json:
        print_json([p.to_dict() for p in policies])
        return 0
    for p in policies:
        print(f"{p.name}: {_possessive(p.cases)} cases, {p.minimum} to {p.maximum} ({p.confidence:.0%}, "
              f"{p.margin * 100:g} points, {p.correction}); {p.title}")
    return 0



def _size_table(args) -> int:
    from ..size import sample_size

    columns = [(c, e) for c in _TABLE_CONFIDENCES for e in _TABLE_MARGINS]
    rows = []
    for population in _TABLE_POPULATIONS:
        rows.append((population, [sample_size(population, confidence=c, margin=e, method=args.method,
                                              correction=args.correction).n for c, e in columns]))
    if args.out:
        check_out(args.out, args.force)
    _emit_size_table(args, columns, rows)
    if args.json:
        table = []
        for population, sizes in rows:
            cells = [{"confidence": c, "margin": e, "margin_proportion": e, "n": n}
                     for (c, e), n in zip(columns, sizes, strict=True)]
            table.append({"population": population, "sizes": cells})
        units = {"rows.population": "cases (null: unlimited)", "rows.sizes.confidence": "proportion",
                 "rows.sizes.margin": "proportion", "rows.sizes.n": "cases"}
        print_json(with_context({"method": args.method, "correction": args.correction, "rows": table},
                                _context(args, None, units)))
        return 0
    how = "exact" if args.method == "exact" else f"normal, {args.correction} correction"
    print(f"Sample size n by eligible population N, confidence and margin ({how})")
    print(f"{'N':>8} " + " ".join(f"{c:.0%}/{e * 100:g}pt".rjust(10) for c, e in columns))
    for population, sizes in rows:
        label = "unlimited" if population is None else f"{population:,}"
        print(f"{label:>9}" + "".join(f"{n:>11}" for n in sizes))
    print("key: cochran = n0 / (1 + (n0 - 1) / N), the reports' correction; simple = n0 / (1 + n0 / N);")
    print("     exact = the smallest n from which every larger sample keeps the hypergeometric chance of")
    print("     landing within the margin at the confidence (methodology/sample-size.md)")
    return 0



def size_table_frame(args, columns, rows):
    """The grid of ``size --table``, tidy: one row per population, confidence and margin."""
    import pandas as pd

    how = "exact" if args.method == "exact" else f"normal, {args.correction} correction"
    records = [{"population": population, "unlimited": population is None, "confidence_proportion": c,
                "margin_proportion": e, "margin_points": round(e * 100, 6), "n": n, "method": how}
               for population, sizes in rows for (c, e), n in zip(columns, sizes, strict=True)]
    return pd.DataFrame(records).astype({"population": "Int64"})


def _emit_size_table(args, columns, rows) -> None:
    units = {"population": "cases (empty: unlimited)", "confidence_proportion": "proportion",
             "margin_proportion": "proportion", "margin_points": "percentage points", "n": "cases"}
    emit_table(size_table_frame(args, columns, rows), args.out, _context(args, None, units))


def _reproduce_samples(report):
    from ..size import margin_of_error, populations_for_sample_size

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



def register(sub) -> None:
    p = sub.add_parser("size", help="sample size from the number of eligible cases",
                       description="Sample size for a proportion at a confidence level and margin, "
                                   "from the number of eligible cases N (the reports' 80% and 5 "
                                   "points by default), with the Cochran, simple and exact sizes side "
                                   "by side; or the size a sampling policy gives (--policy); or the "
                                   "size that prints the right rating band (--criterion bands).")
    p.add_argument("--population", type=population_arg, default=argparse.SUPPRESS, metavar="N",
                   help="eligible cases N, or 'inf' for an unlimited population")
    p.add_argument("--confidence", type=float_arg, default=0.80, metavar="C",
                   help="confidence as a proportion (default 0.80)")
    p.add_argument("--margin", type=float_arg, default=0.05, metavar="E",
                   help="margin of error as a proportion (default 0.05 for 5 points)")
    p.add_argument("--method", choices=("normal", "exact"), default="normal",
                   help="normal approximation (default) or exact hypergeometric, the size that never "
                        "goes backwards")
    p.add_argument("--correction", choices=("cochran", "simple"), default="cochran",
                   help="finite-population correction of the normal method (default cochran)")
    p.add_argument("--policy", metavar="NAME", default=None,
                   help="a bundled sampling policy, e.g. hmip-2025-children (see --list-policies): the "
                        "formula's size within the policy's minimum and maximum, with the margin achieved")
    p.add_argument("--list-policies", action="store_true", help="list the bundled sampling policies")
    p.add_argument("--criterion", choices=("margin", "bands"), default="margin",
                   help="margin: a margin of error (default); bands: the printed band right with "
                        "probability --accuracy for true rates --distance points from a boundary")
    p.add_argument("--accuracy", type=float_arg, default=0.8, metavar="A",
                   help="with --criterion bands: probability of the right band (default 0.8)")
    p.add_argument("--distance", type=float_arg, default=5.0, metavar="D",
                   help="with --criterion bands: points from a band boundary, inclusive (default 5)")
    p.add_argument("--model", choices=("finite", "process"), default=None,
                   help="with --criterion bands: finite (the eligible cases; default with a population) "
                        "or process (the service's underlying rate; default for 'inf')")
    p.add_argument("--n", type=int, default=None, metavar="CASES",
                   help="a sample size you chose (or a policy's cap): the margin it achieves in "
                        "--population, and one line if that is wider than --margin")
    p.add_argument("--table", action="store_true", help="print a grid of N by confidence and margin")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_out(p, "the grid of --table, one row per population, confidence and margin")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.set_defaults(func=_cmd_size)


reproduce_lines = _reproduce_samples
