"""The pairing engine: exact, explainable pairs for a cohort. Imports nothing from Django.

Frozen dataclasses in (people, weights, rules: types.py), proposals with their explanation out
(explain.py). Scoring is vectorised over blocks of people (score.py); the solve (solve.py) is
exact for the objective of DESIGN.md "Pairing score". Same input, same output.

solve.py takes one of two routes: small cohorts on the whole slot matrix (dense.py); bigger ones
on each person's best candidates (sparse.py; compiled loops in kernels.py on the arrays of
pack.py), solved (assign.py, warm.py, flow.py) and proven optimal for every pair with dual prices
(proof.py). numba is imported on the first big cohort only, never with this package.
"""

from pairing.engine.explain import CRITERIA, evaluate
from pairing.engine.solve import solve, warm_up
from pairing.engine.types import (
    CAPACITY_EXHAUSTED,
    NO_ELIGIBLE_PARTNER,
    ONLY_REPORTING_LINE,
    Flow,
    PairingResult,
    Person,
    Proposal,
    Rules,
    Unmatched,
    Weights,
)

__all__ = [
    "CAPACITY_EXHAUSTED",
    "CRITERIA",
    "NO_ELIGIBLE_PARTNER",
    "ONLY_REPORTING_LINE",
    "Flow",
    "PairingResult",
    "Person",
    "Proposal",
    "Rules",
    "Unmatched",
    "Weights",
    "evaluate",
    "solve",
    "warm_up",
]
