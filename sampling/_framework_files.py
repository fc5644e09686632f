"""Reading a framework file: TOML, validated field by field, with ``extends`` for a small edit.

The format is documented in ``methodology/framework-format.md``. A file may name another
framework in ``extends``; its own tables are then merged over that framework's (table by table,
key by key) and its own values win, lists included: a copied and edited file behaves as edited.
Each error names the file and the field, and says what to write instead.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

from ._errors import ReportError

_FORMAT = "see methodology/framework-format.md"
_TOP = {
    "name",
    "description",
    "source",
    "extends",
    "points",
    "bands",
    "standard_rule",
    "overall",
    "samples",
    "standards",
    "key_questions",
    "areas",
    "assumptions",
    "sources",
    "not_rated",
}
_STANDARD = {"id", "name", "key_questions", "scored", "optional", "area", "judged", "source", "note"}
_OVERALL = {"method", "bands", "lower_bounds", "limiting", "rule", "note"}
_METHODS = ("score", "percent", "areas")


def bundled_framework_names() -> list[str]:
    """The names of the frameworks bundled with the package."""
    folder = resources.files("sampling") / "data" / "frameworks"
    return sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml"))


def read_framework_data(name_or_path: str | Path, *, seen: tuple[str, ...] = ()) -> tuple[dict, str]:
    """The merged table of a framework file (``extends`` resolved) and where it came from."""
    text = str(name_or_path)
    if text in bundled_framework_names():
        where = f"{text}.toml"
        raw = (resources.files("sampling") / "data" / "frameworks" / where).read_bytes()
        base_folder = None
    else:
        path = Path(name_or_path)
        if path.suffix.lower() != ".toml" or not path.is_file():
            raise ReportError(
                f"framework: {text!r} is neither a bundled framework ("
                + ", ".join(bundled_framework_names())
                + ") nor an existing .toml file"
            )
        where, raw, base_folder = str(path), path.read_bytes(), path.parent
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ReportError(f"{where}: not UTF-8 text; save the framework as UTF-8 TOML") from None
    except tomllib.TOMLDecodeError as exc:
        raise ReportError(f"{where}: not valid TOML ({exc}); fix the syntax ({_FORMAT})") from None
    parent = data.get("extends")
    if parent is None:
        return data, where
    if not isinstance(parent, str) or not parent:
        raise ReportError(
            f"{where}: extends: must name a framework or a .toml file, got {parent!r} ({_FORMAT})"
        )
    target = parent
    if base_folder is not None and parent not in bundled_framework_names():
        target = str((base_folder / parent).resolve())
    me = text if base_folder is None else str(Path(text).resolve())
    if target in (*seen, me):
        raise ReportError(f"{where}: extends: {parent!r} extends itself through "
                          + " -> ".join((*seen, me, target)) + f" ({_FORMAT})")
    base, _ = read_framework_data(target, seen=(*seen, me))
    merged = _merge(base, {k: v for k, v in data.items() if k != "extends"})
    return merged, where


def _merge(base: Mapping, own: Mapping) -> dict:
    """``own`` over ``base``: tables merged key by key, everything else (lists too) replaced."""
    result = dict(base)
    for key, value in own.items():
        if isinstance(value, Mapping) and isinstance(result.get(key), Mapping):
            result[key] = _merge(result[key], value)
        else:
            result[key] = value
    return result


class Fail:
    """``file: field: message (see the format page)``."""

    def __init__(self, where: str):
        self.where = where

    def __call__(self, field: str, message: str) -> ReportError:
        return ReportError(f"{self.where}: {field}: {message} ({_FORMAT})")


def check_top(data: Mapping, fail: Fail) -> None:
    unknown = sorted(set(data) - _TOP)
    if unknown:
        raise fail(unknown[0], "unknown key; a framework's keys are " + ", ".join(sorted(_TOP)))
    for key in ("name", "standards"):
        if key not in data:
            raise fail(key, "missing; every framework needs name and standards")
    if not isinstance(data["name"], str) or not data["name"].strip():
        raise fail("name", f"must be non-empty text, got {data['name']!r}")


def check_points(value: object, fail: Fail) -> tuple[int, ...]:
    """Four whole-number scores, worst rating first, increasing."""
    if not (
        isinstance(value, list)
        and len(value) == 4
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise fail(
            "points", f"must be four whole numbers, worst rating first, e.g. [0, 1, 2, 3], got {value!r}"
        )
    if any(b <= a for a, b in zip(value, value[1:], strict=False)):
        raise fail("points", f"must increase from the worst rating to the best, got {value}")
    return tuple(value)


def check_lower_bounds(value: object, fail: Fail, field: str, top: int = 100) -> tuple[int, ...]:
    """Three increasing whole numbers: where Requires improvement, Good and Outstanding start."""
    if not (
        isinstance(value, list)
        and len(value) == 3
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise fail(field, f"must be three whole numbers, e.g. [50, 65, 80], got {value!r}")
    if not 0 < value[0] < value[1] < value[2] <= top:
        raise fail(field, f"must increase, each from 1 to {top}, got {value}")
    return tuple(value)


def check_score_bands(value: object, fail: Fail, top: int) -> tuple[tuple[int, int], ...]:
    """Four inclusive ranges [low, high], worst first, covering 0..top without gap or overlap."""
    if not (
        isinstance(value, list)
        and len(value) == 4
        and all(
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, int) for v in pair)
            for pair in value
        )
    ):
        raise fail("overall.bands", f"must be four [low, high] pairs, worst first, got {value!r}")
    expected = 0
    for low, high in value:
        if low != expected or high < low:
            raise fail("overall.bands", f"must run from 0 to {top} without gaps or overlaps, got {value}")
        expected = high + 1
    if expected != top + 1:
        raise fail("overall.bands", f"must end at the highest score, {top}, got {value[-1][1]}")
    return tuple((int(a), int(b)) for a, b in value)


def check_standards(value: object, fail: Fail, samples: Mapping[str, str]) -> list[Mapping]:
    if not isinstance(value, list) or not value or not all(isinstance(s, Mapping) for s in value):
        raise fail("standards", "must be a list of tables, [[standards]] with at least id and name")
    seen = set()
    for i, spec in enumerate(value):
        where = f"standards[{i}]"
        unknown = sorted(set(spec) - _STANDARD)
        if unknown:
            raise fail(
                f"{where}.{unknown[0]}", "unknown key; a standard's keys are " + ", ".join(sorted(_STANDARD))
            )
        for key in ("id", "name"):
            if not isinstance(spec.get(key), str) or not spec[key].strip():
                raise fail(f"{where}.{key}", f"must be non-empty text, got {spec.get(key)!r}")
        if spec["id"] in seen:
            raise fail(f"{where}.id", f"{spec['id']!r} appears twice; each standard once")
        seen.add(spec["id"])
        kqs = spec.get("key_questions", [])
        if not isinstance(kqs, list) or not all(isinstance(k, str) for k in kqs):
            raise fail(f"{where}.key_questions", f"must be a list of key question ids, got {kqs!r}")
        for kq in kqs:
            if kq.split(".")[0] not in samples:
                raise fail(
                    f"{where}.key_questions",
                    f"{kq!r} starts with {kq.split('.')[0]!r}, which [samples] "
                    "does not map to a sample; add it there",
                )
        for key in ("scored", "optional"):
            if key in spec and not isinstance(spec[key], bool):
                raise fail(f"{where}.{key}", f"must be true or false, got {spec[key]!r}")
    return value


def check_samples(value: object, fail: Fail) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(v, str) and v for v in value.values()):
        raise fail(
            "samples", 'must map the first part of a key question id to its sample, e.g. { "2" = "court" }'
        )
    return dict(value)


def check_not_rated(value: object, fail: Fail, samples: Mapping[str, str], standards, method: str):
    """``[not_rated]``: the fewest cases a sample needs for its standards to be rated, and why.

    A standard left not rated must not change a score the framework adds up: with a "score" or
    "percent" overall rating, only optional or unscored standards may be on such a sample.
    """
    if value is None:
        return (), ""
    if not isinstance(value, Mapping) or set(value) - {"minimum_cases", "reason"}:
        raise fail("not_rated", 'must be a table with minimum_cases = { victims = 5 } and reason = "..."')
    minimum = value.get("minimum_cases", {})
    known = tuple(dict.fromkeys(samples.values()))
    if not isinstance(minimum, Mapping):
        raise fail("not_rated.minimum_cases",
                   "must map a sample to a whole number of cases, e.g. { victims = 5 }")
    for sample, cases in minimum.items():
        if sample not in known:
            raise fail(f"not_rated.minimum_cases.{sample}", "unknown sample; use " + ", ".join(known))
        if isinstance(cases, bool) or not isinstance(cases, int) or cases < 1:
            raise fail(f"not_rated.minimum_cases.{sample}", f"must be a whole number from 1, got {cases!r}")
        if method != "areas":
            scored = [raw["id"] for raw in standards if raw.get("scored", True) and not raw.get("optional")
                      and samples.get(str(raw["id"]).split(".")[0]) == sample and raw.get("key_questions")]
            if scored:
                raise fail(f"not_rated.minimum_cases.{sample}",
                           f"standards {', '.join(scored)} count towards the score; a score cannot leave "
                           'them not rated (make them optional, or rate by method = "areas")')
    reason = value.get("reason", "")
    if not isinstance(reason, str):
        raise fail("not_rated.reason", f"must be text, got {reason!r}")
    return tuple((k, int(v)) for k, v in minimum.items()), reason


def check_overall(value: object, fail: Fail) -> Mapping:
    if not isinstance(value, Mapping):
        raise fail("overall", 'must be a table with a method ("score", "percent" or "areas")')
    unknown = sorted(set(value) - _OVERALL)
    if unknown:
        raise fail(f"overall.{unknown[0]}", "unknown key; its keys are " + ", ".join(sorted(_OVERALL)))
    if value.get("method") not in _METHODS:
        raise fail(
            "overall.method", f"must be one of {', '.join(map(repr, _METHODS))}, got {value.get('method')!r}"
        )
    return value


def text_list(value: object, fail: Fail, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(field, f"must be text or a list of texts, got {value!r}")
    return tuple(value)
