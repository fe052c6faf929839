"""Password hashing with Argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()
MIN_LENGTH = 8


class WeakPassword(ValueError):
    def __init__(self) -> None:
        super().__init__(f"密码至少 {MIN_LENGTH} 位 / a password needs at least {MIN_LENGTH} characters")


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise WeakPassword()
    return _HASHER.hash(password)


def check_password(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _HASHER.check_needs_rehash(stored)
