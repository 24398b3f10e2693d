"""factory_boy factories shared by every test module."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import HR_ADMIN, MANAGER, Profile, ProfileSkill, Skill, User
from mentoring.models import Cohort, Enrolment, Programme
from pairing.models import Pair

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)
    profile = factory.RelatedFactory("tests.factories.ProfileFactory", factory_related_name="user")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get_or_create(name=name)[0])


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory, profile=None)
    full_name = factory.Faker("name")
    job_title = "Analyst"
    department = "Operations"
    location = "London"
    timezone = "Europe/London"


def hr_admin(**kwargs) -> User:
    return UserFactory(roles=[HR_ADMIN], **kwargs)


def manager(**kwargs) -> User:
    return UserFactory(roles=[MANAGER], **kwargs)


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("key",)

    name = factory.Sequence(lambda n: f"Skill {n}")
    key = factory.LazyAttribute(lambda o: " ".join(o.name.split()).casefold())


class ProfileSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfileSkill

    profile = factory.SubFactory(ProfileFactory)
    skill = factory.SubFactory(SkillFactory)
    kind = ProfileSkill.Kind.TEACH
    level = 2


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    agreement = "What is said here stays here."


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")
    slug = factory.Sequence(lambda n: f"cohort-{n}")
    status = Cohort.Status.ACTIVE
    starts_on = factory.LazyFunction(lambda: timezone.localdate())


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    cohort = factory.SubFactory(CohortFactory)
    user = factory.SubFactory(UserFactory)
    side = Enrolment.Side.JUNIOR
    capacity = 1


class PairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pair

    cohort = factory.SubFactory(CohortFactory)
    junior = factory.SubFactory(
        EnrolmentFactory, cohort=factory.SelfAttribute("..cohort"), side="junior"
    )
    senior = factory.SubFactory(
        EnrolmentFactory, cohort=factory.SelfAttribute("..cohort"), side="senior"
    )
    published_at = factory.LazyFunction(timezone.now)
