"""The engine against brute force on small random cohorts (no database)."""

from __future__ import annotations

import functools
import importlib
import itertools
import os
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from pairing.engine import Person, Rules, Weights, evaluate, solve
from pairing.engine import flow as _flow
from pairing.engine import score as _score_module
from pairing.engine import sparse as _sparse
from pairing.engine.score import build_cohort

_solve = importlib.import_module("pairing.engine.solve")  # the package re-exports solve()

DEPARTMENTS = ["", "Engineering", "engineering", "Sales", "Legal"]
LOCATIONS = ["", "Paris", "paris", "Lagos", "Pune"]
OFFSETS = [None, -11.0, -5.0, 0.0, 1.0, 5.5, 9.0, 12.0]


def _score(junior: Person, senior: Person, weights: Weights) -> tuple[int, int, int]:
    """DESIGN.md "Pairing score", written out independently of the engine."""
    reverse = sum(level * senior.learn.get(k, 0) for k, level in junior.teach.items())
    forward = sum(level * junior.learn.get(k, 0) for k, level in senior.teach.items())

    def differ(a: str, b: str) -> bool:
        return bool(a) and bool(b) and a.lower() != b.lower()

    score = (
        weights.reverse * reverse
        + weights.forward * forward
        + weights.forward_bonus * (forward > 0)
        + weights.department * differ(junior.department, senior.department)
        + weights.location * differ(junior.location, senior.location)
    )
    return score, reverse, forward


def _eligible(junior: Person, senior: Person, rules: Rules, weights: Weights) -> bool:
    _, reverse, _ = _score(junior, senior, weights)
    if reverse <= 0 or junior.user_id == senior.user_id:
        return False
    if senior.user_id in junior.manager_chain or junior.user_id in senior.manager_chain:
        return False
    if (junior.id, senior.id) in rules.excluded:
        return False
    if (
        rules.min_grade_gap is not None
        and junior.grade is not None
        and senior.grade is not None
        and senior.grade - junior.grade < rules.min_grade_gap
    ):
        return False
    if (
        rules.must_differ_department
        and junior.department
        and senior.department
        and junior.department.lower() == senior.department.lower()
    ):
        return False
    if (
        rules.max_timezone_diff_hours is not None
        and junior.utc_offset_hours is not None
        and senior.utc_offset_hours is not None
    ):
        gap = abs(junior.utc_offset_hours - senior.utc_offset_hours) % 24
        if min(gap, 24 - gap) > rules.max_timezone_diff_hours:
            return False
    return True


def brute_force(juniors, seniors, weights: Weights, rules: Rules) -> tuple[int, int]:
    """(number of pairs, total score) of the best answer, by trying every assignment."""
    locked = [
        (j, s)
        for j, s in dict.fromkeys(rules.locked)
        if any(p.id == j for p in juniors) and any(p.id == s for p in seniors)
    ]
    by_id = {("j", p.id): p for p in juniors} | {("s", p.id): p for p in seniors}
    locked_score = sum(_score(by_id["j", j], by_id["s", s], weights)[0] for j, s in locked)
    left_j = [max(0, p.capacity - sum(1 for j, _ in locked if j == p.id)) for p in juniors]
    left_s = tuple(max(0, p.capacity - sum(1 for _, s in locked if s == p.id)) for p in seniors)
    options = []
    for i, junior in enumerate(juniors):
        row = [
            (k, _score(junior, senior, weights)[0])
            for k, senior in enumerate(seniors)
            if _eligible(junior, senior, rules, weights) and (junior.id, senior.id) not in locked
        ]
        options.append((left_j[i], row))

    @functools.cache
    def best(i: int, capacity: tuple[int, ...]) -> tuple[int, int]:
        if i == len(juniors):
            return (0, 0)
        slots, row = options[i]
        answer = (-1, 0)
        for size in range(min(slots, len(row)) + 1):
            for chosen in itertools.combinations(row, size):
                if any(capacity[k] == 0 for k, _ in chosen):
                    continue
                rest = list(capacity)
                for k, _ in chosen:
                    rest[k] -= 1
                pairs, score = best(i + 1, tuple(rest))
                answer = max(answer, (pairs + size, score + sum(s for _, s in chosen)))
        return answer

    pairs, score = best(0, left_s)
    return pairs + len(locked), score + locked_score


