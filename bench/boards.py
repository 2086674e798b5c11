"""Working folders with many registrations stored, for the benches; made once and kept in a cache.

A board of N: a fresh working folder (the example board, three schools) that took one real filled
incident form through `process` (so its archive, archive register, confirmation and master are the
product's own), then N - 1 generated incident registrations added straight into the store through
the store's own methods (numbers from the store's counter; the intake is not what is measured), and
the master written once. Each bench works on a copy (`copy_board`), never on the cached one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from automation import app, demo  # noqa: E402
from automation import store as product_store  # noqa: E402
from automation.config import CONFIG_NAME, Settings, load_settings  # noqa: E402
from automation.excel.build_form import form_file_name  # noqa: E402
from automation.excel.fill import fill_form, variants  # noqa: E402
from automation.forms import FORMS  # noqa: E402
from automation.store import ACCEPTED, Store, Submission  # noqa: E402
from automation.workspace import init_workspace  # noqa: E402

VERSION = 1  # raise when the way a board is made changes
MARKER = "BENCH-0000000000"
TODAY = dt.date(2026, 11, 28)
DEFAULT_STABLE = 2  # stabiel_seconden as `init` writes it: a board as users have it


def forms(settings: Settings, folder: Path, count: int, *, prefix: str = "B-") -> list[bytes]:
    """`count` distinct valid incident forms (one filled through its defined names, the rest a zip
    rewrite of it with another text where MARKER stood)."""
    blanks = folder / "formulieren"
    if not blanks.exists():
        app.write_forms(settings, blanks)
    values = demo.incident(random.Random(1), dt.date.today(), "12AB") | {"omschrijving": MARKER}
    seed = fill_form(blanks / form_file_name(FORMS["incident"]), values, folder / "zaad.xlsx").read_bytes()
    return list(variants(seed, marker=MARKER, count=count, prefix=prefix))


def settled(path: Path, data: bytes, *, quiet: float) -> Path:
    """Write a file and wait (untimed) until it has been unchanged for `quiet` seconds: a file that
    settled before the run starts. Its ctime counts too (no copy tool can set it back), so the
    time is waited, not faked with utime."""
    path.write_bytes(data)
    written = path.stat()
    newest = max(written.st_mtime_ns, written.st_ctime_ns) / 1e9
    time.sleep(max(0.0, newest + quiet + 0.1 - time.time()))
    return path


def cache() -> Path:
    """Where boards are kept: $BENCH_CACHE, else bench-cache in the temp folder."""
    return Path(os.environ.get("BENCH_CACHE") or Path(tempfile.gettempdir()) / "bench-cache")


def schema_stamp() -> str:
    """The store's schema version and a hash of its SQL (the schema and the migrations): a board made
    under another schema is made again, even when a column was added without a new version."""
    sql = sorted(
        (k, repr(sorted(v.items())) if isinstance(v, dict) else v)
        for k, v in vars(product_store).items()
        if k.isupper() and (isinstance(v, str) or (isinstance(v, dict) and all(isinstance(x, str) for x in v.values())))
    )
    return f"schema{product_store.SCHEMA_VERSION}-{hashlib.sha256(repr(sql).encode()).hexdigest()[:8]}"


def board(stored: int) -> Path:
    """The cached working folder of a board with `stored` registrations; made if missing."""
    folder = cache() / f"board-{stored}-v{VERSION}-{schema_stamp()}"
    done = folder / "klaar"
    if done.exists():
        return folder / "werkmap"
    if folder.exists():
        shutil.rmtree(folder)
    print(f"(making a board of {stored} registrations in {folder}; kept for later runs)", file=sys.stderr)
    settings, _ = init_workspace(folder / "werkmap", stable_seconds=0)  # the default (2 s) set back below
    settled(settings.paths.inbox / "melding 000000.xlsx", forms(settings, folder, 1, prefix="SEED-")[0], quiet=0)
    counts = app.process(settings)
    assert counts.accepted == 1, counts
    add_registrations(settings, stored - 1)
    app.process(settings)  # nothing to take: writes the master of the full store
    set_stable(settings.paths.config, DEFAULT_STABLE)
    done.write_text("ok\n")
    return folder / "werkmap"


def add_registrations(settings: Settings, n: int) -> None:
    store = Store.open(settings.paths.database, create=False, durable=False)
    rng = random.Random(n)
    brins = sorted(settings.schools)
    try:
        with store.transaction():  # through the store's own methods, as the intake stores them
            for i in range(1, n + 1):
                at = f"2026-11-{1 + i % 28:02d}T10:00:00"
                store_incident(store, rng, brins[i % len(brins)], name=f"melding {i}", ref=f"LL-{i:010X}", at=at)
    finally:
        store.close()


def store_incident(store: Store, rng: random.Random, brin: str, *, name: str, ref: str, at: str) -> str:
    """One incident registration of `brin`, stored as the intake stores it (in an open transaction)."""
    data = demo.incident(rng, TODAY, brin) | {"school": brin, "leerling_ref": ref}
    data["tijd"] = data["tijd"].strftime("%H:%M")  # as validation stores it
    regnr = store.next_regnr("INC", 2026)
    sha = hashlib.sha256(f"{name} {at}".encode()).hexdigest()
    sub = Submission(
        at, f"{name}.xlsx", f"inbox/{name}.xlsx", sha, 9000, "archief/x/x",
        form_id="incident", form_version=1, outcome=ACCEPTED,
    )  # fmt: skip
    sub_id = store.add_submission(sub, run_id=None, regnr=regnr)
    store.insert_record(
        regnr=regnr, form_id="incident", school=brin, event_date=data["datum"].isoformat(),
        data=data, submission_id=sub_id, at=at,
    )  # fmt: skip
    return regnr


def copy_board(stored: int, into: Path, *, stable: float | None = None) -> Settings:
    """A working copy of the board of `stored` in `into` (made fresh), optionally with another
    settle time (stabiel_seconden)."""
    source = board(stored)
    if into.exists():
        shutil.rmtree(into)
    shutil.copytree(source, into, symlinks=True)
    config = into / CONFIG_NAME
    if stable is not None:
        set_stable(config, stable)
    return load_settings(config)


def set_stable(config: Path, seconds: float) -> None:
    """The board's settle time (stabiel_seconden) in its config."""
    text = re.sub(r"(?m)^stabiel_seconden = \S+", f"stabiel_seconden = {seconds:g}", config.read_text("utf-8"))
    config.write_text(text, encoding="utf-8")
