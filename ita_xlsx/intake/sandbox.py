"""Read untrusted files in worker processes that each file can crash without harm.

A returned workbook is parsed by native code (python-calamine, Rust). A crafted or damaged file
can make it allocate hundreds of gigabytes, abort the process, panic or run for minutes. So
every file is read in a worker process with a budget per file:

* memory: on Linux the worker's address space is capped (``RLIMIT_AS``) at what it uses at
  rest plus the budget, and on every system the parent watches the worker's resident memory
  (``/proc`` on Linux, ``GetProcessMemoryInfo`` on Windows) and kills it past the budget;
* time: the parent kills a worker that spends longer than the budget on one file.

A file that exceeds a budget, panics, aborts or kills its worker gets one finding
(``file-unsafe`` naming what was exceeded, or ``file-unreadable``) and the next file gets a
fresh worker: one file never costs the run. Ctrl-C and termination stop every worker before
the exception goes on.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any

from ita_xlsx.core.interrupts import held

MiB = 1024 * 1024


def _env_number(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


@dataclass(frozen=True)
class Budget:
    """What reading one file may cost. Defaults: 512 MiB and 20 s (README, "Limits")."""

    memory: int = 512 * MiB
    seconds: float = 20.0

    @classmethod
    def default(cls) -> Budget:
        """The defaults, or ITA_XLSX_MEMORY_MB / ITA_XLSX_SECONDS when set."""
        return cls(int(_env_number("ITA_XLSX_MEMORY_MB", 512) * MiB),
                   _env_number("ITA_XLSX_SECONDS", 20.0))


@dataclass(frozen=True)
class Failure:
    """Why a job produced no result: a finding code and its detail in Thai and English."""

    code: str  # "file-unsafe" | "file-unreadable"
    th: str
    en: str


def _memory_failure(budget: Budget) -> Failure:
    mb = budget.memory // MiB
    return Failure("file-unsafe", f"ต้องใช้หน่วยความจำเกินกำหนด {mb} MiB",
                   f"needs more than the {mb} MiB memory budget")


def _time_failure(budget: Budget) -> Failure:
    s = f"{budget.seconds:g}"
    return Failure("file-unsafe", f"ใช้เวลาอ่านเกินกำหนด {s} วินาที",
                   f"takes longer than the {s} s time budget to read")


def _crash_failure(exitcode: int | None) -> Failure:
    sig = -exitcode if exitcode and exitcode < 0 else 0
    if sig in (getattr(signal, "SIGABRT", 6), getattr(signal, "SIGKILL", 9)):
        # an abort under the address-space cap is an allocation that failed; a SIGKILL we did
        # not send is the system's out-of-memory killer
        return Failure("file-unsafe", "ต้องใช้หน่วยความจำเกินกำหนด โปรแกรมอ่านจึงหยุดกลางคัน",
                       "needs more memory than allowed; the reader stopped")
    return Failure("file-unreadable", "โปรแกรมอ่านหยุดทำงานกลางคันเมื่ออ่านไฟล์นี้",
                   "the reader stopped while reading this file")


# ---------------------------------------------------------------- memory of a process


def _rss_linux(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _rss_windows(pid: int) -> int | None:
    import ctypes
    from ctypes import wintypes

    class Counters(ctypes.Structure):
        _fields_ = [("cb", wintypes.DWORD), ("PageFaultCount", wintypes.DWORD),
                    ("PeakWorkingSetSize", ctypes.c_size_t), ("WorkingSetSize", ctypes.c_size_t),
                    ("QuotaPeakPagedPoolUsage", ctypes.c_size_t),
                    ("QuotaPagedPoolUsage", ctypes.c_size_t),
                    ("QuotaPeakNonPagedPoolUsage", ctypes.c_size_t),
                    ("QuotaNonPagedPoolUsage", ctypes.c_size_t),
                    ("PagefileUsage", ctypes.c_size_t), ("PeakPagefileUsage", ctypes.c_size_t)]

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    psapi = ctypes.WinDLL("psapi", use_last_error=True)  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000 | 0x0010, False, pid)  # QUERY_LIMITED | VM_READ
    if not handle:
        return None
    try:
        counters = Counters()
        counters.cb = ctypes.sizeof(Counters)
        if not psapi.GetProcessMemoryInfo(handle, ctypes.byref(counters), counters.cb):
            return None
        return int(max(counters.WorkingSetSize, counters.PagefileUsage))
    finally:
        kernel32.CloseHandle(handle)


def process_memory(pid: int) -> int | None:
    """Resident memory of process ``pid`` in bytes; None where it cannot be measured."""
    if sys.platform.startswith("linux"):
        return _rss_linux(pid)
    if sys.platform == "win32":
        try:
            return _rss_windows(pid)
        except (OSError, AttributeError, ValueError):
            return None
    return None


def _virtual_size() -> int:
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _cap_address_space(budget: Budget) -> None:
    """Linux: allocations past the budget fail inside the worker instead of swamping the
    machine (Rust then aborts; Python raises MemoryError)."""
    if not sys.platform.startswith("linux"):
        return  # macOS ignores RLIMIT_AS; Windows has no resource module: the watchdog acts
    import resource

    limit = _virtual_size() + budget.memory
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        pass


# ---------------------------------------------------------------- the worker side


def _worker_main(conn, budget: Budget) -> None:
    # Ctrl-C reaches the whole console; the parent decides what happens and stops workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):  # a forked worker must not run the CLI's handlers
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
    if not os.environ.get("ITA_XLSX_DEBUG"):
        _quiet_stderr()  # a reader's panic report is not for the user: the finding says it
    _cap_address_space(budget)
    parent = mp.parent_process()
    conn.send(("ready", os.getpid()))
    while True:
        try:
            while not conn.poll(0.5):
                if parent is not None and not parent.is_alive():
                    return  # the run is gone: never linger
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        fn, arg = job
        try:
            reply = ("ok", fn(arg))
        except MemoryError:
            reply = ("fail", _memory_failure(budget))
        except (KeyboardInterrupt, SystemExit):
            return
        except BaseException as exc:  # noqa: BLE001 - a Rust panic is a BaseException
            reply = ("fail", Failure("file-unreadable", "อ่านเนื้อหาไม่ได้",
                                     _exception_name(exc)))
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("fail", _memory_failure(budget)))
        except Exception as exc:  # noqa: BLE001 - a result that cannot be sent back
            conn.send(("fail", Failure("file-unreadable", "อ่านเนื้อหาไม่ได้",
                                       _exception_name(exc))))


def _quiet_stderr() -> None:
    import faulthandler

    faulthandler.disable()  # an inherited handler would print an abort's stack anyway
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass


def _exception_name(exc: BaseException) -> str:
    """Plain words for a reader error; library names (CalamineError...) are not shown."""
    name = type(exc).__name__
    if "Panic" in name:
        return "the reader failed on damaged content"
    return "damaged or unusual content"


# ---------------------------------------------------------------- the parent side


def start_method() -> str:
    """``fork`` on Linux (fast start), ``spawn`` elsewhere; ITA_XLSX_START_METHOD overrides."""
    chosen = os.environ.get("ITA_XLSX_START_METHOD", "")
    if chosen in mp.get_all_start_methods():
        return chosen
    return "fork" if sys.platform.startswith("linux") else "spawn"


_DEPTH = 2  # jobs sent to a worker ahead of its answers

_STOP_SIGNALS = {getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)}


class _Worker:
    def __init__(self, ctx, budget: Budget):
        parent_end, child_end = ctx.Pipe()
        self.conn = parent_end
        blocked = hasattr(signal, "pthread_sigmask")
        if blocked:
            # No stop signal while a worker starts: the worker inherits them blocked until it has
            # chosen to ignore them, and the parent takes a SIGTERM only once the worker holds
            # all it was sent (cut short, a spawned worker prints the unpickling traceback).
            old = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
        try:
            self.proc = ctx.Process(target=_worker_main, args=(child_end, budget), daemon=True,
                                    name="ita-xlsx-reader")
            with held():  # the mask covers this thread only; the handler runs here anyway
                self.proc.start()
        finally:
            if blocked:
                signal.pthread_sigmask(signal.SIG_SETMASK, old)
        child_end.close()
        self.ready = False
        self.base_rss = 0
        # indices sent, oldest first: the first is being worked on (since ``started``), the
        # next waits in the pipe, so the worker never idles while the parent gathers
        self.jobs: deque[int] = deque()
        self.started = 0.0

    def send(self, index: int, fn, arg) -> None:
        """Raises OSError when the worker is gone."""
        self.conn.send((fn, arg))
        if not self.jobs:
            self.started = time.monotonic()
        self.jobs.append(index)

    def done(self) -> int:
        """The index of the job just finished; the next one has started."""
        self.started = time.monotonic()
        return self.jobs.popleft()

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()

    def event(self, budget: Budget) -> tuple[str, Any] | None:
        """What the worker has to say now, or None: ("ready", pid), ("ok", value),
        ("fail", Failure) for the job it holds (its own report, a crash, or a budget
        exceeded), ("gone", None) when it died holding nothing."""
        message = None
        try:
            if self.conn.poll():
                message = self.conn.recv()
        except (EOFError, OSError):
            message = None
        if message is not None:
            if message[0] == "ready":
                self.ready = True
                self.base_rss = process_memory(self.proc.pid) or 0
            return message
        if not self.proc.is_alive():
            return ("fail", _crash_failure(self.proc.exitcode)) if self.jobs else ("gone", None)
        if not self.jobs:
            return None
        if time.monotonic() - self.started > budget.seconds:
            return "fail", _time_failure(budget)
        rss = process_memory(self.proc.pid)
        if rss is not None and rss - self.base_rss > budget.memory:
            return "fail", _memory_failure(budget)
        return None

    def stop(self) -> None:
        try:
            if self.proc.is_alive() and not self.jobs:
                self.conn.send(None)
                self.proc.join(2)
        except (OSError, ValueError):
            pass
        self.kill()


def run_jobs(fn: Callable, args: Sequence, on_failure: Callable[[Any, Failure], object], *,
             workers: int | None = None, budget: Budget | None = None,
             progress: Callable[[int], None] | None = None, method: str | None = None) -> list:
    """``[fn(a) for a in args]``, each call in a worker process within ``budget``.

    ``fn`` must be a module-level function (workers may be spawned). A call that fails in
    any way gives ``on_failure(arg, Failure)`` in its place. Results keep the order of
    ``args``.
    """
    budget = budget or Budget.default()
    if not args:
        return []
    n = max(1, min(workers or min(os.cpu_count() or 1, 8), len(args)))
    ctx = mp.get_context(method or start_method())
    results: list = [None] * len(args)
    todo = deque(range(len(args)))
    pool: list[_Worker] = []
    done = 0

    def finish(w: _Worker, value) -> None:
        nonlocal done
        results[w.done()] = value
        done += 1
        if progress:
            progress(1)

    def fail(w: _Worker, failure: Failure) -> None:
        """The job being worked on failed: its finding; the worker is replaced (one that hit
        MemoryError is not trusted further) and the job queued behind it goes back first."""
        finish(w, on_failure(args[w.jobs[0]], failure))
        todo.extendleft(reversed(w.jobs))
        w.jobs.clear()
        w.kill()
        pool[pool.index(w)] = _Worker(ctx, budget)

    try:
        pool.extend(_Worker(ctx, budget) for _ in range(n))
        while done < len(args):
            for w in pool:
                while w.ready and len(w.jobs) < _DEPTH and todo:
                    i = todo.popleft()
                    try:
                        w.send(i, fn, args[i])
                    except OSError:  # the worker just died: found below, the job waits
                        todo.appendleft(i)
                        break
            waiting = [w.conn for w in pool] + [w.proc.sentinel for w in pool]
            wait(waiting, timeout=0.1)
            for w in list(pool):
                event = w.event(budget)
                if event is None:
                    continue
                kind, value = event
                if kind == "ok":
                    finish(w, value)
                elif kind == "fail":
                    fail(w, value)
                elif kind == "gone":
                    if not w.ready:
                        raise RuntimeError("a reader process could not start")
                    w.kill()
                    pool[pool.index(w)] = _Worker(ctx, budget)
    except BaseException:
        for w in pool:  # Ctrl-C, SIGTERM, anything: no worker outlives the run
            w.kill()
        raise
    for w in pool:
        w.stop()
    return results


class Started:
    """One job started now in a worker of its own, its answer taken later with ``result``,
    so that the caller works meanwhile (the report's big sheets, made while the writer
    writes the others). The same worker, budget and failures as ``run_jobs``."""

    def __init__(self, fn: Callable, arg: Any, budget: Budget | None = None,
                 method: str | None = None):
        self.arg = arg
        self.budget = budget or Budget.default()
        self.worker: _Worker | None = _Worker(mp.get_context(method or start_method()),
                                              self.budget)
        try:
            self.worker.send(0, fn, arg)  # returns once the worker has taken the job
        except OSError:  # it could not start (a spawned one needs a guarded __main__)
            self.cancel()

    def result(self, on_failure: Callable[[Any, Failure], object]) -> Any:
        """The job's value, or ``on_failure(arg, Failure)`` when it failed in any way."""
        w = self.worker
        if w is None:
            return on_failure(self.arg, _crash_failure(None))
        try:
            while True:
                wait([w.conn, w.proc.sentinel], timeout=0.1)
                event = w.event(self.budget)
                if event is not None and event[0] != "ready":  # it holds its job: no "gone"
                    kind, value = event
                    return value if kind == "ok" else on_failure(self.arg, value)
        finally:
            self.cancel()

    def cancel(self) -> None:
        """Stop the worker (done, failed, or no longer wanted)."""
        if self.worker is not None:
            self.worker.jobs.clear()
            self.worker.stop()
            self.worker = None
