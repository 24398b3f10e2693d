from __future__ import annotations

import zoneinfo
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower, Upper
from django.utils import timezone

# skill_key is re-exported: callers name the taxonomy's rule from its model's module.
from mentoring.lib.text import skill_key as skill_key
from mentoring.lib.text import tidy_spaces

HR_ADMIN = "hr_admin"
MANAGER = "manager"


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not an IANA time zone name (e.g. Europe/London).")


class Skill(models.Model):
    name = models.CharField(max_length=100)
    key = models.CharField(max_length=100, unique=True, editable=False)
    category = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name = tidy_spaces(self.name)
        self.key = skill_key(self.name)
        super().save(*args, **kwargs)


class SkillSynonym(models.Model):
    """Another name for a skill ("LinkedIn personal branding" for "LinkedIn personal brand"):
    imports and the skill search resolve it to its skill. HR adds them on the skills page."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="synonyms")
    name = models.CharField(max_length=100)
    key = models.CharField(max_length=100, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} → {self.skill_id}"

    def save(self, *args, **kwargs) -> None:
        self.name = tidy_spaces(self.name)
        self.key = skill_key(self.name)
        super().save(*args, **kwargs)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("Users need an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. The email address is the login and is stored lower-case."""

    email = models.EmailField("email address", unique=True)
    is_staff = models.BooleanField(default=False, help_text="Can log into the Django admin.")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs) -> None:
        self.email = self.email.lower()
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        profile = getattr(self, "profile", None)
        return (profile.full_name if profile else "") or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0]


class Profile(models.Model):
    """What the programme knows about a person: their place in the organisation and skills."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    full_name = models.CharField(max_length=200)
    employee_id = models.CharField(max_length=64, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    department = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=200, blank=True)
    grade = models.IntegerField(null=True, blank=True, help_text="Higher is more senior.")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    timezone = models.CharField(
        max_length=64, default=settings.TIME_ZONE, validators=[validate_timezone]
    )
    hopes = models.TextField("what I hope to get out of this", blank=True, max_length=2000)
    nudges_enabled = models.BooleanField(
        default=True,
        help_text="Reminders about quiet pairs and surveys (meeting invites always go).",
    )
    manager_scope_programme_wide = models.BooleanField(
        default=False, help_text="Managers only: see dashboards for the whole programme."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("user")), name="profile_not_own_manager"
            ),
        ]
        # The dashboard's department filter (department__iexact: UPPER(department) = UPPER(%s)
        # on PostgreSQL) finds a department's people here, not by reading every profile. The
        # department alone: with the person in it too, PostgreSQL without fresh statistics
        # (just after a bulk import) probed it by person, reading it whole for each one.
        indexes = [
            models.Index(Upper("department"), name="profile_department_only_upper"),
        ]

    def __str__(self) -> str:
        return self.full_name or str(self.user)


class ProfileSkill(models.Model):
    """A skill a person can teach (level 1–3) or wants to learn (priority 1–3)."""

    class Kind(models.TextChoices):
        TEACH = "teach", "Can teach"
        LEARN = "learn", "Wants to learn"

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey("Skill", on_delete=models.CASCADE, related_name="holders")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text="Teach level or learning priority, 1–3.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "skill", "kind"], name="profileskill_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=3), name="profileskill_level_1_3"
            ),
        ]
        ordering = ["kind", "-level", "skill__name"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.skill} ({self.level})"
