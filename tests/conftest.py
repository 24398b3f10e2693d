"""The cast used everywhere (STYLE.md): an HR admin, a manager, a junior and a senior who are
paired, and an outsider who must get 404 on everything of theirs."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from accounts.models import User
from mentoring.models import Cohort
from pairing.models import Pair
from tests import factories
from tests.factories import PASSWORD


@dataclass
class Cast:
    hr: User
    manager: User
    junior: User
    senior: User
    outsider: User
    cohort: Cohort
    pair: Pair
    password: str = PASSWORD


@pytest.fixture
def cast(db) -> Cast:
    hr = factories.hr_admin(email="hr@example.com", profile__full_name="Harriet HR")
    boss = factories.manager(email="boss@example.com", profile__full_name="Marcus Manager")
    junior = factories.UserFactory(
        email="junior@example.com", profile__full_name="Asha Junior", profile__department="Data"
    )
    senior = factories.UserFactory(
        email="senior@example.com",
        profile__full_name="Robert Senior",
        profile__department="Marketing",
        profile__manager=boss,
    )
    outsider = factories.UserFactory(
        email="outsider@example.com", profile__full_name="Olive Outsider"
    )
    cohort = factories.CohortFactory(name="Autumn", slug="autumn")
    pair = factories.PairFactory(
        cohort=cohort,
        junior=factories.EnrolmentFactory(cohort=cohort, user=junior, side="junior"),
        senior=factories.EnrolmentFactory(cohort=cohort, user=senior, side="senior"),
    )
    # The outsider takes part in another cohort with a pair of their own.
    factories.EnrolmentFactory(user=outsider, side="junior")
    return Cast(
        hr=hr,
        manager=boss,
        junior=junior,
        senior=senior,
        outsider=outsider,
        cohort=cohort,
        pair=pair,
    )


@pytest.fixture
def login(client):
    """Log a user in through the real allauth form, returning the client."""

    def _login(user: User, password: str = PASSWORD):
        response = client.post("/accounts/login/", {"login": user.email, "password": password})
        assert response.status_code == 302, response.content[:500]
        return client

    return _login


@pytest.fixture
def hr_client(cast, login):
    """The test client, logged in as the cast's HR admin."""
    return login(cast.hr)


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    """Rate-limit counters live in the shared cache (Redis in CI): start each test clean."""
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if uses_db:
        request.getfixturevalue(
            "db" if "live_server" not in request.fixturenames else "transactional_db"
        )
        from django.core.cache import cache

        cache.clear()
    yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 costs about a second per user on a loaded 2-core box; tests make many users.
    New hashes use MD5 here; PBKDF2 stays listed so seeded hashes still verify."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
