"""The pairing engine on generated cohorts (engine only: no Django, no database).

Each case runs in a fresh interpreter, so its memory peak is its own: peak_mb is the process's
peak resident memory (VmHWM) at the end minus its peak right after importing numpy, scipy, lapjv and the engine
(so it counts the generated cohort, the scoring and the solver). seconds is solve() alone.

Run one case with `python -m bench.pairing 1000x1000` (prints a JSON line); all of them with
`python -m bench pairing`.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys

# name: (juniors, seniors, senior capacity, everyone eligible, seconds, MB). seconds None: the
# budget is half of lapjv's solve of a prepared 10k x 10k matrix, measured in the same run;
# inf: no time budget (DESIGN.md gives memory only).
Case = tuple[int, int, tuple[int, int], bool, float | None, float]
CASES: dict[str, Case] = {
    "1000x1000": (1000, 1000, (1, 1), False, 0.1, 200.0),
    "1000x600": (1000, 600, (1, 3), False, 0.1, 200.0),
    "10000x10000": (10000, 10000, (1, 1), False, None, 1200.0),
    "10000x10000-dense": (10000, 10000, (1, 1), True, None, 1200.0),
    "10000x5000": (10000, 5000, (1, 3), False, 10.0, 1200.0),
    "20000x20000": (20000, 20000, (1, 1), False, float("inf"), 2000.0),
}
# Opt-in (`python -m bench.pairing 50000x50000`): minutes on a shared machine.
EXTRA_CASES: dict[str, Case] = {
    "3000x3000": (3000, 3000, (1, 1), False, 1.0, 300.0),
    "5000x5000": (5000, 5000, (1, 1), False, 3.0, 500.0),
    "50000x50000": (50000, 50000, (1, 1), False, float("inf"), float("inf")),
    "50000x50000-dense": (50000, 50000, (1, 1), True, float("inf"), float("inf")),
}
LAPJV_SIZE = 10000
SKILLS = 60
DEPARTMENTS = [
    "Engineering",
    "Sales",
    "Finance",
    "Legal",
    "Marketing",
    "Operations",
    "People",
    "Product",
    "Design",
    "Data",
    "Support",
    "Security",
]
LOCATIONS = ["London", "Paris", "Lagos", "Pune", "Austin", "Toronto", "Berlin", "Singapore"]
OFFSETS = {
    "London": 0.0,
    "Paris": 1.0,
    "Lagos": 1.0,
    "Pune": 5.5,
    "Austin": -6.0,
    "Toronto": -5.0,
    "Berlin": 1.0,
    "Singapore": 8.0,
}


def cohort(
    n_juniors: int,
    n_seniors: int,
    senior_capacity: tuple[int, int],
    seed: int = 1,
    dense: bool = False,
):
    """A realistic organisation: ~60 skills, each person teaches 2-4 and learns 2-3; seniors
    manage juniors and other seniors (reporting lines), 1% of people have previous partners
    excluded, 0.5% of juniors are locked to a senior.

    `dense`: everyone is eligible with everyone (every junior teaches skill 0, which every
    senior wants to learn; no reporting lines, no optional rules): the worst case for memory."""
    from pairing.engine import Person, Rules

    rng = random.Random(seed)
    skills = range(1, SKILLS + 1)
    popular = [1 + int(SKILLS * rng.random() ** 2) for _ in range(400)]  # some skills are common

    def person(pid: int, user: int, grade: int, chain: frozenset[int], capacity: int) -> Person:
        location = rng.choice(LOCATIONS)
        teach = {k: rng.randint(1, 3) for k in rng.sample(popular, rng.randint(2, 4))}
        learn = {k: rng.randint(1, 3) for k in rng.sample(skills, rng.randint(2, 3))}
        if dense:
            (teach if pid < 100_000 else learn)[0] = 1
            chain = frozenset()
        return Person(
            id=pid,
            user_id=user,
            capacity=capacity,
            teach=teach,
            learn=learn,
            department=rng.choice(DEPARTMENTS),
            location=location,
            grade=grade,
            utc_offset_hours=OFFSETS[location],
            manager_chain=chain,
            name=f"P{pid}",
        )

    seniors: list[Person] = []
    for i in range(n_seniors):
        boss_at = rng.randrange(i) if i and rng.random() < 0.7 else None
        chain = (
            (seniors[boss_at].manager_chain | {seniors[boss_at].user_id})
            if boss_at is not None
            else frozenset()
        )
        seniors.append(
            person(
                100_000 + i, 1_000_000 + i, rng.randint(5, 9), chain, rng.randint(*senior_capacity)
            )
        )
    juniors = []
    for i in range(n_juniors):
        boss = seniors[rng.randrange(n_seniors)]
        juniors.append(
            person(1 + i, 2_000_000 + i, rng.randint(1, 4), boss.manager_chain | {boss.user_id}, 1)
        )
    excluded = frozenset(
        (juniors[rng.randrange(n_juniors)].id, seniors[rng.randrange(n_seniors)].id)
        for _ in range(max(1, n_juniors // 100))
    )
    locked = tuple(
        dict.fromkeys(
            (juniors[i].id, seniors[rng.randrange(n_seniors)].id)
            for i in rng.sample(range(n_juniors), max(1, n_juniors // 200))
        )
    )
    if dense:
        return juniors, seniors, Rules()
    rules = Rules(min_grade_gap=2, max_timezone_diff_hours=9, excluded=excluded, locked=locked)
    return juniors, seniors, rules


def greedy_total(juniors, seniors, rules) -> tuple[int, int, int]:
    """(people covered, pairs, total score) of the obvious greedy: the best remaining eligible
    pair first, locks first like the engine."""
    import numpy as np

    from pairing.engine import Weights
    from pairing.engine.score import build_cohort, score_block

    juniors = sorted(juniors, key=lambda p: p.id)
    seniors = sorted(seniors, key=lambda p: p.id)
    row = {p.id: i for i, p in enumerate(juniors)}
    col = {p.id: i for i, p in enumerate(seniors)}
    block = score_block(
        build_cohort(juniors, seniors, Weights(), rules), Weights(), rules, 0, len(juniors)
    )
    score = np.where(block.eligible, block.score, -1)
    left_j = np.asarray([p.capacity for p in juniors])
    left_s = np.asarray([p.capacity for p in seniors])
    covered_j = np.zeros(len(juniors), dtype=bool)
    covered_s = np.zeros(len(seniors), dtype=bool)
    pairs, total = 0, 0
    for j, s in dict.fromkeys(rules.locked):
        left_j[row[j]] -= 1
        left_s[col[s]] -= 1
        covered_j[row[j]] = covered_s[col[s]] = True
        score[row[j], col[s]] = -1
    flat = np.argsort(-score, axis=None, kind="stable")
    for cell in flat:
        j, s = divmod(int(cell), len(seniors))
        if score[j, s] < 0:
            break
        if left_j[j] > 0 and left_s[s] > 0:
            left_j[j] -= 1
            left_s[s] -= 1
            covered_j[j] = covered_s[s] = True
            pairs += 1
            total += int(score[j, s])
    return int(covered_j.sum() + covered_s.sum()), pairs, total


def _peak_kb() -> int:
    """This process's peak resident memory in kB. VmHWM belongs to the process image, while
    ru_maxrss survives exec: a child of a large parent (make bench runs Django benchmarks
    first) would start with the parent's peak and hide its own."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure(case: str) -> dict:
    """Run one case in this process (call it in a fresh one)."""
    import time

    import numpy  # noqa: F401
    import scipy.optimize  # noqa: F401
    from lapjv import lapjv  # noqa: F401

    from pairing.engine import solve, warm_up

    if case == "lapjv":
        return measure_lapjv()
    # A pairing worker has its compiled loops loaded after its first run (or at start): time
    # the solve as it runs then, and report the one-off load beside it.
    loaded = warm_up()
    baseline = _peak_kb()
    n_j, n_s, capacity, dense, _, _ = {**CASES, **EXTRA_CASES}[case]
    juniors, seniors, rules = cohort(n_j, n_s, capacity, dense=dense)
    started, cpu_started = time.perf_counter(), time.process_time()
    result = solve(juniors, seniors, rules=rules)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak_mb = (_peak_kb() - baseline) / 1024
    figures = {
        "load_seconds": loaded,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mb": peak_mb,
        "pairs": len(result.proposals),
        "covered": result.people_covered,
        "total": result.total_score,
        "locked": len(rules.locked),
        "slots_j": sum(p.capacity for p in juniors),
        "slots_s": sum(p.capacity for p in seniors),
    }
    if case.startswith("1000x"):
        locked_total = sum(p.score for p in result.proposals if p.locked)
        greedy_covered, greedy_pairs, greedy = greedy_total(juniors, seniors, rules)
        figures["greedy_covered"] = greedy_covered
        figures["greedy_pairs"] = greedy_pairs + len(rules.locked)
        figures["greedy_total"] = greedy + locked_total
    return figures


