"""Every public docstring documents its parameters, its return value and an example (numpydoc).

numpydoc's own validator (``numpydoc.validate.validate``, numpydoc >= 1.8) is run on every class and
function in ``sampling.__all__``, on the public methods and properties of those classes (inherited
ones included, where they are defined in this package), and on the public functions and classes of
``sampling.rules`` and ``sampling.plots``. Four of its checks must pass:

* PR01, a parameter of the signature is not documented (for a class: of the constructor);
* PR02, a documented parameter is not in the signature;
* RT01, a function or method that returns something has no Returns section;
* EX01, there is no Examples section;

and GL08, there is no docstring at all (numpydoc checks nothing else then, so without it an
undocumented object would pass). numpydoc decides where each applies (RT01, for example, only to
functions and methods); the examples themselves run as doctests under ``--doctest-modules``.

One exception to numpydoc's logic: the signature of an ``enum.Enum`` class is the metaclass's
functional API (``names``, ``module``, ``qualname``, ...; ``*values`` from Python 3.12), not how
the class is called, so an Enum's Parameters section must document ``value`` and nothing else.
"""

from __future__ import annotations

import enum
import functools
import inspect

from numpydoc.docscrape import get_doc_object
from numpydoc.validate import Validator, validate

import sampling
from sampling import plots, rules

CODES = ("GL08", "PR01", "PR02", "RT01", "EX01")


def _members(cls):
    """The public methods and properties of a class defined in this package, inherited ones too."""
    seen = set()
    for klass in inspect.getmro(cls):
        if not klass.__module__.startswith("sampling"):
            continue
        for name, value in vars(klass).items():
            if name.startswith("_") or name in seen:
                continue
            if isinstance(value, staticmethod | classmethod):
                value = value.__func__
            if inspect.isfunction(value) or isinstance(value, property | functools.cached_property):
                seen.add(name)
                yield f"{cls.__name__}.{name}", value


def _with_members(prefix, name, obj):
    yield f"{prefix}.{name}", obj
    if inspect.isclass(obj):
        for member, value in _members(obj):
            yield f"{prefix}.{member}", value


def _module_objects(module):
    """A module's public functions and classes: those it defines whose names do not start with _."""
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(obj) or inspect.isclass(obj):
            yield from _with_members(module.__name__, name, obj)


def public_objects():
    """(dotted name, object) for everything whose docstring this test checks."""
    found = {}
    for name in sampling.__all__:
        obj = getattr(sampling, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            found.update(_with_members("sampling", name, obj))
    for module in (rules, plots):
        found.update(_module_objects(module))
    return found


def _errors(obj) -> list[tuple[str, str]]:
    doc = get_doc_object(obj)
    errors = [(code, message) for code, message in validate(doc)["errors"] if code in CODES]
    if inspect.isclass(obj) and issubclass(obj, enum.Enum):
        errors = [(code, message) for code, message in errors if code not in ("PR01", "PR02")]
        documented = list(Validator(doc).doc_parameters)
        if documented != ["value"]:
            errors.append(("PR01", f"an Enum documents the parameter value alone, not {documented}"))
    return errors


def failures(objects) -> dict[str, list[str]]:
    """Each object's GL08/PR01/PR02/RT01/EX01 errors, as numpydoc words them (those with none left out)."""
    out = {}
    for name, obj in objects.items():
        errors = [f"{code} {message}" for code, message in _errors(obj)]
        if errors:
            out[name] = errors
    return out


def test_public_docstrings_pass_numpydoc_validation():
    objects = public_objects()
    found = failures(objects)
    listing = "\n".join(f"{name}: {'; '.join(errors)}" for name, errors in sorted(found.items()))
    assert not found, f"{len(found)} of {len(objects)} public docstrings fail numpydoc:\n{listing}"


def test_the_check_covers_the_public_api():
    objects = public_objects()
    for name in ("sampling.sample_size", "sampling.SampleSize", "sampling.Plan.to_frame",
                 "sampling.rules.cases", "sampling.plots.band_ladder", "sampling.CaseListError"):
        assert name in objects, name
    assert not any(name.split(".")[-1].startswith("_") for name in objects)


def _documented(a, b=1):
    """Add two numbers.

    Parameters
    ----------
    a : int
        The first.
    b : int, default 1
        The second.

    Returns
    -------
    int
        Their sum.

    Examples
    --------
    >>> _documented(1)
    2
    """
    return a + b


def _undocumented(a, b=1):
    """Add two numbers.

    Parameters
    ----------
    a : int
        The first.
    c : int
        Not a parameter at all.
    """
    return a + b


def _bare(a):
    return a


def test_the_check_catches_each_kind_of_error():
    assert failures({"good": _documented}) == {}
    codes = [error.split()[0] for error in failures({"bad": _undocumented})["bad"]]
    assert codes == ["PR01", "PR02", "RT01", "EX01"]
    assert [error.split()[0] for error in failures({"bare": _bare})["bare"]] == ["GL08"]
