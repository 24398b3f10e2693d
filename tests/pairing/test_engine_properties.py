"""The engine against brute force on small random cohorts (no database)."""

from __future__ import annotations

import functools
import itertools
import os
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp

from pairing.engine import Person, Rules, Weights, evaluate, solve
from pairing.engine import proof as _proof
from pairing.engine import score as _score_module
from pairing.engine import sparse as _sparse
from pairing.engine.score import build_cohort

DEPARTMENTS = ["", "Engineering", "engineering", "Sales", "Legal"]
LOCATIONS = ["", "Paris", "paris", "Lagos", "Pune"]
OFFSETS = [None, -11.0, -5.0, 0.0, 1.0, 5.5, 9.0, 12.0]


def _score(
    junior: Person, senior: Person, weights: Weights, rules: Rules | None = None
) -> tuple[int, int, int]:
    """DESIGN.md "Pairing score", written out independently of the engine, plus the pair's
    shortlist bonus (DESIGN.md "Preferences") when rules are given."""
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
        + (rules.bonus.get((junior.id, senior.id), 0) if rules else 0)
    )
    return score, reverse, forward


def _eligible(junior: Person, senior: Person, rules: Rules, weights: Weights) -> bool:
    _, reverse, _ = _score(junior, senior, weights)
    if reverse <= 0 or junior.user_id == senior.user_id:
        return False
    if senior.user_id in junior.manager_chain or junior.user_id in senior.manager_chain:
        return False
    if (junior.id, senior.id) in rules.excluded | rules.never_again:
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


def brute_force(juniors, seniors, weights: Weights, rules: Rules) -> tuple[int, int, int]:
    """(people with a partner, pairs proposed, total score) of the best answer, by trying every
    assignment. Fixed pairs use capacity and cover their people but are not proposed."""
    ids_j, ids_s = {p.id for p in juniors}, {p.id for p in seniors}
    fixed = [(j, s) for j, s in dict.fromkeys(rules.fixed) if j in ids_j and s in ids_s]
    locked = [
        (j, s)
        for j, s in dict.fromkeys(rules.locked)
        if j in ids_j and s in ids_s and (j, s) not in fixed
    ]
    taken = locked + fixed
    by_id = {("j", p.id): p for p in juniors} | {("s", p.id): p for p in seniors}
    locked_score = sum(_score(by_id["j", j], by_id["s", s], weights, rules)[0] for j, s in locked)
    used_j = [sum(1 for j, _ in taken if j == p.id) for p in juniors]
    used_s = [sum(1 for _, s in taken if s == p.id) for p in seniors]
    left_s = tuple(max(0, p.capacity - used_s[k]) for k, p in enumerate(seniors))
    options = []
    for i, junior in enumerate(juniors):
        row = [
            (k, _score(junior, senior, weights, rules)[0])
            for k, senior in enumerate(seniors)
            if _eligible(junior, senior, rules, weights) and (junior.id, senior.id) not in taken
        ]
        options.append((max(0, junior.capacity - used_j[i]), row))

    @functools.cache
    def best(i: int, capacity: tuple[int, ...]) -> tuple[int, int, int]:
        if i == len(juniors):  # the seniors' cover is known once every junior has chosen
            covered = sum(1 for k in range(len(seniors)) if used_s[k] or capacity[k] < left_s[k])
            return (covered, 0, 0)
        slots, row = options[i]
        answer = (-1, 0, 0)
        for size in range(min(slots, len(row)) + 1):
            for chosen in itertools.combinations(row, size):
                if any(capacity[k] == 0 for k, _ in chosen):
                    continue
                rest = list(capacity)
                for k, _ in chosen:
                    rest[k] -= 1
                covered, pairs, score = best(i + 1, tuple(rest))
                me = 1 if used_j[i] or size else 0
                answer = max(
                    answer, (covered + me, pairs + size, score + sum(s for _, s in chosen))
                )
        return answer

    covered, pairs, score = best(0, left_s)
    return covered, pairs + len(locked), score + locked_score


