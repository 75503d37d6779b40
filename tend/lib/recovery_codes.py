"""Recovery codes for two-step sign-in (a lookup secret, ASVS 2.6): twelve characters from
an alphabet without look-alikes (no 0/o, 1/i/l), about 59 bits each, shown in groups of
four. Only a salted SHA-256 of each is kept: a copy of the database can't be read back into
codes, and with this much chance in a code a slow hash adds nothing a salt doesn't."""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
LENGTH = 12
GROUP = 4


def new() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def for_reading(code: str) -> str:
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def clean(typed: str) -> str:
    """As typed, with or without the dashes or spaces, in either case."""
    return "".join(typed.replace("-", " ").split()).lower()


def hashed(code: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(16)
    digest = hashlib.sha256(f"{salt}:{clean(code)}".encode()).hexdigest()
    return f"sha256${salt}${digest}"


def matches(typed: str, stored: str) -> bool:
    try:
        _kind, salt, _digest = stored.split("$")
    except ValueError:
        return False
    return hmac.compare_digest(hashed(typed, salt), stored)
