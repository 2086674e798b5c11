"""The master's kept rows (excel.rowcache) when the code that writes a row changes, or the cache is
damaged: the kept rows are not used, and the workbook is the full one (found by a review of issue 14)."""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import pytest

from automation.config import Settings
from automation.excel import master as excel_master
from automation.excel.master import write_board_master
from automation.excel.rowcache import RowCache
from automation.forms import FORMS
from automation.store import Store
from tests.test_incremental_master import MOMENT, assert_incremental_is_full, generated_board


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as book:
        return {name: book.read(name) for name in book.namelist()}


def test_a_form_title_changed_by_an_update_is_not_left_stale_in_the_logboek(
    workspace: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Logboek's 'Formulier' column shows FORMS[...].title, and its 'Opdracht' column COMMANDS[...]:
    neither is in the Logboek's stamps nor its layout, so a release that renames a form keeps the old
    name in every kept Logboek row (until the first write of the next day)."""
    generated_board(workspace, 3)
    cache = tmp_path / "rijen"
    assert_incremental_is_full(workspace, cache)  # fills the cache
    monkeypatch.setitem(FORMS, "incident", dataclasses.replace(FORMS["incident"], title="Incident (nieuw)"))
    assert_incremental_is_full(workspace, cache)


def test_a_commands_label_changed_by_an_update_is_not_left_stale_in_the_logboek(
    workspace: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, drop: object
) -> None:
    from automation import app

    drop("incident", "i1.xlsx", seed=1)  # type: ignore[operator]
    app.process(workspace)  # a Logboek line with command 'process'
    cache = tmp_path / "rijen"
    assert_incremental_is_full(workspace, cache)
    monkeypatch.setitem(excel_master.COMMANDS, "process", "process (verwerking)")
    assert_incremental_is_full(workspace, cache)


@pytest.mark.parametrize("content", ["null", "[]", "7"])
def test_an_index_that_parses_but_is_no_index_only_makes_a_full_write(
    workspace: Settings, tmp_path: Path, content: str
) -> None:
    """The module promises 'a lost or damaged cache only makes one write a full one'; an index that is
    valid JSON but not an object raises AttributeError out of SheetRows._load (not caught), also when
    the write is `fresh`: every master write fails until someone deletes the folder."""
    generated_board(workspace, 3)
    cache = tmp_path / "rijen"
    assert_incremental_is_full(workspace, cache)
    (cache / "Incidenten.json").write_text(content)
    store = Store.open(workspace.paths.database, create=False)
    try:
        done = write_board_master(store, workspace, generated=MOMENT, rows=RowCache(cache, fresh=True))
    finally:
        store.close()
    assert done.exists()


def test_a_digit_changed_in_the_index_does_not_give_a_workbook_with_a_bad_crc(
    workspace: Settings, tmp_path: Path
) -> None:
    """The index has no check of its own (the file's CRC covers only the data file), and a kept block
    goes into the workbook with the size and CRC its index says, never inflated: one changed digit in
    the index (a bit flip on disk, an index of another version) makes a member whose CRC is wrong,
    a workbook Excel offers to repair, instead of a full write."""
    import json

    generated_board(workspace, 3)
    cache = tmp_path / "rijen"
    assert_incremental_is_full(workspace, cache)
    index = cache / "Incidenten.json"
    head, _, rest = index.read_bytes().partition(b"\n")
    blocks = json.loads(rest)
    blocks[0]["crc"] ^= 1  # the index's own CRC no longer holds: nothing kept is used
    index.write_bytes(head + b"\n" + json.dumps(blocks).encode())
    store = Store.open(workspace.paths.database, create=False)
    try:
        done = write_board_master(store, workspace, generated=MOMENT, rows=RowCache(cache))
    finally:
        store.close()
    with zipfile.ZipFile(done) as book:
        assert book.testzip() is None
