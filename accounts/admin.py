from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import Profile, ProfileSkill, Skill, User


class ProfileInline(admin.StackedInline):
    model = Profile
    fk_name = "user"
    raw_id_fields = ["manager"]
    can_delete = False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "last_login"]
    search_fields = ["email", "profile__full_name"]
    list_filter = ["is_active", "is_staff", "groups"]
    inlines = [ProfileInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("profile")


class ProfileSkillInline(admin.TabularInline):
    model = ProfileSkill
    raw_id_fields = ["skill"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["full_name", "user", "job_title", "department", "location", "grade"]
    search_fields = ["full_name", "user__email", "department"]
    raw_id_fields = ["user", "manager"]
    inlines = [ProfileSkillInline]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "category"]
    search_fields = ["name"]
