"""How the dashboard's numbers are shown: hours in tenths that add up, and counts a viewer may
not learn (a manager never learns a count under MIN_GROUP)."""

from __future__ import annotations

from mentoring.dashboard.scope import MIN_GROUP, Scope


def tenths_of_hours(minutes: int) -> int:
    """Minutes as tenths of an hour, halves rounded up (not to even, as round() would)."""
    return (minutes * 10 + 30) // 60


def apportion(parts: dict[str, int], total_tenths: int) -> dict[str, int]:
    """Tenths of an hour per key that add up to ``total_tenths`` exactly (largest remainder):
    rows rounded one by one would drift from the headline by a tenth here and there."""
    exact = {key: minutes / 6 for key, minutes in parts.items()}
    shares = {key: int(value) for key, value in exact.items()}
    short = total_tenths - sum(shares.values())
    for key in sorted(exact, key=lambda k: (shares[k] - exact[k], k))[: max(short, 0)]:
        shares[key] += 1
    return shares


def shown(count: int, scope: Scope | None = None) -> int | None:
    """The count, or None where the viewer may not learn it (a count under MIN_GROUP for a
    viewer whose scope suppresses; without a scope the caller has already decided)."""
    if scope is not None and not scope.suppresses:
        return count
    return count if count >= MIN_GROUP else None


def suppress_complement(departments: list[dict]) -> None:
    """Hiding the small rows is not enough while the total is shown: total minus the rows
    shown gives the hidden ones back. Hide the next smallest rows until what is hidden adds up
    to MIN_GROUP people or more, then blank every hidden cell."""
    hidden = sum(row["people"] for row in departments if row["suppressed"])
    for row in sorted(departments, key=lambda row: row["people"]):
        if not 0 < hidden < MIN_GROUP:
            break
        if not row["suppressed"]:
            row["suppressed"] = True
            hidden += row["people"]
    for row in departments:
        if row["suppressed"]:
            row["people"] = row["hours"] = None
