"""Fault injection for the crash tests: kill this process at a named point of the intake.

Set `VEILIGHEID_TEST_KILL_AT=<point>:<n>` to SIGKILL the process the n-th time it passes <point>
(points: archived, stored, committed, handed_back, finished). Unset, this costs one check per point.
Used only by tests/test_crash.py, which needs kills at exact moments, not just lucky timing.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

ENV = "VEILIGHEID_TEST_KILL_AT"
_passed: Counter[str] = Counter()


def point(name: str) -> None:
    spec = os.environ.get(ENV)
    if not spec:
        return
    target, _, nth = spec.partition(":")
    if name != target:
        return
    _passed[name] += 1
    if _passed[name] == int(nth or 1):
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
