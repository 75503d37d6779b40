"""Encryption of sensitive text at rest: Fernet (AES-128-CBC + HMAC) with key rotation.

The first key encrypts; every key decrypts, so a new key can be put in front and old rows
re-encrypted at leisure with `tend rotate_keys`.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class UnreadableText(Exception):
    """Stored text that none of the configured keys can open."""


def derive_key(secret: str) -> bytes:
    return base64.urlsafe_b64encode(hashlib.sha256(f"tend-fernet:{secret}".encode()).digest())


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def encrypt(plain: str, keys: tuple[str, ...]) -> str:
    return _fernet(keys).encrypt(plain.encode()).decode()


def decrypt(token: str, keys: tuple[str, ...]) -> str:
    try:
        return _fernet(keys).decrypt(token.encode()).decode()
    except InvalidToken:
        raise UnreadableText("no configured key opens this text") from None


def rotate(token: str, keys: tuple[str, ...]) -> str:
    return _fernet(keys).rotate(token.encode()).decode()
