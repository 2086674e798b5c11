"""Writes each school's veiligheidsplan and its twelve annexes into outbox/plannen/<BRIN> <school>/.

Templates come from the working folder's `sjablonen/` (the office's own, edited in Word) where a
file is there, else from the product's `doc_templates/`, else they are built in memory (an install
without the repository's folder still works).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from automation.checks.board import BoardFacts, board_facts
from automation.checks.measures import Measure, measures_of
from automation.config import Settings
from automation.documents.catalog import DOCUMENTS, DocSpec
from automation.documents.context import school_context
from automation.errors import DocumentsError, OptionProblem
from automation.filenames import school_folder_name
from automation.forms.maatregelen import FORM as MEASURES_FORM
from automation.store import Store

# Word (python-docx, docxtpl, jinja2) is loaded when templates are compiled, not on import: `process`
# and the watcher need only the plans' fingerprints and dates from here (issue 14, item 3).
if TYPE_CHECKING:
    import jinja2

    from automation.documents.render import CompiledTemplate

log = logging.getLogger(__name__)

OFFICE_TEMPLATES = "sjablonen"
PRODUCT_TEMPLATES = Path(__file__).resolve().parents[2] / "doc_templates"
RECORD_NAME = "plannen.json"


def office_templates(settings: Settings) -> Path:
    return settings.paths.root / OFFICE_TEMPLATES


def plans_folder(settings: Settings) -> Path:
    return settings.paths.outbox / "plannen"


def _environment() -> jinja2.Environment:
    from automation.documents.render import environment

    return environment()


@dataclass
class TemplateSet:
    """The 13 templates, compiled once; `origin` says where each came from."""

    compiled: dict[str, CompiledTemplate]
    origin: dict[str, str]
    stamp: str  # changes when any template file changes

    @classmethod
    def load(
        cls, folders: Iterable[Path], *, env: jinja2.Environment | None = None, cache: TemplateCache | None = None
    ) -> TemplateSet:
        """Compile the templates found in `folders` (the first folder that has one wins), or take
        them from `cache` where a template's file is unchanged."""
        cache = cache or TemplateCache(env or _environment())
        files = template_files(folders)
        compiled, origin = {}, {}
        for spec, path in files:
            compiled[spec.key] = cache.compiled(spec, path)
            origin[spec.key] = "ingebouwd" if path is None else str(path)
        return cls(compiled, origin, _stamp_of(files))


@dataclass
class TemplateCache:
    """Compiled templates kept between runs (the watcher keeps one): a template is compiled again
    only when its file's content changed (an edit saved in Word), or another file took its place."""

    env: jinja2.Environment = field(default_factory=_environment)
    entries: dict[str, tuple[tuple[str, str], CompiledTemplate]] = field(default_factory=dict)

    def load(self, folders: Iterable[Path]) -> TemplateSet:
        return TemplateSet.load(folders, cache=self)

    def compiled(self, spec: DocSpec, path: Path | None) -> CompiledTemplate:
        """The template of `spec` from `path` (None: the built-in one, the same for the whole run)."""
        data = None if path is None else path.read_bytes()
        key = ("ingebouwd", "") if data is None else (str(path), hashlib.sha256(data).hexdigest())
        entry = self.entries.get(spec.key)
        if entry is not None and entry[0] == key:
            return entry[1]
        from automation.documents.build_templates import build
        from automation.documents.render import CompiledTemplate

        template = CompiledTemplate.from_bytes(spec.template_name, build(spec) if data is None else data, self.env)
        self.entries[spec.key] = (key, template)
        return template


def template_files(folders: Iterable[Path]) -> list[tuple[DocSpec, Path | None]]:
    """Each document's template file: the first of `folders` that has it; None for the built-in one."""
    folders = list(folders)
    return [
        (spec, next((f / spec.template_name for f in folders if (f / spec.template_name).is_file()), None))
        for spec in DOCUMENTS
    ]


