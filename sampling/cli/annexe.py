"""``template`` and ``annexe``: the answers workbook for a plan, and the annexe from the answers."""

from __future__ import annotations

import argparse

from ._common import print_json, seed_arg


def _populations_arg(text: str) -> dict[str, int]:
    """``court=57,out-of-court=33`` as {"court": 57, "out_of_court": 33}."""
    result = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        name = name.strip().lower().replace("-", "_").replace(" ", "_")
        if not sep or not name or not value.strip().isdigit():
            raise argparse.ArgumentTypeError(
                f"expected court=N,out-of-court=N (whole numbers of eligible cases), got {part.strip()!r}")
        result[name] = int(value)
    return result


def _cmd_template(args) -> int:
    from .._errors import SamplingError
    from ..answers import answers_template

    if args.inspectors is not None or args.allocation_column is not None:
        return _team_template(args)
    given = [name for name, value in (("--qa", args.qa), ("--carry", args.carry), ("--seed", args.seed))
             if value is not None]
    if given:
        raise SamplingError(f"{', '.join(given)}: for a team's workbooks; give --inspectors NAMES|FILE "
                            "(or --allocation-column HEADING) and --out DIR")
    made = answers_template(args.plan, args.out, framework=args.framework, force=args.force)
    if args.json:
        print_json(made.to_dict())
        return 0
    cases = ", ".join(f"{n} {name.replace('_', '-')}" for name, n in made.cases.items())
    print(f"wrote {made.path}: {made.rows} answer rows ({made.framework}) for {cases} case(s); "
          "fill in the answer column and the qualitative sheet, then run "
          f"'python -m sampling annexe {made.path} --out ANNEXE.html'")
    return 0


def _team_template(args) -> int:
    from ..team import team_templates

    made = team_templates(args.plan, args.out, inspectors=args.inspectors,
                          allocation_column=args.allocation_column, carry=args.carry, qa=args.qa,
                          seed=args.seed, framework=args.framework, force=args.force)
    if args.json:
        print_json(made.to_dict())
        return 0
    for name, path in made.workbooks.items():
        cases = ", ".join(f"{n} {s.replace('_', '-')}" for s, n in made.cases[name].items())
        print(f"wrote {path}: {name}, {cases} case(s)")
    if made.qa is not None:
        cases = ", ".join(f"{n} {s.replace('_', '-')}" for s, n in made.qa_cases.items())
        print(f"wrote {made.qa}: the second reader, {cases} case(s)")
    seed = f" (seed {made.seed})" if made.seed is not None else ""
    print(f"allocation: {made.allocation}{seed}; when the workbooks come back: "
          f"python -m sampling merge {made.folder}/*.xlsx --out ANSWERS.xlsx")
    return 0


def _cmd_annexe(args) -> int:
    import sys

    from ..annexe import write_annexe

    def progress(text: str) -> None:
        sys.stderr.write(text)
        sys.stderr.flush()

    result = write_annexe(args.answers, args.out, service=args.service, populations=args.populations,
                          toml=args.toml, force=args.force, progress=None if args.json else progress,
                          judgement_error=args.judgement_error)
    if args.json:
        print_json(result.to_dict())
        return 0
    how = (f"score {result.score}" if result.score is not None
           else "; ".join(f"{area} {rating}" for area, rating in result.areas.items()))
    print(f"wrote {result.path}: {result.service}, {result.overall} ({how})")
    if result.toml:
        print(f"wrote {result.toml}: the report file")
    return 0


def register(sub) -> None:
    """Add ``template`` and ``annexe``."""
    p = sub.add_parser("template", help="the answers workbook for a plan's sampled cases",
                       description="Write an answers workbook for the cases of a plan workbook: a "
                                   "sheet 'answers' with one row per case and key question of its "
                                   "domain (and a yes / no / not relevant drop-down), a sheet "
                                   "'qualitative' for the standards case answers cannot rate, and "
                                   "instructions.")
    p.add_argument("plan", metavar="PLAN.xlsx", help="the plan workbook (its 'sample' sheet)")
    p.add_argument("--out", required=True, metavar="ANSWERS.xlsx|DIR",
                   help="the answers workbook to write; with --inspectors, the folder for the "
                        "inspectors' workbooks")
    p.add_argument("--inspectors", default=None, metavar="NAMES|FILE",
                   help="a workbook for each inspector: names separated by commas, a .txt or .csv of "
                        "names one per line (cases balanced across them within each sample, seeded), "
                        "or a .csv or .xlsx with the columns case_id and inspector (a given allocation)")
    p.add_argument("--allocation-column", default=None, metavar="HEADING",
                   help="the column of the plan's sample sheet that names each case's inspector")
    p.add_argument("--carry", default=None, metavar="COL1,COL2,...",
                   help="the columns of the plan's sample sheet each workbook shows per case (default "
                        "the balancing variables and the date, those the sheet has)")
    p.add_argument("--qa", default=None, metavar="K|SHARE",
                   help="also write qa.xlsx, a second reader's workbook of K cases (or a share such "
                        "as 0.1, rounded up) of each sample, for agreement")
    p.add_argument("--seed", type=seed_arg, default=None, metavar="S",
                   help="the seed of the allocation and of --qa (default the plan's)")
    p.add_argument("--framework", default=None, metavar="NAME|FRAMEWORK.toml",
                   help="which key questions the cases answer: youth-2018, youth-2021, youth-2025 or a "
                        "framework file (default youth-2025 for a plan of children's and victims' "
                        "samples, else youth-2021)")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.add_argument("--json", action="store_true", help="print what was written as JSON")
    p.set_defaults(func=_cmd_template)

    p = sub.add_parser("annexe", help="the methodology annexe (HTML or Word) from an answers workbook",
                       description="Check an answers workbook (every problem at once), rate it by "
                                   "the rules with exact denominators, and write the methodology "
                                   "annexe for this inspection: the annexe template executed for these "
                                   "answers, without its code, as one self-contained HTML file or a "
                                   "Word document (by the suffix of --out). A report .toml file or a "
                                   "bundled report id is accepted too. One line per section on stderr "
                                   "(none with --json).")
    p.add_argument("answers", metavar="ANSWERS.xlsx", help="the filled-in answers workbook")
    p.add_argument("--out", required=True, metavar="ANNEXE.html|ANNEXE.docx",
                   help="the annexe to write: .html (one page) or .docx (Word)")
    p.add_argument("--populations", type=_populations_arg, default=None, metavar="court=N,out-of-court=N",
                   help="eligible cases per sample (default: the populations the samples imply, "
                        "as the annexe says)")
    p.add_argument("--toml", metavar="REPORT.toml", default=None,
                   help="also write the report as a report file (methodology/report-format.md)")
    p.add_argument("--service", metavar="NAME", default=None, help="the service's name, for the annexe")
    p.add_argument("--judgement-error", metavar="VALUE|FILE.json", default=None,
                   help="the judgement error double-marking measured (e.g. 0.05, or the JSON that "
                        "agreement ANSWERS.xlsx QA.xlsx --json wrote): simulated in 'how sure is each "
                        "rating', and said so")
    p.add_argument("--force", action="store_true", help="overwrite --out and --toml if they exist")
    p.add_argument("--json", action="store_true", help="print the ratings, score and files as JSON")
    p.set_defaults(func=_cmd_annexe)
