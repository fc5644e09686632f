"""``select`` and ``synthetic``: balanced samples from a case list, and synthetic case lists."""

from __future__ import annotations

from .._errors import SamplingError
from ._common import check_out, float_arg, print_json, seed_arg, write_table


def _parse_window(text: str) -> tuple[int, int]:
    low, _, high = text.partition("-")
    if not (low.strip().isdigit() and high.strip().isdigit()) or int(low) > int(high):
        raise SamplingError(f"--window: expected months before fieldwork such as 6-9, got {text!r}")
    return int(low), int(high)



def _cmd_select(args) -> int:
    from ..caselists import read_cases
    from ..selection import Recency, select

    check_out(args.out, args.force, inputs=[args.cases])
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
    if str(args.cases).lower().endswith(".xlsx"):
        import sys

        print(f"note: read {cases.attrs['description']}", file=sys.stderr)
    strata = tuple(s.strip() for s in args.strata.split(",") if s.strip())
    selection = select(cases, args.n, strata=strata, id_column=args.id_column, recency=recency,
                       reserves=args.reserves, rng=args.seed, input_sha256=cases.attrs.get("sha256"))
    table = selection.to_frame().rename(columns={"_recent": "recent_window"})
    write_table(table, args.out)
    if selection.short_of_reserves:
        import sys

        print(f"warning: {selection.short_of_reserves}", file=sys.stderr)
    if args.json:
        print_json(selection.to_dict())
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
    from ..synthetic import case_list, messy_case_list

    check_out(args.out, args.force)
    cases = (messy_case_list if args.messy else case_list)(args.n, rng=args.seed)
    write_table(cases, args.out)
    print(f"wrote {len(cases)} synthetic cases (seed {args.seed}) to {args.out}")
    return 0



def register(sub) -> None:
    p = sub.add_parser("select", help="draw a balanced random sample with reserves from a case list",
                       description="Draw a sample whose gender, disposal, risk of serious harm and safety "
                                   "and wellbeing ratios match the case list's within a case, at random "
                                   "within that balance, with an ordered reserve list.")
    p.add_argument("cases", metavar="CASES.csv|CASES.xlsx", help="the eligible case list")
    p.add_argument("--n", type=int, required=True, help="cases to sample")
    p.add_argument("--seed", type=seed_arg, required=True,
                   help="random seed (a whole number from 0), recorded")
    p.add_argument("--out", required=True, metavar="SAMPLE.csv", help="where to write sample and reserves")
    p.add_argument("--reserves", type=int, default=0, metavar="K", help="length of the reserve list")
    p.add_argument("--strata", default="gender,disposal_type,rosh,safety_wellbeing", metavar="a,b,c,d",
                   help="balancing columns (default gender,disposal_type,rosh,safety_wellbeing)")
    p.add_argument("--id-column", default="case_id", metavar="COL", help="case id column (default case_id)")
    p.add_argument("--recency-column", default=None, metavar="COL", help="date column for recency")
    p.add_argument("--fieldwork-date", default=None, metavar="YYYY-MM-DD", help="fieldwork start date")
    p.add_argument("--window", default="6-9", metavar="6-9", help="months before fieldwork (default 6-9)")
    p.add_argument("--recent-share", type=float_arg, default=0.6, metavar="0.6",
                   help="share of the sample from the window (default 0.6)")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_select)

    p = sub.add_parser("synthetic", help="write a synthetic case list (no real data)",
                       description="Write a plausible synthetic case list for examples and training.")
    p.add_argument("--n", type=int, required=True, help="cases")
    p.add_argument("--seed", type=seed_arg, default=None, help="random seed (a whole number from 0)")
    p.add_argument("--messy", action="store_true",
                   help="as a case management system exports it: its own headings, values in any case "
                        "with stray spaces, abbreviated disposal types, dates day first")
    p.add_argument("--out", required=True, metavar="CASES.csv", help="file to write (.csv or .xlsx)")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.set_defaults(func=_cmd_synthetic)
