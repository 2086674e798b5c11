"""The README's example of filling a form by its defined names works as written."""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path

from automation import app
from automation.config import load_settings
from automation.workspace import init_workspace

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_readme_snippet_fills_a_form_that_is_accepted(tmp_path: Path) -> None:
    (snippet,) = [
        block
        for block in re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
        if "defined_names" in block
    ]
    settings, _ = init_workspace(tmp_path / "werkmap", stable_seconds=0, damaged_after=0)
    settings = load_settings(settings.paths.config)
    app.write_forms(settings, settings.paths.root / "formulieren")
    cwd = Path.cwd()
    os.chdir(settings.paths.root)
    try:
        exec(compile(snippet, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    counts = app.process(settings)
    assert (counts.accepted, counts.rejected) == (1, 0)


def test_the_readme_config_example_is_a_valid_config(tmp_path: Path) -> None:
    from automation.config import parse_config

    example, _profile, *_fragments = re.findall(r"```toml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    board = parse_config(example, source=tmp_path / "veiligheid.toml")
    assert [s.brin for s in board.scholen] == ["12AB", "34CD"]
    assert board.mappen.inbox_voor_medewerkers == "S:\\Veiligheid\\Meldingen"


def test_the_readme_profile_example_is_a_valid_profile() -> None:
    from automation.surveys.profile import parse_profile

    _config, example, *_fragments = re.findall(r"```toml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    profile = parse_profile(textwrap.dedent(example), source="README")
    assert profile.soort == "per_vraag" and set(profile.themas) == {
        "veiligheidsbeleving",
        "aantasting_veiligheid",
        "welbevinden",
    }


def test_every_file_the_readme_names_is_in_the_repository() -> None:
    """A newcomer follows the README in a clone: every repository file or folder it names in
    backquotes (`docs/…`, `tests/…`, `bench/…`, `automation/…`, `*.md`) must be there."""
    root = README.parent
    named = set(
        re.findall(
            r"`((?:docs|tests|bench|automation|workbook_templates|doc_templates)/[^`\s:]*)",
            README.read_text(encoding="utf-8"),
        )
    )
    named |= {m for m in re.findall(r"\b([A-Z][A-Za-z_]*\.md)\b", README.read_text(encoding="utf-8"))}
    missing = sorted(
        name for name in named if "*" not in name and "<" not in name and not (root / name.split("::")[0]).exists()
    )
    assert missing == []
