"""Existing logs' skills are shared out by direction.

A reverse-only log credits its skills junior → senior, a forward-only one senior → junior. In a
"both ways" log, a skill the junior teaches (or the senior wants) goes junior → senior, one the
senior teaches (or the junior wants) goes senior → junior; when both teach it, or neither
profile names it, nothing tells the directions apart and it stays credited both ways, as before.
Reversed, the two lists are joined again.
"""

from collections import defaultdict

from django.db import migrations

CHUNK = 2000


def _ways(skill_id: int, junior: dict, senior: dict) -> tuple[bool, bool]:
    junior_teaches = skill_id in junior["teach"]
    senior_teaches = skill_id in senior["teach"]
    if junior_teaches != senior_teaches:
        return junior_teaches, senior_teaches
    if junior_teaches:  # both teach it: either may have
        return True, True
    senior_wants = skill_id in senior["learn"]
    junior_wants = skill_id in junior["learn"]
    if senior_wants != junior_wants:
        return senior_wants, junior_wants
    return True, True


def split_skills(apps, schema_editor) -> None:
    SessionLog = apps.get_model("sessions_log", "SessionLog")
    ProfileSkill = apps.get_model("accounts", "ProfileSkill")
    Old = SessionLog.skills.through
    Reverse = SessionLog.skills_reverse.through
    Forward = SessionLog.skills_forward.through
    covered: dict[int, list[int]] = defaultdict(list)
    for log_id, skill_id in Old.objects.values_list("sessionlog_id", "skill_id").iterator():
        covered[log_id].append(skill_id)
    if not covered:
        return
    log_ids = sorted(covered)
    for start in range(0, len(log_ids), CHUNK):
        chunk = log_ids[start : start + CHUNK]
        logs = list(
            SessionLog.objects.filter(pk__in=chunk).values_list(
                "pk", "direction", "pair__junior__user_id", "pair__senior__user_id"
            )
        )
        people = {user for _, _, junior, senior in logs for user in (junior, senior)}
        skills: dict[int, dict[str, set[int]]] = defaultdict(
            lambda: {"teach": set(), "learn": set()}
        )
        for user_id, skill_id, kind in ProfileSkill.objects.filter(
            profile__user_id__in=people
        ).values_list("profile__user_id", "skill_id", "kind"):
            skills[user_id][kind].add(skill_id)
        reverse_rows, forward_rows = [], []
        for log_id, direction, junior, senior in logs:
            for skill_id in covered[log_id]:
                if direction == "reverse":
                    way = (True, False)
                elif direction == "forward":
                    way = (False, True)
                else:
                    way = _ways(skill_id, skills[junior], skills[senior])
                if way[0]:
                    reverse_rows.append(Reverse(sessionlog_id=log_id, skill_id=skill_id))
                if way[1]:
                    forward_rows.append(Forward(sessionlog_id=log_id, skill_id=skill_id))
        Reverse.objects.bulk_create(reverse_rows, ignore_conflicts=True)
        Forward.objects.bulk_create(forward_rows, ignore_conflicts=True)


def join_skills(apps, schema_editor) -> None:
    SessionLog = apps.get_model("sessions_log", "SessionLog")
    Old = SessionLog.skills.through
    pairs = set(SessionLog.skills_reverse.through.objects.values_list("sessionlog_id", "skill_id"))
    pairs |= set(SessionLog.skills_forward.through.objects.values_list("sessionlog_id", "skill_id"))
    Old.objects.bulk_create(
        [Old(sessionlog_id=log_id, skill_id=skill_id) for log_id, skill_id in sorted(pairs)],
        batch_size=CHUNK,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_log", "0011_session_log_skills_per_direction"),
        ("accounts", "0004_skill_table_name"),
    ]

    operations = [migrations.RunPython(split_skills, join_skills)]
