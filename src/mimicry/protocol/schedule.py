"""The timed plan of one session (:class:`Schedule`): a pure function of protocol and seed."""

from __future__ import annotations

import secrets
from collections import deque
from dataclasses import dataclass

import numpy as np

from mimicry.core.check import check_int
from mimicry.core.messages import StimulusEvent
from mimicry.io.formats import format_detail
from mimicry.protocol.design import MAX_SAME_CONDITION_IN_ROW, Design
from mimicry.protocol.groups import Groups, assign_groups, coin
from mimicry.protocol.model import SCHEMA_VERSION, Protocol, _trial_morph_s
from mimicry.protocol.timeline import ExpressionStep, Trial


def fresh_seed() -> int:
    """A new randomisation seed from the operating system (0 to 2**31 - 1)."""
    return secrets.randbelow(2 ** 31)


def protocol_design(protocol: Protocol) -> Design:
    """The randomisation design of ``protocol``'s trial order."""
    return Design(tuple(protocol.conditions), protocol.per_condition, protocol.blocks,
                  MAX_SAME_CONDITION_IN_ROW)


@dataclass(frozen=True)
class Schedule:
    """The timed plan of one session: a pure function of protocol and seed.

    Attributes
    ----------
    protocol : Protocol
    seed : int
        The seed the schedule was built with.
    calibration : tuple of float
        (start_s, end_s) of the neutral calibration.
    trials : tuple of timeline.Trial
        In presentation order, times in seconds from session start.
    breaks : tuple of (float, float)
        (start_s, end_s) of every pause between blocks.
    duration_s : float
        Session end (the ``session_end`` event), seconds.
    expressions : tuple of timeline.ExpressionStep
        The expression calibration (empty when the protocol has none or it
        was skipped), in order.
    groups : Groups or None
        The protocol's group labels as this session shows them (the intro's
        coin may have swapped the colours); None without groups.
    intro : (float, float) or None
        (start_s, end_s) of the minimal-group screen, after the calibration.

    Notes
    -----
    Timeline of a session built from a protocol::

        0 ........ calibration (neutral baseline) ........ C
        for every expression of [calibration] expressions (optional):
            the instruction ("Smile as widely as you can") for expression_s,
            then a relax of expression_relax_s
        then for every block (after a break of ``block_break_s`` except the first):
            for every trial:
                inter-trial interval (iti_s +- iti_jitter_s)
                onset  -> morph in over morph_s -> hold -> offset (onset + stimulus_s)
                -> morph out over morph_s (still part of the trial)
        a last interval of iti_s, then session_end.
    """

    protocol: Protocol
    seed: int
    calibration: tuple[float, float]
    trials: tuple[Trial, ...]
    breaks: tuple[tuple[float, float], ...]
    duration_s: float
    expressions: tuple[ExpressionStep, ...] = ()
    groups: Groups | None = None
    intro: tuple[float, float] | None = None

    @property
    def stimulus_ids(self) -> tuple[str, ...]:
        """The distinct stimulus ids used, in order of first appearance."""
        return tuple(dict.fromkeys(t.stimulus_id for t in self.trials))

    def events(self) -> list[StimulusEvent]:
        """The ``events.csv`` timeline of this schedule, sorted by time.

        ``session_start`` at 0 (detail: protocol, seed, schema_version and the
        randomisation design, :meth:`~mimicry.protocol.design.Design.detail`),
        ``calibration_start``/``calibration_end``, an ``expression_start`` and
        ``expression_end`` (detail ``expression=smile`` or ``sad``) per posed
        expression, a ``stimulus_onset`` and ``stimulus_offset`` per trial and
        ``session_end`` at :attr:`duration_s`.
        """
        p = self.protocol
        groups = self.groups.detail() if self.groups is not None else {}
        out = [
            StimulusEvent(t=0.0, event="session_start", detail=format_detail(
                {"protocol": p.name, "seed": self.seed, "schema_version": SCHEMA_VERSION,
                 **protocol_design(p).detail(), **groups})),
            StimulusEvent(t=self.calibration[0], event="calibration_start"),
            StimulusEvent(t=self.calibration[1], event="calibration_end"),
        ]
        for step in self.expressions:
            out += [step.start_event(), step.end_event()]
        if self.intro is not None:
            out.append(StimulusEvent(t=self.intro[0], event="marker", detail=format_detail(
                {"label": "group_intro", "end_s": self.intro[1]})))
        for tr in self.trials:
            out.append(tr.onset_event())
            out.append(tr.offset_event())
        out.append(StimulusEvent(t=self.duration_s, event="session_end"))
        return sorted(out, key=lambda e: e.t)  # stable: equal times keep this order

    def phase(self, t_s: float) -> tuple[str, Trial | None]:
        """What is on screen at ``t_s``.

        Returns
        -------
        kind : {"calibration", "expression", "intro", "break", "iti", "trial", "end"}
            ``expression`` is the whole expression calibration, relaxes
            included (:meth:`expression_step` tells which and whether posing);
            ``intro`` the minimal-group screen;
            ``iti`` is the interval before a trial (its trial is returned),
            ``end`` the last interval and after.
        trial : Trial or None
            The current trial (``trial``), the next one (``iti``) or the
            last one (``end``).
        """
        c0, c1 = self.calibration
        if t_s < c1:
            return "calibration", None
        if self.expressions and t_s < self.expressions[-1].relax_end_s:
            return "expression", None
        if self.intro is not None and t_s < self.intro[1]:
            return "intro", None
        for b0, b1 in self.breaks:
            if b0 <= t_s < b1:
                return "break", None
        for tr in self.trials:
            if t_s < tr.onset_s:
                return "iti", tr
            if t_s < tr.end_s:
                return "trial", tr
        return "end", self.trials[-1] if self.trials else None

    def expression_step(self, t_s: float) -> ExpressionStep | None:
        """The posed expression whose instruction or relax is on screen at ``t_s``, if any.

        Posing while ``t_s < step.end_s``, relaxing after.
        """
        for step in self.expressions:
            if step.start_s <= t_s < step.relax_end_s:
                return step
        return None


