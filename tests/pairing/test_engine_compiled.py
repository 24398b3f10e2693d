"""The compiled loops (pairing/engine/kernels.py) and the restartable slot solve
(pairing/engine/warm.py) against the numpy routes they replace (no database)."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from pairing.engine import assign, pack, proof, solve, sparse, warm
from pairing.engine.score import build_cohort
from tests.pairing.test_engine_properties import brute_force, cohorts, summary

_solve = importlib.import_module("pairing.engine.solve")
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _both_ways(cohort, per_row, per_column, seed):
    """collect() by numpy and by the compiled loop (in lanes of one row) on the same cohort,
    with some people already full."""
    juniors, seniors, weights, rules = cohort
    juniors = sorted(juniors, key=lambda p: p.id)
    seniors = sorted(seniors, key=lambda p: p.id)
    rng = np.random.default_rng(seed)
    open_j = rng.random(len(juniors)) < 0.8
    open_s = rng.random(len(seniors)) < 0.8
    found = {}
    for compiled in (False, True):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(pack, "ENABLED", compiled)
            patch.setattr(sparse, "COMPILED_CHUNK_CELLS", 1)
            patch.setattr(sparse, "LANES", 2)  # two lanes' bests merged, as on two threads
            built = build_cohort(juniors, seniors, weights, rules)
            found[compiled] = (
                built,
                sparse.collect(built, weights, rules, open_j, open_s, per_row, per_column),
            )
    return found, weights, rules, open_j, open_s


def _per_row_scores(candidates) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for r, s in zip(candidates.rows.tolist(), candidates.scores.tolist(), strict=True):
        out.setdefault(r, []).append(s)
    return {r: sorted(v) for r, v in out.items()}


@FAST
@given(cohorts(max_capacity=3))
def test_the_compiled_candidates_score_bound_and_flag_as_numpy_does(cohort):
    found, *_ = _both_ways(cohort, per_row=2, per_column=1, seed=1)
    (_, plain), (_, fast) = found[False], found[True]
    for name in (
        "row_bound",
        "column_bound",
        "junior_any",
        "junior_chain",
        "senior_any",
        "senior_chain",
        "cache",
    ):
        assert np.array_equal(getattr(plain, name), getattr(fast, name)), name
    # ties may pick other people, never other scores: each junior keeps the same best scores
    keep = plain.row_bound > -np.inf
    rows_plain, rows_fast = _per_row_scores(plain), _per_row_scores(fast)
    for row in np.flatnonzero(keep).tolist():
        assert rows_fast.get(row, [])[-2:] == rows_plain.get(row, [])[-2:]
    # and every candidate's score is the pair's real score
    if fast.cache is not None and len(fast.rows):
        assert np.array_equal(fast.cache[fast.rows, fast.cols].astype(np.int64) - 1, fast.scores)


@FAST
@given(cohorts(max_capacity=3))
def test_the_compiled_proof_scan_finds_the_same_breaking_pairs(cohort):
    found, weights, rules, open_j, open_s = _both_ways(cohort, per_row=1, per_column=1, seed=2)
    rng = np.random.default_rng(3)
    n, m = len(open_j), len(open_s)
    alpha = rng.integers(0, 30, n).astype(np.float64)
    beta = rng.integers(-5, 30, m).astype(np.float64)
    rows = np.flatnonzero(open_j)
    answers = []
    for compiled in (False, True):
        built, candidates = found[compiled]
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(pack, "ENABLED", compiled)
            for cache in (candidates.cache, None):  # read the cache, or score again
                r, c, s, breaking = proof.violations(
                    built, weights, rules, rows, alpha, beta, open_j, open_s, cache
                )
                slack = sorted(
                    (int(a), float(x)) for a, x in zip(r, s - alpha[r] - beta[c], strict=True)
                )
                answers.append((breaking, slack))
    # the same count everywhere, and each junior's worst slacks alike (ties aside)
    assert len({a[0] for a in answers}) == 1
    assert len({tuple(a[1]) for a in answers}) == 1


@FAST
@given(cohorts(max_capacity=3))
def test_without_the_compiled_loops_or_the_restart_the_answer_is_the_same(cohort):
    juniors, seniors, weights, rules = cohort
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_solve, "SPARSE_MIN_CELLS", 0)
        patch.setattr(sparse, "CANDIDATES_PER_ROW", 1)
        patch.setattr(sparse, "CANDIDATES_PER_COLUMN", 1)
        fast = solve(juniors, seniors, weights=weights, rules=rules)
        patch.setattr(pack, "ENABLED", False)
        patch.setattr(proof, "WARM", False)
        plain = solve(juniors, seniors, weights=weights, rules=rules)
    assert summary(fast) == summary(plain) == brute_force(juniors, seniors, weights, rules)


def _slot_problem(seed: int, n: int, m: int, density: float):
    rng = np.random.default_rng(seed)
    mask = rng.random((n, m)) < density
    rows, cols = np.nonzero(mask)
    scores = rng.integers(0, 12, len(rows))
    free_j = np.ones(n, dtype=np.int64)  # one side of one place: no pair twice
    free_s = rng.integers(1, 3, m)
    covered_j = rng.random(n) < 0.2
    covered_s = rng.random(m) < 0.2
    return (
        rows.astype(np.int64),
        cols.astype(np.int64),
        scores,
        free_j,
        free_s,
        covered_j,
        covered_s,
    )


def _weight(answer, rows, cols, scores, free_j, free_s, covered_j, covered_s, levels) -> int:
    """The slot objective of an answer: scores + PAIR per pair + COVER per person newly
    covered."""
    paired = np.flatnonzero(answer.paired)
    people = len(set(rows[paired].tolist()) - set(np.flatnonzero(covered_j).tolist()))
    people += len(set(cols[paired].tolist()) - set(np.flatnonzero(covered_s).tolist()))
    return int(scores[paired].sum()) + levels.pair * len(paired) + levels.cover * people


@pytest.mark.parametrize("seed", range(12))
def test_the_restartable_solve_matches_scipy_round_after_round(seed):
    rows, cols, scores, free_j, free_s, covered_j, covered_s = _slot_problem(seed, 40, 35, 0.15)
    levels = assign.tiers(
        int(scores.max()),
        int(free_j.sum()),
        int(free_s.sum()),
        assign.needs_cover(free_j, free_s, covered_j, covered_s),
    )
    slots = warm.WarmSlots(free_j, free_s, covered_j, covered_s, levels)
    order = np.random.default_rng(seed).permutation(len(rows))
    # three rounds, each adding pairs, as the proof does
    for share in (0.4, 0.7, 1.0):
        pick = np.sort(order[: int(share * len(rows))])
        r, c, s = rows[pick], cols[pick], scores[pick]
        fresh = assign.solve_slots(r, c, s, free_j, free_s, covered_j, covered_s, levels)
        kept = slots.solve(r, c, s)
        assert fresh is not None and kept is not None
        problem = (r, c, s, free_j, free_s, covered_j, covered_s, levels)
        assert _weight(kept, *problem) == _weight(fresh, *problem)
        # the prices prove it: no candidate scores above alpha + beta
        assert (s <= kept.alpha[r] + kept.beta[c]).all()
    assert slots.freed < len(free_j) + len(free_s)  # the last round restarted, not from zero


@pytest.mark.parametrize("seed", range(6))
def test_the_restartable_solve_is_exact_among_many_equal_paths(seed):
    """Scores of 0 or 1 and seniors of two places: many augmenting paths of the same length,
    where the search stops at the nearest free column it has seen."""
    rows, cols, scores, free_j, free_s, covered_j, covered_s = _slot_problem(seed, 120, 70, 0.05)
    scores = scores % 2
    levels = assign.tiers(
        int(scores.max()),
        int(free_j.sum()),
        int(free_s.sum()),
        assign.needs_cover(free_j, free_s, covered_j, covered_s),
    )
    slots = warm.WarmSlots(free_j, free_s, covered_j, covered_s, levels)
    for share in (0.5, 1.0):
        pick = np.arange(int(share * len(rows)))
        r, c, s = rows[pick], cols[pick], scores[pick]
        fresh = assign.solve_slots(r, c, s, free_j, free_s, covered_j, covered_s, levels)
        kept = slots.solve(r, c, s)
        assert fresh is not None and kept is not None  # its own prices prove it
        problem = (r, c, s, free_j, free_s, covered_j, covered_s, levels)
        assert _weight(kept, *problem) == _weight(fresh, *problem)


def test_a_later_round_frees_only_the_rows_its_new_pairs_break():
    rows, cols, scores, free_j, free_s, covered_j, covered_s = _slot_problem(7, 300, 300, 0.03)
    free_j[:], free_s[:] = 1, 1
    covered_j[:], covered_s[:] = False, False
    levels = assign.tiers(int(scores.max()), 300, 300, False)
    slots = warm.WarmSlots(free_j, free_s, covered_j, covered_s, levels)
    first = slots.solve(rows[:-5], cols[:-5], scores[:-5])
    assert first is not None and slots.freed == 600  # from nothing: every row of both sides
    again = slots.solve(rows, cols, scores)
    assert again is not None
    assert slots.freed <= 5  # at most one row per new pair
