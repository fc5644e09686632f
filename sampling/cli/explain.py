"""``explain``: a glossary entry, in plain words, for any term the outputs show."""

from __future__ import annotations

import textwrap

from ._common import print_json

_WIDTH = 88


def _cmd_explain(args) -> int:
    from ..glossary import entries, lookup, markdown

    if args.markdown:
        print(markdown(), end="")
        return 0
    if not args.term:
        if args.json:
            print_json([item.to_dict() for item in entries()])
            return 0
        print("terms (python -m sampling explain TERM):")
        for item in entries():
            print(f"  {item.term}")
        return 0
    item = lookup(" ".join(args.term))
    if args.json:
        print_json(item.to_dict())
        return 0
    print(item.term + (f" (also: {', '.join(item.aliases)})" if item.aliases else ""))
    print(textwrap.fill(item.entry, _WIDTH, initial_indent="  ", subsequent_indent="  "))
    print(textwrap.fill(item.example, _WIDTH, initial_indent="  Example: ", subsequent_indent="  "))
    return 0


def register(sub) -> None:
    """Add ``explain``."""
    p = sub.add_parser("explain", help="a term of the outputs in plain words, with an example",
                       description="Print the glossary entry of a term that the outputs show "
                                   "(case and spelling do not matter: ac1, Gwet's AC1, cochran, "
                                   "Cohen's kappa). With no term, list every term.")
    p.add_argument("term", nargs="*", metavar="TERM", help="a term or one of its spellings")
    p.add_argument("--json", action="store_true",
                   help="print the entry as JSON: term, aliases, entry, example (with no term, all)")
    p.add_argument("--markdown", action="store_true",
                   help="print the whole glossary as the page methodology/glossary.md")
    p.set_defaults(func=_cmd_explain)
