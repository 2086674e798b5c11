"""E-mail notices (issue 15, part 4): what is sent (pure functions), the queue in the store, and
sending it to a real SMTP server on loopback (aiosmtpd): accepted, refused (550), gone and back,
STARTTLS and implicit TLS with a certificate made here, logging in with a password file."""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import ipaddress
import logging
import os
import re
import socket
import sqlite3
import ssl
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from click.testing import CliRunner

from automation import app
from automation.cli import main, status_lines
from automation.config import Settings, load_settings
from automation.errors import ConfigError, MailError
from automation.forms import FORMS
from automation.mail import outbox
from automation.mail.notices import Urgent, director_digest, urgent_notice, urgent_reasons
from automation.store import Store
from tests.conftest import Filler
from tests.helpers import handed_back, rows, wait_for, with_part_changed

AT = dt.datetime(2026, 12, 3, 10, 15)
STAFF_IN_HOSPITAL = {
    "slachtoffer_type": "medewerker",
    "behandeling": "ziekenhuisopname",
    "arbeidsinspectie_gemeld": "nee",
}
PUPIL_DIED = {"slachtoffer_type": "leerling", "behandeling": "overleden"}
STAFF_MISCONDUCT = {"categorie": "seksueel grensoverschrijdend gedrag", "dader_rol": "personeel"}
REF, STORY = "QXW", "Verhaal: QXW viel van het klimrek bij de zandbak."


# --- what is sent: pure functions --------------------------------------------------------------------
def test_what_cannot_wait_comes_from_the_forms_duties_and_alerts() -> None:
    accident, incident = FORMS["ongeval"], FORMS["incident"]
    assert [(u.code, u.done) for u in urgent_reasons(accident, STAFF_IN_HOSPITAL)] == [
        ("Nederlandse Arbeidsinspectie", False)
    ]
    assert [u.code for u in urgent_reasons(accident, PUPIL_DIED)] == ["overlijden"]
    assert [u.code for u in urgent_reasons(incident, STAFF_MISCONDUCT)] == [
        "vertrouwensinspecteur van de Inspectie van het Onderwijs"
    ]
    assert urgent_reasons(incident, {"categorie": "pesten", "dader_rol": "leerling"}) == []
    died = FORMS["agressie"] and urgent_reasons(FORMS["agressie"], {"letsel": "overleden"})
    assert [u.code for u in died] == ["Nederlandse Arbeidsinspectie", "overlijden"]


def test_the_urgent_notice_names_number_school_and_duty_and_nothing_about_the_pupil() -> None:
    notice = urgent_notice(
        to=["veiligheid@bestuur.nl"],
        board="Testbestuur",
        regnr="ONG-2026-0001",
        form_title="Ongevallenmeldingsformulier",
        school="12AB De Regenboog",
        received=AT,
        reasons=[Urgent("Nederlandse Arbeidsinspectie", FORMS["ongeval"].duties[0].action)],
    )
    assert notice.subject == "Direct actie nodig: ONG-2026-0001 (12AB De Regenboog)"
    assert notice.key == "dringend:ONG-2026-0001:Nederlandse Arbeidsinspectie"
    assert notice.body.splitlines()[:9] == [
        "Er is zojuist een melding geregistreerd die niet kan wachten.",
        "",
        "Registratienummer: ONG-2026-0001",
        "Formulier:         Ongevallenmeldingsformulier",
        "School:            12AB De Regenboog",
        "Ontvangen:         03-12-2026 10:15",
        "",
        "Waarom dit bericht:",
        "- Melden bij de Nederlandse Arbeidsinspectie (ongeval van personeel met ziekenhuisopname, blijvend letsel "
        "of overlijden)",
    ]
    message = notice.message(sender="veiligheid@bestuur.nl", at=AT)
    assert message["To"] == "veiligheid@bestuur.nl" and message["Auto-Submitted"] == "auto-generated"


