"""The public API is deliberate: __all__ is sorted and names exactly what the package exports."""

from __future__ import annotations

import diagnose


def test_all_is_sorted_and_complete() -> None:
    """Every public name in the package namespace is in __all__, and __all__ is sorted."""
    public = {name for name in dir(diagnose) if not name.startswith("_")}
    modules = {"api", "errors", "knowledge", "inference", "consult", "render", "adapters", "schemas"}
    assert sorted(diagnose.__all__) == diagnose.__all__
    assert public - modules == set(diagnose.__all__)


def test_every_error_subclasses_the_base() -> None:
    """Each exported error is a DiagnoseError."""
    for name in diagnose.__all__:
        obj = getattr(diagnose, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, diagnose.DiagnoseError), name
