"""The worker pool that reads untrusted files: budgets, crashes, and a fresh worker after."""

from __future__ import annotations

import pytest
import sandbox_jobs as jobs

from ita_xlsx.intake.sandbox import Budget, Failure, MiB, run_jobs

METHODS = ["fork", "spawn"]


def failed(arg, failure: Failure):
    return ("failed", arg, failure.code, failure.en)


@pytest.mark.parametrize("method", METHODS)
def test_memory_budget_costs_one_job_and_a_fresh_worker(method):
    budget = Budget(memory=96 * MiB, seconds=30)
    out = run_jobs(jobs.hog, [8, 400, 8], failed, workers=1, budget=budget, method=method)
    assert out[0] == 8 and out[2] == 8
    assert out[1][0] == "failed" and out[1][2] == "file-unsafe"
    assert "memory" in out[1][3]


def test_watchdog_alone_catches_memory(monkeypatch):
    """Where no address-space cap exists (Windows, macOS), the parent's watchdog acts."""
    import ita_xlsx.intake.sandbox as sb

    monkeypatch.setattr(sb, "_cap_address_space", lambda budget: None)
    out = run_jobs(jobs.hog, [600, 4], failed, workers=1, method="fork",
                   budget=Budget(memory=64 * MiB, seconds=30))
    assert out[0][2] == "file-unsafe" and "64 MiB memory budget" in out[0][3]
    assert out[1] == 4


@pytest.mark.parametrize("method", METHODS)
def test_time_budget(method):
    out = run_jobs(jobs.sleepy, [0.01, 30, 0.02], failed, workers=2, method=method,
                   budget=Budget(memory=256 * MiB, seconds=1.5))
    assert out[0] == 0.01 and out[2] == 0.02
    assert out[1][2] == "file-unsafe" and "1.5 s" in out[1][3]


@pytest.mark.parametrize("method", METHODS)
def test_abort_and_panic_are_findings(method):
    out = run_jobs(jobs.abort, [1], failed, workers=1, method=method)
    assert out[0][0] == "failed" and out[0][2] == "file-unsafe"
    out = run_jobs(jobs.panic, [1, 2], failed, workers=1, method=method)
    assert [o[2] for o in out] == ["file-unreadable", "file-unreadable"]
    assert all("Panic" not in o[3] for o in out)  # no library internals in messages
    assert run_jobs(jobs.echo, list(range(30)), failed, workers=2, method=method) == list(
        range(30))


@pytest.mark.parametrize("method", METHODS)
def test_the_jobs_queued_behind_a_crash_are_read_by_the_next_worker(method):
    """A worker holds the next job in its pipe while it works; when it dies, that job is not
    lost or blamed, it goes to the fresh worker."""
    args = [1, "boom", 3, "boom", "boom", 6, 7]
    out = run_jobs(jobs.abort_on_boom, args, failed, workers=1, method=method)
    assert [o if not isinstance(o, tuple) else o[2] for o in out] == [
        1, "file-unsafe", 3, "file-unsafe", "file-unsafe", 6, 7]


@pytest.mark.parametrize("method", METHODS)
def test_a_job_started_now_is_answered_later_within_its_budget(method):
    """``Started``: the job runs while the caller works; a crash, the time budget or a
    large argument each give the failure, and no worker is left behind."""
    import time

    from ita_xlsx.intake.sandbox import Started

    budget = Budget(memory=256 * MiB, seconds=1.5)
    slow = Started(jobs.sleepy, 0.5, budget, method=method)
    t = time.monotonic()
    time.sleep(0.6)  # the caller's own work, while the worker sleeps
    assert slow.result(failed) == 0.5 and time.monotonic() - t < 1.4
    big = "x" * (8 * MiB)  # more than a pipe holds: sent while the worker takes it
    assert Started(jobs.echo, big, budget, method=method).result(failed) == big
    crashed = Started(jobs.abort, 1, budget, method=method).result(failed)
    assert crashed[0] == "failed" and crashed[2] == "file-unsafe"
    late = Started(jobs.sleepy, 30, budget, method=method)
    worker = late.worker
    assert late.result(failed)[2] == "file-unsafe" and not worker.proc.is_alive()
    late.cancel()
