"""The engine's fast paths (slot assignment by lapjv, scipy or the sparse candidate solve, see
pairing/engine/assign.py) against the tiered min-cost flow and brute force (no database)."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from pairing.engine import Person, Rules, Weights, solve
from pairing.engine import assign as _assign
from pairing.engine import dense as _dense
from pairing.engine import sparse as _sparse
from pairing.engine.score import build_cohort, score_block
from tests.pairing.test_engine_properties import brute_force, cohorts, summary

_solve = importlib.import_module("pairing.engine.solve")

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _flow_only(juniors, seniors, weights, rules):
    """The answer of the min-cost flow alone, on every eligible pair (no fast path)."""
    real = _solve.solve_candidates

    def flow_candidates(*args, **kwargs):
        kwargs["method"] = "flow"
        return real(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_solve, "SPARSE_MIN_CELLS", 0)
        patch.setattr(_solve, "solve_candidates", flow_candidates)
        return solve(juniors, seniors, weights=weights, rules=rules)


@FAST
@given(cohorts(max_capacity=3))
def test_the_dense_fast_path_and_the_flow_agree_on_people_pairs_and_points(cohort):
    juniors, seniors, weights, rules = cohort
    fast = solve(juniors, seniors, weights=weights, rules=rules)
    assert summary(fast) == summary(_flow_only(juniors, seniors, weights, rules))


@FAST
@given(cohorts(max_capacity=3))
def test_the_sparse_fast_path_with_one_candidate_each_reaches_brute_force(cohort):
    juniors, seniors, weights, rules = cohort
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_solve, "SPARSE_MIN_CELLS", 0)
        patch.setattr(_sparse, "CANDIDATES_PER_ROW", 1)
        patch.setattr(_sparse, "CANDIDATES_PER_COLUMN", 1)
        patch.setattr(_sparse, "BLOCK_CELLS", 1)
        patch.setattr(_sparse, "COMPILED_CHUNK_CELLS", 1)  # the compiled loop's lanes too
        result = solve(juniors, seniors, weights=weights, rules=rules)
    assert summary(result) == brute_force(juniors, seniors, weights, rules)


@FAST
@given(cohorts(max_capacity=3))
def test_lapjv_and_scipy_on_the_whole_slot_matrix_agree(cohort):
    juniors, seniors, weights, rules = cohort
    juniors = sorted(juniors, key=lambda p: p.id)
    seniors = sorted(seniors, key=lambda p: p.id)
    built = build_cohort(juniors, seniors, weights, rules)
    free_j = np.asarray([max(0, p.capacity) for p in juniors], dtype=np.int64)
    free_s = np.asarray([max(0, p.capacity) for p in seniors], dtype=np.int64)
    no_j, no_s = np.zeros(len(juniors), dtype=bool), np.zeros(len(seniors), dtype=bool)
    answers = []
    for method in ("lapjv", "scipy"):
        try:
            answer = _dense.solve_dense(
                built, weights, rules, free_j, free_s, no_j, no_s, method=method
            )
        except _dense._Duplicated:
            return  # the same two people twice: the flow's case, not this comparison's
        score = score_block(built, weights, rules, 0, len(juniors)).score
        answers.append(
            (
                len({r for r, _ in answer.pairs}) + len({c for _, c in answer.pairs}),
                len(answer.pairs),
                sum(int(score[r, c]) for r, c in answer.pairs),
            )
        )
    assert answers[0] == answers[1]


def test_a_second_place_on_both_sides_goes_to_the_flow_when_the_slots_repeat_a_pair():
    # Both take two partners and only have each other: slots alone would pair them twice.
    juniors = [Person(1, 1, capacity=2, teach={1: 3})]
    seniors = [Person(10, 10, capacity=2, learn={1: 3})]
    result = solve(juniors, seniors)
    assert [(p.junior_id, p.senior_id) for p in result.proposals] == [(1, 10)]
    assert result.unmatched_juniors[0].free_slots == 1


def test_the_cover_tier_outweighs_any_pairs_and_points_the_slots_can_hold():
    levels = _assign.tiers(max_score=40, row_slots=7, col_slots=5, needs_cover=True)
    # a swap may lose every pair's points once and one pair
    assert levels.pair > 40 * 4
    assert levels.cover > levels.pair + 40 * 5
    assert _assign.tiers(40, 7, 5, needs_cover=False).cover == 0


def test_people_already_covered_earn_no_first_slot_bonus():
    bonus = _assign.first_bonus(
        np.array([2, 0, 1, 3]), np.array([False, False, True, False]), cover=100
    )
    assert bonus.tolist() == [100, 0, 0, 100, 0, 0]


def test_a_top_up_with_weights_zero_still_covers_the_most_people():
    juniors = [Person(1, 1, teach={1: 1}), Person(2, 2, teach={1: 1})]
    seniors = [Person(10, 10, capacity=2, learn={1: 1}), Person(11, 11, learn={1: 1})]
    rules = Rules(fixed=((1, 10),))
    result = solve(juniors, seniors, weights=Weights(0, 0, 0, 0, 0), rules=rules)
    # junior 2 should take senior 11 (a new person covered), not senior 10's free place
    assert [(p.junior_id, p.senior_id) for p in result.proposals] == [(2, 11)]
    assert result.people_covered == 4


def test_a_rectangle_too_big_for_the_dense_solve_gets_the_same_answer_from_the_candidates():
    from bench.pairing import cohort

    juniors, seniors, rules = cohort(700, 250, (1, 3), seed=3)
    rows = len(juniors) - len(rules.locked)
    cols = sum(p.capacity for p in seniors) - len(rules.locked)
    assert rows * cols >= _solve.RECTANGLE_SPARSE_MIN_CELLS  # the candidates' route
    on_candidates = solve(juniors, seniors, rules=rules)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_solve, "RECTANGLE_SPARSE_MIN_CELLS", 10**12)
        dense = solve(juniors, seniors, rules=rules)
    assert summary(on_candidates) == summary(dense)
    assert on_candidates.people_covered > 0
