"""The randomisation design of a protocol: how trial conditions are drawn, and redrawn for tests.

The scheduler and the permutation tests share one sampler,
:func:`draw_orders`, so the reference set of a test is exactly what the
design could have produced: each block holds ``per_condition`` trials of
every condition in random order, and no condition runs more than
``max_run`` times in a row (also across blocks). Rows are drawn condition by
condition with probability proportional to what is left of each condition in
the block; a row that reaches a dead end (only a banned condition left) is
redrawn from the start of its block.

A recorded session keeps its design in the ``session_start`` event's detail
(``design_conditions``, ``design_blocks``, ``design_per_condition``,
``design_max_run``), so the
analysis can redraw orders without the protocol file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from mimicry.core.errors import ConfigError

#: The most times one condition may follow itself in the trial order.
MAX_SAME_CONDITION_IN_ROW = 2


@dataclass(frozen=True)
class Design:
    """Blocked, run-limited random order of conditions.

    Attributes
    ----------
    conditions : tuple of str
    per_condition : int
        Trials of each condition in every block.
    blocks : int
    max_run : int
        Longest run of one condition.
    session_seed : int or None
        The seed the session's own order was drawn with, when known (read
        from its ``session_start`` event); the tests' reference orders are
        drawn with it, so each session has its own reference set.
    """

    conditions: tuple[str, ...]
    per_condition: int
    blocks: int
    max_run: int = MAX_SAME_CONDITION_IN_ROW
    session_seed: int | None = None

    @property
    def n_trials(self) -> int:
        return self.per_condition * len(self.conditions) * self.blocks

    def detail(self) -> dict:
        """The keys written to the ``session_start`` event's detail."""
        return {"design_conditions": "|".join(self.conditions), "design_blocks": self.blocks,
                "design_per_condition": self.per_condition, "design_max_run": self.max_run}

    @classmethod
    def from_detail(cls, detail: Mapping[str, str], conditions: Sequence[str]) -> "Design | None":
        """The design recorded in a ``session_start`` detail; None when absent or unreadable."""
        try:
            blocks = int(detail["design_blocks"])
            per = int(detail["design_per_condition"])
            run = int(detail.get("design_max_run", MAX_SAME_CONDITION_IN_ROW))
        except (KeyError, ValueError, TypeError):
            return None
        conds = tuple(dict.fromkeys(conditions))
        if blocks < 1 or per < 1 or run < 1 or not conds:
            return None
        try:
            seed = int(detail["seed"]) if "seed" in detail else None
        except (ValueError, TypeError):
            seed = None
        return cls(conds, per, blocks, run, seed if seed is None or seed >= 0 else None)

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` condition orders; see :func:`draw_orders`."""
        return draw_orders(len(self.conditions), self.per_condition, self.blocks, n, rng,
                           self.max_run)

    def matches(self, conditions: Sequence[str]) -> bool:
        """Whether an observed order (possibly cut short) could come from this design."""
        conditions = list(conditions)
        if len(conditions) > self.n_trials or not set(conditions) <= set(self.conditions):
            return False
        block = self.per_condition * len(self.conditions)
        run = 1
        for i, c in enumerate(conditions):
            if i and c == conditions[i - 1]:
                run += 1
                if run > self.max_run:
                    return False
            else:
                run = 1
        for b0 in range(0, len(conditions), block):
            part = conditions[b0:b0 + block]
            if any(part.count(c) > self.per_condition for c in self.conditions):
                return False
        return True


def draw_orders(n_conditions: int, per_condition: int, blocks: int, n: int,
                rng: np.random.Generator, max_run: int = MAX_SAME_CONDITION_IN_ROW) -> np.ndarray:
    """``n`` random condition orders of a blocked, run-limited design.

    Parameters
    ----------
    n_conditions, per_condition, blocks : int
    n : int
        Orders to draw.
    rng : numpy.random.Generator
    max_run : int
        Longest run of one condition (ignored with one condition).

    Returns
    -------
    ndarray, shape (n, blocks * per_condition * n_conditions), int8
        Condition indices in presentation order.
    """
    k = n_conditions
    per_block = per_condition * k
    out = np.empty((n, per_block * blocks), dtype=np.int8)
    if k == 1:
        out[:] = 0
        return out
    # Run state carried across blocks: the last condition and its run length.
    last = np.full(n, -1, dtype=np.int64)
    run = np.zeros(n, dtype=np.int64)
    for b in range(blocks):
        todo = np.arange(n)
        start_last, start_run = last.copy(), run.copy()
        for _attempt in range(1000):
            u = rng.random((todo.size, per_block))
            draw_rows = _draw_rows_scalar if todo.size <= _SCALAR_ROWS else _draw_rows_vector
            seq, lst, rn, dead = draw_rows(u, per_condition, k, start_last[todo],
                                           start_run[todo], max_run)
            ok = ~dead
            rows = todo[ok]
            out[rows, b * per_block:(b + 1) * per_block] = seq[ok]
            last[rows], run[rows] = lst[ok], rn[ok]
            todo = todo[dead]
            if todo.size == 0:
                break
        else:  # pragma: no cover - unreachable with >= 2 conditions in equal numbers
            raise ConfigError("could not build a trial order without a condition more than "
                              f"{max_run} times in a row")
    return out


#: Up to this many rows, :func:`draw_orders` draws row by row in plain Python: the
#: same numbers as the vectorised draw, 10-20 times faster for the one row a schedule needs.
_SCALAR_ROWS = 4

_Rows = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _draw_rows_vector(u: np.ndarray, per_condition: int, k: int, start_last: np.ndarray,
                      start_run: np.ndarray, max_run: int) -> _Rows:
    """One attempt at one block for every row at once: (seq, last, run, dead)."""
    m, per_block = u.shape
    remaining = np.full((m, k), per_condition, dtype=np.int64)
    lst, rn = start_last.copy(), start_run.copy()
    seq = np.empty((m, per_block), dtype=np.int8)
    dead = np.zeros(m, dtype=bool)
    for j in range(per_block):
        w = remaining.astype(float)
        banned = rn >= max_run
        w[banned, np.clip(lst[banned], 0, k - 1)] = 0.0
        tot = w.sum(axis=1)
        dead |= tot <= 0
        tot = np.where(tot > 0, tot, 1.0)
        cum = np.cumsum(w, axis=1) / tot[:, None]
        c = np.minimum((u[:, j:j + 1] >= cum).sum(axis=1), k - 1)
        # Never land on a zero-weight condition through rounding.
        c = np.where(w[np.arange(m), c] > 0, c, np.argmax(w, axis=1))
        seq[:, j] = c
        remaining[np.arange(m), c] -= 1
        rn = np.where(c == lst, rn + 1, 1)
        lst = c
    return seq, lst, rn, dead


def _draw_rows_scalar(u: np.ndarray, per_condition: int, k: int, start_last: np.ndarray,
                      start_run: np.ndarray, max_run: int) -> _Rows:
    """:func:`_draw_rows_vector` row by row, with the same arithmetic (weights are whole
    numbers, so every sum is exact and each cut point is one identical division)."""
    m, per_block = u.shape
    seq = np.zeros((m, per_block), dtype=np.int8)
    lst_out, rn_out = start_last.astype(np.int64), start_run.astype(np.int64)
    dead = np.zeros(m, dtype=bool)
    for r in range(m):
        remaining = [per_condition] * k
        lst, rn = int(start_last[r]), int(start_run[r])
        row = seq[r]
        for j, x in enumerate(u[r].tolist()):
            w = [float(v) for v in remaining]
            if rn >= max_run:
                w[min(max(lst, 0), k - 1)] = 0.0
            tot = sum(w)
            if tot <= 0:
                dead[r] = True
                break
            acc, c = 0.0, 0
            for wq in w:
                acc += wq
                c += x >= acc / tot
            c = min(c, k - 1)
            if w[c] <= 0:
                c = w.index(max(w))
            row[j] = c
            remaining[c] -= 1
            rn = rn + 1 if c == lst else 1
            lst = c
        lst_out[r], rn_out[r] = lst, rn
    return seq, lst_out, rn_out, dead
