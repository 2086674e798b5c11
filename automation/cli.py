"""Command line: parse options, call one function of `automation.app`, print, exit code."""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from automation import __version__
from automation.errors import (
    Interrupted,
    ProfileError,
    SurveyRejected,
    TemplateProblem,
    UsageProblem,
    VeiligheidError,
)

# A command imports `automation.app` and what else it needs when it runs, so that `--help` and
# `status` do not load the spreadsheet and Word libraries (issue 14, item 3; tests/test_quick_cli.py).
if TYPE_CHECKING:
    from automation.config import Settings


class Context:
    def __init__(self, config: Path | None, verbose: bool) -> None:
        self.config = config
        self.verbose = verbose
        self.json = False

    def settings(self, *, console_info: bool = False) -> Settings:
        from automation.config import load_settings
        from automation.workspace import setup_logging

        settings = load_settings(self.config)
        setup_logging(settings, verbose=self.verbose, console_info=console_info)
        return settings


class DutchHelp:
    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = "Toon deze uitleg en stop."
        return option  # type: ignore[no-any-return]


class Command(DutchHelp, click.Command):
    pass


class DutchUsage(click.ClickException):
    """A usage error as one Dutch line, with its own exit code (`UsageProblem`)."""

    exit_code = UsageProblem.exit_code

    def __init__(self, message: str, *, help_text: str | None = None) -> None:
        super().__init__(message)
        self.help_text = help_text  # shown first when no command was given at all

    def show(self, file: Any = None) -> None:
        if self.help_text:
            click.echo(self.help_text)
        click.echo(f"Fout: {self.message}", err=True)


def dutch_usage(exc: click.UsageError) -> DutchUsage:
    """Click's usage errors in Dutch, on one line, with where to look."""
    path = exc.ctx.command_path.split()[1:] if exc.ctx is not None else []
    command = " ".join(["veiligheid", *path])  # the name staff type, also under `python -m automation`
    see = f" Zie '{command} --help'."
    if type(exc).__name__ == "NoArgsIsHelpError" and exc.ctx is not None:  # `veiligheid` alone
        names = sorted(getattr(exc.ctx.command, "commands", {})) or ["status"]
        example = "status" if "status" in names else names[0]
        return DutchUsage(f"geef een opdracht, bijvoorbeeld '{command} {example}'.{see}", help_text=exc.ctx.get_help())
    if isinstance(exc, click.NoSuchOption):
        meant = f" (bedoelt u {' of '.join(sorted(exc.possibilities))}?)" if exc.possibilities else ""
        return DutchUsage(f"onbekende optie '{exc.option_name}'{meant}.{see}")
    if isinstance(exc, click.MissingParameter):
        return DutchUsage(f"{_param(exc.param)} ontbreekt.{see}")
    if isinstance(exc, click.BadParameter) and "does not exist" in exc.message:
        quoted = re.search(r"'([^']*)'", exc.message)
        return DutchUsage(f"'{quoted.group(1) if quoted else ''}' bestaat niet ({_param(exc.param)}).{see}")
    if isinstance(exc, click.BadParameter):
        quoted = re.search(r"'([^']*)'", exc.message) or re.match(r"(\S+) is not in the range", exc.message)
        value = f"'{quoted.group(1)}' " if quoted else ""
        limits = re.search(r"range (.+?)\.?$", exc.message)
        wanted = f" (toegestaan: {limits.group(1)})" if limits else ""
        return DutchUsage(f"{value}is geen geldige waarde voor {_param(exc.param)}{wanted}.{see}")
    extra = re.match(r"Got unexpected extra arguments? \((.*)\)", exc.message)
    if extra:
        return DutchUsage(f"onverwacht extra argument '{extra.group(1)}'.{see}")
    no_value = re.match(r"Option '([^']*)' does not take a value", exc.message)
    if no_value:
        return DutchUsage(f"de optie {no_value.group(1)} neemt geen waarde (laat '=…' weg).{see}")
    needs = re.match(r"Option '([^']*)' requires an argument", exc.message)
    if needs:
        return DutchUsage(f"de optie {needs.group(1)} heeft een waarde nodig.{see}")
    unknown = re.match(r"No such command '([^']*)'", exc.message)
    if unknown:
        return DutchUsage(f"onbekende opdracht '{unknown.group(1)}'.{see}")
    return DutchUsage(f"de opdracht klopt niet ({exc.message}).{see}")


