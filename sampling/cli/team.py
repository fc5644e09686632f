"""``merge``: a team's returned workbooks into the one answers workbook (``template --inspectors``
writes them)."""

from __future__ import annotations

from ._common import print_json


def _cmd_merge(args) -> int:
    import sys

    from ..team import merge_answers

    result = merge_answers(args.workbooks, args.out, force=args.force)
    if args.json:
        print_json(result.to_dict())
        return 0
    for name, why in result.skipped:
        print(f"left out {name}: {why}", file=sys.stderr)
    cases = ", ".join(f"{n} {name.replace('_', '-')}" for name, n in result.cases.items())
    print(f"wrote {result.path}: {result.rows} answer rows for {cases} case(s) from "
          f"{len(result.workbooks)} workbook(s) ({', '.join(result.workbooks)}); "
          f"{result.answered} answered, {result.blank} blank")
    print("next: give the qualitative ratings in its sheet 'qualitative'"
          + (" and the blank answers" if result.blank else "")
          + f", then run 'python -m sampling annexe {result.path} --out ANNEXE.html'")
    return 0


def register(sub) -> None:
    """Add ``merge``."""
    p = sub.add_parser("merge", help="merge the inspectors' workbooks into one answers workbook",
                       description="Check the workbooks a team returned (template --inspectors wrote "
                                   "them) together, listing every problem at once: a case answered "
                                   "differently in two workbooks, a case of the plan in none, a case not "
                                   "in the plan, a workbook from another plan, a sheet or column renamed, "
                                   "an answer that is not yes, no or not relevant. Then write the one "
                                   "answers workbook that annexe reads, with the plan's record and every "
                                   "answer's notes. Blank answers stay blank. The second reader's "
                                   "qa.xlsx is left out (agreement compares it).")
    p.add_argument("workbooks", metavar="WORKBOOK.xlsx", nargs="+",
                   help="the returned workbooks (every .xlsx file of the folder), or the folder holding them")
    p.add_argument("--out", required=True, metavar="ANSWERS.xlsx", help="the answers workbook to write")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.add_argument("--json", action="store_true", help="print what was written as JSON")
    p.set_defaults(func=_cmd_merge)
