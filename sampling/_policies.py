"""Sampling policies as data: the bundled ``data/policies.toml`` read and checked once.

Public names live in ``sampling.size`` (``SamplingPolicy``, ``get_policy``, ``list_policies``).
"""

from __future__ import annotations

import difflib
import numbers
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from ._errors import SamplingError

_FILE = Path(__file__).parent / "data" / "policies.toml"
_FIELDS = {
    "title": str, "year": int, "cases": str, "confidence": float, "margin": float, "proportion": float,
    "correction": str, "minimum": int, "maximum": int, "below_minimum": str, "source": str, "quote": str,
    "assumed": list,
}


@dataclass(frozen=True)
class SamplingPolicy:
    """A year's sampling rule: the formula's design, the limits, and where they come from.

    The size for N eligible cases is the normal-approximation size at ``confidence`` and
    ``margin`` (``correction``), kept between ``minimum`` and ``maximum``; a population below
    ``minimum`` is taken whole. The bundled policies are read from ``data/policies.toml``, each
    with the published source it comes from (``source`` and ``quote``); get one with
    :func:`get_policy`. Each parameter is also an attribute.

    Parameters
    ----------
    name : str
        The policy's name, e.g. ``"hmip-2025-children"``.
    title : str
        A one-line title.
    year : int
        The year the policy applies from.
    cases : str
        The kind of case it sizes (``"children"``, ``"victims"``).
    confidence : float
        The two-sided confidence level, a proportion.
    margin : float
        The target margin of error, a proportion.
    proportion : float
        The anticipated proportion p.
    correction : {"cochran", "simple"}
        The finite-population correction of the normal size.
    minimum : int
        The fewest cases sampled; a smaller population is taken whole.
    maximum : int
        The most cases sampled.
    below_minimum : {"whole"}
        What happens below the minimum (the population is taken whole).
    source : str
        The published document the policy comes from.
    quote : str
        The document's words.
    assumed : tuple of str
        What the published source does not say and the toolkit assumes.

    Examples
    --------
    >>> policy = get_policy("hmip-2025-children")
    >>> policy.confidence, policy.margin, policy.correction, policy.year
    (0.8, 0.05, 'cochran', 2025)
    """

    name: str
    title: str
    year: int
    cases: str
    confidence: float
    margin: float
    proportion: float
    correction: str
    minimum: int
    maximum: int
    below_minimum: str
    source: str
    quote: str
    assumed: tuple[str, ...]

    def to_dict(self) -> dict:
        """The policy as a dict, as ``--json`` prints it.

        Returns
        -------
        dict
            One entry per field; ``assumed`` as a list.

        Examples
        --------
        >>> get_policy("hmip-2025-children").to_dict()["maximum"]
        91
        """
        data = asdict(self)
        data["assumed"] = list(self.assumed)
        return data


def _check_entry(name: str, entry: object) -> list[str]:
    if not isinstance(entry, dict):
        return [f"{name}: must be a table of fields"]
    problems = [f"{name}.{key}: unknown field; use {', '.join(_FIELDS)}"
                for key in entry if key not in _FIELDS]
    for key, kind in _FIELDS.items():
        value = entry.get(key)
        if value is None:
            problems.append(f"{name}.{key}: missing")
        elif kind is float and (isinstance(value, bool) or not isinstance(value, numbers.Real)):
            problems.append(f"{name}.{key}: must be a number, got {value!r}")
        elif kind is not float and (isinstance(value, bool) or not isinstance(value, kind)):
            problems.append(f"{name}.{key}: must be a {kind.__name__}, got {value!r}")
    if problems:
        return problems
    if not 1 <= entry["minimum"] <= entry["maximum"]:
        problems.append(f"{name}: minimum ({entry['minimum']}) must be at least 1 and at most maximum "
                        f"({entry['maximum']})")
    if entry["below_minimum"] != "whole":
        problems.append(f"{name}.below_minimum: the only rule known is 'whole', "
                        f"got {entry['below_minimum']!r}")
    if entry["correction"] not in ("cochran", "simple"):
        problems.append(f"{name}.correction: must be 'cochran' or 'simple', got {entry['correction']!r}")
    return problems


@lru_cache(maxsize=1)
def _policies() -> dict[str, SamplingPolicy]:
    import tomllib

    data = tomllib.loads(_FILE.read_text(encoding="utf-8"))
    problems = [p for name, entry in data.items() for p in _check_entry(name, entry)]
    if problems:
        raise SamplingError(f"{_FILE.name}: {len(problems)} problem(s): " + "; ".join(problems))
    return {name: SamplingPolicy(name=name, **{**entry, "assumed": tuple(entry["assumed"])})
            for name, entry in data.items()}


def list_policies() -> list[str]:
    """The names of the bundled sampling policies, sorted.

    Returns
    -------
    list of str
        The names :func:`get_policy` and ``sample_size(policy=...)`` accept.

    Raises
    ------
    SamplingError
        If the bundled ``data/policies.toml`` has been edited into a bad shape (each problem
        named by policy and field).

    Examples
    --------
    >>> list_policies()
    ['hmip-2024-children', 'hmip-2024-victims', 'hmip-2025-children', 'hmip-2025-victims']
    """
    return sorted(_policies())


def get_policy(name: object) -> SamplingPolicy:
    """The bundled sampling policy called ``name`` (see :func:`list_policies`).

    Parameters
    ----------
    name : str or SamplingPolicy
        A policy's name; a :class:`SamplingPolicy` is returned as it is.

    Returns
    -------
    SamplingPolicy
        The policy.

    Raises
    ------
    SamplingError
        For an unknown name (with the nearest name, if one is close, and the list of names).

    Examples
    --------
    >>> policy = get_policy("hmip-2025-children")
    >>> policy.minimum, policy.maximum, policy.cases
    (14, 91, 'children')
    """
    policies = _policies()
    if isinstance(name, SamplingPolicy):
        return name
    if not isinstance(name, str) or name not in policies:
        close = difflib.get_close_matches(str(name), policies, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise SamplingError(f"policy: unknown policy {name!r}{hint}; use one of "
                            + ", ".join(map(repr, sorted(policies))))
    return policies[name]
