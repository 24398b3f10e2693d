import pytest

from accounts.models import Profile
from accounts.reporting import MAX_LEVELS, chain_above, manager_chains, reports_under
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_manager_chain_runs_all_the_way_up_and_a_loop_ends_it():
    ceo = factories.UserFactory()
    boss = factories.UserFactory(profile__manager=ceo)
    person = factories.UserFactory(profile__manager=boss)
    Profile.objects.filter(user=ceo).update(manager=person)  # bad data: a loop back down

    chains = manager_chains([person.pk])

    assert chains[person.pk] == {boss.pk, ceo.pk}


def test_a_reporting_line_deeper_than_the_cap_is_cut_at_the_cap():
    boss_of = {level: level + 1 for level in range(MAX_LEVELS + 50)}

    assert len(chain_above(0, boss_of)) == MAX_LEVELS


def test_a_manager_sees_everyone_under_them_at_any_depth_but_not_their_peers():
    head = factories.UserFactory()
    lead = factories.UserFactory(profile__manager=head)
    member = factories.UserFactory(profile__manager=lead)
    peer = factories.UserFactory()

    assert reports_under(head.pk) == {lead.pk, member.pk}
    assert peer.pk not in reports_under(head.pk)
