"""Jobs for the sandbox tests; module-level so spawned workers can import them."""

from __future__ import annotations

import os
import time


def echo(x):
    return x


def hog(mib: int) -> int:
    """Touch ``mib`` MiB page by page, slowly enough for the watchdog to see it grow."""
    blocks = []
    for _ in range(mib):
        blocks.append(bytearray(1024 * 1024))
        time.sleep(0.002)
    return len(blocks)


def sleepy(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def abort(_x) -> None:
    os.abort()


def panic(_x) -> None:
    # a BaseException that is not an Exception, as pyo3's PanicException is
    class PanicException(BaseException):
        pass

    raise PanicException("range end index 124 out of range")


def abort_on_boom(x):
    if x == "boom":
        os.abort()
    return x
