"""The short names of the discretion rules, and the checks of their arguments: shared by
``rules.parse`` (which builds the rules) and the report loader (which checks a report file's
``discretion_rule`` without building one), so that the two read a name the same way and the
report model needs nothing of the rules' evaluation.
"""

from __future__ import annotations

import re

from ._errors import SamplingError
from ._validation import MAX_CASES_JUDGED

#: The rules' short names, in the order the reports' words suggest them.
NAMES = ("strict", "within_points", "cases", "interval", "posterior")

_PATTERN = re.compile(r"^\s*([a-z_]+)\s*(?:\(\s*([^)]*)\)\s*)?$")


def split(text) -> tuple[str, int | float | None]:
    """A short name as (name, its number or None): ``"cases(2)"`` is ("cases", 2).

    >>> split("cases(2)"), split("strict"), split("interval(0.8)")
    (('cases', 2), ('strict', None), ('interval', 0.8))
    """
    match = _PATTERN.match(str(text))
    if not match or match.group(1) not in NAMES:
        raise SamplingError(f"unknown rule {text!r}; use strict, within_points(5), cases(1), "
                            "interval(0.8) or posterior(0.5)")
    name, argument = match.group(1), (match.group(2) or "").strip()
    if not argument:
        return name, None
    try:
        value = int(argument) if name == "cases" else float(argument)
    except ValueError:
        raise SamplingError(f"rule {text!r}: {argument!r} is not a number") from None
    check(name, value)
    return name, value


def check(name: str, value) -> None:
    """Refuse an argument a rule cannot take, with the rule's own message."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if name == "within_points" and not (number and 0 < value < 100):
        raise SamplingError(f"within_points needs a number of percentage points, e.g. 5, got {value!r}")
    if name == "cases":
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise SamplingError(f"cases needs a whole number of case judgements, at least 1, got {value!r}")
        if value > MAX_CASES_JUDGED:  # more changes than a key question has cases: not a rule
            raise SamplingError(f"cases({value:,}): a rule may change at most {MAX_CASES_JUDGED:,} case "
                                "judgements, the most cases an analysis takes for one key question (an "
                                "inspection judges tens); give a count such as cases(1)")
    if name == "interval" and not (number and 0 < value < 1):
        raise SamplingError(f"interval needs a confidence between 0 and 1, e.g. 0.8, got {value!r}")
    if name == "posterior" and not (number and 0 < value < 1):
        raise SamplingError(f"posterior needs a probability threshold between 0 and 1, got {value!r}")
    if name == "strict" and value is not None:
        raise SamplingError(f"strict takes no argument, got {value!r}")