def _param(param: click.Parameter | None) -> str:
    if param is None:
        return "een waarde"
    if isinstance(param, click.Option) and param.opts:
        return f"de optie {max(param.opts, key=len)}"
    return f"'{(param.name or '').upper()}'"


class Group(DutchHelp, click.Group):
    """Turns the product's own errors into a one-line message and their exit code; usage errors too."""

    command_class = Command

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except DutchUsage:
            raise
        except click.UsageError as exc:
            raise dutch_usage(exc) from exc

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DutchUsage:
            raise
        except click.UsageError as exc:
            raise dutch_usage(exc) from exc
        except sqlite3.DatabaseError as exc:  # damaged inside, found while reading it
            from automation import app

            self._refuse(ctx, app.damaged_database(exc))
        except VeiligheidError as exc:
            self._refuse(ctx, exc)
        except KeyboardInterrupt:  # one Dutch line, not click's 'Aborted!' with exit code 1
            self._refuse(ctx, Interrupted())

    @staticmethod
    def _refuse(ctx: click.Context, exc: VeiligheidError) -> None:
        click.echo(f"Fout: {exc.message}", err=True)
        if isinstance(ctx.obj, Context) and ctx.obj.json:  # a program reading stdout hears it too
            click.echo(json.dumps({"error": exc.message, "exit_code": exc.exit_code}))
        sys.exit(exc.exit_code)


@click.group(cls=Group)
@click.option(
    "--config",
    "config",
    type=click.Path(path_type=Path),
    help="Pad naar veiligheid.toml (standaard: in de huidige map).",
)
@click.option("-v", "--verbose", is_flag=True, help="Meer uitvoer (ook in het logbestand).")
@click.version_option(__version__, prog_name="veiligheid", help="Toon de versie en stop.")
@click.pass_context
def main(ctx: click.Context, config: Path | None, verbose: bool) -> None:
    """Registratie en verantwoording van sociale veiligheid voor een schoolbestuur."""
    ctx.obj = Context(config, verbose)


@main.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path), default=Path())
@click.option("--bestuur", default="Stichting Voorbeeld Primair Onderwijs", help="Naam van het bestuur.")
def init(folder: Path, bestuur: str) -> None:
    """Maak een werkmap: veiligheid.toml (met uitleg), de mappen en het geheim voor pseudoniemen."""
    from automation.workspace import init_workspace

    settings, created = init_workspace(folder, board=bestuur)
    if created:
        click.echo(f"Configuratie gemaakt: {settings.paths.config}")
        click.echo(
            "Vul daarin de naam van het bestuur en de scholen in en maak dan de formulieren met 'veiligheid forms'."
        )
    else:
        click.echo(f"Configuratie bestond al ({settings.paths.config}); de mappen zijn aangevuld.")


@main.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Map voor de formulieren (standaard: formulieren/ in de werkmap).",
)
@click.option(
    "--voorbeeld", is_flag=True, help="Zonder configuratie, met de voorbeeldscholen (voor workbook_templates/)."
)
@click.pass_obj
def forms(obj: Context, out: Path | None, voorbeeld: bool) -> None:
    """Schrijf de vijf lege formulieren (incident, agressie, ongeval, school, peiling)."""
    from automation import app
    from automation.workspace import EXAMPLE_SCHOOLS

    settings = None if voorbeeld else obj.settings()
    if settings is not None and settings.schools == dict(EXAMPLE_SCHOOLS):
        click.echo(
            "Let op: veiligheid.toml bevat nog de voorbeeldscholen. Vul de scholen van het bestuur in "
            "en maak de formulieren daarna opnieuw.",
            err=True,
        )
    target = out or (settings.paths.root / "formulieren" if settings else Path("workbook_templates"))
    for path in app.write_forms(settings, target):
        click.echo(str(path))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Schrijf het resultaat als één JSON-object.")
