"""Sending the queued notices: by SMTP (STARTTLS or implicit TLS), or as .eml files in
outbox/berichten/ when `[email]` names no server (so the office sees what would be sent).

Every notice is queued in the store first (`Store.queue_mail`, in the intake's own transaction where
it can be), and sent from the queue: a server that is down or refuses for now leaves the message
waiting, tried again later with a growing pause (`BACKOFF`); a refusal for good (a 5xx for the
message or its recipients) or a message not delivered in `[email] opgeven_na_dagen` is marked
failed. Nothing here ever stops the intake: the watcher sends from a thread of its own
(`MailSender`), `process` tries once at its end.
"""

from __future__ import annotations

import datetime as dt
import email
import logging
import mimetypes
import os
import smtplib
import socket
import ssl
import stat
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path
from typing import Any, Protocol

from automation.config import Email, Settings
from automation.errors import ConfigError, MailError, OptionProblem
from automation.filenames import safe_name
from automation.forms.model import FormDef
from automation.mail.notices import Notice, rejection_notice, trial_notice, urgent_notice, urgent_reasons
from automation.store import QueuedMail, Store, now_text
from automation.validation import EMAIL_RE

log = logging.getLogger(__name__)

NO_SENDER = "veiligheid@localhost"  # From: of the .eml files when `[email] afzender` is not set
BACKOFF = (30, 60, 120, 300, 600, 1800, 3600)  # seconds before the next try, by the tries made so far


# --- configuration ---------------------------------------------------------------------------
def email_settings(settings: Settings) -> Email:
    return settings.board.email or Email()


def sends(settings: Settings) -> bool:
    """True when messages go to a mail server; False: they are written as .eml files."""
    return bool(email_settings(settings).server.strip())


def sender(settings: Settings) -> str:
    return email_settings(settings).afzender or NO_SENDER


def password(cfg: Email, *, root: Path, environ: Mapping[str, str] | None = None) -> str | None:
    """The SMTP password: from the environment variable or the file `[email]` names (never from
    veiligheid.toml). A file others may read is refused: it holds the key to the board's mail."""
    env = os.environ if environ is None else environ
    if cfg.wachtwoord_omgeving:
        value = env.get(cfg.wachtwoord_omgeving, "")
        if not value:
            raise ConfigError(
                f"[email] wachtwoord_omgeving: de omgevingsvariabele {cfg.wachtwoord_omgeving} is niet gezet of leeg. "
                "Zet hem voor het account waaronder de dienst draait, en start de dienst opnieuw."
            )
        return value
    if not cfg.wachtwoord_bestand:
        return None
    path = root / cfg.wachtwoord_bestand
    try:
        mode = path.stat().st_mode
        if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise ConfigError(
                f"[email] wachtwoord_bestand: {path} is ook door anderen te lezen (rechten {stat.filemode(mode)}). "
                f"Maak het alleen leesbaar voor het account van de dienst, bijvoorbeeld met: chmod 600 '{path}'"
            )
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise ConfigError(f"[email] wachtwoord_bestand: kan {path} niet lezen ({exc.strerror or exc}).") from exc
    if not lines or not lines[0].strip():
        raise ConfigError(f"[email] wachtwoord_bestand: {path} is leeg; zet het wachtwoord op de eerste regel.")
    return lines[0].strip()


