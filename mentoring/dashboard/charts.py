"""The dashboard's charts as geometry: plain numbers and label strings that
templates/dashboard/_chart.html draws as SVG with autoescaping on. Nothing here produces
markup, so no label (a department or month name) can ever become markup."""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 640
HEIGHT = 220
LEFT = 44  # room for the value axis
BOTTOM = 28  # room for the category labels
TOP = 10


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: str  # a CSS class: "reverse", "forward", "pulse"
    label: str  # the bar's tooltip and accessible text, e.g. "Mar 2025: 12.5 hours reverse"


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Category:
    x: float
    label: str


@dataclass
class Chart:
    title: str
    description: str
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (series, label)
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def baseline(self) -> float:
        return self.height - BOTTOM

    @property
    def plot_left(self) -> int:
        return LEFT

    @property
    def plot_right(self) -> int:
        return self.width - 8


def _nice_ceiling(value: float) -> float:
    """A round top for the value axis (1, 2, 2.5, 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 1.0
    while power * 10 <= value:
        power *= 10
    while power > value:
        power /= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _number(value: float) -> str:
    return f"{value:g}"


def _frame(count: int, top: float, ticks: int = 4) -> tuple[float, float, list[Tick]]:
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT - 8) / max(count, 1)
    axis = [
        Tick(y=round(HEIGHT - BOTTOM - plot_height * i / ticks, 1), label=_number(top * i / ticks))
        for i in range(ticks + 1)
    ]
    return slot, plot_height, axis


def hours_per_month(months: list[dict]) -> Chart:
    """Stacked bars: reverse (junior → senior) hours below, forward hours above."""
    chart = Chart(
        title="Hours per month",
        description="Session hours each month, reverse (junior to senior) and forward "
        "(senior to junior) stacked; the table below gives the figures.",
        legend=[("reverse", "Reverse (junior → senior)"), ("forward", "Forward (senior → junior)")],
    )
    if not months:
        return chart
    top = _nice_ceiling(max(m["reverse_hours"] + m["forward_hours"] for m in months))
    slot, plot_height, chart.ticks = _frame(len(months), top)
    width = max(slot * 0.7, 1)
    for i, month in enumerate(months):
        x = round(LEFT + i * slot + (slot - width) / 2, 1)
        name = f"{month['month']:%b %Y}"
        base = HEIGHT - BOTTOM
        for series, hours in (
            ("reverse", month["reverse_hours"]),
            ("forward", month["forward_hours"]),
        ):
            height = round(plot_height * hours / top, 1)
            base -= height
            chart.bars.append(
                Bar(
                    x,
                    round(base, 1),
                    round(width, 1),
                    height,
                    series,
                    f"{name}: {hours:g} hours {series}",
                )
            )
        chart.categories.append(Category(round(x + width / 2, 1), f"{month['month']:%b}"))
    return chart


def pulse_by_check_in(periods: list[tuple[int, int, float | None]]) -> Chart:
    """Mean "this is working for me" (1–5) at each check-in: day 30, then every 60 days.
    Check-ins with fewer than five answers are left out (their mean is None)."""
    chart = Chart(
        title="Pulse over time",
        description="Mean answer to \u201cthis is working for me\u201d (1 to 5) at each check-in "
        "after pairing; check-ins with fewer than 5 answers are left out.",
        legend=[("pulse", "Mean pulse (1–5)")],
    )
    shown = [(period, n, mean) for period, n, mean in periods if mean is not None]
    if not shown:
        return chart
    slot, plot_height, chart.ticks = _frame(len(shown), 5.0, ticks=5)
    width = max(slot * 0.6, 1)
    for i, (period, n, mean) in enumerate(shown):
        x = round(LEFT + i * slot + (slot - width) / 2, 1)
        height = round(plot_height * mean / 5, 1)
        day = 30 + 60 * period
        chart.bars.append(
            Bar(
                x,
                round(HEIGHT - BOTTOM - height, 1),
                round(width, 1),
                height,
                "pulse",
                f"Day {day}: mean {mean:g} from {n} answers",
            )
        )
        chart.categories.append(Category(round(x + width / 2, 1), f"day {day}"))
    return chart
