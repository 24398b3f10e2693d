"""The shortlist (DESIGN.md "Preferences"): suggestions, marks, and how pairing uses them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.models import Cohort, OutboxMessage
from pairing.engine import Person, Rules, solve
from pairing.models import Pair, Proposal, Rule, Suggestion
from pairing.services import compute_run, pair_publish
from pairing.services import shortlist as services
from tests import factories


def _person(cohort, side: str, name: str, teach=(), learn=(), **profile):
    user = factories.UserFactory(
        email=f"{name.lower()}@example.com", profile__full_name=name, **profile
    )
    for skill, level in teach:
        factories.ProfileSkillFactory(
            profile=user.profile,
            skill=factories.SkillFactory(name=skill),
            kind="teach",
            level=level,
        )
    for skill, level in learn:
        factories.ProfileSkillFactory(
            profile=user.profile,
            skill=factories.SkillFactory(name=skill),
            kind="learn",
            level=level,
        )
    return factories.EnrolmentFactory(cohort=cohort, user=user, side=side)


@pytest.fixture
def login(client):
    """Switch the one test client to ``user`` (force_login: the log-in page itself is
    covered by the accounts tests)."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def spring(db, eager_celery, django_capture_on_commit_callbacks):
    """Two juniors and two seniors; on skills alone Jo pairs with Sam and Kit with Ray."""
    cohort = factories.CohortFactory(name="Spring", slug="spring", status=Cohort.Status.ENROLLING)
    people = {
        "jo": _person(cohort, "junior", "Jo", teach=[("Python", 3), ("Excel", 1)]),
        "kit": _person(cohort, "junior", "Kit", teach=[("Excel", 3), ("Python", 1)]),
        "sam": _person(cohort, "senior", "Sam", learn=[("Python", 3), ("Excel", 1)]),
        "ray": _person(cohort, "senior", "Ray", learn=[("Excel", 3), ("Python", 1)]),
    }
    hr = factories.hr_admin(email="shortlist-hr@example.com")
    with django_capture_on_commit_callbacks(execute=True):  # prepares everyone's suggestions
        shortlist = services.shortlist_open(cohort=cohort, days=7, by=hr)
    shortlist.refresh_from_db()
    return cohort, people, shortlist, hr


def _mark(shortlist, chooser, candidate, mark: str) -> None:
    services.suggestions_for(shortlist=shortlist, enrolment=chooser)
    suggestion = Suggestion.objects.get(chooser=chooser, candidate=candidate)
    services.mark_set(suggestion=suggestion, mark=mark)


def _pairs(cohort) -> set[tuple[str, str]]:
    run = compute_run(cohort=cohort)
    return {
        (p.junior.user.full_name, p.senior.user.full_name)
        for p in Proposal.objects.filter(run=run).select_related("junior__user", "senior__user")
    }