def summary(result) -> tuple[int, int, int]:
    return result.people_covered, len(result.proposals), result.total_score


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

    fixed = tuple(some_pairs(2)) if rng.random() < 0.4 else ()
    rules = Rules(
        min_grade_gap=rng.choice([None, None, -1, 0, 1, 3]),
        must_differ_department=rng.random() < 0.3,
        max_timezone_diff_hours=rng.choice([None, None, 0.0, 2.0, 4.5, 9.0]),
        excluded=frozenset(some_pairs(4)),
        locked=tuple(p for p in some_pairs(2) if p not in fixed),
        never_again=frozenset(some_pairs(2)),
        fixed=fixed,
        # shortlist "I'd like" points: one side's (4), both sides' (8), or outsized ones that
        # beat every skill score
        bonus={pair: rng.choice([1, 4, 8, 60]) for pair in some_pairs(4)}
        if rng.random() < 0.5
        else {},
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
def test_it_covers_as_many_people_then_pairs_then_points_as_brute_force(cohort):
    juniors, seniors, weights, rules = cohort
    result = solve(juniors, seniors, weights=weights, rules=rules)
    assert summary(result) == brute_force(juniors, seniors, weights, rules)


@SETTINGS
@given(cohorts())
def test_every_answer_respects_capacities_rules_excludes_locks_and_fixed_pairs(cohort):
    juniors, seniors, weights, rules = cohort
    result = solve(juniors, seniors, weights=weights, rules=rules)
    people = {("junior", p.id): p for p in juniors} | {("senior", p.id): p for p in seniors}
    fixed = list(dict.fromkeys(rules.fixed))
    seen = [(p.junior_id, p.senior_id) for p in result.proposals]
    assert len(seen) == len(set(seen)), "a pair is proposed twice"
    assert not set(seen) & set(fixed), "an active pair is proposed again"
    assert not set(seen) & (rules.never_again - set(rules.locked)), "an ended pair came back"
    everyone = seen + fixed
    for key, person in people.items():
        count = sum(1 for j, s in everyone if (j if key[0] == "junior" else s) == key[1])
        held = sum(
            1
            for j, s in dict.fromkeys((*rules.locked, *fixed))
            if (j if key[0] == "junior" else s) == key[1]
        )
        assert count <= max(person.capacity, held)
    assert result.people_covered == len({j for j, _ in everyone}) + len({s for _, s in everyone})
    locked = set(rules.locked) - set(fixed)
    assert {(p.junior_id, p.senior_id) for p in result.proposals if p.locked} == locked
    for proposal in result.proposals:
        junior, senior = people["junior", proposal.junior_id], people["senior", proposal.senior_id]
        again, breaks = evaluate(junior, senior, weights=weights, rules=rules)
        assert proposal.score == again.score == _score(junior, senior, weights, rules)[0]
        assert sum(points for _, points in proposal.breakdown) == proposal.score
        if not proposal.locked:
            assert breaks == []
            assert _eligible(junior, senior, rules, weights)
            assert (junior.id, senior.id) not in rules.never_again
    assert result.total_score == sum(p.score for p in result.proposals)
    assert [(-p.score, p.junior_id, p.senior_id) for p in result.proposals] == sorted(
        (-p.score, p.junior_id, p.senior_id) for p in result.proposals
    )
    for unmatched in (*result.unmatched_juniors, *result.unmatched_seniors):
        person = people[unmatched.side, unmatched.person_id]
        taken = sum(1 for j, s in everyone if (j if unmatched.side == "junior" else s) == person.id)
        assert unmatched.free_slots == person.capacity - taken > 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts(max_capacity=3))
def test_with_one_candidate_each_and_tiny_blocks_the_proof_still_reaches_brute_force(cohort):
    juniors, seniors, weights, rules = cohort
    # so few candidates that the dual-price proof must find the missing pairs, and blocks of
    # a few rows so that each senior's best are merged across blocks
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_sparse, "CANDIDATES_PER_ROW", 1)
        patch.setattr(_sparse, "CANDIDATES_PER_COLUMN", 1)
        patch.setattr(_sparse, "BLOCK_CELLS", 1)
        patch.setattr(_sparse, "COMPILED_CHUNK_CELLS", 1)  # the compiled loop's lanes too
        result = solve(juniors, seniors, weights=weights, rules=rules)
    assert summary(result) == brute_force(juniors, seniors, weights, rules)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts())
