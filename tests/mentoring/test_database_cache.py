"""The database cache (the default without Redis, and Redis's fallback) writes a value in one
statement and still behaves as Django's: values overwrite, expire and are culled."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentoring.lib.cache import UpsertDatabaseCache

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache():
    made = UpsertDatabaseCache("twoway_cache", {"OPTIONS": {"MAX_ENTRIES": 10}})
    made.clear()
    made.set("warm", 0)  # the process's first write counts and culls, as Django's does
    return made


def test_a_value_is_written_in_one_statement_and_read_back(cache):
    with CaptureQueriesContext(connection) as queries:
        cache.set("figures", {"people": 5})
        cache.set("figures", {"people": 6})
    assert len(queries) == 2
    assert cache.get("figures") == {"people": 6}


def test_an_expired_value_is_a_miss(cache):
    cache.set("gone", "x", timeout=-1)
    cache.set("kept", "y", timeout=60)
    assert cache.get("gone") is None
    assert cache.get("kept") == "y"


def test_the_table_is_culled_every_so_often(cache):
    for i in range(UpsertDatabaseCache.CULL_EVERY + 1):
        cache.set(f"key-{i}", i)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM twoway_cache")
        left = cursor.fetchone()[0]
    # Culled at the CULL_EVERY-th write past the first: far fewer than were written.
    assert left < UpsertDatabaseCache.CULL_EVERY


def test_many_values_are_written_in_one_statement_and_read_back(cache):
    with CaptureQueriesContext(connection) as queries:
        cache.set_many({"a": {"n": 1}, "b": [2, 3]}, timeout=60)
    assert len(queries) == 1
    assert cache.get_many(["a", "b", "c"]) == {"a": {"n": 1}, "b": [2, 3]}
    cache.set_many({"a": "again"})
    assert cache.get("a") == "again"
