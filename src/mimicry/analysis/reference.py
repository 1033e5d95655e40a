"""The reference set of the randomisation tests: the trial orders the design could have drawn.

Under "no mimicry" the face does not depend on which condition was shown, so
the trial-by-trial responses stay what they were whatever order had been
drawn. The test statistic is therefore recomputed for orders drawn again by
the protocol's own sampler (:func:`mimicry.protocol.design.draw_orders`,
with its block and run-length rules) at the observed trial times, and the
observed order is one of them::

    p = (1 + #{reference orders with statistic >= observed}) / (1 + n_reference)

That is an exact (Monte Carlo) randomisation test of what could have
happened, whatever the noise of the face, as long as every session draws a
fresh order. A session without a recorded design (an older or imported one)
falls back to shuffling the observed conditions across trials, which assumes
their order was random.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from mimicry.core.messages import StimulusEvent
from mimicry.io.formats import parse_detail
from mimicry.protocol.design import Design
from mimicry.protocol.timeline import Trial


@dataclass(frozen=True)
class ReferenceOrders:
    """Observed and redrawn condition orders of a session's trials.

    Attributes
    ----------
    conditions : tuple of str
        What the codes stand for.
    codes : ndarray, shape (1 + n_reference, n_trials), int8
        Condition codes in onset order; row 0 is the observed order.
    method : str
        ``"design"`` (redrawn by the protocol's sampler) or ``"shuffle"``
        (the observed conditions shuffled: no design recorded).
    """

    conditions: tuple[str, ...]
    codes: np.ndarray
    method: str

    def mask(self, condition: str) -> np.ndarray:
        """Boolean matrix, shape like :attr:`codes`: where ``condition`` was (or would be) shown."""
        if condition not in self.conditions:
            return np.zeros(self.codes.shape, dtype=bool)
        return self.codes == self.conditions.index(condition)

    def columns(self, keep: np.ndarray) -> "ReferenceOrders":
        """The same orders restricted to some trials (a boolean or index array)."""
        return ReferenceOrders(self.conditions, self.codes[:, keep], self.method)


def design_from_events(events: Sequence[StimulusEvent], trials: Sequence[Trial]) -> Design | None:
    """The randomisation design recorded in the ``session_start`` event, if any."""
    start = next((e for e in events if e.event == "session_start"), None)
    if start is None or not start.detail:
        return None
    try:
        detail = parse_detail(start.detail)
    except ValueError:
        return None
    conditions = [tr.condition for tr in trials]
    protocol_conditions = detail.get("design_conditions")
    names = protocol_conditions.split("|") if protocol_conditions else conditions
    return Design.from_detail(detail, names)


def reference_orders(trials: Sequence[Trial], design: Design | None, n_reference: int,
                     seed: int) -> ReferenceOrders:
    """The observed order of ``trials`` (onset order) and ``n_reference`` redrawn ones.

    Parameters
    ----------
    trials : sequence of Trial
        Every trial of the session, sorted by onset (a session cut short has
        only its first trials; they are matched to the first columns of the
        redrawn orders).
    design : Design or None
        The session's design; None, or a design the observed order does not
        fit, shuffles the observed conditions instead.
    n_reference : int
    seed : int
        Seeds the redraws (results are reproducible), with the session's own
        seed when the design knows it: every session then has its own
        reference set. (One set shared by all sessions made the tests'
        errors alike across sessions.)
    """
    observed = [tr.condition for tr in trials]
    own = [] if design is None or design.session_seed is None else [int(design.session_seed)]
    rng = np.random.default_rng([int(seed), *own, 0x5EF])
    if design is not None and observed and design.matches(observed):
        conds = tuple(design.conditions)
        codes = np.empty((n_reference + 1, len(observed)), dtype=np.int8)
        codes[0] = [conds.index(c) for c in observed]
        codes[1:] = design.draw(n_reference, rng)[:, :len(observed)]
        return ReferenceOrders(conds, codes, "design")
    conds = tuple(dict.fromkeys(observed))
    obs = np.array([conds.index(c) for c in observed], dtype=np.int8)
    codes = np.empty((n_reference + 1, obs.size), dtype=np.int8)
    codes[0] = obs
    if obs.size:
        keys = rng.random((n_reference, obs.size))
        codes[1:] = obs[np.argsort(keys, axis=1)]
    return ReferenceOrders(conds, codes, "shuffle")
