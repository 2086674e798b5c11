"""The built-in demo does what the README promises, on a fresh folder, twice in a row."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from automation.cli import main


@pytest.mark.slow
def test_demo_makes_a_working_folder_processes_it_and_says_where_things_are(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    for _ in range(2):  # a second demo renews its own folder
        result = CliRunner().invoke(main, ["demo", str(folder)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Verwerkt: 52 geaccepteerd, 9 afgewezen, 2 dubbel, 1 genegeerd" in out  # with three measures forms
    assert f"Bestuursoverzicht:          {folder / 'outbox' / 'bestuursoverzicht.xlsx'}" in out
    assert f"Afgewezen, met uitleg:      {folder / 'outbox' / 'afgewezen'}" in out
    yearly = next(folder.glob("outbox/Jaarverslag sociale veiligheid *.docx"))  # the board's anonymous report
    assert f"Jaarverslag (anoniem):      {yearly}" in out
    wb = openpyxl.load_workbook(folder / "outbox" / "bestuursoverzicht.xlsx", read_only=True)
    measures = list(wb["Maatregelen"].iter_rows(values_only=True))
    assert len(measures) == 1 + 3  # the directors' measures: two of 12AB, one of 56EF
    incidents = list(wb["Incidenten"].iter_rows(values_only=True))
    assert len(incidents) == 1 + 25  # with the volunteer's sexual misconduct: accepted, never bounced
    regnr = out.split("Daarna een correctie van ")[1].split(":")[0]
    corrected = [row for row in incidents if row[0] == regnr]
    assert corrected and "online" in corrected[0]
    # the surveys: a typed-in ZIEN! survey meets the law; 12AB's KiVa-monitor reached fewer pupils than the
    # board's norm (attention, not a legal failure); 34CD's satisfaction survey is not its declared KanVAS,
    # which is awaited (attention, not 'voldoet niet')
    checks = [r for r in wb["Monitorcheck"].iter_rows(min_row=2, values_only=True)]
    assert {r[0]: r[6] for r in checks} == {"12AB": "aandacht", "34CD": "aandacht", "56EF": "voldoet"}
    assert ("12AB", "Minimale respons (bestuursnorm)", "aandacht") in {(r[0], r[3], r[4]) for r in checks}
    assert ("34CD", "Gemeten dit schooljaar", "aandacht") in {(r[0], r[3], r[4]) for r in checks}
    overzicht = list(wb["Overzicht"].iter_rows(values_only=True))
    header = next(n for n, row in enumerate(overzicht) if row[:3] == ("BRIN", "School", "Registratienummer"))
    first, *_ = overzicht[header + 1 :]
    assert first[4] == "Vertrouwensinspecteur raadplegen (seksueel grensoverschrijdend gedrag door personeel)"
    # three kinds of early warning: 12AB's KiVa survey under the board's norm, duties open too long,
    # other actions open for over a month
    kept = json.loads((folder / ".veiligheid" / "signalen.json").read_text("utf-8"))["signalen"]
    assert {s["soort"] for s in kept} == {"thema", "meldplicht", "acties"}
    shown = {(row[0], row[2]) for row in overzicht}
    assert all((s["school"], s["tekst"]) in shown for s in kept)
    wb.close()
    explanations = sorted(p.name for p in (folder / "outbox" / "afgewezen").glob("*/* - uitleg.txt"))
    assert len(explanations) == 9 and "export onbekende leverancier - uitleg.txt" in explanations
    assert [p.name for p in (folder / "inbox").iterdir()] == ["~$incident 01.xlsx"]
    warned = {
        p.name.split(" - ", 1)[1]: p.read_text("utf-8-sig")
        for p in (folder / "outbox" / "bevestigingen").rglob("*.txt")
        if "Let op" in p.read_text("utf-8-sig")
    }
    assert sorted(warned) == ["agressie gymzaal.txt", "incident personeel.txt", "ongeval conciërge trap.txt"]
    assert "Nederlandse Arbeidsinspectie" in warned["agressie gymzaal.txt"]
    assert "vertrouwensinspecteur" in warned["incident personeel.txt"]
    assert "blijvend letsel is nog onbekend" in warned["ongeval conciërge trap.txt"]


def test_demo_refuses_to_overwrite_a_folder_that_is_not_a_demo(tmp_path: Path) -> None:
    (tmp_path / "werk").mkdir()
    (tmp_path / "werk" / "belangrijk.xlsx").write_bytes(b"x")
    result = CliRunner().invoke(main, ["demo", str(tmp_path / "werk")])
    assert result.exit_code == 2
    assert "bestaat al en is geen demo-map" in result.stderr
    assert (tmp_path / "werk" / "belangrijk.xlsx").exists()
