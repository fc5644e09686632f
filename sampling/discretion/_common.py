"""What the discretion modules share: turning the accepted forms of a rule into rule objects."""

from __future__ import annotations

from .. import rules as rules_module
from .._errors import SamplingError
from ..framework import Rating
from ..rules import Rule

LABELS = Rating.labels()


def as_rules(rules) -> tuple[Rule, ...]:
    """Rule objects from a rule, a short name, a callable or a non-empty sequence of them."""
    if rules is None:
        return rules_module.default_rules()
    if isinstance(rules, Rule | str) or callable(rules):
        rules = [rules]
    try:
        rules = list(rules)
    except TypeError:
        raise SamplingError(f"rules must be a rule, a rule's name or a list of them, got {rules!r}") from None
    if not rules:
        raise SamplingError("rules must name at least one rule, e.g. ['strict', 'cases(1)']; "
                            "got an empty list")
    result = []
    for rule in rules:
        if isinstance(rule, str):
            result.append(rules_module.parse(rule))
        elif isinstance(rule, Rule):
            result.append(rule)
        else:
            result.append(rules_module.custom(rule))
    names = [r.name for r in result]
    if len(set(names)) != len(names):
        raise SamplingError(f"rules must have distinct names, got {names}")
    return tuple(result)


def as_rule(rule) -> Rule | None:
    """One rule object (or None for no rule)."""
    if rule is None:
        return None
    chosen = as_rules([rule])
    return chosen[0]
