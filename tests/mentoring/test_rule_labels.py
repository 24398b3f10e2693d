"""The cohort form and a pairing run's form call the same weights and rules the same thing."""

from __future__ import annotations

from mentoring.forms import RULE_LABELS, CohortForm
from pairing.forms import RunForm


def test_the_cohort_form_and_the_run_form_label_each_weight_alike():
    cohort_form, run_form = CohortForm(), RunForm()
    shared = set(cohort_form.fields) & set(run_form.fields)
    assert {"weight_reverse", "weight_forward", "min_grade_gap"} <= shared
    for name in shared:
        assert cohort_form.fields[name].label == run_form.fields[name].label, name
        assert run_form.fields[name].label == RULE_LABELS[name]
