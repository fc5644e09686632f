"""``plan`` and ``replace``: a plan workbook from a case-list export, and a withdrawn case swapped
for its reserve."""

from __future__ import annotations

import shlex
import sys

from .._errors import SamplingError
from ._common import float_arg, print_json, seed_arg


def _parse_sizes(text: str | None) -> dict[str, int] | None:
    if text is None:
        return None
    sizes = {}
    for part in text.split(","):
        name, equals, value = part.partition("=")
        if not equals or not name.strip() or not value.strip().isdigit():
            raise SamplingError("--n: expected domain=cases such as court=30,out-of-court=12, "
                                f"got {part.strip()!r}")
        sizes[name.strip()] = int(value)
    return sizes


def _check_out(path: str, force: bool, inputs=()) -> None:
    from .._files import output_path

    output_path(path, suffixes=(".xlsx",), force=force, kind="a plan is one workbook", inputs=inputs)


def _without_out(argv) -> list[str]:
    """The command as recorded in the plan: without ``--out FILE`` and ``--force``, so that the
    same input and seed give the same workbook whatever it is called (``SOURCE_DATE_EPOCH``)."""
    kept, skip = [], False
    for word in map(str, argv):
        if skip:
            skip = False
        elif word == "--out":
            skip = True
        elif not (word.startswith("--out=") or word == "--force"):
            kept.append(word)
    return kept


def _columns(args) -> dict[str, str]:
    from ..caselists import parse_columns

    columns = parse_columns(args.columns)
    if args.id_column is not None:
        if "case_id" in columns and columns["case_id"] != args.id_column:
            raise SamplingError("--id-column and --columns case_id=... name different columns; give one")
        columns["case_id"] = args.id_column
    return columns


def _cmd_plan(args) -> int:
    from ..caselists import parse_blank_as, parse_disposal_domains
    from ..plans import plan

    _check_out(args.out, args.force, inputs=[args.cases, args.victims, args.values])
    from ..caselists import parse_columns

    strata = tuple(s.strip() for s in args.strata.split(",") if s.strip())
    victims_strata = tuple(s.strip() for s in (args.victims_strata or "").split(",") if s.strip())
    if args.victims is None and (args.victims_policy or args.victims_reserves is not None or victims_strata
                                 or args.victims_columns):
        raise SamplingError("--victims-policy, --victims-reserves, --victims-strata and --victims-columns "
                            "need the victims' case list: add --victims FILE")
    result = plan(args.cases, seed=args.seed, n=_parse_sizes(args.n), reserves=args.reserves,
                  method=args.method, policy=args.policy,
                  victims=args.victims, victims_policy=args.victims_policy,
                  victims_reserves=args.victims_reserves, victims_strata=victims_strata,
                  victims_columns=parse_columns(args.victims_columns),
                  confidence=args.confidence, margin=args.margin, fieldwork_date=args.fieldwork_date,
                  strata=strata, columns=_columns(args), sheet=args.sheet,
                  disposal_domains=parse_disposal_domains(args.disposal_domain),
                  service=args.service, blank_as=parse_blank_as(args.blank_as), values=args.values,
                  command="python -m sampling " + shlex.join(_without_out(getattr(args, "argv", []) or
                                                                          sys.argv[1:])))
    result.write(args.out, overwrite=args.force)
    cases = result.cases
    read = (f"read {cases.source} ({cases.description}): {cases.rows} cases; domain from "
            + (f"column {cases.mapping['domain']!r}" if cases.domain_from == "column"
               else "the disposal type"))
    wider = _wider_than_target(result)
    if args.json:
        print(f"note: {read}", file=sys.stderr)
        for line in wider:
            print(f"note: {line}", file=sys.stderr)
        print_json(result.to_dict())
        return 0
    print(read)
    print("columns: " + ", ".join(f"{name} {heading!r}" for name, heading in cases.mapping.items()
                                  if heading is not None))
    if result.victims is not None:
        print(f"read {result.victims.source} ({result.victims.description}): {result.victims.rows} victims' "
              f"cases; case_id {result.victims.mapping['case_id']!r}")
    for part in result.domains:
        if part.selection is None:
            print(f"{part.domain}: {part.population} eligible, none sampled (n = 0 given)")
            continue
        verdict = "every ratio within a case" if part.balanced else "some ratios missed (see the audit)"
        print(f"{part.domain}: {part.population} eligible, n = {part.n} ({part.method}; achieved margin "
              f"{part.margin * 100:.2f} points), {part.reserves} reserves; {verdict}")
    for line in wider:
        print(f"note: {line}")
    print(f"wrote {args.out}: sheets sample ({len(result.sample)} cases), reserves ({len(result.reserves)}), "
          f"balance, audit; seed {result.seed}")
    return 0


def _wider_than_target(result) -> list[str]:
    """One line per sample whose achieved margin is wider than the target: a policy's cap or a
    size given with --n."""
    record = result.inspection_record()
    lines = []
    for name, margin in record.above_target().items():
        sample = record.samples[name]
        why = ("the size was given (--n)" if sample.size_method == "given"
               else f"the size is capped ({sample.size_method})")
        target = f"{record.target_margin * 100:g}-point target"
        lines.append(f"{name.replace('_', '-')}: n = {sample.n} of {sample.population} leaves the margin at "
                     f"{margin * 100:.2f} points, wider than the {target}; {why}")
    return lines


