"""A finished list kept compressed until it is read.

A merge of the whole country holds every return's rows in one process (the round model
needs them for feedback, documents and the report); as live Python objects that is ~150 KB
a return, ~1.2 GB for 8,000. Once a file is checked its rows no longer change, so the
worker that read it packs them (pickled, then zlib at its fastest level: ~10x smaller) and
the main process keeps the bytes, unpacking a list only while something reads it. Reading
goes through a small cache, so a writer that looks at one organisation several times in a
row unpacks it once.
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Generic, TypeVar, overload

T = TypeVar("T")


class Packed(Sequence[T], Generic[T]):
    """A read-only sequence of ``items``, stored as compressed bytes."""

    __slots__ = ("_data", "_n")

    def __init__(self, items: Iterable[T] = ()):
        items = list(items)
        self._n = len(items)
        self._data = zlib.compress(pickle.dumps(items, protocol=pickle.HIGHEST_PROTOCOL), 1)

    @classmethod
    def of(cls, items: Iterable[T]) -> Sequence[T]:
        """``items`` packed (a packed sequence as it is)."""
        return items if isinstance(items, Packed) else cls(items)

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, i: int) -> T: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[T]: ...

    def __getitem__(self, i):
        return _unpacked(self)[i]

    def __iter__(self) -> Iterator[T]:
        return iter(_unpacked(self))

    def __eq__(self, other: object) -> bool:  # compared as the list it stands for
        if isinstance(other, Packed):
            return self._data == other._data or list(self) == list(other)
        return isinstance(other, list | tuple) and list(self) == list(other)

    __hash__ = object.__hash__  # by identity: the cache below tells two packs apart

    def __repr__(self) -> str:
        return f"Packed({list(self)!r})"

    def __reduce__(self):  # crosses processes as its bytes, not as objects
        return (_restore, (self._data, self._n))


def _restore(data: bytes, n: int) -> Packed:
    p: Packed = Packed.__new__(Packed)
    p._data, p._n = data, n
    return p


@lru_cache(maxsize=64)
def _unpacked(p: Packed) -> tuple:
    # a tuple: what a reader gets cannot be grown or shrunk under the next reader
    return tuple(pickle.loads(zlib.decompress(p._data)))
