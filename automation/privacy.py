"""Pseudonyms for pupil references (DOMAIN.md §9).

A keyed hash (HMAC-SHA256) with a secret per installation: the same pupil at the same school always
gets the same pseudonym, so repeated incidents can be counted, but the plain value is never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from automation.errors import ConfigError


def create_secret(path: Path) -> bool:
    """Create the secret if it does not exist (readable by the owner only). True if created."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    return True


def load_secret(path: Path) -> bytes:
    try:
        text = path.read_text(encoding="ascii").strip()
        return bytes.fromhex(text)
    except FileNotFoundError as exc:
        raise ConfigError(
            f"Het geheim voor pseudoniemen ontbreekt ({path}). Zet de reservekopie terug; "
            "maak alleen een nieuw met 'veiligheid init' als er nog geen meldingen zijn."
        ) from exc
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Het geheim voor pseudoniemen ({path}) is onleesbaar: {exc}") from exc


def normalise_ref(ref: str) -> str:
    return "".join(ch for ch in ref.upper() if ch.isalnum())


def pseudonym(secret: bytes, school: str, ref: str) -> str:
    digest = hmac.new(secret, f"{school}|{normalise_ref(ref)}".encode(), hashlib.sha256).hexdigest()
    return f"LL-{digest[:10].upper()}"