@click.pass_obj
def process(obj: Context, as_json: bool) -> None:
    """Verwerk alles wat nu in de inbox staat, werk het bestuursoverzicht bij en stop."""
    from automation import app

    obj.json = as_json
    settings = obj.settings()
    show = not as_json and sys.stderr.isatty()
    with ProgressDisplay(enabled=show) as progress:
        counts = app.process(settings, progress=progress)
    result = counts.as_dict() | {
        "master": str(settings.paths.master),
        "master_updated": not counts.master_failed,
        "afgewezen": str(settings.paths.rejected),
    }
    if as_json:
        click.echo(json.dumps(result))
        return
    click.echo(
        f"Geaccepteerd: {counts.accepted}  Afgewezen: {counts.rejected}  Dubbel: {counts.duplicates}  "
        f"Genegeerd: {counts.ignored}  Wacht nog: {counts.waiting}"
        + (f"  Nog terug te geven: {counts.hand_back_pending}" if counts.hand_back_pending else "")
    )
    click.echo(f"Bestuursoverzicht: {settings.paths.master}")
    if counts.master_failed:
        click.echo(
            "Let op: het bestuursoverzicht kon niet worden bijgewerkt (is het geopend in Excel?). "
            "Er is niets verloren; de volgende verwerking probeert het opnieuw.",
            err=True,
        )
    if counts.rejected:
        click.echo(f"Afgewezen bestanden met uitleg: {settings.paths.rejected}")


