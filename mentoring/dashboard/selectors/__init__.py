"""The dashboard's figures: what the filters select (filters), who takes part (people), the
pairs in view and what they add up to (pairs), sessions over time and skills (activity), and
the board that brings them together (board). Every name the views and tests use is here."""

from mentoring.dashboard.selectors.board import Dashboard, build
from mentoring.dashboard.selectors.filters import Filters, enrolments_in_view, parse_filters
from mentoring.dashboard.selectors.numbers import apportion, tenths_of_hours
from mentoring.dashboard.selectors.pairs import AT_RISK_SHOWN, AtRiskPair
from mentoring.dashboard.selectors.people import filter_choices

__all__ = [
    "AT_RISK_SHOWN",
    "AtRiskPair",
    "Dashboard",
    "Filters",
    "apportion",
    "build",
    "enrolments_in_view",
    "filter_choices",
    "parse_filters",
    "tenths_of_hours",
]
