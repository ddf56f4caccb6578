"""Fixtures for admissions, the mirror-image table and outcome questionnaires."""

from __future__ import annotations

import datetime

import pytest

from tests.contracts.conftest import World, cpr_for, world  # noqa: F401 (the fixture is used here too)

D = datetime.date

__all__ = ["D", "World", "cpr_for"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
