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
            m = todo.size
            remaining = np.full((m, k), per_condition, dtype=np.int64)
            lst, rn = start_last[todo].copy(), start_run[todo].copy()
            seq = np.empty((m, per_block), dtype=np.int8)
            dead = np.zeros(m, dtype=bool)
            u = rng.random((m, per_block))
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
