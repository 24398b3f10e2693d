import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.models import User
from mentoring.models import Enrolment
from pairing.models import Pair

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=True)
def test_seed_demo_builds_the_demo_logins_and_is_idempotent(client):
    call_command("seed_demo", participants=30, verbosity=0)
    counts = (User.objects.count(), Enrolment.objects.count(), Pair.objects.count())
    call_command("seed_demo", participants=30, verbosity=0)
    assert (User.objects.count(), Enrolment.objects.count(), Pair.objects.count()) == counts
    for email in (
        "hr@twoway.example",
        "manager@twoway.example",
        "junior@twoway.example",
        "senior@twoway.example",
    ):
        client.logout()
        assert client.login(username=email, password="twoway-demo"), email
    pair = Pair.objects.get(junior__user__email="junior@twoway.example")
    assert pair.senior.user.email == "senior@twoway.example"
    assert pair.status == "active" and pair.published_at


@override_settings(DEBUG=False)
def test_seed_demo_refuses_with_debug_off():
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("seed_demo", participants=10, verbosity=0)
    assert not User.objects.exists()