def test_scoring_without_the_profile_table_agrees(cohort):
    juniors, seniors, weights, rules = cohort
    with_table = solve(juniors, seniors, weights=weights, rules=rules)
    with pytest.MonkeyPatch.context() as patch:  # as if everyone had a profile of their own
        patch.setattr(_score_module, "EXTRAS_TABLE_CELLS", 0)
        assert solve(juniors, seniors, weights=weights, rules=rules) == with_table


def test_the_proof_adds_the_pairs_the_candidates_left_out():
    a, b = Person(10, 10, learn={1: 3}), Person(11, 11, learn={1: 1})
    juniors = [Person(1, 1, teach={1: 3}), Person(2, 2, teach={1: 2})]
    built = build_cohort(juniors, [a, b], Weights(), Rules())
    ones, no = np.ones(2, dtype=np.int64), np.zeros(2, dtype=bool)
    # each junior's one best candidate is senior 10: alone, they make one pair
    pairs, _, rounds = _proof.solve_candidates(
        built, Weights(), Rules(), ones, ones, no, no, per_row=1, per_column=0
    )
    assert rounds > 1
    assert pairs == [(0, 0), (1, 1)]


def _milp_optimum(juniors, seniors, weights: Weights) -> tuple[int, int, int]:
    """The objective solved by HiGHS as an integer programme, from the reference score."""
    edges = [
        (j, s, _score(junior, senior, weights)[0])
        for j, junior in enumerate(juniors)
        for s, senior in enumerate(seniors)
        if _eligible(junior, senior, Rules(), weights)
    ]
    n_e, n_j, n_s = len(edges), len(juniors), len(seniors)
    top = max((w for _, _, w in edges), default=0)
    pair = top * n_e + 1
    cover = (pair + top) * n_e + 1
    # variables: one per edge, then one "covered" flag per junior and per senior
    c = -np.concatenate([[pair + w for _, _, w in edges], np.full(n_j + n_s, cover)])
    rows = []
    for j in range(n_j):  # capacity, and covered only with a partner
        load = np.zeros(n_e + n_j + n_s)
        load[[e for e, (jj, _, _) in enumerate(edges) if jj == j]] = 1
        rows.append((load, 0, juniors[j].capacity))
        flag = -load.copy()
        flag[n_e + j] = 1
        rows.append((flag, -np.inf, 0))
    for s in range(n_s):
        load = np.zeros(n_e + n_j + n_s)
        load[[e for e, (_, ss, _) in enumerate(edges) if ss == s]] = 1
        rows.append((load, 0, seniors[s].capacity))
        flag = -load.copy()
        flag[n_e + n_j + s] = 1
        rows.append((flag, -np.inf, 0))
    answer = milp(
        c,
        constraints=LinearConstraint(
            np.array([r for r, _, _ in rows]), [lo for _, lo, _ in rows], [hi for _, _, hi in rows]
        ),
        integrality=np.ones(len(c)),
        bounds=Bounds(0, 1),
    )
    x = np.round(answer.x).astype(int)
    chosen = [edges[e] for e in range(n_e) if x[e]]
    covered = len({j for j, _, _ in chosen}) + len({s for _, s, _ in chosen})
    return covered, len(chosen), sum(w for _, _, w in chosen)


@pytest.mark.parametrize("seed", range(3))
def test_on_bigger_cohorts_with_capacities_it_matches_an_integer_programme(seed):
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

    juniors, seniors = people(40, 1, 2), people(30, 1000, 3)
    assert summary(solve(juniors, seniors)) == _milp_optimum(juniors, seniors, Weights())


def test_on_bigger_cohorts_of_one_partner_each_it_matches_scipy():
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

    juniors, seniors = people(300, 1), people(260, 1000)
    score = np.array([[_score(j, s, Weights())[0] for s in seniors] for j in juniors])
    ok = np.array([[_eligible(j, s, Rules(), Weights()) for s in seniors] for j in juniors])
    weight = np.where(ok, score + 10**6, 0)
    r, c = linear_sum_assignment(weight, maximize=True)
    chosen = weight[r, c] > 0
    expected = (2 * int(chosen.sum()), int(chosen.sum()), int(score[r, c][chosen].sum()))
    assert summary(solve(juniors, seniors)) == expected
