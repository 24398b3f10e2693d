"""HR home's "Needs you" badge: per cohort, open re-match requests and people waiting for a
partner, counted the same way as the cohort page (pairing.attention)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentoring.models import Cohort
from pairing.attention import per_cohort
from pairing.models import Pair, RematchRequest
from pairing.services import compute_run, pair_publish
from tests.pairing.factories import junior, pairing_cohort, senior

pytestmark = pytest.mark.django_db


def _published(cast, slug: str) -> tuple[Cohort, Pair]:
    cohort = pairing_cohort(slug=slug, name=slug.title())
    asha = junior(cohort, f"Asha {slug}", teaches={"TikTok": 3})
    senior(cohort, f"Robert {slug}", learns={"TikTok": 3})
    pair_publish(run=compute_run(cohort=cohort), by=cast.hr)
    cohort.refresh_from_db()
    return cohort, Pair.objects.get(junior=asha)


def test_the_badge_counts_waiting_people_and_requests_and_leaves_quiet_cohorts_out(cast, login):
    busy, busy_pair = _published(cast, "busy")
    junior(busy, "Dan Late")  # joined after the pairs were published: waits
    RematchRequest.objects.create(pair=busy_pair, requested_by=busy_pair.junior.user, reason="")
    closed, closed_pair = _published(cast, "closed")
    RematchRequest.objects.create(pair=closed_pair, requested_by=closed_pair.senior.user, reason="")
    junior(closed, "Eve Late")  # a closed cohort has nobody waiting for a partner
    Cohort.objects.filter(pk=closed.pk).update(status=Cohort.Status.CLOSED)
    _published(cast, "quiet")

    ours = {"busy", "closed", "quiet"}  # the cast's own cohort has someone waiting too
    counts = {i.cohort.slug: (i.waiting, i.requests) for i in per_cohort() if i.cohort.slug in ours}
    assert counts == {"busy": (1, 1), "closed": (0, 1)}

    home = " ".join(login(cast.hr).get(reverse("mentoring:home")).content.decode().split())
    assert "Needs you" in home
    assert "1 re-match request, 1 waiting for a partner" in home
    assert "Quiet" not in home.split("Needs you", 1)[1].split("</section>", 1)[0]
