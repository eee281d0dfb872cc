"""core/packed.py: a checked file's rows, kept compressed in the parent until read."""

from __future__ import annotations

import pickle

from ita_xlsx.core.packed import Packed
from ita_xlsx.intake.read import Row


def test_a_packed_list_reads_as_the_list_it_stands_for():
    rows = [Row(5 + i, {"measure_id": f"M{i}", "owner": "กองคลัง"}, {"measure_id": f"m{i}"})
            for i in range(30)]
    p = Packed(rows)
    assert len(p) == 30 and bool(p) and p == rows
    assert list(p) == rows and p[0] == rows[0] and list(p[-2:]) == rows[-2:]
    assert [r.row for r in p] == list(range(5, 35))
    assert not Packed([]) and Packed([]) == []
    # it crosses processes as its bytes, and smaller than the objects would
    back = pickle.loads(pickle.dumps(p))
    assert back == rows and len(pickle.dumps(p)) < len(pickle.dumps(rows)) / 3
    assert Packed.of(p) is p


def test_two_packs_never_answer_for_each_other():
    """Reads go through a cache: it must tell packs apart even when one is gone and another
    takes its place in memory (a wrong organisation's rows would be the worst bug)."""
    seen = []
    for i in range(200):
        p = Packed([{"org_code": str(i)}])
        seen.append(p[0]["org_code"])
        del p
    assert seen == [str(i) for i in range(200)]
    a, b = Packed([1, 2]), Packed([3])
    assert list(a) == [1, 2] and list(b) == [3] and a != b


def test_what_a_reader_gets_cannot_be_grown_under_the_next_reader():
    p = Packed([1, 2, 3])
    got = p[:]
    assert not hasattr(got, "append")
    assert list(p) == [1, 2, 3]