@st.composite
def cohorts(draw, max_side: int = 7, max_capacity: int = 2):
    """Sizes come from hypothesis (so failures shrink to small cohorts); the details from a
    seeded generator, which keeps each example cheap to draw."""
    n_j = draw(st.integers(0, max_side))
    n_s = draw(st.integers(0, max_side))
    rng = random.Random(draw(st.integers(0, 2**32)))
    users = rng.sample(range(100, 200), n_j + n_s)
    if n_j and n_s and rng.random() < 0.3:  # sometimes one person sits on both sides
        users[n_j] = users[0]

    def skills() -> dict[int, int]:
        return {rng.randint(1, 5): rng.randint(1, 3) for _ in range(rng.randint(0, 3))}

    def person(pid: int, user: int) -> Person:
        chain = frozenset(rng.sample(users, min(len(users), rng.choice([0, 0, 1, 2])))) - {user}
        return Person(
            id=pid,
            user_id=user,
            capacity=rng.choice([1, 1, 1, 0, *range(1, max_capacity + 1)]),
            teach=skills(),
            learn=skills(),
            department=rng.choice(DEPARTMENTS),
            location=rng.choice(LOCATIONS),
            grade=rng.choice([None, 1, 2, 3, 4, 5, 6]),
            utc_offset_hours=rng.choice(OFFSETS),
            manager_chain=chain,
            name=f"P{pid}",
        )

    juniors = [person(1 + i, users[i]) for i in range(n_j)]
    seniors = [person(50 + i, users[n_j + i]) for i in range(n_s)]
    all_pairs = [(j.id, s.id) for j in juniors for s in seniors]

    def some_pairs(most: int) -> list[tuple[int, int]]:
        return [rng.choice(all_pairs) for _ in range(rng.randint(0, most))] if all_pairs else []

    rules = Rules(
        min_grade_gap=rng.choice([None, None, -1, 0, 1, 3]),
        must_differ_department=rng.random() < 0.3,
        max_timezone_diff_hours=rng.choice([None, None, 0.0, 2.0, 4.5, 9.0]),
        excluded=frozenset(some_pairs(4)),
        locked=tuple(some_pairs(2)),
    )
    weights = rng.choice(
        [
            Weights(),
            Weights(),
            Weights(1, 1, 0, 0, 0),
            Weights(3, 2, 2, 5, 0),
            Weights(0, 0, 0, 0, 0),
        ]
    )
    return juniors, seniors, weights, rules