def _cmd_replace(args) -> int:
    from ..plans import replace_case

    result = replace_case(args.plan, args.case_id, reason=args.reason)
    if args.json:
        print_json(result.to_dict())
    else:
        print(result)
    return 0


def register(sub) -> None:
    p = sub.add_parser("plan", help="a plan workbook (sample, reserves, balance, audit) from a case list",
                       description="Read a case-list export (any headings; CSV or XLSX), split it by "
                                   "domain, size each domain from its own population (80% confidence, "
                                   "5-point margin by default), select each balanced on gender, disposal "
                                   "type, risk of serious harm and safety and wellbeing, with reserves that "
                                   "each name the case they replace, and write one workbook.")
    p.add_argument("cases", metavar="CASES.csv|CASES.xlsx", help="the eligible cases, as exported")
    p.add_argument("--blank-as", metavar="NAME|VARIABLE=NAME", action="append", default=None,
                   help="balance blank cells of the balancing columns as a category of their own: "
                        "--blank-as 'not recorded' for every column, or --blank-as rosh='not recorded' "
                        "(repeat for more); recorded in the audit")
    p.add_argument("--values", metavar="FILE.toml", default=None,
                   help="more spellings of one category, e.g. [disposal_type] \"referral order\" = "
                        "[\"Ref Order\"], added to the bundled table (YRO, DTO, YCC, ...)")
    p.add_argument("--service", metavar="NAME", default=None,
                   help="the service inspected, e.g. 'Anyshire Youth Justice Service': recorded in the plan "
                        "and carried into the answers workbook and the annexe")
    p.add_argument("--seed", type=seed_arg, required=True,
                   help="random seed (a whole number from 0), recorded")
    p.add_argument("--out", required=True, metavar="PLAN.xlsx", help="the workbook to write")
    p.add_argument("--n", default=None, metavar="court=30,out-of-court=12",
                   help="sample sizes by domain (default: sized by --method from each domain's population)")
    p.add_argument("--reserves", type=int, default=None, metavar="K",
                   help="reserves per domain (default 20%% of its sample, at least 2)")
    p.add_argument("--method", choices=("cochran", "simple", "exact"), default="cochran",
                   help="sizing: normal approximation with the cochran (default) or simple "
                        "correction, or exact")
    p.add_argument("--policy", default=None, metavar="NAME",
                   help="a children's sampling policy, e.g. hmip-2025-children (python -m sampling size "
                        "--list-policies): court, out-of-court and resettlement cases are one sample, "
                        "balanced on case type too, its size clamped to the policy's floor and cap")
    p.add_argument("--victims", default=None, metavar="VICTIMS.csv|VICTIMS.xlsx",
                   help="the eligible victims' cases, a second population planned into the same workbook "
                        "(only a case id column is needed)")
    p.add_argument("--victims-policy", default=None, metavar="NAME",
                   help="the victims' sampling policy, e.g. hmip-2025-victims (default: the victims' "
                        "policy of --policy's year)")
    p.add_argument("--victims-reserves", type=int, default=None, metavar="K",
                   help="reserves for the victims' sample (default as --reserves)")
    p.add_argument("--victims-strata", default=None, metavar="a,b",
                   help="columns of the victims' list to balance on (default none: drawn at random)")
    p.add_argument("--victims-columns", default=None, metavar="field=Heading,...",
                   help="name the victims' list's columns, e.g. case_id=Victim Ref")
    p.add_argument("--confidence", type=float_arg, default=None, metavar="C",
                   help="confidence (default 0.80)")
    p.add_argument("--margin", type=float_arg, default=None, metavar="E",
                   help="margin of error (default 0.05)")
    p.add_argument("--columns", default=None, metavar="field=Heading,...",
                   help="name the columns, e.g. case_id=Case Ref,gender=Sex (fields: case_id, domain, "
                        "gender, disposal_type, rosh, safety_wellbeing, date, resettlement)")
    p.add_argument("--id-column", default=None, metavar="HEADING", help="the case id column's heading")
    p.add_argument("--strata", default="gender,disposal_type,rosh,safety_wellbeing", metavar="a,b,c,d",
                   help="balancing variables (default gender,disposal_type,rosh,safety_wellbeing)")
    p.add_argument("--sheet", default=None, metavar="NAME",
                   help="the workbook's sheet (default: the one with the case columns)")
    p.add_argument("--disposal-domain", default=None, metavar="TYPE=court,...",
                   help="the domain of disposal types the toolkit does not know, when there is no "
                        "domain column")
    p.add_argument("--fieldwork-date", default=None, metavar="YYYY-MM-DD",
                   help="fieldwork start: with a date column, balance on recency (court 60%% from 6-9 "
                        "months before, out-of-court 40%% from 3-5 months)")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.add_argument("--json", action="store_true", help="print JSON (notes and warnings go to stderr)")
    p.set_defaults(func=_cmd_plan)

    p = sub.add_parser("replace", help="withdraw a sampled case from a plan and swap in its reserve",
                       description="Move CASE_ID from the plan's sample to its 'withdrawn' sheet with "
                                   "the reason, move its reserve into the sample, recount the balance and "
                                   "add the swap to the audit; the workbook is rewritten in place (whole "
                                   "or not at all).")
    p.add_argument("plan", metavar="PLAN.xlsx", help="a workbook written by python -m sampling plan")
    p.add_argument("case_id", metavar="CASE_ID", help="the sampled case to withdraw")
    p.add_argument("--reason", required=True, help="why it is withdrawn (recorded)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_replace)
