"""Stop signals (SIGINT, SIGTERM, SIGHUP) raised where it is safe.

The command line turns a stop signal into :class:`Cancelled`. Raised while a reader process is
being started, it would cut the start short and the half-started process would print
multiprocessing's traceback. A signal mask cannot prevent that: Python runs signal handlers in
the main thread whichever thread the signal reached, so a section that must not be interrupted
holds the signal here instead, and it is raised as soon as the section ends.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from ita_xlsx.core.errors import Cancelled

_depth = 0
_pending: int | None = None


def stop(signum: int) -> None:
    """What a stop signal does: raise :class:`Cancelled` now, or when the held section ends."""
    global _pending
    if _depth:
        _pending = _pending or signum
        return
    raise Cancelled(signum)


@contextlib.contextmanager
def held() -> Iterator[None]:
    """A section that a stop signal does not interrupt; the signal is raised after it."""
    global _depth, _pending
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if not _depth and _pending is not None:
            signum, _pending = _pending, None
            raise Cancelled(signum)