def test_the_weekly_digest_lists_new_registrations_open_actions_and_a_stale_plan() -> None:
    from automation.checks.actions import Action
    from automation.mail.notices import NewRegistration

    notice = director_digest(
        to=["directeur@school.nl"],
        board="Testbestuur",
        school="12AB De Regenboog",
        brin="12AB",
        week=(2026, 49),
        new=[NewRegistration("INC-2026-0003", "Incidentregistratie", dt.date(2026, 12, 1))],
        actions=[Action("ONG-2026-0001", "12AB", "Melden bij de Nederlandse Arbeidsinspectie", duty=True)],
        plan_made=dt.datetime(2026, 10, 1, 9, 0),
        plan_stale=True,
        signals=["Meer pestincidenten dan vorig jaar in dezelfde periode."],
    )
    assert notice.key == "weekoverzicht:12AB:2026-W49"
    assert notice.body.splitlines()[:15] == [
        "Weekoverzicht sociale veiligheid van 12AB De Regenboog, week 49 van 2026.",
        "",
        "Signalen (afspraken van het bestuur, geen eisen van de wet):",
        "- Meer pestincidenten dan vorig jaar in dezelfde periode.",
        "",
        "Nieuwe registraties (1):",
        "- INC-2026-0003  Incidentregistratie, 01-12-2026",
        "",
        "Open acties (1, bij 1 registratie):",
        "- ONG-2026-0001: Melden bij de Nederlandse Arbeidsinspectie",
        "Vertrouwelijke meldingen (zoals agressie tegen personeel of grensoverschrijdend gedrag door personeel) "
        "staan nooit in dit overzicht; die volgt het bestuurskantoor.",
        "",
        "Veiligheidsplan: gemaakt op 01-10-2026, maar de gegevens zijn sindsdien veranderd; een nieuwe versie is nodig.",
        "",
        "Dit bericht is automatisch verstuurd door het registratiesysteem sociale veiligheid van Testbestuur.",
    ]


# --- config and the password -------------------------------------------------------------------------
def with_email(settings: Settings, text: str) -> Settings:
    config = settings.paths.config
    config.write_text(config.read_text(encoding="utf-8") + "\n[email]\n" + text + "\n", encoding="utf-8")
    return load_settings(config)


def test_a_password_in_the_config_or_a_plain_connection_to_another_computer_is_refused(workspace: Settings) -> None:
    config = workspace.paths.config
    original = config.read_text(encoding="utf-8")
    with pytest.raises(ConfigError, match=r"zet het wachtwoord nooit in veiligheid\.toml"):
        with_email(workspace, 'server = "smtp.bestuur.nl"\nafzender = "a@bestuur.nl"\nwachtwoord = "geheim"')
    config.write_text(original, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"beveiliging 'geen' mag alleen naar een mailserver op deze computer"):
        with_email(workspace, 'server = "smtp.bestuur.nl"\nafzender = "a@bestuur.nl"\nbeveiliging = "geen"')


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_password_file_others_may_read_is_refused_in_dutch(workspace: Settings) -> None:
    secret = workspace.paths.root / "smtp-wachtwoord"
    secret.write_text("geheim\n", encoding="utf-8")
    secret.chmod(0o644)
    settings = with_email(
        workspace,
        'server = "smtp.bestuur.nl"\nafzender = "a@bestuur.nl"\ngebruiker = "a@bestuur.nl"\n'
        'wachtwoord_bestand = "smtp-wachtwoord"',
    )
    with pytest.raises(ConfigError, match=r"is ook door anderen te lezen \(rechten -rw-r--r--\).*chmod 600"):
        outbox.password(outbox.email_settings(settings), root=settings.paths.root)
    secret.chmod(0o600)
    assert outbox.password(outbox.email_settings(settings), root=settings.paths.root) == "geheim"
    env = outbox.email_settings(settings).model_copy(
        update={"wachtwoord_bestand": "", "wachtwoord_omgeving": "SMTP_PW"}
    )
    assert outbox.password(env, root=settings.paths.root, environ={"SMTP_PW": "uit-omgeving"}) == "uit-omgeving"
    with pytest.raises(ConfigError, match="de omgevingsvariabele SMTP_PW is niet gezet"):
        outbox.password(env, root=settings.paths.root, environ={})


# --- without [email]: .eml files -----------------------------------------------------------------------
def eml_files(settings: Settings) -> list[EmailMessage]:
    folder = settings.paths.mail_outbox
    return [
        email.message_from_bytes(p.read_bytes(), _class=EmailMessage, policy=default)
        for p in sorted(folder.glob("*.eml"))
    ]


def body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


def test_a_rejected_confidential_report_is_never_mailed_to_the_address_typed_on_it(
    workspace: Settings, drop: Filler
) -> None:
    drop("agressie", "agressie fout.xlsx", seed=4, datum="gisteren", ingevuld_door_email="iemand.anders@gmail.com")
    counts = app.process(workspace)
    assert counts.rejected == 1
    assert not [m for m in eml_files(workspace) if str(m["Subject"]).startswith("Niet verwerkt")]
    assert list(workspace.paths.rejected.rglob("agressie fout - uitleg.txt"))  # the office reads it in its folder


