"""The password policy holds wherever a password is set."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from teacherapp.passwords import (
    PasswordPolicyError,
    check_policy,
    hash_password,
    verify_password,
)


@pytest.mark.parametrize(("password", "code"), [
    ("kort-11-tkn", "too_short"),
    ("x" * 129, "too_long"),
    ("wachtwoord123", "too_common"),
    ("Password1234", "too_common"),
    ("abababababababab", "too_common"),
])
def test_policy_refuses(password, code):
    with pytest.raises(PasswordPolicyError) as error:
        check_policy(password)
    assert error.value.code == code


@pytest.mark.parametrize("password", ["twaalf-tekens", "a" * 100 + "bcd-" + "e" * 24,
                                      "zwembad 🏊 fluitje 2026"])
def test_policy_allows_long_and_unicode_passwords(password):
    check_policy(password)
    assert verify_password(hash_password(password), password)


def test_hash_password_refuses_a_password_against_the_policy():
    with pytest.raises(PasswordPolicyError):
        hash_password("short")


def test_passwords_are_stored_with_argon2id():
    stored = hash_password("een lang genoeg wachtwoord")
    assert stored.startswith("$argon2id$")
    assert not PasswordHasher().check_needs_rehash(stored)


def test_verify_password_survives_a_broken_hash():
    assert verify_password("not-a-hash", "whatever-password") is False


def test_create_user_command_applies_the_policy(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--email", "x@example.com", "--name", "X",
                                 "--role", "teacher", "--password", "short"])
    assert result.exit_code != 0
    assert "12" in result.output
