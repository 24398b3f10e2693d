"""The demo's fixed names: its logins, its programme and cohorts, and the plan it follows."""

from __future__ import annotations

DEMO_PASSWORD = "twoway-demo"
HR_EMAIL = "hr@twoway.example"
MANAGER_EMAIL = "manager@twoway.example"
JUNIOR_EMAIL = "junior@twoway.example"
SENIOR_EMAIL = "senior@twoway.example"
PROGRAMME_SLUG = "reverse-mentoring"
CURRENT_COHORT_SLUG = "autumn-2026"
PAST_COHORT_SLUG = "spring-2026"
UPCOMING_COHORT_SLUG = "spring-2027"
DEMO_PLAN = "digital-reverse-mentoring"