def test_without_email_settings_the_notices_are_written_as_eml_files(workspace: Settings, drop: Filler) -> None:
    drop("ongeval", "ongeval.xlsx", toedracht=STORY, **STAFF_IN_HOSPITAL)
    drop(
        "incident",
        "fout.xlsx",
        datum="gisteren",
        ingevuld_door_email="juf@school.nl",
        leerling_ref=REF,
        omschrijving=STORY,
    )
    drop("incident", "gewoon.xlsx", seed=3, categorie="pesten", dader_rol="leerling")
    app.process(workspace)
    messages = eml_files(workspace)
    subjects = sorted(str(m["Subject"]) for m in messages)
    assert subjects == ["Direct actie nodig: ONG-2026-0001 (12AB OBS De Regenboog)", "Niet verwerkt: fout.xlsx"]
    rejection = next(m for m in messages if m["To"] == "juf@school.nl")
    assert "Datum" in body(rejection) and "NIET verwerkt" in body(rejection)
    # the .eml is what a server would get: the annotated copy its text promises is attached, not named
    assert 'Uw bestand zit als bijlage bij dit bericht ("fout - met opmerkingen.xlsx").' in body(rejection)
    (attached,) = list(rejection.iter_attachments())
    assert attached.get_filename() == "fout - met opmerkingen.xlsx"
    assert attached.get_content() == handed_back(workspace, "fout - met opmerkingen.xlsx").read_bytes()
    assert "X-Bijlage-Niet-Bijgevoegd" not in rejection
    assert app.status(workspace)["mail"] | {"laatst_verstuurd": None} == {
        "via": None,
        "map": str(workspace.paths.mail_outbox),
        "wachtend": 0,
        "mislukt": 0,
        "verstuurd": 2,
        "oudste_wachtend": None,
        "laatst_verstuurd": None,
        "laatste_fout": None,
        "zonder_adres_directeur": ["12AB OBS De Regenboog", "34CD CBS Het Anker", "56EF IKC De Vlinder"],
    }
    app.process(workspace)  # nothing is sent twice
    assert len(eml_files(workspace)) == 2