@main.command()
@click.option(
    "--poll", type=click.FloatRange(min=0.1), help="Kijk elke SECONDEN (voor netwerkschijven zonder meldingen)."
)
@click.pass_obj
def watch(obj: Context, poll: float | None) -> None:
    """Blijf de inbox bewaken en verwerk nieuwe bestanden zodra ze compleet zijn (Ctrl-C stopt)."""
    from automation import app

    settings = obj.settings(console_info=True)
    app.check_folders(settings)
    click.echo(f"Bewaakt {settings.paths.inbox} — stop met Ctrl-C.")
    app.run_watch(settings, poll=poll)
    click.echo("Gestopt.")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Als JSON.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Toon de mappen, de tellingen per formulier en uitkomst, en de laatste verwerking.

    Ook als er iets mis is (geen inbox, geen database) toont status alles wat het kan en stopt dan met
    de code van het ernstigste probleem."""
    from automation import app

    obj: Context = ctx.obj
    obj.json = as_json
    report = app.status(obj.settings())
    if as_json:
        paths = report["paths"]
        click.echo(json.dumps(report | {k: paths[k] for k in ("inbox", "outbox", "archive", "database", "master")}))
    else:
        for line in status_lines(report):
            click.echo(line)
    problems = report["problems"]
    for problem in problems:
        click.echo(f"Fout: {problem['message']}", err=True)
    if problems:
        ctx.exit(problems[0]["code"])


class ProgressDisplay:
    """A progress bar on the terminal while a backlog is processed (only when someone watches)."""

    def __init__(self, *, enabled: bool, label: str = "Verwerken") -> None:
        self.enabled = enabled
        self.label = label
        self.bar: Any = None
        self.shown = 0

    def __enter__(self) -> ProgressDisplay:
        return self

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < 20:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr, show_pos=True)
            self.bar.__enter__()
        self.bar.length = max(self.bar.length, total)
        self.bar.update(done - self.shown)
        self.shown = done

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


PATH_LABELS = {
    "config": "Configuratie",
    "inbox": "Inbox",
    "outbox": "Outbox",
    "afgewezen": "Afgewezen",
    "bevestigingen": "Bevestigingen",
    "archive": "Archief",
    "database": "Database",
    "master": "Bestuursoverzicht",
    "logs": "Logbestanden",
    "profielen": "Profielen",
}


def _moment(text: str | None) -> str:
    return datetime.fromisoformat(text).strftime("%d-%m-%Y %H:%M:%S") if text else "(loopt nog of afgebroken)"


def signal_lines(kept: dict[str, Any] | None) -> list[str]:
    """The early warnings as the Overzicht last listed them (one computation for both), with when."""
    if kept is None:
        return []
    found = kept["signalen"]
    where = kept["overzicht"]
    lines = [
        "",
        f"Signalen ({len(found)}), volgens de drempels van het bestuur (berekend {_moment(kept['berekend'])}, als in "
        f"het Overzicht van {where}):",
    ]
    lines += [f"  {s['school']}  {s['tekst']}" for s in found] or ["  Geen signalen."]
    return lines


def school_lines(figures: dict[str, Any]) -> list[str]:
    """Per school what the Overzicht shows (the same computed facts)."""
    if not figures.get("scholen"):
        return []
    lines = [
        "",
        f"Per school, schooljaar {figures['schooljaar']} (tussen haakjes: heel {figures['vorig_schooljaar']}):",
    ]
    for brin, school in figures["scholen"].items():
        before = school["totaal_vorig_jaar"]
        actions = school["open_acties"]
        lines.append(
            f"  {brin} {school['naam']}: {school['totaal']} registraties "
            f"({'geen gegevens' if before is None else before}), "
            f"{actions} open {'actie' if actions == 1 else 'acties'}, mijlpalen {school['mijlpalen_gereed']} gereed "
            f"en {school['mijlpalen_te_laat']} te laat, monitor: {school['monitor']}"
        )
    return lines


def unhandled_lines(items: list[dict[str, Any]], *, minutes: float | None) -> list[str]:
    """What stays in the inbox without being taken (intake.leftovers), each with why."""
    if not items:
        return []
    lines = [
        "",
        f"Niet verwerkt in de inbox (langer dan {minutes:g} minuten; de afzender ziet een melding in afgewezen/):",
    ]
    for item in items:
        since = datetime.fromisoformat(item["sinds"]).strftime("%d-%m-%Y %H:%M")
        school = f", {item['school']}" if item["school"] else ""
        lines.append(f"  {item['naam']} (sinds {since}{school}): {item['reden']}")
    return lines


def mail_lines(mail: dict[str, Any] | None) -> list[str]:
    """The e-mail queue: how it is sent, what waits, what failed and the last error."""
    if not mail:
        return []
    via = f"via {mail['via']}" if mail["via"] else f"als .eml-bestand in {mail['map']} (geen [email] server)"
    done = "verstuurd" if mail["via"] else "geschreven"  # without a server nothing is sent: written as .eml
    line = f"E-mail ({via}): wachtend {mail['wachtend']}, mislukt {mail['mislukt']}, {done} {mail['verstuurd']}"
    lines = ["", line]
    if mail["wachtend"] and mail["oudste_wachtend"]:
        lines.append(f"  oudste wachtende bericht sinds {_moment(mail['oudste_wachtend'])}")
    if mail["laatste_fout"]:
        lines.append(f"  laatste fout: {mail['laatste_fout']}")
    if mail.get("zonder_adres_directeur"):
        schools = ", ".join(mail["zonder_adres_directeur"])
        lines.append(f"  geen weekoverzicht (geen e-mailadres van de directeur op het schoolformulier): {schools}")
    return lines


def status_lines(report: dict[str, Any]) -> list[str]:
    from automation.forms import FORMS

    lines = [f"{PATH_LABELS.get(key, key):18} {value}" for key, value in report["paths"].items()]
    lines.append(f"{'Wacht in de inbox':18} {report['inbox_waiting']}")
    lines += unhandled_lines(report.get("onbehandeld") or [], minutes=report.get("onbehandeld_na_minuten"))
    lines += signal_lines(report.get("signals"))  # what needs looking at first, after what waits
    records = report.get("records") or {}
    if records:
        lines.append("")
        lines.append(
            "Opgeslagen formulieren (na correcties): " + ", ".join(f"{FORMS[k].title} {n}" for k, n in records.items())
        )
        for form_id, (withdrawn, merged) in (report.get("not_counted") or {}).items():
            gone = [f"{withdrawn} ingetrokken"] * bool(withdrawn) + [f"{merged} samengevoegd"] * bool(merged)
            lines.append(f"  waarvan {FORMS[form_id].title}: {' en '.join(gone)} (tellen niet mee)")
        for brin, n in (report.get("unknown_schools") or {}).items():
            lines.append(
                f"  Let op: {n} registratie(s) van school {brin}, die niet (meer) in veiligheid.toml staat. Zet de "
                f"school terug, of verplaats ze: veiligheid registratie verplaatsen NUMMER --naar …"
            )
    lines += school_lines(report.get("schools") or {})
    lines += mail_lines(report.get("mail"))
    lines.append("")
    lines.append("Ontvangen bestanden:")
    for form_id, outcomes in sorted(report["counts"].items()):
        title = FORMS[form_id].title if form_id in FORMS else "Geen formulier"
        parts = ", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items()))
        lines.append(f"{title:42} {parts}")
    last = report["last_run"]
    if last:
        counts = last["counts"]
        lines += [
            "",
            f"Laatste verwerking ({last['command']}): {_moment(last['started_at'])} tot {_moment(last['finished_at'])}",
            f"  geaccepteerd {counts.get('accepted', 0)}, afgewezen {counts.get('rejected', 0)}, "
            f"dubbel {counts.get('duplicates', 0)}, wacht nog {counts.get('waiting', 0)}",
        ]
    recent = report.get("recent") or []
    if recent:
        lines += ["", "Laatste wijzigingen (tijd, opdracht, bestand, uitkomst, nummer, SHA-256):"]
        for entry in recent:
            sha = (entry["sha256"] or "")[:12] or "-"
            why = ""
            if entry["outcome"] == "afgewezen" and entry.get("reasons"):
                first = str(entry["reasons"]).split(" | ")[0].split("\n")[0]
                why = f" ({first[:70]}{'…' if len(first) > 70 else ''})"
            lines.append(
                f"  {_moment(entry['at'])}  {entry['command'] or '-':8} {entry['name']}: {entry['outcome']}"
                f"{' ' + entry['regnr'] if entry['regnr'] else ''}{why}  {sha}"
            )
    return lines


@main.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path), default=Path("demo"))
@click.pass_obj
def demo(obj: Context, folder: Path) -> None:
    """Maak een demo-werkmap met drie scholen, vul formulieren in (ook foute) en verwerk ze."""
    from automation import app
    from automation.workspace import setup_logging

    setup_logging(None, verbose=obj.verbose)
    result = app.demo(folder.resolve(), log=click.echo)
    paths = result.settings.paths
    first, second = result.first, result.second
    click.echo("")
    click.echo(
        f"Verwerkt: {first.accepted} geaccepteerd, {first.rejected} afgewezen, {first.duplicates} dubbel, "
        f"{first.ignored} genegeerd (Excel-tijdelijk bestand)."
    )
    click.echo(f"Daarna een correctie van {result.correction_of}: {second.accepted} geaccepteerd.")
    click.echo("")
    click.echo(f"Bestuursoverzicht:          {paths.master}")
    click.echo(f"Afgewezen, met uitleg:      {paths.rejected}")
    click.echo(f"Bevestigingen voor melders: {paths.receipts}")
    click.echo(f"Archief (alle originelen):  {paths.archive}")
    click.echo(f"E-mails (nog geen server):  {paths.mail_outbox}")
    if result.yearly_report is not None:
        click.echo(f"Jaarverslag (anoniem):      {result.yearly_report}")
    click.echo(f"Verder proberen: {_self_command()} --config {paths.config} status")
    click.echo(f"Veiligheidsplannen maken:   {_self_command()} --config {paths.config} plan")
    click.echo(f"Jaarverslag opnieuw maken:  {_self_command()} --config {paths.config} jaarverslag")


@main.command()
@click.option(
    "--test",
    "test_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Probeer een export met de profielen, zonder iets op te slaan.",
)
@click.pass_obj
def profielen(obj: Context, test_file: Path | None) -> None:
    """Toon de profielen voor exports van peilingen, en test een export (--test BESTAND)."""
    from automation import app

    report = app.profiles(obj.settings(), test_file=test_file)
    click.echo(f"Profielen voor exports van peilingen (eigen profielen in {report.folder}):")
    for name, source in report.profiles:
        click.echo(f"  {name}  [{source}]")
    click.echo(f"De ingebouwde profielen staan in {report.builtin_folder} (kopieer er een als begin).")
    for line in report.broken:
        click.echo(f"Fout in een profiel: {line}", err=True)
    if report.test_ok is not None:
        click.echo("")
        for line in report.test_lines:
            click.echo(line)
    if report.broken:
        one = len(report.broken) == 1
        raise ProfileError(
            f"Herstel {'het profiel' if one else f'de {len(report.broken)} profielen'} hierboven in {report.folder}; "
            f"tot dan {'wordt het' if one else 'worden ze'} niet gebruikt."
        )
    if report.test_ok is False:
        raise SurveyRejected(f"{test_file} is niet ingelezen (zie hierboven); er is niets opgeslagen.")


@main.command()
@click.option("--toch", is_flag=True, help="Herbouw ook als de database in orde is (die blijft ernaast bewaard).")
@click.pass_obj
def rebuild(obj: Context, toch: bool) -> None:
    """Herbouw de database uit het archief (als hij ontbreekt of beschadigd is)."""
    from automation import app

    settings = obj.settings()
    with ProgressDisplay(enabled=sys.stderr.isatty(), label="Herbouwen") as progress:
        report, counts = app.rebuild(settings, anyway=toch, progress=progress)
    done = report.counts
    click.echo(
        f"Database herbouwd uit het archief: {sum(done.values())} bestanden "
        f"({done.get('geaccepteerd', 0)} geaccepteerd, {done.get('afgewezen', 0)} afgewezen, {done.get('dubbel', 0)} dubbel)."
    )
    for path in report.moved_aside:
        click.echo(f"De vorige database staat ernaast: {path}")
    for heading, lines in (
        ("origineel/originelen uit het register ontbreken in het archief", report.missing),
        ("nummer(s) staan alleen nog op een bevestiging en zijn niet hersteld", report.only_receipt),
        ("registratie(s) kregen een ander nummer dan de bevestiging noemt", report.renumbered),
        ("actie(s) van het bestuurskantoor konden niet opnieuw worden gedaan", report.office_missing),
    ):
        if lines:
            click.echo(f"Let op: {len(lines)} {heading} (ook in het Logboek):", err=True)
            for line in lines[:20]:
                click.echo(f"  {line}", err=True)
    if report.unlisted:
        click.echo(f"{report.unlisted} bestand(en) in het archief zonder registerregel: verwerkt op bestandstijd.")
    click.echo(
        f"Daarna de inbox: {counts.accepted} geaccepteerd, {counts.rejected} afgewezen; het bestuursoverzicht is bijgewerkt."
    )


@main.command()
@click.option("--proef", "--dry-run", "dry_run", is_flag=True, help="Zeg alleen wat er weg zou gaan; verander niets.")
@click.pass_obj
def purge(obj: Context, dry_run: bool) -> None:
    """Verwijder persoonsgegevens die ouder zijn dan de bewaartermijn ([privacy] in de instellingen)."""
    from automation import app
    from automation.intake.purge import summary as purge_summary

    settings = obj.settings()
    report = app.purge(settings, dry_run=dry_run)
    years = settings.board.privacy.bewaartermijn_schooljaren
    click.echo(
        f"Bewaartermijn: {years} {'schooljaar' if years == 1 else 'schooljaren'}; alles van vóór "
        f"{report.cutoff:%d-%m-%Y} valt erbuiten."
    )
    if report.nothing:
        click.echo("Er is niets ouder dan de bewaartermijn: niets verwijderd.")
        return
    click.echo(purge_summary(report))
    if dry_run:
        click.echo("Dit was een proef: er is niets veranderd. Zonder --proef wordt het echt verwijderd.")


def _self_command() -> str:
    """How to call this program again from any folder (the venv is usually not activated)."""
    script = Path(sys.executable).with_name("veiligheid.exe" if sys.platform == "win32" else "veiligheid")
    return str(script) if script.exists() else f"{sys.executable} -m automation"


# --- the veiligheidsplan and its annexes ------------------------------------------------------


@main.command()
@click.option("--school", "schools", multiple=True, metavar="BRIN", help="Alleen deze school (mag vaker).")
@click.option("--schooljaar", metavar="JJJJ-JJJJ", help="Het schooljaar, zoals 2026-2027 (standaard: het huidige).")
@click.option("--pdf", is_flag=True, help="Maak ook PDF's (met LibreOffice, als dat geïnstalleerd is).")
@click.pass_obj
def plan(obj: Context, schools: tuple[str, ...], schooljaar: str | None, pdf: bool) -> None:
    """Maak per school het veiligheidsplan en de twaalf bijlagen in outbox/plannen/."""
    from automation import app

    settings = obj.settings()
    with ProgressDisplay(enabled=sys.stderr.isatty(), label="Plannen maken") as progress:
        run = app.make_plans(settings, schools=list(schools) or None, schooljaar=schooljaar, pdf=pdf, progress=progress)
    generation = run.generation
    count = len(generation.results)
    click.echo(
        f"Veiligheidsplan en bijlagen voor {generation.schooljaar}: {count} {'school' if count == 1 else 'scholen'}, "
        f"{len(generation.files)} documenten."
    )
    for result in generation.results:
        click.echo(f"  {result.brin} {result.name}: {result.folder}")
    own = sorted(origin for origin in run.origin.values() if origin != "ingebouwd" and "sjablonen" in origin)
    if own:
        click.echo(f"Eigen sjablonen gebruikt: {len(own)} uit {Path(own[0]).parent}")
    if run.pdf is not None:
        click.echo(f"PDF's gemaakt: {len(run.pdf.made)}")
        for line in run.pdf.problems:
            click.echo(f"Let op: {line}", err=True)
        if run.pdf.note:
            click.echo(f"Let op: {run.pdf.note}", err=True)


@main.command()
@click.option("--schooljaar", metavar="JJJJ-JJJJ", help="Het schooljaar, zoals 2025-2026 (standaard: het huidige).")
@click.option("--zonder-pdf", "no_pdf", is_flag=True, help="Maak geen PDF, ook niet als LibreOffice er is.")
@click.pass_obj
def jaarverslag(obj: Context, schooljaar: str | None, no_pdf: bool) -> None:
    """Maak het anonieme jaarverslag sociale veiligheid van het bestuur (voor het bestuursverslag en de GMR)."""
    from automation import app

    run = app.make_yearly_report(obj.settings(), schooljaar=schooljaar, pdf=not no_pdf)
    written = run.written
    click.echo(f"Jaarverslag sociale veiligheid {written.schooljaar}: {written.path}")
    if written.origin != "ingebouwd" and "sjablonen" in written.origin:
        click.echo(f"Eigen sjabloon gebruikt: {written.origin}")
    if run.pdf is not None:
        for path in run.pdf.made:
            click.echo(f"PDF: {path}")
        for line in run.pdf.problems:
            click.echo(f"Let op: {line}", err=True)
        if run.pdf.note:
            click.echo(f"Let op: {run.pdf.note}", err=True)


@main.group(cls=Group)
def mail() -> None:
    """E-mailberichten: de instellingen in [email] van veiligheid.toml."""


@mail.command("test")
@click.option(
    "--aan", "to", multiple=True, metavar="ADRES", help="Naar dit adres (mag vaker; standaard: [email] bestuur)."
)
@click.pass_obj
def mail_test(obj: Context, to: tuple[str, ...]) -> None:
    """Verstuur nu één proefbericht, om de instellingen te controleren."""
    from automation import app

    click.echo(app.mail_test(obj.settings(), to=to))


@main.group(cls=Group)
def templates() -> None:
    """De Word-sjablonen van het veiligheidsplan en de bijlagen: maken en controleren."""


@templates.command("build")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Map voor de sjablonen.")
@click.option(
    "--opnieuw",
    is_flag=True,
    help="Overschrijf ook sjablonen die al in de map staan (eigen wijzigingen gaan verloren).",
)
@click.option("--voorbeeld", is_flag=True, help="Zonder configuratie: de sjablonen van het product (doc_templates/).")
@click.pass_obj
def templates_build(obj: Context, out: Path | None, opnieuw: bool, voorbeeld: bool) -> None:
    """Zet de sjablonen in sjablonen/ van de werkmap, om ze in Word aan te passen."""
    from automation import app
    from automation.documents.build_templates import TEMPLATE_NAMES

    settings = None if voorbeeld else obj.settings()
    target, written = app.build_templates(settings, out=out, overwrite=opnieuw)
    for path in written:
        click.echo(str(path))
    kept = len(TEMPLATE_NAMES) - len(written)
    if kept:
        what = "1 sjabloon stond" if kept == 1 else f"{kept} sjablonen stonden"
        click.echo(f"{what} al in {target}: niet overschreven (met --opnieuw wel).")
    if settings is not None:
        click.echo("Pas ze aan in Word en controleer ze daarna met 'veiligheid templates check'.")


@templates.command("check")
@click.option(
    "--map",
    "folder",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Controleer de sjablonen in deze map (standaard: de sjablonen die 'plan' gebruikt).",
)
@click.option("--voorbeeld", is_flag=True, help="Zonder configuratie: de sjablonen van het product.")
@click.pass_obj
def templates_check(obj: Context, folder: Path | None, voorbeeld: bool) -> None:
    """Controleer elk sjabloon: tags, gegevens die niet bestaan, door Word opgesplitste tags."""
    from automation import app

    settings = None if voorbeeld else obj.settings()
    origin, findings = app.check_templates(settings, folder=folder)
    for finding in findings:
        click.echo(str(finding), err=finding.level == "fout")
    errors = sum(f.level == "fout" for f in findings)
    warnings = len(findings) - errors
    click.echo(f"{len(origin)} sjablonen gecontroleerd: {errors} fout(en), {warnings} waarschuwing(en).")
    if errors:
        broken = sorted({f.template for f in findings if f.level == "fout"})
        raise TemplateProblem(
            f"Herstel {'het sjabloon' if len(broken) == 1 else 'de sjablonen'} met fouten ({', '.join(broken)}) en "
            "controleer opnieuw met 'veiligheid templates check'.",
            template=broken[0],
        )


@main.group(cls=Group)
def registratie() -> None:
    """Een registratie intrekken, verplaatsen, samenvoegen of herstellen (het bestuurskantoor)."""


NUMBER = click.argument("nummer")
REASON = click.option("--reden", default="", help="Waarom (komt in het Logboek).")
ANYWAY = click.option(
    "--toch", is_flag=True, help="Ook als de registratie een wettelijke meldplicht heeft die nog open staat."
)


def _office(obj: Context, action: str, nummer: str, reden: str, **extra: Any) -> None:
    """Carry out one office action (`action`: the subcommand's name, see office.Action) and say how."""
    from automation import app
    from automation.intake import office

    settings = obj.settings()
    done = app.office_action(settings, office.Request(office.Action(action), nummer, reden, **extra))
    click.echo(done.message)
    if done.by_watcher:
        click.echo("(Door de draaiende watcher; het bestuursoverzicht volgt zo.)")
    elif done.changed:
        click.echo(f"Het bestuursoverzicht is bijgewerkt: {settings.paths.master}")


@registratie.command("intrekken")
@NUMBER
@click.option("--reden", required=True, help="Waarom (verplicht; komt in het Logboek).")
@ANYWAY
@click.pass_obj
def registratie_intrekken(obj: Context, nummer: str, reden: str, toch: bool) -> None:
    """Trek een registratie in: ze blijft in het register staan maar telt nergens meer mee."""
    _office(obj, "intrekken", nummer, reden, anyway=toch)


@registratie.command("verplaatsen")
@NUMBER
@click.option("--naar", required=True, help="De school (BRIN of naam) waar de melding hoort.")
@REASON
@click.pass_obj
def registratie_verplaatsen(obj: Context, nummer: str, naar: str, reden: str) -> None:
    """Zet een melding bij de school waar ze hoort; die school kan haar daarna verbeteren."""
    _office(obj, "verplaatsen", nummer, reden, to=naar)


@registratie.command("samenvoegen")
@NUMBER
@click.option("--met", "met", required=True, help="Het nummer van de melding die blijft meetellen.")
@REASON
@ANYWAY
@click.pass_obj
def registratie_samenvoegen(obj: Context, nummer: str, met: str, reden: str, toch: bool) -> None:
    """Twee meldingen van hetzelfde voorval: NUMMER telt voortaan alleen mee via de melding --met."""
    _office(obj, "samenvoegen", nummer, reden, to=met, anyway=toch)


@registratie.command("herstellen")
@NUMBER
@click.option("--reden", required=True, help="Waarom (verplicht; komt in het Logboek).")
@click.pass_obj
def registratie_herstellen(obj: Context, nummer: str, reden: str) -> None:
    """Draai de laatste actie van het bestuurskantoor op deze registratie terug."""
    _office(obj, "herstellen", nummer, reden)


@registratie.command("toon")
@NUMBER
@click.pass_obj
def registratie_toon(obj: Context, nummer: str) -> None:
    """Toon een registratie: school, of ze meetelt, en alles wat het bestuurskantoor eraan deed."""
    from automation import app

    for line in app.office_history(obj.settings(), nummer):
        click.echo(line)