def _round_ms(x: float) -> float:
    return round(x, 3)


#: Most swap partners looked at to repair one repeated face: keeps the repair linear in
#: the number of trials (a condition with up to this many trials has every swap tried).
_MAX_SWAP_TRIES = 256


def _assign_ids(order: list[str], pools: dict[str, tuple[str, ...]],
                rng: np.random.Generator) -> list[str]:
    """Give each trial a stimulus id: within a condition, cycle through a shuffled pool.

    Each condition sees its pool as evenly as possible (every identity once before
    any twice); afterwards, swaps within a condition avoid the same id twice in a row
    (the condition's trials are tried in order, at most :data:`_MAX_SWAP_TRIES` of them).
    """
    queues: dict[str, deque[str]] = {c: deque() for c in pools}
    ids: list[str] = []
    for c in order:
        if not queues[c]:
            pool = list(pools[c])
            queues[c] = deque(pool[i] for i in rng.permutation(len(pool)))
        ids.append(queues[c].popleft())
    n = len(ids)
    at: dict[str, list[int]] = {c: [] for c in pools}  # the trials of each condition
    for k, c in enumerate(order):
        at[c].append(k)
    # The ids of each condition never change (swaps stay within a condition).
    values = {c: set(ids[k] for k in ks) for c, ks in at.items()}

    def clash(k: int) -> bool:
        return (k > 0 and ids[k] == ids[k - 1]) or (k + 1 < n and ids[k] == ids[k + 1])

    def fix(i: int) -> bool:
        """Swap ids[i] with the first trial j of its condition that leaves no repeat."""
        c, x = order[i], ids[i]
        if len(values[c]) < 2:  # nothing to swap with
            return False
        near = {x} | {ids[k] for k in (i - 1, i + 1) if 0 <= k < n}
        # A partner two or more trials away works if its id is unlike i's neighbours and
        # x is unlike its own; without such an id only the trials next to i can work.
        cands = at[c] if values[c] - near else [k for k in (i - 1, i + 1)
                                                 if 0 <= k < n and order[k] == c]
        for j in cands[:_MAX_SWAP_TRIES]:
            if j == i or ids[j] == x:
                continue
            if abs(j - i) > 1:
                if ids[j] not in near and (j == 0 or ids[j - 1] != x) and (
                        j + 1 == n or ids[j + 1] != x):
                    ids[i], ids[j] = ids[j], ids[i]
                    return True
                continue
            ids[i], ids[j] = ids[j], ids[i]
            if not (clash(i) or clash(j)):
                return True
            ids[i], ids[j] = ids[j], ids[i]
        return False

    # Repair consecutive repeats by swapping with another trial of the same condition.
    for i in range(1, n):
        if ids[i] == ids[i - 1]:
            fix(i) or fix(i - 1)
    return ids


