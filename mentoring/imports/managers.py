"""Manager chains after an import: the file's rows over the people already on Twoway."""

from __future__ import annotations

from django.db.models.functions import Lower

from accounts.models import Profile
from accounts.reporting import MAX_LEVELS
from mentoring.imports.bulk import chunks
from mentoring.imports.parse import RowProblem, StaffRow
from mentoring.lib.sql import among


def manager_cycles(rows: list[StaffRow], user_ids: dict[str, int]) -> list[RowProblem]:
    """Rows whose manager chain, after the import, would come back to them."""
    manager_of: dict[str, str | None] = {row.email: row.manager_email or None for row in rows}
    # Follow chains out of the file through existing people, one query per level.
    frontier = {m for m in manager_of.values() if m and m not in manager_of and m in user_ids}
    for _ in range(MAX_LEVELS):
        if not frontier:
            break
        found: dict[str, str | None] = {}
        for batch in chunks(sorted(frontier)):
            found.update(
                (email.lower(), (manager or "").lower() or None)
                for email, manager in Profile.objects.annotate(email_key=Lower("user__email"))
                .filter(email_key__in=among(batch, "text"))
                .values_list("user__email", "manager__email")
            )
        for email in frontier:
            manager_of.setdefault(email, found.get(email))
        frontier = {m for m in found.values() if m and m not in manager_of}

    lines = {row.email: row.line for row in rows}
    problems: list[RowProblem] = []
    done: set[str] = set()
    for start in lines:
        path: list[str] = []
        on_path: dict[str, int] = {}
        node: str | None = start
        while node and node not in done and node not in on_path:
            on_path[node] = len(path)
            path.append(node)
            node = manager_of.get(node)
        if node and node in on_path:
            loop = path[on_path[node] :]
            if len(loop) > 1:  # a person who is their own manager is reported when read
                chain = " → ".join([*loop, loop[0]])
                for email in loop:
                    if email in lines:
                        problems.append(
                            RowProblem(
                                lines[email],
                                email,
                                f"manager chain goes round in a circle: {chain}.",
                            )
                        )
        done.update(path)
    return problems