# --- transports ------------------------------------------------------------------------------
class SendFailed(Exception):
    """One message could not be sent; `permanent`: trying again will not help (a 5xx refusal);
    `server`: the server itself could not be reached, so the other messages wait too."""

    def __init__(self, message: str, *, permanent: bool = False, server: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.server = server


class Transport(Protocol):
    def send(self, message: EmailMessage, *, recipients: Sequence[str], kind: str) -> None: ...

    def close(self) -> None: ...


class EmlFolder:
    """Writes each message as an .eml file (opens in Outlook, Thunderbird, Mail) in outbox/berichten/,
    exactly as it would be sent: a rejection carries the sender's annotated workbook as an attachment,
    as its text says. That workbook is the sender's own (it may hold the pupil reference they typed),
    going back to them; its copy in the .eml goes at `veiligheid purge` with the file
    (`forget_before`), like the annotated copy in the rejected folder."""

    def __init__(self, folder: Path, *, now: Callable[[], dt.datetime]) -> None:
        self.folder = folder
        self.now = now

    def send(self, message: EmailMessage, *, recipients: Sequence[str], kind: str) -> None:
        stamp = self.now().strftime("%Y-%m-%d %H%M%S")
        subject = str(message.get("Subject", ""))
        base = safe_name(f"{stamp} {kind} {subject.replace(': ', ' - ')}", fallback=f"{stamp} {kind}")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self.folder / f"{base}.eml"
            n = 2
            while target.exists():
                target = self.folder / f"{base} ({n}).eml"
                n += 1
            scratch = self.folder / f".{target.name}.{os.getpid()}.tmp"
            scratch.write_bytes(message.as_bytes(policy=SMTP))
            os.replace(scratch, target)
        except OSError as exc:
            raise SendFailed(f"kan het bericht niet schrijven in {self.folder}: {exc.strerror or exc}") from exc

    def close(self) -> None:
        pass


class SmtpServer:
    """One connection to the configured mail server, opened at the first message."""

    def __init__(self, cfg: Email, *, password: str | None) -> None:
        self.cfg = cfg
        self.password = password
        self._smtp: smtplib.SMTP | None = None

    def _context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if self.cfg.ca_bestand:  # the board's own mail server with a certificate of its own CA
            context.load_verify_locations(cafile=self.cfg.ca_bestand)
        return context

    def _open(self) -> smtplib.SMTP:
        cfg = self.cfg
        smtp: smtplib.SMTP | None = None
        try:
            if cfg.beveiliging == "tls":
                smtp = smtplib.SMTP_SSL(cfg.server, cfg.port, timeout=cfg.tijdslimiet_seconden, context=self._context())
            else:
                smtp = smtplib.SMTP(cfg.server, cfg.port, timeout=cfg.tijdslimiet_seconden)
                if cfg.beveiliging == "starttls":
                    smtp.starttls(context=self._context())
                    smtp.ehlo()  # again, now encrypted: the server may offer AUTH only now
            if cfg.gebruiker:
                smtp.login(cfg.gebruiker, self.password or "")
        except BaseException:
            if smtp is not None:
                smtp.close()
            raise
        return smtp

    def _connect(self) -> smtplib.SMTP:
        cfg = self.cfg
        where = f"{cfg.server}:{cfg.port}"
        try:
            return self._open()
        except smtplib.SMTPAuthenticationError as exc:
            raise SendFailed(
                f"de mailserver {where} weigert de inlog van '{cfg.gebruiker}' ({_said(exc)})", server=True
            ) from exc
        except smtplib.SMTPNotSupportedError as exc:
            what = "inloggen (AUTH)" if "AUTH" in str(exc) else "STARTTLS; kies beveiliging 'tls'"
            raise SendFailed(f"de mailserver {where} kent geen {what}", server=True) from exc
        except ssl.SSLError as exc:
            raise SendFailed(f"beveiligde verbinding met {where} mislukt ({exc.reason or exc})", server=True) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise SendFailed(f"de mailserver {where} is niet bereikbaar ({_said(exc)})", server=True) from exc

    def send(self, message: EmailMessage, *, recipients: Sequence[str], kind: str) -> None:
        if not recipients:
            raise SendFailed(
                "geen ontvanger: vul [email] bestuur in, of het e-mailadres op het schoolformulier", permanent=True
            )
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            refused = self._smtp.send_message(message, from_addr=self.cfg.afzender, to_addrs=list(recipients))
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise SendFailed(
                f"de mailserver weigert {', '.join(exc.recipients)} ({_codes(exc.recipients)})",
                permanent=all(code >= 500 for code in codes),
            ) from exc
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            raise SendFailed(
                f"de mailserver weigert het bericht ({_said(exc)})", permanent=exc.smtp_code >= 500
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise SendFailed(f"de verbinding met de mailserver viel weg ({_said(exc)})", server=True) from exc
        if refused:
            log.warning("Bericht verstuurd, maar niet aan %s (%s).", ", ".join(refused), _codes(refused))

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.close()
            except OSError:
                pass

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
        self._drop()


def _said(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {text}".strip()
    if isinstance(exc, socket.timeout | TimeoutError):
        return "geen antwoord binnen de tijdslimiet"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _codes(refused: Mapping[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{code} {text.decode('utf-8', 'replace')}".strip() for code, text in refused.values())


def transport_for(settings: Settings, *, now: Callable[[], dt.datetime]) -> Transport:
    """The mail server of `[email]`, or the .eml folder when it names none. A password that cannot
    be had raises `ConfigError`."""
    cfg = email_settings(settings)
    if not cfg.server.strip():
        return EmlFolder(settings.paths.mail_outbox, now=now)
    return SmtpServer(cfg, password=password(cfg, root=settings.paths.root))


# --- queueing --------------------------------------------------------------------------------
def queue(store: Store, notice: Notice, *, settings: Settings, at: dt.datetime, attachment: str | None = None) -> bool:
    """Queue a notice (once per key); False when it was queued before."""
    message = notice.message(sender=sender(settings), at=at)
    queued = store.queue_mail(
        notice.key,
        kind=notice.kind,
        recipients=notice.to,
        message=message.as_bytes(policy=SMTP),
        attachment=attachment,
        at=now_text(at),
    )
    if queued:
        log.info("Bericht klaargezet (%s): %s", notice.kind, notice.subject)
    return queued


def school_label(settings: Settings, brin: str) -> str:
    name = settings.schools.get(brin)
    return f"{brin} {name}" if name else brin


def queue_urgent(
    store: Store,
    settings: Settings,
    *,
    form: FormDef,
    record: Mapping[str, Any],
    regnr: str,
    received: dt.datetime,
    correction: bool,
) -> bool:
    """Queue the board contact's notice for a registration that cannot wait (none when nothing in it
    is urgent). A correction that adds nothing urgent queues nothing new (the key names the reasons)."""
    reasons = urgent_reasons(form, record)
    if not reasons:
        return False
    notice = urgent_notice(
        to=email_settings(settings).bestuur,
        board=settings.board.bestuur,
        regnr=regnr,
        form_title=form.title,
        school=school_label(settings, str(record.get("school", ""))),
        received=received,
        reasons=reasons,
        correction=correction,
    )
    return queue(store, notice, settings=settings, at=received)


def queue_rejection(
    store: Store,
    settings: Settings,
    *,
    to: str,
    submission_id: int,
    original_name: str,
    explanation: str,
    attachment: Path | None,
    at: dt.datetime,
) -> bool:
    """Queue the message to the sender of a rejected form, with their (annotated) workbook attached
    when it is sent (by its path: the store never holds the workbook's bytes)."""
    notice = rejection_notice(
        to=to,
        board=settings.board.bestuur,
        submission_id=submission_id,
        original_name=original_name,
        explanation=explanation,
        attached=attachment.name if attachment else None,
    )
    stored = settings.paths.relative(attachment) if attachment else None
    return queue(store, notice, settings=settings, at=at, attachment=stored)


def forget_before(settings: Settings, store: Store, *, limit: dt.date) -> int:
    """`veiligheid purge`: the queue's messages from before the retention period lose their
    recipients and text, and their .eml files in outbox/berichten/ go (named by when they were
    written). How many were forgotten."""
    forgotten = store.forget_mail_before(limit.isoformat())
    try:
        old = [p for p in settings.paths.mail_outbox.glob("*.eml") if p.name[:10] < limit.isoformat()]
    except OSError:
        old = []
    for path in old:
        try:
            path.unlink()
        except OSError as exc:
            log.error("Kon %s niet verwijderen (%s); verwijder het met de hand.", path, exc.strerror or exc)
    return forgotten + len(old)


# --- sending ---------------------------------------------------------------------------------
@dataclass
class Delivered:
    sent: int = 0
    waiting: int = 0  # tried, and to be tried again
    failed: int = 0
    error: str | None = None  # the last one


def deliver(
    store: Store,
    settings: Settings,
    *,
    now: Callable[[], dt.datetime],
    transport: Callable[[], Transport] | None = None,
) -> Delivered:
    """Send every queued message that is due; never raises for a server or a message (the queue keeps
    them). `transport`: how to reach the server (default: `transport_for`), made only when something
    is due."""
    done = Delivered()
    moment = now()
    due = store.due_mail(now=now_text(moment))
    if not due:
        return done
    give_up = dt.timedelta(days=email_settings(settings).opgeven_na_dagen)
    try:
        link = transport() if transport is not None else transport_for(settings, now=now)
    except ConfigError as exc:  # e.g. a password file others may read: every message waits
        for mail in due:
            _not_now(store, mail, exc.message, moment=moment, give_up=give_up, done=done)
        log.error("E-mail kan niet worden verstuurd: %s", exc.message)
        return done
    try:
        for index, mail in enumerate(due):
            try:
                link.send(_with_attachment(mail, settings), recipients=mail.recipients, kind=mail.kind)
            except SendFailed as exc:
                if exc.permanent:
                    store.mail_failed(mail.id, error=exc.message, at=now_text(moment))
                    done.failed += 1
                    done.error = exc.message
                    log.error("Bericht niet verstuurd en opgegeven (%s): %s", mail.kind, exc.message)
                    continue
                _not_now(store, mail, exc.message, moment=moment, give_up=give_up, done=done)
                log.warning("Bericht nog niet verstuurd (%s): %s; het wacht in de wachtrij.", mail.kind, exc.message)
                if exc.server:  # the others would meet the same closed door: they wait their turn
                    for rest in due[index + 1 :]:
                        _not_now(store, rest, exc.message, moment=moment, give_up=give_up, done=done, tried=False)
                    break
                continue
            store.mail_sent(mail.id, at=now_text(now()))
            done.sent += 1
    finally:
        link.close()
    if done.sent:
        log.info("%d bericht(en) verstuurd.", done.sent)
    return done


def _not_now(
    store: Store,
    mail: QueuedMail,
    error: str,
    *,
    moment: dt.datetime,
    give_up: dt.timedelta,
    done: Delivered,
    tried: bool = True,
) -> None:
    done.error = error
    if moment - dt.datetime.fromisoformat(mail.created_at) >= give_up:
        store.mail_failed(mail.id, error=f"{error} (opgegeven na {give_up.days} dagen)", at=now_text(moment))
        done.failed += 1
        return
    attempts = mail.attempts + (1 if tried else 0)
    pause = BACKOFF[min(max(attempts - 1, 0), len(BACKOFF) - 1)]
    store.mail_retry(mail.id, error=error, next_at=now_text(moment + dt.timedelta(seconds=pause)))
    done.waiting += 1


def _with_attachment(mail: QueuedMail, settings: Settings) -> EmailMessage:
    """The queued message with its file attached (read now: the store never holds its bytes), by SMTP
    and in an .eml file alike, so the office's .eml shows what a server would get."""
    message = email.message_from_bytes(mail.message, _class=EmailMessage, policy=SMTP)
    if not mail.attachment:
        return message
    path = settings.paths.resolve(mail.attachment)
    try:
        data = path.read_bytes()
    except OSError:
        log.warning("Bijlage %s is er niet meer (opgelost of verwijderd); het bericht gaat zonder.", path.name)
        return message
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    main, sub = kind.split("/", 1)
    message.add_attachment(data, maintype=main, subtype=sub, filename=path.name)
    return message


def send_trial(settings: Settings, *, to: Sequence[str] = (), now: Callable[[], dt.datetime] = dt.datetime.now) -> str:
    """`veiligheid mail test`: send one message now, not through the queue, and say where it went;
    `MailError` (or `ConfigError`) says in Dutch what is wrong."""
    cfg = email_settings(settings)
    recipients = list(to) or list(cfg.bestuur) or ([cfg.afzender] if cfg.afzender else [])
    if not recipients:
        raise OptionProblem(
            "Aan wie? Geef een adres met --aan, of zet de adressen van het bestuur onder [email] bestuur."
        )
    wrong = [r for r in recipients if not EMAIL_RE.match(r)]
    if wrong:
        raise OptionProblem(f"'{wrong[0]}' is geen e-mailadres. Verwacht: zoals naam@bestuur.nl.")
    moment = now()
    notice = trial_notice(to=recipients, board=settings.board.bestuur, at=moment)
    link = transport_for(settings, now=now)
    try:
        link.send(notice.message(sender=sender(settings), at=moment), recipients=recipients, kind=notice.kind)
    except SendFailed as exc:
        raise MailError(f"Het proefbericht is niet verstuurd: {exc.message}.") from exc
    finally:
        link.close()
    if isinstance(link, EmlFolder):
        return f"Geen mailserver ingesteld ([email] server): het proefbericht staat als .eml-bestand in {link.folder}"
    return f"Proefbericht verstuurd via {cfg.server}:{cfg.port} aan {', '.join(recipients)}"


class MailSender:
    """The watcher's sender: a thread with its own store connection that sends what is due every
    `interval` seconds (and queues the weekly digests through `weekly`). A failing server, a broken
    password file or a bug never stops it, nor the watcher."""

    def __init__(
        self,
        settings: Settings,
        *,
        now: Callable[[], dt.datetime] = dt.datetime.now,
        interval: float = 5.0,
        weekly: Callable[[Store], Any] | None = None,
    ) -> None:
        self.settings = settings
        self.now = now
        self.interval = interval
        self.weekly = weekly
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.passes = 0  # for tests: passes completed

    def start(self) -> MailSender:
        self._thread = threading.Thread(target=self._run, name="veiligheid-mail", daemon=True)
        self._thread.start()
        return self

    def wake(self) -> None:
        """Send now instead of at the next interval (e.g. after an intake queued something)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        store: Store | None = None
        while not self._stop.is_set():
            try:
                if store is None:
                    store = Store.open(self.settings.paths.database, create=False)
                if self.weekly is not None:
                    self.weekly(store)
                deliver(store, self.settings, now=self.now)
            except Exception:
                log.exception("Versturen van e-mail mislukt; de berichten blijven in de wachtrij.")
            self.passes += 1
            self._wake.wait(self.interval)
            self._wake.clear()
        if store is not None:
            store.close()
