"""No inference from dashboards: two figures cannot be subtracted to learn about fewer than 5."""

from __future__ import annotations

import csv
import io

from tests import factories


def _people(cohort, boss, department: str, n: int) -> None:
    for _ in range(n):
        user = factories.UserFactory(profile__department=department, profile__manager=boss)
        factories.EnrolmentFactory(cohort=cohort, user=user, side="junior")


def _csv(client, **query) -> dict[str, list[str]]:
    text = client.get("/dashboard/export.csv", query).content.decode()
    return {row[0]: row[1:] for row in csv.reader(io.StringIO(text)) if row}


def test_a_department_under_5_cannot_be_worked_out_from_the_total(cast, client):
    boss = factories.manager()
    _people(cast.cohort, boss, "Data", 6)
    _people(cast.cohort, boss, "Legal", 3)
    _people(cast.cohort, boss, "Sales", 8)
    client.force_login(boss)
    rows = _csv(client)
    assert rows["participants"] == ["17"]
    assert rows["Legal"] == ["fewer than 5", "fewer than 5"]
    # Hiding Legal alone would leave 17 - 6 - 8 = 3: the next smallest row goes too.
    assert rows["Data"] == ["fewer than 5", "fewer than 5"]
    assert rows["Sales"] == ["8", "0.0"]


def test_a_filter_that_leaves_out_fewer_than_5_is_hidden_too(cast, client):
    boss = factories.manager()
    _people(cast.cohort, boss, "Data", 7)
    _people(cast.cohort, boss, "Legal", 3)
    client.force_login(boss)
    assert _csv(client)["participants"] == ["10"]
    # Data alone (7) shown beside everyone (10) would say Legal has 3.
    assert _csv(client, department="Data")["participants"] == ["fewer than 5"]


def test_a_filter_leaving_out_5_or_more_is_shown(cast, client):
    boss = factories.manager()
    _people(cast.cohort, boss, "Data", 7)
    _people(cast.cohort, boss, "Legal", 5)
    client.force_login(boss)
    assert _csv(client, department="Data")["participants"] == ["7"]
