"""Text as the toolkit compares it: one set of rules for every value read from a file.

Shared by the readers of case lists (:mod:`sampling.caselists`), the sampler's checks of a
case list (:mod:`sampling.selection`) and the answers workbook's reader, so that ``select`` and
``plan`` see the same categories and the same case ids.

- A value is put in Unicode normal form C (NFC), so that ``Référé`` typed with a combining accent
  and with a precomposed one are the same text (Unicode Standard Annex #15).
- Control characters (Unicode category Cc: NUL and the like), other than tab, line feed and
  carriage return, are refused: :func:`control_characters` finds them for the reader's message.
- Format characters (category Cf: zero-width space, zero-width joiner, byte-order mark, soft
  hyphen, direction marks) are invisible and removed; :func:`clean` counts them.
- A category is counted by :func:`fold`: inner whitespace collapsed, surrounding whitespace
  trimmed, case folded (``Male``, ``male ``, ``MALE`` and ``männlich``/``MÄNNLICH`` fold alike).
- :func:`looks` is what a value prints as: compatibility forms (NFKC: full-width letters, the
  ``ﬁ`` ligature) and the Cyrillic and Greek letters drawn like Latin ones taken as those
  letters. Two values with different :func:`fold` but the same :func:`looks` would print alike:
  the readers name them as a problem rather than guess.
"""

from __future__ import annotations

import re
import unicodedata

#: The longest cell a workbook holds (Excel's limit, "Excel specifications and limits").
MAX_CELL = 32_767

# Unicode's category Cc is U+0000 to U+001F and U+007F to U+009F; tab, line feed and carriage
# return are kept (a cell may hold a line break).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# Letters of other scripts drawn as Latin letters in common fonts (a small table of the
# confusables that occur in names and categories: Unicode Technical Standard #39 lists them all).
_CONFUSABLES = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "һ": "h", "ӏ": "l",
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "χ": "x", "γ": "y",
})


def control_characters(text: str) -> list[str]:
    """The control characters in ``text`` that a value may not hold, as ``U+0000`` names.

    >>> control_characters("ma\\x00le"), control_characters("a\\tb")
    (['U+0000'], [])
    """
    return [f"U+{ord(c):04X}" for c in dict.fromkeys(_CONTROLS.findall(text))]


def clean(text: str) -> tuple[str, int]:
    """``text`` in NFC with its format characters removed, and how many were removed.

    >>> clean("\\u200b"), clean("Re\\u0301fe\\u0301re\\u0301")
    (('', 1), ('Référé', 0))
    """
    if text.isascii():
        return text, 0
    text = unicodedata.normalize("NFC", text)
    kept = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return kept, len(text) - len(kept)


def fold(text: str) -> str:
    """A value as counted: whitespace collapsed and trimmed, case folded.

    >>> {fold(v) for v in ("Male", "male ", " MALE", "Male\\u00a0")}
    {'male'}
    """
    return " ".join(str(text).split()).casefold()


def looks(text: str) -> str:
    """What a value prints as, for finding two values that would look alike.

    >>> looks("Ｍale") == looks("Male") == looks("Мale")  # full-width M, Cyrillic М
    True
    """
    return fold(unicodedata.normalize("NFKC", fold(text))).translate(_CONFUSABLES)
