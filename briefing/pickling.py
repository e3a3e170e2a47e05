"""Quick pickling for the frozen, slotted dataclasses a big poll sends between processes.

Every parsed entry, its labels and its prepared row come back from a parse worker to the poll's
process, where they are unpickled under the GIL the writer thread needs. For a slotted dataclass,
`dataclasses` restores each object by looking its fields up again (`dataclasses.fields`), which
made up two thirds of unpickling a cold poll's results; here the field names are looked up once
per class.
"""

from __future__ import annotations

from dataclasses import fields
from operator import attrgetter
from typing import Any, TypeVar

C = TypeVar("C", bound=type)


def plain_state(cls: C) -> C:
    """Class decorator (apply above @dataclass(frozen=True, slots=True)): pickle the object's
    fields as a tuple, restored without running __init__ or __post_init__ (derived fields are
    carried, not recomputed)."""
    names = tuple(f.name for f in fields(cls))
    get = attrgetter(*names)
    setter = object.__setattr__

    def __getstate__(self: Any) -> tuple:
        values = get(self)
        return values if len(names) > 1 else (values,)

    def __setstate__(self: Any, state: tuple) -> None:
        for name, value in zip(names, state, strict=True):
            setter(self, name, value)

    cls.__getstate__ = __getstate__  # type: ignore[attr-defined]
    cls.__setstate__ = __setstate__  # type: ignore[attr-defined]
    return cls
