"""A small soak: two writer processes drop 150 files while the real watcher polls the inbox.

The same run as `bench/soak.py`, smaller: valid forms of three kinds for three schools, exact copies,
wrong forms, notes and photos; renamed from a temp name, written slowly in pieces, or written at
once; Excel and LibreOffice lock files beside some, half of them left behind. Every file must be
accounted for exactly once, the master must list them all, and the watcher's memory must stay flat.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from automation.store import ACCEPTED, DUPLICATE
from bench.soak import EXPECTED, SoakResult, run_soak

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux", reason="reads the watcher's memory from /proc"),
]


@pytest.fixture(scope="module")
def soak(tmp_path_factory: pytest.TempPathFactory) -> SoakResult:
    """One run for the whole module: 150 files at 50 files/s, polled every 0.2 s."""
    folder: Path = tmp_path_factory.mktemp("soak")
    return run_soak(folder, writers=2, files=150, rate=50, poll=0.2, stable=0.3, every=0.2, drain_timeout=40)


def test_the_writers_drop_every_kind_of_file_in_every_way(soak: SoakResult) -> None:
    kinds = Counter(d.kind for d in soak.drops)
    assert set(kinds) == set(EXPECTED) and kinds["form"] > 100
    assert {d.how for d in soak.drops} == {"rename", "slow", "direct"}
    assert {d.lock for d in soak.drops if d.lock} == {"excel", "libreoffice"}
    assert soak.locks_left and any(d.lock and not d.lock_stays for d in soak.drops)
    assert set(soak.dropped) == {d.name for d in soak.drops}


def test_every_dropped_file_is_stored_exactly_once_with_the_outcome_its_kind_deserves(soak: SoakResult) -> None:
    stored = soak.accounting.outcomes
    assert {d.name: stored.get(d.name) for d in soak.drops} == {d.name: [EXPECTED[d.kind]] for d in soak.drops}
    assert soak.accounting.unfinished == 0
    assert soak.accounting.integrity == "ok"


def test_no_registration_is_stored_twice(soak: SoakResult) -> None:
    forms = sum(1 for d in soak.drops if d.kind == "form")
    records = soak.accounting.records
    assert len(records) == len(set(records)) == forms
    assert sorted(soak.accounting.accepted) == sorted(records)
    outcomes = Counter(o for got in soak.accounting.outcomes.values() for o in got)
    assert outcomes[ACCEPTED] == forms
    assert outcomes[DUPLICATE] == sum(1 for d in soak.drops if d.kind == "copy")


def test_every_sender_hears_back_once(soak: SoakResult) -> None:
    rejected = sorted(d.name for d in soak.drops if d.kind in ("wrong", "note", "photo"))
    assert sorted(soak.accounting.handed_back) == rejected
    assert soak.accounting.receipts == sum(1 for d in soak.drops if d.kind in ("form", "copy"))


def test_only_the_lock_files_left_behind_stay_in_the_inbox(soak: SoakResult) -> None:
    assert soak.accounting.inbox == soak.locks_left
    assert not soak.accounting.staging


def test_the_master_lists_every_file_and_every_registration(soak: SoakResult) -> None:
    assert {d.name for d in soak.drops} <= soak.accounting.master_files
    assert sorted(soak.accounting.master_numbers) == sorted(soak.accounting.records)
    assert all(latency > 0 for latency in soak.latencies(kinds=EXPECTED))


def test_the_watchers_memory_stays_flat(soak: SoakResult) -> None:
    total = len(soak.drops)
    after_first_files = next(s for s in soak.monitor.samples if s.files >= total // 10)
    at_the_end = soak.monitor.samples[-1]
    assert at_the_end.files == total
    assert at_the_end.rss_mb <= 1.5 * after_first_files.rss_mb, soak.monitor.samples


def test_the_watcher_stops_cleanly_and_the_benchs_own_accounting_agrees(soak: SoakResult) -> None:
    assert soak.watcher_exit == 0, soak.watcher_output[-2000:]
    assert soak.watcher_output.rstrip().endswith("Gestopt.")
    assert soak.problems() == []
