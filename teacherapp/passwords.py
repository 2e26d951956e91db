"""Password hashing (Argon2id) and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 128

# Refused outright even when long enough: the ones people actually pick.
COMMON_PASSWORDS = frozenset(
    {
        "123456789012", "1234567890123", "qwertyuiopas", "passwordpassword", "wachtwoord123",
        "wachtwoordwachtwoord", "password1234", "welkom123456", "azertyuiopqs", "000000000000",
        "111111111111", "aaaaaaaaaaaa", "iloveyou1234", "letmein12345", "sportleraar1",
        "trainersschool", "vlaamsetrainersschool", "teacherapp123",
    }
)


# Argon2id (argon2-cffi's default type) with its RFC 9106 "low memory" profile:
# 3 passes over 64 MiB, about 50 ms per login on a small server.
_hasher = PasswordHasher()


class PasswordPolicyError(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def check_policy(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise PasswordPolicyError("too_short")
    if len(password) > MAX_LENGTH:
        raise PasswordPolicyError("too_long")
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        raise PasswordPolicyError("too_common")


def hash_password(password: str) -> str:
    """The only way to turn a password into a stored hash, so no path can skip the policy.

    Raises PasswordPolicyError when the password is too short, too long or too common.
    """
    check_policy(password)
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Verifying against this when the email is unknown keeps the answer time the same,
# so timing does not reveal whether an account exists.
DUMMY_HASH = _hasher.hash("not-a-real-password-for-timing")
