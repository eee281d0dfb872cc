"""A signal is an interrupt wherever it arrives: in the middle of reading a file in this process
too, where the readers guard against the parser's panics (BaseException) and once turned the
command line's cancel into a "damaged file" finding."""

from __future__ import annotations

import signal
import time

import pytest

import ita_xlsx
from ita_xlsx import Org
from ita_xlsx.core.errors import Cancelled
from ita_xlsx.intake.read import read_return

pytestmark = pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs SIGALRM")


@pytest.fixture
def one_return(tmp_path):
    made = ita_xlsx.make_workbooks(tmp_path / "wb", [Org(code="6560101", name="เทศบาลตำบลห้วยวน")],
                                   fiscal_year=2570, round="6")
    out = tmp_path / "return.xlsx"
    ita_xlsx.simulate_return(made.written[0], out, seed=1, round="6", fiscal_year=2570)
    return out


def _cancel(signum, _frame):
    raise Cancelled(signum)


@pytest.mark.parametrize("delay", [0.001, 0.01, 0.03])
def test_a_signal_during_a_read_here_ends_the_run(one_return, delay):
    template = ita_xlsx.load_template()
    previous = signal.signal(signal.SIGALRM, _cancel)
    reads = 0
    try:
        signal.setitimer(signal.ITIMER_REAL, delay)  # once: it lands in one of the reads
        with pytest.raises(Cancelled):
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                returned = read_return(one_return, template)
                # A swallowed signal shows up here as a file that could not be read.
                assert returned.readable, [f.code for f in returned.findings]
                reads += 1
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert reads < 100_000


def test_cancelled_is_an_interrupt_and_carries_the_shell_exit_code():
    exc = Cancelled(signal.SIGTERM)
    assert isinstance(exc, KeyboardInterrupt) and exc.exit_code == 143


def test_a_stop_signal_in_a_held_section_is_raised_when_it_ends():
    """Starting a reader process is held: the signal waits, then ends the run as usual."""
    from ita_xlsx.core.interrupts import held, stop

    after = []
    with pytest.raises(Cancelled) as exc:
        with held():
            stop(signal.SIGTERM)  # what the command line's handler does
            after.append("the start finished")
    assert after == ["the start finished"] and exc.value.exit_code == 143
    with pytest.raises(Cancelled):
        stop(signal.SIGINT)  # outside a held section: at once
