"""Names of files and folders that work on Windows, macOS and Linux and fit in 255 bytes."""

from __future__ import annotations

import re

FORBIDDEN_RE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')  # not allowed in a name on Windows (or anywhere)
RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"{device}{n}" for device in ("COM", "LPT") for n in range(1, 10)]
)  # device names Windows refuses as a name, with any extension
MAX_NAME_BYTES = 255  # per name, on every file system in use (ext4, NTFS counts characters, SMB)
NAME_BYTES = 200  # room left in the 255 bytes a name may have for what we add: a hash, ' (2)', ' - uitleg'
MAX_SUFFIX = 10  # a longer 'extension' is part of the name (and may be shortened with it)


def safe_name(name: str, *, fallback: str = "bestand") -> str:
    """`name` as a file or folder name valid on Windows, macOS and Linux and not absurdly long:
    forbidden characters become '-', at most 120 characters and `NAME_BYTES` bytes (a name that
    is not UTF-8 counted by its own bytes), a long one shortened in the middle so its end stays.
    `fallback` is the name when nothing usable is left."""
    cleaned = FORBIDDEN_RE.sub("-", name).strip(" .") or fallback
    first, dot, rest = cleaned.partition(".")
    if first.rstrip().upper() in RESERVED:
        cleaned = f"{first}-{dot}{rest}"
    stem, suffix = _split_suffix(cleaned)
    return shorten(stem, max_bytes=NAME_BYTES - len(encoded(suffix)), max_chars=120) + suffix


def school_folder_name(brin: str, name: str) -> str:
    """One school's folder, wherever the product writes per school (plans, confirmations, rejected
    files): '12AB OBS De Regenboog'."""
    return f"{brin} {safe_name(name, fallback='school')}"


def _split_suffix(name: str) -> tuple[str, str]:
    """('melding', '.xlsx'); a 'suffix' with a space or longer than `MAX_SUFFIX` ('St. Jozef') is none."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > MAX_SUFFIX or " " in suffix:
        return name, ""
    return stem, f".{suffix}"


def shorten(text: str, *, max_bytes: int, max_chars: int = 255) -> str:
    """`text` cut in the middle (marked '…') to fit; its beginning and its last 40 characters stay,
    so ' - met opmerkingen' or '(dubbel)' at the end of a long name survive."""
    if len(text) <= max_chars and len(encoded(text)) <= max_bytes:
        return text
    tail = text[-40:]
    while tail and (len(encoded(tail)) > max_bytes // 2 or len(tail) > max_chars // 2):
        tail = tail[1:]
    room = max_bytes - len(encoded(tail)) - len(encoded("…"))
    head = text[: min(len(text) - len(tail), max_chars - len(tail) - 1)]
    head = encoded(head)[:room].decode("utf-8", "ignore")  # never half a character
    return f"{head}…{tail}"


def encoded(text: str) -> bytes:
    """As the name is stored on disk (a name that is not valid UTF-8 keeps its own bytes)."""
    return text.encode("utf-8", "surrogateescape")
