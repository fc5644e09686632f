"""``status``: during fieldwork, which ratings are settled and which still hang on the cases left."""

from __future__ import annotations

from ._common import check_out, print_json, write_table


def _cmd_status(args) -> int:
    from .._version import __version__
    from ..fieldwork import fieldwork_status

    if args.out:
        check_out(args.out, args.force, inputs=[args.answers])
    status = fieldwork_status(args.answers, prior=args.prior)
    if args.out:
        context = [("answers", args.answers), ("framework", status.framework),
                   ("prior", f"beta{tuple(status.prior)}"), ("toolkit version", __version__),
                   ("model", status.to_dict()["model"])]
        write_table(status.to_frame(), args.out, context=context)
    if args.json:
        print_json(status.to_dict())
        return 0
    for row in status.cases.itertuples(index=False):
        who = f" ({row.inspector})" if hasattr(row, "inspector") else ""
        print(f"{row.sample.replace('_', '-')}{who}: {row.answered} case(s) answered, {row.started} started, "
              f"{row.left} not started")
    print(f"{'standard':<10} {'settled?':<9} {'reachable bands':<40} most likely final band")
    for item in status.standards:
        likely = max(item["probabilities"], key=item["probabilities"].get)
        chance = item["probabilities"][likely]
        print(f"{item['standard']:<10} {'settled' if item['settled'] else 'open':<9} "
              f"{', '.join(item['reachable']):<40} {likely} ({chance:.0%})")
    settled = len(status.settled)
    print(f"{settled} of {len(status.standards)} standard(s) settled: no answer still to come can change "
          "them. The probabilities assume independent key questions (see methodology/fieldwork.md).")
    if args.out:
        print(f"wrote {args.out}")
    return 0


def register(sub) -> None:
    """Add ``status``."""
    p = sub.add_parser("status", help="which ratings are settled and which are still open, midway",
                       description="Read a partly answered answers workbook (blank answers are cases not "
                                   "yet read) and show, per sample, the cases answered and left; per key "
                                   "question and standard the bands still reachable whatever the cases "
                                   "left say (settled when only one is), the probability of each final "
                                   "band, and how many more no or yes answers would move it.")
    p.add_argument("answers", metavar="ANSWERS.xlsx", help="the answers workbook, partly filled in")
    p.add_argument("--prior", default="jeffreys", choices=("jeffreys", "uniform"),
                   help="the beta prior of the predictive model (default jeffreys)")
    p.add_argument("--out", metavar="FILE.xlsx|FILE.csv", default=None,
                   help="also write the table, one row per standard and key question")
    p.add_argument("--force", action="store_true", help="overwrite an earlier --out")
    p.add_argument("--json", action="store_true",
                   help='print {"key_questions": [...], "standards": [...]} as JSON')
    p.set_defaults(func=_cmd_status)
