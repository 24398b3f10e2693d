"""The slot assignment of assign.py, solved by shortest augmenting paths that start again from
where the last round stopped (no Django).

proof.py solves the candidates, proves the answer with dual prices, and when the proof fails
adds pairs and solves again. scipy's matcher starts each round from nothing; here the matching
and the prices of the last round stay, rows whose new pairs break them are set free, and only
those rows look for augmenting paths (Dijkstra on reduced costs, as in Jonker-Volgenant's
sparse augmentation). A round that adds a few hundred pairs costs a few hundred short searches.

The weights are those of assign.py (score + PAIR + first-slot COVER bonuses), as costs -w. So
that every row and column may also stay unmatched and the problem stays a square assignment
(every column matched at the end: no constraint on the prices of free columns, which is what
makes restarting safe), the graph is doubled:

    rows    = junior slots r, then one "stays free" row c' per senior slot c
    columns = senior slots c, then one "stays free" column r' per junior slot r
    edges   = (r, c) at -w for every candidate; (r, r') at 0; (c', c) at 0; and (c', r') at 0
              for every candidate (r, c), so the free rows and columns can always pair up.

An optimal square assignment is an optimal matching of the slots (its real edges), and its
prices give the slot problem's dual prices: y[r] = -u[r] - v[r'] >= 0 and z[c] = -v[c] - u[c']
>= 0 with y[r] + z[c] >= w on every candidate and sum(y) + sum(z) = the matching's weight,
checked after each solve (exact integers). assign.py turns them into prices per person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numba as nb
import numpy as np

from pairing.engine.assign import SlotAnswer, Tiers, first_bonus

# compiled to machine code once (cached on disk), releasing the GIL while it runs
_jit: Callable[[Callable[..., Any]], Any] = nb.njit(nogil=True, cache=True, boundscheck=False)


@_jit
def _csr(rows, cols, costs, size):
    """Counting sort of the edges by row: (pointer, columns, costs)."""
    ptr = np.zeros(size + 1, dtype=np.int64)
    for r in rows:
        ptr[r + 1] += 1
    for i in range(size):
        ptr[i + 1] += ptr[i]
    fill = ptr[:-1].copy()
    out_cols = np.empty(len(rows), dtype=np.int64)
    out_costs = np.empty(len(rows), dtype=np.int64)
    for e in range(len(rows)):
        at = fill[rows[e]]
        out_cols[at] = cols[e]
        out_costs[at] = costs[e]
        fill[rows[e]] = at + 1
    return ptr, out_cols, out_costs


@_jit
def _free_breakers(ptr, cols, costs, x, y, v, xcost):
    """Unassign every row with an edge of negative reduced cost (new edges since the last
    round); returns how many rows were set free."""
    freed = 0
    for r in range(len(ptr) - 1):
        c0 = x[r]
        if c0 < 0:
            continue
        u = xcost[r] - v[c0]
        for p in range(ptr[r], ptr[r + 1]):
            if costs[p] - u - v[cols[p]] < 0:
                x[r] = -1
                y[c0] = -1
                freed += 1
                break
    return freed


@_jit
def _place_mirrors(ptr, cols, costs, x, y, v, xcost, n, m):
    """Each free "stays free" row c' (index n + c) takes its natural column, when that is
    among its cheapest: its column c's partner's "stays free" column r' if c is paired with
    junior slot r, else c itself. Without this, those rows meet on a plateau of equal costs
    and the shortest paths wander across it."""
    for c in range(m):
        i = n + c
        if x[i] >= 0:
            continue
        r = y[c]
        want = m + r if 0 <= r < n else (c if r < 0 else -1)
        if want < 0 or y[want] >= 0:
            continue
        least = np.iinfo(np.int64).max
        at = -1
        for p in range(ptr[i], ptr[i + 1]):
            h = costs[p] - v[cols[p]]
            if h < least or (h == least and cols[p] == want):
                least = h
                at = p
        if at >= 0 and cols[at] == want:
            x[i] = want
            y[want] = i
            xcost[i] = costs[at]


@_jit
def _reduce_rows(ptr, cols, costs, x, y, v, xcost, free):
    """Jonker-Volgenant's augmenting row reduction: each free row takes its cheapest column
    (by reduced cost), whose price drops by the gap to the row's second cheapest, so the row
    stays tight there; a row it displaces is free again (at once when the price moved). Keeps
    every assigned row's reduced costs >= 0. Returns the rows still free, at the front of
    `free`."""
    size = len(ptr) - 1
    total = len(free)
    current = 0
    still = 0
    steps = 0
    big = np.iinfo(np.int64).max
    while current < total:
        steps += 1
        i = free[current]
        current += 1
        j1 = -1
        j2 = -1
        h1 = big
        h2 = big
        c1 = 0
        c2 = 0
        for p in range(ptr[i], ptr[i + 1]):
            c = cols[p]
            h = costs[p] - v[c]
            if h == h1 and y[c] < 0 and j1 >= 0 and y[j1] >= 0:
                # a tie: a free column first (no one displaced); the old best is second
                h2, j2, c2 = h1, j1, c1
                j1, c1 = c, costs[p]
                continue
            if h < h2:
                if h >= h1:
                    h2 = h
                    j2 = c
                    c2 = costs[p]
                else:
                    h2 = h1
                    j2 = j1
                    c2 = c1
                    h1 = h
                    j1 = c
                    c1 = costs[p]
        if j1 < 0:
            free[still] = i  # pragma: no cover - every row of the doubled graph has an edge
            still += 1
            continue
        i0 = y[j1]
        lowers = j2 >= 0 and h2 > h1
        if steps < current * size:
            if lowers:
                v[j1] -= h2 - h1
            elif i0 >= 0 and j2 >= 0:
                j1 = j2
                c1 = c2
                i0 = y[j2]
            if i0 >= 0:
                if lowers:
                    current -= 1
                    free[current] = i0
                else:
                    free[still] = i0
                    still += 1
        elif i0 >= 0:
            free[still] = i0
            still += 1
        if i0 >= 0:
            x[i0] = -1
        x[i] = j1
        y[j1] = i
        xcost[i] = c1
    return still


@_jit
def _push(heap_d, heap_c, count, d, c):
    at = count
    while at > 0:
        up = (at - 1) >> 1
        if heap_d[up] <= d:
            break
        heap_d[at] = heap_d[up]
        heap_c[at] = heap_c[up]
        at = up
    heap_d[at] = d
    heap_c[at] = c
    return count + 1


@_jit
def _pop(heap_d, heap_c, count):
    """Remove the smallest entry (read it from heap_d[0], heap_c[0] first)."""
    count -= 1
    last_d = heap_d[count]
    last_c = heap_c[count]
    at = 0
    while True:
        child = 2 * at + 1
        if child >= count:
            break
        if child + 1 < count and heap_d[child + 1] < heap_d[child]:
            child += 1
        if heap_d[child] >= last_d:
            break
        heap_d[at] = heap_d[child]
        heap_c[at] = heap_c[child]
        at = child
    heap_d[at] = last_d
    heap_c[at] = last_c
    return count


@_jit
def _augment(ptr, cols, costs, x, y, v, xcost, upto):
    """Give every free row a column by a shortest augmenting path (Dijkstra on reduced costs
    with a binary heap; the prices of the columns settled before the path's end move so that
    every reduced cost stays >= 0). Returns -1 if some row cannot be placed (never, on the
    doubled graph), else the number of columns settled in all. Rows from `upto` on wait.

    A free column ends any path through it, so it never enters the heap: the nearest one
    seen so far bounds the search, and nothing at that distance or beyond is pushed. (Each
    junior slot's "stays free" column sits a pair tier away: without the bound, every row
    the search passes pushes one, and the heap holds twice the entries.)"""
    size = len(ptr) - 1
    # per column, side by side (one cache line): price, distance, and the search that
    # reached it (2 * search) or settled it (2 * search + 1)
    node = np.zeros((size, 3), dtype=np.int64)
    node[:, 0] = v
    pred = np.zeros(size, dtype=np.int64)
    pred_cost = np.zeros(size, dtype=np.int64)
    settled = np.zeros(size, dtype=np.int64)
    capacity = len(cols) + size + 1
    heap_d = np.zeros(capacity, dtype=np.int64)
    heap_c = np.zeros(capacity, dtype=np.int64)
    far = np.iinfo(np.int64).max
    search = 0
    total = 0
    for i in range(upto):
        if x[i] >= 0:
            continue
        search += 1
        reached, final = 2 * search, 2 * search + 1
        count = 0
        bound = far  # distance of the nearest free column reached (`end`)
        end = -1
        for p in range(ptr[i], ptr[i + 1]):  # the free row's own edges
            c = cols[p]
            d = costs[p] - node[c, 0]
            if d >= bound:
                continue
            if node[c, 2] != reached or d < node[c, 1]:
                node[c, 1] = d
                node[c, 2] = reached
                pred[c] = i
                pred_cost[c] = costs[p]
                if y[c] < 0:
                    bound = d
                    end = c
                else:
                    count = _push(heap_d, heap_c, count, d, c)
        n_settled = 0
        while count > 0:
            d = heap_d[0]
            c = heap_c[0]
            if d >= bound:
                break  # no path through what is left can be shorter
            count = _pop(heap_d, heap_c, count)
            if node[c, 2] == final or d != node[c, 1]:
                continue  # settled already, or a stale entry
            node[c, 2] = final
            settled[n_settled] = c
            n_settled += 1
            r = y[c]
            u = xcost[r] - node[c, 0]
            for p in range(ptr[r], ptr[r + 1]):
                c2 = cols[p]
                mark = node[c2, 2]
                if mark == final:
                    continue
                d2 = d + costs[p] - node[c2, 0] - u
                if d2 >= bound:
                    continue
                if mark != reached or d2 < node[c2, 1]:
                    node[c2, 1] = d2
                    node[c2, 2] = reached
                    pred[c2] = r
                    pred_cost[c2] = costs[p]
                    if y[c2] < 0:
                        bound = d2
                        end = c2
                    else:
                        count = _push(heap_d, heap_c, count, d2, c2)
            if bound == d:
                break  # a free column as near as the nearest: nothing can be shorter
        if end < 0:
            return -1
        node[end, 2] = final
        settled[n_settled] = end
        n_settled += 1
        total += n_settled
        for t in range(n_settled):
            c = settled[t]
            node[c, 0] += node[c, 1] - bound
        c = end
        while True:
            r = pred[c]
            before = x[r]
            x[r] = c
            y[c] = r
            xcost[r] = pred_cost[c]
            if r == i:
                break
            c = before
    v[:] = node[:, 0]
    return total


REDUCE_PASSES = 16  # most passes of the row reduction before the shortest paths
REDUCE_GAIN = 0.02  # another pass only while the last one placed this share of the free rows


def _reduce_passes(graph: tuple[np.ndarray, ...], free: np.ndarray) -> np.ndarray:
    """The rows still free after passes of the row reduction. Jonker and Volgenant stop after
    two passes (on dense matrices a shortest path is cheap by then); on these sparse graphs
    a pass costs far less than the searches it saves (10k x 10k: the first round's free rows
    fall 9,950 -> 2,441 in two passes, -> 1,400 in ten), so passes go on while they pay."""
    for _ in range(REDUCE_PASSES):
        before = len(free)
        free = free[: _reduce_rows(*graph, free)]
        if before - len(free) <= REDUCE_GAIN * before:
            break
    return free


@dataclass
class WarmSlots:
    """The slot assignment of one cohort's candidates, kept between proof rounds."""

    free_j: np.ndarray
    free_s: np.ndarray
    covered_j: np.ndarray
    covered_s: np.ndarray
    levels: Tiers
    x: np.ndarray | None = None  # column per row of the doubled graph
    y: np.ndarray | None = None
    v: np.ndarray | None = None  # column prices
    xcost: np.ndarray | None = None  # cost of each row's matched edge
    freed: int = 0  # rows set free by the last round's new pairs (for tests and benchmarks)

    def solve(self, rows: np.ndarray, cols: np.ndarray, scores: np.ndarray) -> SlotAnswer | None:
        """The optimal slot assignment of these candidates (unique (junior row, senior column)
        pairs, a superset of the last round's) with prices per person, or None if the prices
        do not prove it (a safety net: the caller solves it another way)."""
        free_j = self.free_j.astype(np.int64)
        free_s = self.free_s.astype(np.int64)
        row_start = np.concatenate(([0], np.cumsum(free_j)))
        col_start = np.concatenate(([0], np.cumsum(free_s)))
        n, m = int(row_start[-1]), int(col_start[-1])
        row_bonus = first_bonus(free_j, self.covered_j, self.levels.cover)
        col_bonus = first_bonus(free_s, self.covered_s, self.levels.cover)
        per = free_j[rows] * free_s[cols]
        if (per == 1).all():  # one slot a side (most cohorts): a pair is its slot pair
            edge = np.arange(len(rows))
            slot_r, slot_c = row_start[rows], col_start[cols]
        else:
            edge = np.repeat(np.arange(len(rows)), per)
            offset = np.arange(len(edge)) - np.repeat(np.cumsum(per) - per, per)
            width = np.maximum(free_s[cols][edge], 1)
            slot_r = row_start[rows][edge] + offset // width
            slot_c = col_start[cols][edge] + offset % width
        weight = scores[edge].astype(np.int64) + self.levels.pair
        weight += row_bonus[slot_r] + col_bonus[slot_c]
        size = n + m
        ar_n, ar_m = np.arange(n), np.arange(m)
        e_rows = np.concatenate([slot_r, ar_n, n + ar_m, n + slot_c])
        e_cols = np.concatenate([slot_c, m + ar_n, ar_m, m + slot_r])
        e_costs = np.concatenate([-weight, np.zeros(n + m + len(slot_r), dtype=np.int64)]).astype(
            np.int64
        )
        ptr, g_cols, g_costs = _csr(e_rows.astype(np.int64), e_cols.astype(np.int64), e_costs, size)
        if self.x is None:
            self.x = np.full(size, -1, dtype=np.int64)
            self.y = np.full(size, -1, dtype=np.int64)
            self.v = np.zeros(size, dtype=np.int64)
            self.xcost = np.zeros(size, dtype=np.int64)
            self.freed = size
        else:
            self.freed = int(
                _free_breakers(ptr, g_cols, g_costs, self.x, self.y, self.v, self.xcost)
            )
        assert self.y is not None and self.v is not None and self.xcost is not None
        free = np.flatnonzero(self.x[:n] < 0).astype(np.int64)
        graph = (ptr, g_cols, g_costs, self.x, self.y, self.v, self.xcost)
        free = _reduce_passes(graph, free)  # the junior slots first
        if len(free):
            _augment(ptr, g_cols, g_costs, self.x, self.y, self.v, self.xcost, n)
        _place_mirrors(ptr, g_cols, g_costs, self.x, self.y, self.v, self.xcost, n, m)
        free = np.flatnonzero(self.x < 0).astype(np.int64)
        free = _reduce_passes(graph, free)  # then shortest paths for the rest
        if _augment(ptr, g_cols, g_costs, self.x, self.y, self.v, self.xcost, size) < 0:
            return None  # pragma: no cover - the doubled graph always has a full matching
        x, v, xcost = self.x, self.v, self.xcost
        u = xcost - v[x]
        y_price = -u[:n] - v[m:]  # per junior slot, "most weight" terms
        z_price = -v[:m] - u[n:]  # per senior slot
        if (y_price < 0).any() or (z_price < 0).any():
            return None  # pragma: no cover - the prices do not certify the answer
        if len(slot_r) and (weight > y_price[slot_r] + z_price[slot_c]).any():
            return None  # pragma: no cover
        taken = x[slot_r] == slot_c
        if int(weight[taken].sum()) != int(y_price.sum() + z_price.sum()):
            return None  # pragma: no cover
        alpha = np.zeros(len(free_j))
        beta = np.zeros(len(free_s))
        has_j, has_s = free_j > 0, free_s > 0
        if n:
            alpha[has_j] = np.minimum.reduceat(y_price - row_bonus, row_start[:-1][has_j])
        if m:
            beta[has_s] = np.minimum.reduceat(z_price - col_bonus, col_start[:-1][has_s])
        beta -= self.levels.pair
        paired = np.zeros(len(rows), dtype=bool)
        paired[edge[taken]] = True
        return SlotAnswer(paired, int(paired.sum()) != int(taken.sum()), alpha, beta)