# --- a real SMTP server on loopback --------------------------------------------------------------------
class Inbox:
    """aiosmtpd's handler: keeps what it receives, refuses a recipient with a 550 on request."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's name)
        self, server: Any, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 Onbekende ontvanger"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:  # noqa: N802
        data = envelope.content if isinstance(envelope.content, bytes) else str(envelope.content).encode()
        message = email.message_from_bytes(data, _class=EmailMessage, policy=default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A real SMTP server on loopback that can go away and come back on the same port (aiosmtpd's
    controller cannot start twice: each start is a new one)."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp() -> Iterator[tuple[Server, Inbox]]:
    inbox = Inbox()
    server = Server(inbox)
    server.start()
    yield server, inbox
    server.stop()


def plain_server(settings: Settings, port: int, *, contact: str = "veiligheid@bestuur.nl") -> Settings:
    return with_email(
        settings,
        f'server = "127.0.0.1"\npoort = {port}\nbeveiliging = "geen"\nafzender = "meldingen@bestuur.nl"\n'
        f'bestuur = ["{contact}"]\ntijdslimiet_seconden = 5',
    )


def queue_urgent(store: Store, settings: Settings, regnr: str) -> None:
    outbox.queue_urgent(
        store,
        settings,
        form=FORMS["ongeval"],
        record={"school": "12AB"} | STAFF_IN_HOSPITAL,
        regnr=regnr,
        received=AT,
        correction=False,
    )


def test_intake_queues_and_process_sends_to_the_mail_server(
    workspace: Settings, drop: Filler, smtp: tuple[Server, Inbox]
) -> None:
    controller, received = smtp
    settings = plain_server(workspace, controller.port)
    drop("ongeval", "ongeval.xlsx", toedracht=STORY, **STAFF_IN_HOSPITAL)
    drop("incident", "fout.xlsx", datum="gisteren", ingevuld_door_email="juf@school.nl")
    app.process(settings)
    by_to = {tuple(to): message for to, message in received.received}
    assert set(by_to) == {("veiligheid@bestuur.nl",), ("juf@school.nl",)}
    urgent = by_to[("veiligheid@bestuur.nl",)]
    assert urgent["Subject"] == "Direct actie nodig: ONG-2026-0001 (12AB OBS De Regenboog)"
    assert urgent["From"] == "meldingen@bestuur.nl"
    (attached,) = list(by_to[("juf@school.nl",)].iter_attachments())
    assert attached.get_filename() == "fout - met opmerkingen.xlsx"
    assert attached.get_content()[:2] == b"PK"
    assert not list(settings.paths.mail_outbox.glob("*.eml"))
    assert rows(settings, "SELECT count(*) FROM mail_queue WHERE sent_at IS NOT NULL AND message = X''")[0][0] == 2


def test_a_refused_recipient_fails_for_good_and_status_says_why(
    workspace: Settings, smtp: tuple[Server, Inbox]
) -> None:
    controller, received = smtp
    settings = plain_server(workspace, controller.port, contact="weg@bestuur.nl")
    received.refuse.add("weg@bestuur.nl")
    store = Store.open(settings.paths.database, create=True)
    try:
        queue_urgent(store, settings, "ONG-2026-0001")
        done = outbox.deliver(store, settings, now=lambda: AT)
    finally:
        store.close()
    assert (done.sent, done.failed, done.waiting) == (0, 1, 0)
    report = app.status(settings, now=AT)
    assert report["mail"]["mislukt"] == 1 and report["mail"]["wachtend"] == 0
    assert "550 5.1.1 Onbekende ontvanger" in report["mail"]["laatste_fout"]
    lines = status_lines(report)
    assert "E-mail (via 127.0.0.1): wachtend 0, mislukt 1, verstuurd 0" in lines
    assert any(line.startswith("  laatste fout: de mailserver weigert weg@bestuur.nl (550") for line in lines)


def test_a_server_that_goes_away_and_comes_back_empties_the_queue(
    workspace: Settings, smtp: tuple[Server, Inbox]
) -> None:
    controller, received = smtp
    settings = plain_server(workspace, controller.port)
    controller.stop()  # the server is down
    store = Store.open(settings.paths.database, create=True)
    try:
        queue_urgent(store, settings, "ONG-2026-0001")
        queue_urgent(store, settings, "ONG-2026-0002")
        down = outbox.deliver(store, settings, now=lambda: AT)
        assert (down.sent, down.waiting, down.failed) == (0, 2, 0)
        assert "is niet bereikbaar" in str(down.error)
        assert store.mail_figures().waiting == 2
        assert outbox.deliver(store, settings, now=lambda: AT).sent == 0  # not due yet: it waits its pause
        controller.start()  # back, on the same port
        later = AT + dt.timedelta(minutes=5)
        back = outbox.deliver(store, settings, now=lambda: later)
        assert (back.sent, back.waiting) == (2, 0)
        assert store.mail_figures().waiting == 0
    finally:
        store.close()
    assert sorted(str(m["Subject"]) for _, m in received.received) == [
        "Direct actie nodig: ONG-2026-0001 (12AB OBS De Regenboog)",
        "Direct actie nodig: ONG-2026-0002 (12AB OBS De Regenboog)",
    ]


def test_a_message_not_delivered_in_the_configured_days_is_given_up(workspace: Settings) -> None:
    settings = plain_server(workspace, free_port())  # nobody listens there
    store = Store.open(settings.paths.database, create=True)
    try:
        queue_urgent(store, settings, "ONG-2026-0001")
        late = AT + dt.timedelta(days=8)
        done = outbox.deliver(store, settings, now=lambda: late)
        assert (done.failed, store.mail_figures().failed) == (1, 1)
        assert "opgegeven na 7 dagen" in str(store.mail_figures().last_error)
    finally:
        store.close()


def test_the_watcher_sends_from_its_own_thread(workspace: Settings, smtp: tuple[Server, Inbox]) -> None:
    controller, received = smtp
    settings = plain_server(workspace, controller.port)
    store = Store.open(settings.paths.database, create=True)
    try:
        queue_urgent(store, settings, "ONG-2026-0001")
    finally:
        store.close()
    sender = outbox.MailSender(settings, interval=0.05).start()
    try:
        wait_for(lambda: len(received.received) == 1, timeout=20, what="the queued message at the server")
    finally:
        sender.stop()


def test_mail_test_sends_one_message_or_says_why_not(workspace: Settings, smtp: tuple[Server, Inbox]) -> None:
    controller, received = smtp
    settings = plain_server(workspace, controller.port)
    result = CliRunner().invoke(main, ["--config", str(settings.paths.config), "mail", "test"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Proefbericht verstuurd via 127.0.0.1:{controller.port} aan veiligheid@bestuur.nl"
    assert [str(m["Subject"]) for _, m in received.received] == ["Proefbericht sociale veiligheid"]
    controller.stop()
    with pytest.raises(
        MailError, match=r"Het proefbericht is niet verstuurd: de mailserver 127\.0\.0\.1:\d+ is niet bereikbaar"
    ):
        app.mail_test(settings)
    controller.start()


# --- TLS, with a certificate made here ------------------------------------------------------------------
def self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "server.pem", folder / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def authenticator(server: Any, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"meldingen@bestuur.nl", b"geheim")
    return AuthResult(success=ok, handled=False)  # aiosmtpd answers 535 itself


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_tls_with_login_from_a_password_file(workspace: Settings, tmp_path: Path, security: str) -> None:
    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    received = Inbox()
    port = free_port()
    tls: dict[str, Any] = (
        {"tls_context": context, "require_starttls": True, "auth_require_tls": True}
        if security == "starttls"
        # the whole connection is TLS; aiosmtpd's auth_require_tls looks for STARTTLS only
        else {"ssl_context": context, "auth_require_tls": False}
    )
    controller = Controller(received, hostname="127.0.0.1", port=port, authenticator=authenticator, **tls)
    if security == "tls":  # aiosmtpd's own ready-check does not speak TLS
        controller.ready_timeout = 5.0
    controller.start()
    try:
        secret = workspace.paths.root / "smtp-wachtwoord"
        secret.write_text("geheim\n", encoding="utf-8")
        secret.chmod(0o600)
        settings = with_email(
            workspace,
            f'server = "localhost"\npoort = {port}\nbeveiliging = "{security}"\nafzender = "meldingen@bestuur.nl"\n'
            f'bestuur = ["veiligheid@bestuur.nl"]\ngebruiker = "meldingen@bestuur.nl"\n'
            f'wachtwoord_bestand = "smtp-wachtwoord"\nca_bestand = "{cert}"\ntijdslimiet_seconden = 5',
        )
        assert app.mail_test(settings).startswith(f"Proefbericht verstuurd via localhost:{port}")
        assert len(received.received) == 1
        secret.write_text("fout\n", encoding="utf-8")
        with pytest.raises(MailError, match=r"weigert de inlog van 'meldingen@bestuur\.nl'"):
            app.mail_test(settings)
    finally:
        controller.stop()


# --- a rebuilt database -------------------------------------------------------------------------------------
def test_a_rebuild_carries_the_waiting_messages_over_once_and_sends_nothing_twice(
    workspace: Settings, drop: Filler, smtp: tuple[Server, Inbox]
) -> None:
    controller, received = smtp
    settings = plain_server(workspace, controller.port)
    drop("ongeval", "a.xlsx", **STAFF_IN_HOSPITAL)
    app.process(settings)  # sent while the server is up
    assert [str(m["Subject"]) for _, m in received.received] == [
        "Direct actie nodig: ONG-2026-0001 (12AB OBS De Regenboog)"
    ]
    controller.stop()
    drop("ongeval", "b.xlsx", seed=2, **PUPIL_DIED)
    drop("incident", "fout.xlsx", datum="gisteren", ingevuld_door_email="juf@school.nl")
    app.process(settings)  # queued, and waiting: the server is down
    waiting = "SELECT key FROM mail_queue WHERE sent_at IS NULL AND failed_at IS NULL ORDER BY key"
    before = [r["key"] for r in rows(settings, waiting)]
    assert len(before) == 2
    sent = [r["key"] for r in rows(settings, "SELECT key FROM mail_queue WHERE sent_at IS NOT NULL")]

    report, _ = app.rebuild(settings, anyway=True)

    assert report.mail_waiting == 2
    assert [r["key"] for r in rows(settings, waiting)] == before  # each once
    assert [r["key"] for r in rows(settings, "SELECT key FROM mail_queue WHERE sent_at IS NOT NULL")] == sent
    (logged,) = rows(settings, "SELECT message FROM events WHERE kind = 'herbouwd'")
    assert "; 2 wachtende e-mailberichten overgenomen." in logged["message"]
    controller.start()
    with sqlite3.connect(settings.paths.database) as db:  # their pause is over
        db.execute("UPDATE mail_queue SET next_at = created_at WHERE sent_at IS NULL")
    app.process(settings)
    assert sorted(str(m["Subject"]) for _, m in received.received[1:]) == [
        "Direct actie nodig: ONG-2026-0002 (12AB OBS De Regenboog)",
        "Niet verwerkt: fout.xlsx",
    ]  # the first one is not sent again
    assert app.status(settings)["mail"]["wachtend"] == 0


# --- privacy ----------------------------------------------------------------------------------------------
def test_no_message_holds_a_pupil_reference_a_pseudonym_or_a_description(
    workspace: Settings, drop: Filler, smtp: tuple[Server, Inbox]
) -> None:
    controller, received = smtp
    settings = plain_server(workspace, controller.port)
    story = "Verhaal over ZKT: geduwd bij de fietsenstalling."
    drop("ongeval", "a.xlsx", toedracht=STORY, **STAFF_IN_HOSPITAL)
    drop("ongeval", "b.xlsx", seed=2, toedracht=STORY, **PUPIL_DIED)
    drop("incident", "c.xlsx", seed=3, leerling_ref="ZKT", omschrijving=story, **STAFF_MISCONDUCT)
    drop(
        "incident",
        "d.xlsx",
        seed=4,
        leerling_ref="ZKT",
        omschrijving=story,
        datum="gisteren",
        ingevuld_door_email="a@school.nl",
    )
    drop("school", "school.xlsx", directeur_email="directeur@regenboog.nl")  # and this week's digest
    app.process(settings)
    kinds = sorted(str(m["Subject"]).split(":")[0].split(" sociale")[0] for _, m in received.received)
    assert kinds == ["Direct actie nodig"] * 3 + ["Niet verwerkt", "Weekoverzicht"]
    pseudonyms = {
        str(value)
        for (data,) in rows(settings, "SELECT data FROM records")
        for key, value in __import__("json").loads(data).items()
        if key == "leerling_ref" and value
    }
    assert pseudonyms
    for _, message in received.received:
        text = "\n".join(f"{k}: {v}" for k, v in message.items()) + "\n" + body(message)
        for secret in (REF, "ZKT", STORY, story, "klimrek", "fietsenstalling", *pseudonyms):
            assert secret not in text, (message["Subject"], secret)


# --- corrections and the weekly digest ---------------------------------------------------------------------
def test_a_correction_tells_the_board_only_of_what_is_newly_urgent(workspace: Settings, drop: Filler) -> None:
    drop("ongeval", "a.xlsx", **STAFF_IN_HOSPITAL)
    app.process(workspace)
    drop("ongeval", "a2.xlsx", correctie_van="ONG-2026-0001", **STAFF_IN_HOSPITAL)
    app.process(workspace)
    assert len(eml_files(workspace)) == 1  # the same duty again: not told twice
    drop("ongeval", "a3.xlsx", correctie_van="ONG-2026-0001", slachtoffer_type="medewerker", behandeling="overleden")
    app.process(workspace)
    newest = [m for m in eml_files(workspace) if "correctie van een eerdere melding" in body(m)]
    assert len(newest) == 1
    assert "- Overlijden" in body(newest[0]) and "Het is een correctie van een eerdere melding." in body(newest[0])


def test_each_director_gets_one_digest_a_week_from_its_day_on(workspace: Settings, drop: Filler) -> None:
    drop("school", "school.xlsx", directeur_email="directeur@regenboog.nl")
    drop("incident", "i.xlsx", seed=3, categorie="pesten", dader_rol="leerling")
    # for the board's office only: the director may be the one they are about
    drop("agressie", "ag.xlsx", seed=4, ziekenhuisopname="ja", arbeidsinspectie_gemeld="nee")
    drop("incident", "personeel.xlsx", seed=5, **STAFF_MISCONDUCT)
    app.process(workspace)  # today's digest (the day is Monday: every day of the week is on or after it)
    (digest,) = [m for m in eml_files(workspace) if str(m["To"]) == "directeur@regenboog.nl"]
    assert str(digest["Subject"]).startswith("Weekoverzicht sociale veiligheid 12AB OBS De Regenboog, week ")
    text = body(digest)
    assert "Nieuwe registraties (1):\n- INC-2026-0001  Incidentregistratie" in text
    assert "AG-" not in text and "INC-2026-0002" not in text and "Vertrouwensinspecteur" not in text
    assert "Veiligheidsplan: nog niet gemaakt." in text
    app.process(workspace)
    assert len([m for m in eml_files(workspace) if str(m["To"]) == "directeur@regenboog.nl"]) == 1
    friday = with_email(workspace, 'overzicht_dag = "vrijdag"')
    store = Store.open(friday.paths.database, create=False)
    try:
        thursday = dt.datetime(2027, 1, 7, 9, 0)  # another week, before its day
        assert app.queue_digests(friday, store, now=thursday) is None
        assert app.queue_digests(friday, store, now=thursday + dt.timedelta(days=1)) == 1
        assert app.queue_digests(friday, store, now=thursday + dt.timedelta(days=2)) == 0
    finally:
        store.close()


def test_a_school_without_a_directors_address_is_named_in_status_and_in_the_log_when_the_digests_go(
    workspace: Settings, drop: Filler, caplog: pytest.LogCaptureFixture
) -> None:
    drop("school", "regenboog.xlsx", directeur_email="directeur@regenboog.nl")
    drop("school", "anker.xlsx", seed=2, school="34CD", directeur_email=None)  # a form, but no address
    with caplog.at_level(logging.WARNING, logger="automation.mail.digest"):
        app.process(workspace)  # this week's digests (the day is Monday: every day is on or after it)

    assert [str(m["To"]) for m in eml_files(workspace)] == ["directeur@regenboog.nl"]
    (warning,) = [r.getMessage() for r in caplog.records if r.name == "automation.mail.digest"]
    assert warning == (
        "Geen weekoverzicht voor de directeur van 34CD CBS Het Anker, 56EF IKC De Vlinder: er staat geen "
        "e-mailadres van de directeur op het schoolformulier ('E-mail directeur'). Laat de school het "
        "schoolformulier opnieuw insturen met dat adres."
    )
    report = app.status(workspace)
    assert report["mail"]["zonder_adres_directeur"] == ["34CD CBS Het Anker", "56EF IKC De Vlinder"]
    assert (
        "  geen weekoverzicht (geen e-mailadres van de directeur op het schoolformulier): 34CD CBS Het Anker, "
        "56EF IKC De Vlinder"
    ) in status_lines(report)

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="automation.mail.digest"):
        app.process(workspace)  # this week's digests are queued: not said again at every run
    assert not [r for r in caplog.records if r.name == "automation.mail.digest"]

    off = with_email(workspace, "overzicht_directeuren = false")  # no digests: nothing is missing
    report = app.status(off)
    assert report["mail"]["zonder_adres_directeur"] == []
    assert not any("geen weekoverzicht" in line for line in status_lines(report))


def test_with_email_configured_and_no_directors_address_at_all_the_log_says_so_when_the_digests_are_due(
    workspace: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings = with_email(workspace, 'afzender = "meldingen@bestuur.nl"')
    store = Store.open(settings.paths.database, create=True)
    try:
        with caplog.at_level(logging.WARNING, logger="automation.mail.digest"):
            assert app.queue_digests(settings, store, now=dt.datetime(2027, 1, 4, 9, 0)) == 0  # a Monday
    finally:
        store.close()
    (warning,) = [r.getMessage() for r in caplog.records if r.name == "automation.mail.digest"]
    assert warning.startswith(
        "Geen weekoverzicht voor de directeur van 12AB OBS De Regenboog, 34CD CBS Het Anker, 56EF IKC De Vlinder:"
    )


def test_a_digest_lists_only_what_came_in_since_the_schools_last_digest(workspace: Settings, drop: Filler) -> None:
    drop("school", "school.xlsx", directeur_email="directeur@regenboog.nl")
    drop("incident", "eerste.xlsx", seed=3, categorie="pesten", dader_rol="leerling")
    app.process(workspace)  # this week's digest, with INC-2026-0001
    with contextlib.closing(sqlite3.connect(workspace.paths.database)) as db, db:  # a minute before the digest
        db.execute(
            "UPDATE records SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at, '-60 seconds') WHERE regnr = 'INC-2026-0001'"
        )
    drop("incident", "tweede.xlsx", seed=4, categorie="pesten", dader_rol="leerling")
    app.process(workspace)
    today = dt.date.today()
    monday = dt.datetime.combine(today + dt.timedelta(days=7 - today.weekday()), dt.time(9))  # next week, in 7 days
    store = Store.open(workspace.paths.database, create=False)
    try:
        assert app.queue_digests(workspace, store, now=monday) == 1
        outbox.deliver(store, workspace, now=lambda: monday)
    finally:
        store.close()
    digests = [m for m in eml_files(workspace) if str(m["To"]) == "directeur@regenboog.nl"]
    first, second = sorted(digests, key=lambda m: str(m["Subject"]))
    assert "INC-2026-0001" in body(first) and "INC-2026-0002" not in body(first)
    assert "Nieuwe registraties (1):\n- INC-2026-0002" in body(second) and "INC-2026-0001  " not in body(second)


def test_a_form_filled_on_a_blank_from_before_the_email_field_is_still_accepted(
    workspace: Settings, drop: Filler
) -> None:
    filled = drop("incident", "oud.xlsx", seed=2)
    name = b"<definedName name=\"ingevuld_door_email\">'Formulier'!$B$38</definedName>"
    filled.write_bytes(with_part_changed(filled.read_bytes(), "xl/workbook.xml", name, b""))
    assert app.process(workspace).accepted == 1


@pytest.mark.slow
def test_the_watcher_sends_from_its_thread_and_a_dead_server_never_stops_its_intake(
    workspace: Settings, drop: Filler, smtp: tuple[Server, Inbox]
) -> None:
    import sqlite3
    import threading

    server, received = smtp
    config = workspace.paths.config
    text = config.read_text(encoding="utf-8")  # the watcher waits until a dropped file is quiet
    config.write_text(re.sub(r"(?m)^stabiel_seconden = 0\b", "stabiel_seconden = 0.5", text), encoding="utf-8")
    settings = plain_server(load_settings(config), server.port)
    assert settings.board.intake.stabiel_seconden == 0.5
    server.stop()  # down when the watcher starts
    stop = threading.Event()
    watcher = threading.Thread(target=app.run_watch, args=(settings,), kwargs={"poll": 0.2, "stop": stop})
    watcher.start()
    try:
        wait_for(settings.paths.lock.exists, what="the watcher to take its lock")
        drop("ongeval", "a.xlsx", **STAFF_IN_HOSPITAL)
        wait_for(
            lambda: rows(settings, "SELECT count(*) FROM mail_queue WHERE last_error IS NOT NULL")[0][0] == 1,
            what="a failed try while the server is down",
        )
        drop("ongeval", "b.xlsx", seed=2, **PUPIL_DIED)  # the intake goes on all the same
        wait_for(
            lambda: rows(settings, "SELECT count(*) FROM records")[0][0] == 2,
            what="the second accident stored",
            timeout=60,
        )
        server.start()
        with sqlite3.connect(settings.paths.database) as db:  # the first one's pause is over
            db.execute("UPDATE mail_queue SET next_at = created_at")
        wait_for(lambda: len(received.received) == 2, timeout=30, what="both notices at the server")
    finally:
        stop.set()
        watcher.join(timeout=20)
    assert not watcher.is_alive()


def test_purge_forgets_whom_old_messages_went_to_and_removes_their_eml_files(workspace: Settings, drop: Filler) -> None:
    drop("ongeval", "a.xlsx", **STAFF_IN_HOSPITAL)
    drop("incident", "fout.xlsx", datum="gisteren", ingevuld_door_email="juf@school.nl")
    app.process(workspace)
    assert len(eml_files(workspace)) == 2
    app.purge(workspace, dry_run=False, today=dt.date.today() + dt.timedelta(days=366 * 6))
    assert eml_files(workspace) == []
    assert [tuple(r) for r in rows(workspace, "SELECT recipients, message FROM mail_queue")] == [("[]", b"")] * 2


def test_an_address_typed_wrong_in_the_optional_field_never_stops_the_report(workspace: Settings, drop: Filler) -> None:
    """'Uw e-mailadres' is not required: a typo or an Outlook paste is said, and the report is taken."""
    for n, typed in enumerate(
        ("Jan de Vries <jan@school.nl>", "m.devries@@regenboog", "a@b", "jan@x.nl\r\nBcc: y@z.nl")
    ):
        drop("incident", f"melding {n}.xlsx", seed=n + 1, ingevuld_door_email=typed)
    counts = app.process(workspace)
    assert (counts.accepted, counts.rejected) == (4, 0)
    receipts = list(workspace.paths.receipts.rglob("*.txt"))
    assert receipts and all("verwerkt zonder dit adres" in p.read_text(encoding="utf-8") for p in receipts)


def test_mail_test_without_a_recipient_or_with_no_address_is_refused(workspace: Settings) -> None:
    for args, says in (([], "Aan wie?"), (["--aan", "garbage"], "'garbage' is geen e-mailadres")):
        result = CliRunner().invoke(main, ["--config", str(workspace.paths.config), "mail", "test", *args])
        assert result.exit_code == 2 and says in result.output