SETTINGS = settings(
    max_examples=int(os.environ.get("ENGINE_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SETTINGS
@given(cohorts())
def test_it_finds_as_many_pairs_and_as_high_a_total_as_brute_force(cohort):
    juniors, seniors, weights, rules = cohort
    result = solve(juniors, seniors, weights=weights, rules=rules)
    assert (len(result.proposals), result.total_score) == brute_force(
        juniors, seniors, weights, rules
    )


@SETTINGS
@given(cohorts())
def test_every_answer_respects_capacities_rules_excludes_and_locks(cohort):
    juniors, seniors, weights, rules = cohort
    result = solve(juniors, seniors, weights=weights, rules=rules)
    people = {("junior", p.id): p for p in juniors} | {("senior", p.id): p for p in seniors}
    seen = [(p.junior_id, p.senior_id) for p in result.proposals]
    assert len(seen) == len(set(seen)), "a pair is proposed twice"
    for key, person in people.items():
        count = sum(1 for j, s in seen if (j if key[0] == "junior" else s) == key[1])
        assert count <= max(
            person.capacity,
            sum(
                1
                for j, s in dict.fromkeys(rules.locked)
                if (j if key[0] == "junior" else s) == key[1]
            ),
        )
    locked = set(rules.locked)
    assert {(p.junior_id, p.senior_id) for p in result.proposals if p.locked} == locked
    for proposal in result.proposals:
        junior, senior = people["junior", proposal.junior_id], people["senior", proposal.senior_id]
        again, breaks = evaluate(junior, senior, weights=weights, rules=rules)
        assert proposal.score == again.score == _score(junior, senior, weights)[0]
        assert sum(points for _, points in proposal.breakdown) == proposal.score
        if not proposal.locked:
            assert breaks == []
            assert _eligible(junior, senior, rules, weights)
    assert result.total_score == sum(p.score for p in result.proposals)
    assert [(-p.score, p.junior_id, p.senior_id) for p in result.proposals] == sorted(
        (-p.score, p.junior_id, p.senior_id) for p in result.proposals
    )
    for unmatched in (*result.unmatched_juniors, *result.unmatched_seniors):
        person = people[unmatched.side, unmatched.person_id]
        taken = sum(1 for j, s in seen if (j if unmatched.side == "junior" else s) == person.id)
        assert unmatched.free_slots == person.capacity - taken > 0


@SETTINGS
@given(cohorts(max_side=6, max_capacity=3))
def test_the_flow_solver_alone_matches_brute_force(cohort):
    juniors, seniors, weights, rules = cohort
    rules = Rules(
        rules.min_grade_gap,
        rules.must_differ_department,
        rules.max_timezone_diff_hours,
        rules.excluded,
    )
    juniors = sorted(juniors, key=lambda p: p.id)
    seniors = sorted(seniors, key=lambda p: p.id)
    built = build_cohort(juniors, seniors, weights, rules)
    caps_j = np.asarray([p.capacity for p in juniors], dtype=np.int64)
    caps_s = np.asarray([p.capacity for p in seniors], dtype=np.int64)
    pairs = _flow.min_cost_flow_cohort(built, weights, rules, caps_j, caps_s)
    total = sum(_score(juniors[r], seniors[c], weights)[0] for r, c in pairs)
    assert (len(pairs), total) == brute_force(juniors, seniors, weights, rules)


@pytest.mark.parametrize("seed", range(4))
def test_the_square_and_the_rectangular_solvers_agree_with_scipy_on_bigger_cohorts(seed):
    rng = np.random.default_rng(seed)

    def people(n: int, start: int, capacity_max: int) -> list[Person]:
        return [
            Person(
                id=start + i,
                user_id=start + i,
                capacity=int(rng.integers(1, capacity_max + 1)),
                teach={int(k): int(rng.integers(1, 4)) for k in rng.choice(12, 3, replace=False)},
                learn={int(k): int(rng.integers(1, 4)) for k in rng.choice(12, 2, replace=False)},
                department=str(rng.choice(["a", "b", "c"])),
                location=str(rng.choice(["x", "y"])),
            )
            for i in range(n)
        ]

    juniors, seniors = people(60, 1, 1), people(45, 1000, 2)
    rules = Rules(must_differ_department=bool(seed % 2))
    built = build_cohort(juniors, seniors, Weights(), rules)
    caps_j = np.ones(60, dtype=np.int64)
    caps_s = np.asarray([p.capacity for p in seniors], dtype=np.int64)
    answers = {
        method: _solve.solve_dense(built, Weights(), rules, caps_j, caps_s, method=method)
        for method in ("lapjv", "scipy")
    }
    flow = _flow.min_cost_flow_cohort(built, Weights(), rules, caps_j, caps_s)

    def summary(pairs):
        return len(pairs), sum(_score(juniors[r], seniors[c], Weights())[0] for r, c in pairs)

    assert summary(answers["lapjv"].pairs) == summary(answers["scipy"].pairs) == summary(flow)
    assert answers["lapjv"].method == "lapjv", "lapjv's dual prices did not prove its answer"


def test_the_dual_price_proof_rejects_an_answer_that_is_not_optimal():
    from lapjv import lapjv

    rng = np.random.default_rng(5)
    cost = -rng.integers(0, 40, (50, 50)).astype(np.float32)
    assigned, _, (_, u, v) = lapjv(cost)
    assert _solve._proven(cost, assigned, u, v)
    worse = assigned.copy()
    worse[[0, 1]] = worse[[1, 0]]
    if cost[np.arange(50), worse].sum() == cost[np.arange(50), assigned].sum():
        worse[[0, 2]] = worse[[2, 0]]
    assert not _solve._proven(cost, worse, u, v)
    assert not _solve._proven(cost, assigned, u + 1, v)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts())
def test_the_double_precision_path_finds_an_equally_good_answer(cohort):
    juniors, seniors, weights, rules = cohort
    single = solve(juniors, seniors, weights=weights, rules=rules)
    exact = _solve.FLOAT32_EXACT
    _solve.FLOAT32_EXACT = 1  # as if the scores were too large for float32
    try:
        double = solve(juniors, seniors, weights=weights, rules=rules)
    finally:
        _solve.FLOAT32_EXACT = exact
    assert (len(double.proposals), double.total_score) == (
        len(single.proposals),
        single.total_score,
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts())
def test_scoring_without_the_profile_table_agrees(cohort):
    juniors, seniors, weights, rules = cohort
    with_table = solve(juniors, seniors, weights=weights, rules=rules)
    cells = _score_module.EXTRAS_TABLE_CELLS
    _score_module.EXTRAS_TABLE_CELLS = 0  # as if every person had a profile of their own
    try:
        direct = solve(juniors, seniors, weights=weights, rules=rules)
    finally:
        _score_module.EXTRAS_TABLE_CELLS = cells
    assert direct == with_table


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts())
def test_the_candidate_solver_with_its_proof_matches_brute_force(cohort):
    juniors, seniors, weights, rules = cohort
    saved = _solve.SPARSE_MIN_CELLS, _sparse.CANDIDATES_PER_ROW, _sparse.CANDIDATES_PER_COLUMN
    # every cohort takes the candidate path, with so few candidates that the proof must add more
    _solve.SPARSE_MIN_CELLS, _sparse.CANDIDATES_PER_ROW, _sparse.CANDIDATES_PER_COLUMN = 0, 1, 0
    try:
        result = solve(juniors, seniors, weights=weights, rules=rules)
    finally:
        _solve.SPARSE_MIN_CELLS, _sparse.CANDIDATES_PER_ROW, _sparse.CANDIDATES_PER_COLUMN = saved
    assert (len(result.proposals), result.total_score) == brute_force(
        juniors, seniors, weights, rules
    )


@pytest.mark.parametrize(
    ("rows", "cols", "eligible_share", "dtype"),
    [
        (300, 300, 0.3, np.float32),
        (300, 300, 0.05, np.float32),
        (300, 220, 0.5, np.float32),
        (200, 300, 0.1, np.float32),
        (300, 300, 0.3, np.float64),
    ],
)
def test_the_candidate_solver_agrees_with_scipys_dense_solve(rows, cols, eligible_share, dtype):
    rng = np.random.default_rng(rows + cols)
    scores = rng.integers(1, 30, (rows, cols))
    big_m = 10_000 if dtype == np.float32 else 2**40  # float64: beyond float32's exact range
    cost = np.where(rng.random((rows, cols)) < eligible_share, -(big_m + scores), 0).astype(dtype)
    sigma = _sparse.solve_sparse(cost, per_row=2, per_column=1)
    assert sigma is not None, "the dual prices did not prove the candidate answer"
    assert len(set(sigma.tolist())) == rows, "a column is used twice"
    paired = sigma < cols
    ours = float(cost[np.flatnonzero(paired), sigma[paired]].sum(dtype=np.float64))
    dense_rows, dense_cols = linear_sum_assignment(cost)
    assert ours == float(cost[dense_rows, dense_cols].sum(dtype=np.float64))


def test_big_cohorts_take_the_candidate_path_and_match_lapjv():
    rng = np.random.default_rng(11)

    def people(n: int, start: int) -> list[Person]:
        return [
            Person(
                id=start + i,
                user_id=start + i,
                teach={int(k): int(rng.integers(1, 4)) for k in rng.choice(20, 3, replace=False)},
                learn={int(k): int(rng.integers(1, 4)) for k in rng.choice(20, 2, replace=False)},
                department=str(rng.choice(["a", "b", "c"])),
            )
            for i in range(n)
        ]

    juniors, seniors = people(400, 1), people(400, 1000)
    built = build_cohort(juniors, seniors, Weights(), Rules())
    caps = np.ones(400, dtype=np.int64)
    saved = _solve.SPARSE_MIN_CELLS
    _solve.SPARSE_MIN_CELLS = 100_000
    try:
        sparse = _solve.solve_dense(built, Weights(), Rules(), caps, caps)
    finally:
        _solve.SPARSE_MIN_CELLS = saved
    dense = _solve.solve_dense(built, Weights(), Rules(), caps, caps, method="lapjv")
    assert sparse.method == "sparse"

    def summary(pairs):
        return len(pairs), sum(_score(juniors[r], seniors[c], Weights())[0] for r, c in pairs)

    assert summary(sparse.pairs) == summary(dense.pairs)
