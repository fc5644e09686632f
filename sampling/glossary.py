"""The glossary: every term the toolkit's outputs show, in plain words, read from
``sampling/data/glossary.toml``.

Each entry has a term, the other spellings a reader may type (aliases), one or two plain
sentences, and an example from a bundled report whose figures the package computes (the data
file's ``example_code``; ``tests/test_glossary.py`` checks them). ``python -m sampling explain
TERM`` prints an entry, and ``methodology/glossary.md`` is :func:`markdown`'s output, committed.

>>> from sampling.glossary import lookup
>>> lookup("Gwet's AC1").term
'AC1'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ._errors import SamplingError

__all__ = ["Entry", "entries", "lookup", "markdown"]


@dataclass(frozen=True)
class Entry:
    """One glossary entry.

    Parameters
    ----------
    term : str
        The name as the outputs print it.
    aliases : tuple of str
        Other spellings it is found by.
    entry : str
        One or two plain sentences.
    example : str
        An example from a bundled report, with its figures.
    example_code : str
        The Python expression whose value (or values) the example prints.

    Examples
    --------
    >>> from sampling.glossary import lookup
    >>> lookup("cochran").to_dict()["aliases"][:2]
    ['cochran correction', "cochran's correction"]
    """

    term: str
    aliases: tuple[str, ...]
    entry: str
    example: str
    example_code: str = ""

    def to_dict(self) -> dict:
        """The entry as ``python -m sampling explain TERM --json`` prints it.

        Returns
        -------
        dict
            The keys term, aliases (a list), entry and example.

        Examples
        --------
        >>> from sampling.glossary import lookup
        >>> sorted(lookup("kappa").to_dict())
        ['aliases', 'entry', 'example', 'term']
        """
        return {"term": self.term, "aliases": list(self.aliases), "entry": self.entry,
                "example": self.example}


def _key(text: str) -> str:
    """What a spelling is compared by: lower case, without accents, apostrophes, hyphens, dashes,
    spaces or other punctuation (``Gwet's AC1`` and ``gwets-ac1`` are the same)."""
    text = unicodedata.normalize("NFKD", str(text)).casefold()
    return re.sub(r"[^0-9a-z()%.,]+", "", text)


@cache
def entries() -> tuple[Entry, ...]:
    """Every entry, in the order of the data file.

    Returns
    -------
    tuple of Entry
        The glossary.

    Examples
    --------
    >>> from sampling.glossary import entries
    >>> entries()[0].term
    'key question'
    """
    import tomllib

    text = resources.files("sampling").joinpath("data/glossary.toml").read_text(encoding="utf-8")
    return tuple(Entry(term=row["term"], aliases=tuple(row.get("aliases", ())), entry=row["entry"],
                       example=row["example"], example_code=row.get("example_code", ""))
                 for row in tomllib.loads(text)["term"])


@cache
def _index() -> dict[str, Entry]:
    index: dict[str, Entry] = {}
    for item in entries():
        for name in (item.term, *item.aliases):
            index.setdefault(_key(name), item)
    return index


def lookup(name: str) -> Entry:
    """The entry a term or one of its spellings names.

    Parameters
    ----------
    name : str
        A term or alias, in any case; apostrophes, hyphens and spaces do not matter, and a rule's
        name may carry any argument (``within_points(3)``, ``cases(2)``).

    Returns
    -------
    Entry
        The entry.

    Raises
    ------
    SamplingError
        For a name the glossary does not know; the message lists the known terms.

    Examples
    --------
    >>> from sampling.glossary import lookup
    >>> lookup("Cohen's kappa").term, lookup("within_points(3)").term
    ('kappa', 'within_points')
    """
    index = _index()
    key = _key(name)
    found = index.get(key)
    if found is None and "(" in key:  # a rule's name with another argument: cases(2), interval(0.9)
        stem = key.split("(", 1)[0]
        found = index.get(stem + "(n)") or index.get(stem + "(c)") or index.get(stem)
    if found is None:
        raise SamplingError(f"unknown term {name!r}; known terms: "
                            + ", ".join(item.term for item in entries()))
    return found


def markdown() -> str:
    """The glossary page, ``methodology/glossary.md``, as markdown.

    Returns
    -------
    str
        A heading, a short introduction and one definition per entry, in the data file's order.

    Examples
    --------
    >>> from sampling.glossary import markdown
    >>> markdown().splitlines()[0]
    '# Glossary'
    """
    lines = ["# Glossary", "",
             "Every term the toolkit's outputs show, in plain words, each with an example from a bundled",
             "report. `python -m sampling explain TERM` prints one entry (`--json` for machines). This page",
             "is made from the data file `sampling/data/glossary.toml` by",
             "`python -m sampling explain --markdown > methodology/glossary.md`; edit the data file, never",
             "this page (a test checks that they agree).", ""]
    for item in entries():
        also = f" (also: {', '.join(item.aliases)})" if item.aliases else ""
        lines += [f"**{item.term}**{also}", f": {item.entry}", "", f"  *Example.* {item.example}", ""]
    return "\n".join(lines)