def _stamp_of(files: Iterable[tuple[DocSpec, Path | None]]) -> str:
    parts = []
    for spec, path in files:
        if path is None:
            parts.append(f"{spec.key}:ingebouwd")
        else:
            stat = path.stat()
            parts.append(f"{spec.key}:{path}:{stat.st_mtime_ns}:{stat.st_size}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def template_folders(settings: Settings | None) -> list[Path]:
    folders = [office_templates(settings)] if settings is not None else []
    return [*folders, PRODUCT_TEMPLATES]


def template_stamp(settings: Settings) -> str:
    """Changes when a template file that generation would use changes (cheap: no compiling)."""
    return _stamp_of(template_files(template_folders(settings)))


@dataclass(frozen=True)
class SchoolResult:
    brin: str
    name: str
    folder: Path
    files: tuple[Path, ...]


@dataclass
class Generation:
    schooljaar: str
    results: list[SchoolResult] = field(default_factory=list)

    @property
    def files(self) -> list[Path]:
        return [f for r in self.results for f in r.files]


Progress = Callable[[int, int], None]


def choose_schools(settings: Settings, only: Iterable[str] | None) -> list[str]:
    if only is None:
        return sorted(settings.schools)
    chosen = []
    for raw in only:
        brin = raw.strip().upper()
        if brin not in settings.schools:
            known = ", ".join(sorted(settings.schools))
            raise OptionProblem(f"School {raw} staat niet in {settings.paths.config.name}; bekende scholen: {known}.")
        chosen.append(brin)
    return chosen


def generate(
    settings: Settings,
    store: Store,
    *,
    schooljaar: str,
    today: dt.date,
    schools: Iterable[str] | None = None,
    templates: TemplateSet | None = None,
    progress: Progress | None = None,
) -> Generation:
    """Render the plan and the annexes for each school; returns what was written."""
    brins = choose_schools(settings, schools)
    templates = templates or TemplateSet.load(template_folders(settings))
    facts = board_facts(
        store, settings.board, choices=settings.choices, schooljaar=schooljaar, today=today, plans=plan_dates(settings)
    )
    fingerprints = school_fingerprints(store, schooljaar=schooljaar, templates=template_stamp(settings))
    measures = store.filled_forms(MEASURES_FORM.id)
    generation = Generation(schooljaar)
    total, done = len(brins) * len(DOCUMENTS), 0
    for brin in brins:
        at = dt.datetime.now()
        result = render_school(
            facts,
            brin,
            measures=measures_of(measures, school=brin, schooljaar=schooljaar),
            templates=templates,
            out=plans_folder(settings),
            at=at,
        )
        generation.results.append(result)
        record_generated(settings, brin, fingerprint=fingerprints.get(brin, ""), at=at)
        done += len(DOCUMENTS)
        if progress is not None:
            progress(done, total)
    return generation


def render_school(
    facts: BoardFacts,
    brin: str,
    *,
    templates: TemplateSet,
    out: Path,
    measures: Sequence[Measure] = (),
    at: dt.datetime | None = None,
) -> SchoolResult:
    """Write the school's documents (`measures`: the school's that run in the plan's year). A PDF
    beside a document that was just written is removed: it would show the old text (`veiligheid plan
    --pdf` makes it again)."""
    name = facts.schools[brin].name
    folder = out / school_folder_name(brin, name)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DocumentsError(f"Kan de map {folder} niet maken: {exc.strerror}") from exc
    context = school_context(facts, brin, measures=measures)
    files = []
    for spec in DOCUMENTS:
        target = folder / spec.output_name(school_name=name, schooljaar=facts.schooljaar)
        try:
            templates.compiled[spec.key].render(
                context,
                target,
                title=_title(spec, name, facts.schooljaar),
                subject=f"{name}, schooljaar {facts.schooljaar}",
                author=facts.board,
                at=at or dt.datetime.now(),
            )
        except PermissionError as exc:
            raise DocumentsError(
                f"Kan {target} niet schrijven: is het geopend in Word? Sluit het en probeer het opnieuw."
            ) from exc
        files.append(target)
        _remove_stale_pdf(target)
    return SchoolResult(brin, name, folder, tuple(files))


def _remove_stale_pdf(document: Path) -> None:
    stale = document.with_suffix(".pdf")
    try:
        stale.unlink(missing_ok=True)
    except OSError as exc:  # open in a viewer on Windows: the Word file is new, say that the PDF is not
        log.warning(
            "De oude PDF %s kon niet worden weggehaald (%s): hij toont niet de nieuwe tekst. Sluit hem en maak "
            "de plannen opnieuw.",
            stale,
            exc.strerror,
        )


def _title(spec: DocSpec, school: str, year: str) -> str:
    if spec.number == 0:  # the plan and its checklist
        return f"{spec.title} {school} {year}"
    return f"Bijlage {spec.number}: {spec.title} — {school} {year}"


# --- what was generated from which data (for the watcher and the overview) --------------------


def school_fingerprints(store: Store, *, schooljaar: str, templates: str) -> dict[str, str]:
    """Per school a hash of everything its documents are made from: every record's number and
    version, the office's follow-up status, every survey result (also those from an export), the
    school year and the templates."""
    digests: dict[str, Any] = {}

    def digest_of(school: str) -> Any:
        if school not in digests:
            digests[school] = hashlib.sha256(f"{schooljaar}|{templates}".encode())
        return digests[school]

    for school, form_id, regnr, version, status in store.versions():
        digest_of(school).update(f"|{form_id}:{regnr}:{version}:{status}".encode())
    for school, year, group, stored in store.survey_versions():  # survey exports are no registrations
        digest_of(school).update(f"|peiling:{year}:{group}:{stored}".encode())
    return {school: digest.hexdigest()[:20] for school, digest in digests.items()}


def _record_path(settings: Settings) -> Path:
    return settings.paths.state / RECORD_NAME


def generated_records(settings: Settings) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(_record_path(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): dict(v) for k, v in data.items()} if isinstance(data, dict) else {}


def record_generated(settings: Settings, brin: str, *, fingerprint: str, at: dt.datetime) -> None:
    records = generated_records(settings)
    records[brin] = {"fingerprint": fingerprint, "at": at.isoformat(timespec="seconds")}
    path = _record_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(records, sort_keys=True, indent=1), encoding="utf-8")
    tmp.replace(path)


def plan_dates(settings: Settings) -> dict[str, dt.datetime]:
    """When each school's documents were last generated (for the master's Overzicht)."""
    found = {}
    for brin, record in generated_records(settings).items():
        try:
            found[brin] = dt.datetime.fromisoformat(record["at"])
        except (KeyError, ValueError):
            continue
    return found


def stale_schools(settings: Settings, fingerprints: Mapping[str, str], *, with_school_form: Iterable[str]) -> list[str]:
    """Schools (with a school form) whose data changed since their documents were generated."""
    records = generated_records(settings)
    return sorted(
        brin
        for brin in with_school_form
        if brin in settings.schools and records.get(brin, {}).get("fingerprint") != fingerprints.get(brin)
    )


def real_contexts(settings: Settings, store: Store, *, schooljaar: str, today: dt.date) -> list[dict[str, Any]]:
    """Each school's data without charts: what `templates check` renders the templates with."""
    facts = board_facts(store, settings.board, choices=settings.choices, schooljaar=schooljaar, today=today)
    measures = store.filled_forms(MEASURES_FORM.id)
    return [
        school_context(
            facts, brin, measures=measures_of(measures, school=brin, schooljaar=schooljaar), with_charts=False
        )
        for brin in sorted(settings.schools)
    ]