def build_schedule(protocol: Protocol, seed: int | None = None) -> Schedule:
    """The session plan of ``protocol``: a pure function of protocol and seed.

    Parameters
    ----------
    protocol : Protocol
    seed : int or None
        Randomisation seed (>= 0); None uses ``protocol.seed``, and when the
        protocol fixes none either, a fresh seed (:func:`fresh_seed`), so
        every session has its own order (the seed used is ``Schedule.seed``,
        logged with the session). The seed sets
        the trial order within blocks (no condition more than twice in a row,
        also across blocks), the identity of each trial and the inter-trial
        jitter.

    Returns
    -------
    Schedule
    """
    if seed is None:
        seed = protocol.seed if protocol.seed is not None else fresh_seed()
    seed = check_int("seed", seed, 0)
    rng = np.random.default_rng([seed, 0x6D696D])  # independent of other uses of the seed

    # Stimulus pools per condition.
    pools: dict[str, tuple[str, ...]] = {}
    intensity_of: dict[str, float] = {}
    if protocol.stimulus_set is not None:
        for c in protocol.conditions:
            items = protocol.stimulus_set.items_for(c)
            pools[c] = tuple(it.file for it in items)
            intensity_of.update({it.file: it.intensity for it in items})
    else:
        for c in protocol.conditions:
            pools[c] = protocol.identities
    morph_s = _trial_morph_s(protocol)

    codes = protocol_design(protocol).draw(1, rng)[0]
    order = [protocol.conditions[int(c)] for c in codes]
    per_block = protocol.per_condition * len(protocol.conditions)
    block_of = [i // per_block + 1 for i in range(len(order))]
    ids = _assign_ids(order, pools, rng)
    groups, labels = protocol.groups, [""] * len(order)
    if groups is not None:
        every_id = tuple(dict.fromkeys(i for c in protocol.conditions for i in pools[c]))
        labels = assign_groups(groups, order, block_of, ids, every_id, seed)
        groups = groups.coin_flipped(groups.intro == "coin" and coin(seed))
    j = protocol.iti_jitter_s
    itis = rng.uniform(protocol.iti_s - j, protocol.iti_s + j, size=len(order)) if j > 0 \
        else np.full(len(order), protocol.iti_s)

    t = _round_ms(protocol.calibration_s)
    calibration = (0.0, t)
    steps: list[ExpressionStep] = []
    for name in protocol.expressions:
        end = _round_ms(t + protocol.expression_s)
        relax_end = _round_ms(end + protocol.expression_relax_s)
        steps.append(ExpressionStep(name, t, end, relax_end))
        t = relax_end
    intro = None
    if protocol.intro_s > 0:
        intro = (t, _round_ms(t + protocol.intro_s))
        t = intro[1]
    trials: list[Trial] = []
    breaks: list[tuple[float, float]] = []
    for i, (cond, sid, block, group) in enumerate(zip(order, ids, block_of, labels)):
        if i > 0 and block != block_of[i - 1] and protocol.block_break_s > 0:
            b_end = _round_ms(t + protocol.block_break_s)
            breaks.append((t, b_end))
            t = b_end
        onset = _round_ms(t + float(itis[i]))
        offset = _round_ms(onset + protocol.stimulus_s)
        intensity = intensity_of.get(sid, protocol.intensity)
        trials.append(Trial(trial=i + 1, condition=cond, stimulus_id=sid, onset_s=onset,
                            offset_s=offset, intensity=intensity, morph_s=morph_s, block=block,
                            group=group))
        t = _round_ms(offset + morph_s)
    duration = _round_ms(t + protocol.iti_s)
    return Schedule(protocol=protocol, seed=seed, calibration=calibration, trials=tuple(trials),
                    breaks=tuple(breaks), duration_s=duration, expressions=tuple(steps),
                    groups=groups, intro=intro)