def measure_lapjv() -> dict:
    """lapjv's solve alone on a prepared 10k x 10k cost matrix of the bench cohort (the
    cohort's real scores, most pairs first), for the side-by-side budget."""
    import time

    import numpy as np
    from lapjv import lapjv

    from pairing.engine import Weights
    from pairing.engine.score import build_cohort, score_block

    juniors, seniors, rules = cohort(LAPJV_SIZE, LAPJV_SIZE, (1, 1))
    juniors = sorted(juniors, key=lambda p: p.id)
    seniors = sorted(seniors, key=lambda p: p.id)
    built = build_cohort(juniors, seniors, Weights(), rules)
    cost = np.zeros((LAPJV_SIZE, LAPJV_SIZE), dtype=np.float32)
    step = 500
    for r0 in range(0, LAPJV_SIZE, step):
        block = score_block(built, Weights(), rules, r0, min(LAPJV_SIZE, r0 + step))
        cost[r0 : r0 + step] = np.where(block.eligible, -(block.score + 1_000_000), 0)
    started, cpu_started = time.perf_counter(), time.process_time()
    lapjv(cost)
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu_started,
    }


def _child(case: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.pairing", case], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _label(case: str) -> str:
    n_j, n_s, capacity, dense, _, _ = {**CASES, **EXTRA_CASES}[case]
    extra = f" capacity={capacity[0]}-{capacity[1]}" if capacity != (1, 1) else ""
    return f"n={n_j}x{n_s}{extra} eligibility={'everyone' if dense else 'bench'}"


def run(cases: list[str] | None = None) -> bool:
    ok = True
    lapjv = _child("lapjv")
    print(
        f"pairing: lapjv alone on a prepared {LAPJV_SIZE}x{LAPJV_SIZE} matrix "
        f"seconds={lapjv['seconds']:.2f} cpu_seconds={lapjv['cpu_seconds']:.2f} "
        f"load_avg={os.getloadavg()[0]:.1f}"
    )
    # BENCH_FULL=1 (`make bench-full`): the 50k case too, every figure of the budgets at once.
    full = ["50000x50000"] if os.environ.get("BENCH_FULL") else []
    for case in cases or [*CASES, *full]:
        _, _, _, _, budget_s, budget_mb = {**CASES, **EXTRA_CASES}[case]
        if budget_s is None:
            budget_s = lapjv["cpu_seconds"] / 2
        # Best of three for the millisecond cases: timer noise on a shared machine.
        samples = [_child(case) for _ in range(3 if budget_s < 1 else 1)]
        figures = min(samples, key=lambda f: f["cpu_seconds"])
        # The machine is shared (load 5-11 on 2 cores): wall time mostly measures the others,
        # so the budget is judged on CPU seconds; both are printed.
        within = figures["cpu_seconds"] <= budget_s and figures["peak_mb"] <= budget_mb
        ok &= within
        print(
            f"pairing: {_label(case)} cpu_seconds={figures['cpu_seconds']:.2f} "
            f"wall_seconds={figures['seconds']:.2f} "
            f"peak_mb={figures['peak_mb']:.0f} budget={budget_s:.3g}s cpu/{budget_mb:g}MB "
            f"compiled_load_seconds={figures['load_seconds']:.2f} "
            f"load_avg={os.getloadavg()[0]:.1f} cores={os.cpu_count()} "
            f"{'ok' if within else 'OVER'}"
        )
        print(
            f"pairing: detail {_label(case)} "
            f"covered={figures['covered']} pairs={figures['pairs']} total={figures['total']} "
            f"locked={figures['locked']} slots={figures['slots_j']}x{figures['slots_s']}"
        )
        if "greedy_total" in figures:
            ratio = figures["greedy_total"] / max(figures["total"], 1)
            print(
                f"pairing: greedy {_label(case)} covered={figures['greedy_covered']} "
                f"pairs={figures['greedy_pairs']} total={figures['greedy_total']} "
                f"optimal_covered={figures['covered']} optimal_pairs={figures['pairs']} "
                f"optimal={figures['total']} ratio={ratio:.3f}"
            )
    print(
        "pairing: peak_mb = peak resident memory (VmHWM) of a fresh process minus its peak after "
        "importing numpy, scipy, lapjv and the engine and loading its compiled loops (so it "
        "includes generating the cohort); compiled_load_seconds = loading those loops once per "
        "process from numba's disk cache, before the timing (compiling them the first time on a "
        "machine takes ~12 s); cpu_seconds/wall_seconds = solve() alone; budgets are judged on "
        "CPU seconds (shared machine); 10k budgets = half of lapjv's cpu_seconds above; "
        "opt-in: python -m bench.pairing 50000x50000, or make bench-full (minutes)"
    )
    return ok


if __name__ == "__main__":
    if len(sys.argv) > 1:
        print(json.dumps(measure(sys.argv[1])))
    else:
        sys.exit(0 if run() else 1)