def test_a_participant_sees_eligible_suggestions_best_first_with_why(spring, login):
    cohort, people, shortlist, _ = spring
    boss = people["sam"].user
    people["kit"].user.profile.manager = boss  # Sam is in Kit's reporting line
    people["kit"].user.profile.save()
    services.shortlist_prepare(shortlist=shortlist)  # as if HR had opened it after the change
    page = login(people["kit"].user).get(reverse("pairing:shortlist", args=["spring"]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ray" in text and "Sam" not in text
    assert "<strong>Excel</strong> — you teach it at level 3 of 3" in text


def test_opening_the_shortlist_prepares_suggestions_in_a_task_on_the_pairing_queue(
    db, settings, django_capture_on_commit_callbacks, monkeypatch
):
    from pairing import tasks

    cohort = factories.CohortFactory(slug="autumn", status=Cohort.Status.ENROLLING)
    jo = _person(cohort, "junior", "Jo", teach=[("Python", 3)])
    _person(cohort, "senior", "Sam", learn=[("Python", 3)])
    queued = []
    monkeypatch.setattr(tasks.shortlist_prepare, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        shortlist = services.shortlist_open(cohort=cohort, days=7, by=None)
        assert not queued  # nothing is queued before the commit
    for callback in callbacks:
        callback()
    assert queued == [shortlist.pk]
    assert settings.CELERY_TASK_ROUTES["pairing.tasks.shortlist_prepare"] == {"queue": "pairing"}
    assert not Suggestion.objects.filter(chooser=jo).exists()  # no engine in the request


def test_a_participant_waits_for_suggestions_being_prepared_then_sees_them(
    db, login, eager_celery, django_capture_on_commit_callbacks
):
    cohort = factories.CohortFactory(slug="autumn", status=Cohort.Status.ENROLLING)
    jo = _person(cohort, "junior", "Jo", teach=[("Python", 3)])
    _person(cohort, "senior", "Sam", learn=[("Python", 3)])
    shortlist = services.shortlist_open(cohort=cohort, days=7, by=None)  # task not run yet
    client = login(jo.user)
    url = reverse("pairing:shortlist", args=["autumn"])
    page = client.get(url).content.decode()
    assert "Your suggestions are being prepared" in page and "Sam" not in page
    poll = client.get(url, HTTP_HX_REQUEST="true")
    assert poll.content.decode().lstrip().startswith('<div id="preparing"')
    services.shortlist_prepare(shortlist=shortlist)
    assert client.get(url, HTTP_HX_REQUEST="true").headers["HX-Refresh"] == "true"
    page = client.get(url).content.decode()
    assert "being prepared" not in page and "Sam" in page


def test_a_late_joiner_is_prepared_by_a_task_queued_from_their_page(
    spring, login, django_capture_on_commit_callbacks
):
    cohort, *_ = spring
    late = _person(cohort, "junior", "Lee", teach=[("Python", 2)])
    client = login(late.user)
    url = reverse("pairing:shortlist", args=["spring"])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(url).content.decode()
    assert "being prepared" in first
    page = client.get(url).content.decode()
    assert "being prepared" not in page and "Sam" in page


def test_marking_with_htmx_returns_only_that_suggestion_and_works_without_js(spring, login):
    _, people, shortlist, _ = spring
    client = login(people["jo"].user)
    client.get(reverse("pairing:shortlist", args=["spring"]))
    suggestion = Suggestion.objects.get(chooser=people["jo"], candidate=people["sam"])
    url = reverse("pairing:shortlist_mark", args=["spring", suggestion.pk])
    fragment = client.post(url, {"mark": "like"}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert (
        fragment.content.decode().lstrip().startswith(f'<article id="suggestion-{suggestion.pk}"')
    )
    assert "<h1>" not in fragment.content.decode()
    assert client.post(url, {"mark": "rather_not"}).status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.mark == "rather_not"


def test_nobody_marks_someone_elses_suggestion(spring, login, cast):
    _, people, shortlist, _ = spring
    services.suggestions_for(shortlist=shortlist, enrolment=people["jo"])
    suggestion = Suggestion.objects.filter(chooser=people["jo"]).first()
    url = reverse("pairing:shortlist_mark", args=["spring", suggestion.pk])
    assert login(people["kit"].user).post(url, {"mark": "like"}).status_code == 404
    assert (
        login(cast.outsider).get(reverse("pairing:shortlist", args=["spring"])).status_code == 404
    )
    suggestion.refresh_from_db()
    assert suggestion.mark == ""


def test_rather_not_keeps_a_pair_apart(spring):
    cohort, people, shortlist, _ = spring
    assert ("Jo", "Sam") in _pairs(cohort)
    _mark(shortlist, people["sam"], people["jo"], "rather_not")
    assert ("Jo", "Sam") not in _pairs(cohort)


def test_pairing_over_a_rather_not_says_it_was_a_mark_and_only_hr_sees_whose(spring, login):
    cohort, people, shortlist, hr = spring
    _mark(shortlist, people["sam"], people["jo"], "rather_not")
    run = compute_run(cohort=cohort)
    jo_now = Proposal.objects.get(run=run, junior=people["jo"])
    kit_now = Proposal.objects.get(run=run, junior=people["kit"])
    board = login(hr).post(
        reverse("pairing:board_edit", args=["spring", run.pk, "swap"]),
        {"proposal": [jo_now.pk, kit_now.pk], "version": run.version},
        HTTP_HX_REQUEST="true",
    )
    html = board.content.decode()
    assert "excluded by HR" not in html
    assert "one of the two marked this pair “rather not” on the shortlist" in html
    assert "Sam marked this pair “rather not” on the shortlist." in html
    swapped = Proposal.objects.get(run=run, junior=people["jo"])
    assert swapped.senior == people["sam"]
    # The warning goes with the published pair, which Jo and Sam read: it names nobody.
    assert not any("Sam" in w or "Jo" in w for w in swapped.warnings)


def test_id_like_adds_the_preference_weight_and_twice_when_mutual(spring):
    cohort, people, shortlist, _ = spring
    # Skills alone: Jo-Sam 3*(9+1)=30, Kit-Ray 30, Jo-Ray 3*(3+3)=18, Kit-Sam 18.
    cohort.weight_preference = 7
    cohort.save()
    _mark(shortlist, people["jo"], people["ray"], "like")
    run = compute_run(cohort=cohort)
    jo_ray = 3 * 6 + 7
    assert run.total_score == 60  # one like (7) cannot beat the 24 points the swap costs
    _mark(shortlist, people["kit"], people["sam"], "like")
    _mark(shortlist, people["ray"], people["jo"], "like")
    _mark(shortlist, people["sam"], people["kit"], "like")
    run = compute_run(cohort=cohort)
    scores = {
        (p.junior.user.full_name, p.senior.user.full_name): (p.score, dict(p.breakdown))
        for p in Proposal.objects.filter(run=run).select_related("junior__user", "senior__user")
    }
    assert scores[("Jo", "Ray")] == (jo_ray + 7, {**scores[("Jo", "Ray")][1], "preference": 14})
    assert set(scores) == {("Jo", "Ray"), ("Kit", "Sam")}
    assert run.total_score == 2 * (18 + 14)


def test_an_outsized_bonus_changes_the_engines_choice_and_its_total():
    juniors = [Person(1, 10, teach={1: 3}), Person(2, 11, teach={1: 1})]
    seniors = [Person(5, 20, learn={1: 3})]
    plain = solve(juniors, seniors)
    assert [(p.junior_id, p.score) for p in plain.proposals] == [(1, 27)]
    chosen = solve(juniors, seniors, rules=Rules(bonus={(2, 5): 30}))
    assert [(p.junior_id, p.score) for p in chosen.proposals] == [(2, 9 + 30)]
    assert chosen.total_score == 39
    ineligible = solve([Person(3, 12, teach={2: 3})], seniors, rules=Rules(bonus={(3, 5): 99}))
    assert ineligible.proposals == ()


def test_one_reminder_goes_to_those_who_have_not_looked(spring, login):
    cohort, people, shortlist, hr = spring
    login(people["jo"].user).get(reverse("pairing:shortlist", args=["spring"]))
    client = login(hr)
    client.post(reverse("pairing:shortlist_change", args=["spring", "remind"]))
    client.post(reverse("pairing:shortlist_change", args=["spring", "remind"]))
    reminded = set(
        OutboxMessage.objects.filter(kind=services.REMINDER).values_list(
            "recipient__profile__full_name", flat=True
        )
    )
    assert reminded == {"Kit", "Sam", "Ray"}
    assert OutboxMessage.objects.filter(kind=services.REMINDER).count() == 3
    assert OutboxMessage.objects.filter(kind=services.OPENED).count() == 4


def test_hr_sees_the_demand_and_managers_and_participants_do_not(spring, login, cast):
    cohort, people, shortlist, hr = spring
    _mark(shortlist, people["jo"], people["sam"], "like")
    _mark(shortlist, people["kit"], people["sam"], "rather_not")
    cohort.status = Cohort.Status.PAIRING
    cohort.save()
    run = compute_run(cohort=cohort)
    pair_publish(run=run, by=hr)
    page = login(hr).get(reverse("pairing:shortlist_hr", args=["spring"]))
    text = page.content.decode()
    assert "<strong>2</strong> of 4 participants looked" in text
    assert "<strong>1</strong> “I'd like” mark and <strong>1</strong> “rather not” mark" in text
    assert "<strong>50%</strong> of published pairs (1 of 2)" in text
    url = reverse("pairing:shortlist_hr", args=["spring"])
    assert login(cast.manager).get(url).status_code == 403
    assert login(people["jo"].user).get(url).status_code == 403


def test_why_we_matched_says_you_both_asked_only_when_both_did(spring, login):
    cohort, people, shortlist, hr = spring
    _mark(shortlist, people["jo"], people["sam"], "like")
    services.suggestions_for(shortlist=shortlist, enrolment=people["sam"])  # Sam looks too
    cohort.status = Cohort.Status.PAIRING
    cohort.save()
    pair_publish(run=compute_run(cohort=cohort), by=hr)
    pair = Pair.objects.get(junior=people["jo"], senior=people["sam"])
    url = reverse("pairing:my_pair", args=[pair.pk])
    assert "You asked for this pair" in login(people["jo"].user).get(url).content.decode()
    sams_view = login(people["sam"].user).get(url).content.decode()
    assert "asked" not in sams_view  # Jo's mark alone is Jo's
    _mark(shortlist, people["sam"], people["jo"], "like")
    assert "You both asked for each other" in login(people["sam"].user).get(url).content.decode()


def test_a_closed_shortlist_keeps_marks_and_refuses_changes(spring, login):
    _, people, shortlist, _ = spring
    _mark(shortlist, people["jo"], people["sam"], "like")
    services.shortlist_close(shortlist=shortlist, now=timezone.now() - timedelta(seconds=1))
    suggestion = Suggestion.objects.get(chooser=people["jo"], candidate=people["sam"])
    client = login(people["jo"].user)
    client.post(reverse("pairing:shortlist_mark", args=["spring", suggestion.pk]), {"mark": ""})
    suggestion.refresh_from_db()
    assert suggestion.mark == "like"
    assert (
        "has closed" in client.get(reverse("pairing:shortlist", args=["spring"])).content.decode()
    )
    assert not Rule.objects.exists()
