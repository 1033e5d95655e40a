"""Group labels on the stimulus faces (``[groups]`` of a protocol): who is "your team".

A protocol with a ``[groups]`` table shows every face with a label: a frame
in its group's colour and a caption with the group's name. There are always
two groups, ``own`` (the participant's group) and ``other``. How faces get a
group is ``assign``:

``"trial"`` (the shipped protocols)
    Each trial's label is drawn by the session seed: within every block and
    condition, half the trials are ``own`` and half ``other`` (an odd count
    gives the extra one to a group drawn by the seed). Any face may wear
    either label. The test of own minus other redraws these labels, so it
    has as many reference labellings as the design allows.
``"identity"``
    Each stimulus identity belongs to one group for the whole session: the
    identities are split in half by the seed (counterbalanced across
    participants). The test redraws the split. With the four built-in faces
    there are only 6 splits, so a single session's test can never reach
    p < 0.05 (its ``p_floor`` says so); it needs a stimulus set with many
    identities, or the across-people test of ``mimicry aggregate``.

``intro = "coin"`` opens the session with a minimal-group step (as in
Tajfel's studies): a screen says a coin flip has put the participant in a
team, and shows that team's colour. The coin is the session seed: it decides
which of the two colours is the participant's, so the colours are
counterbalanced across participants as well.

A recorded session keeps all of it in its events: the ``session_start``
detail (``groups_assign``, ``group_own_name``, ``group_own_colour``,
``group_other_name``, ``group_other_colour``) and ``group=own|other`` in
every ``stimulus_onset`` detail.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal, Mapping, Sequence

import numpy as np

#: The two groups of a protocol, in this order.
GROUP_KEYS: tuple[str, ...] = ("own", "other")
ASSIGN_MODES: tuple[str, ...] = ("trial", "identity")
INTRO_MODES: tuple[str, ...] = ("none", "coin")
#: Session-start detail keys of a session with groups.
DETAIL_ASSIGN = "groups_assign"


@dataclass(frozen=True)
class Group:
    """One labelled group.

    Attributes
    ----------
    key : {"own", "other"}
    name : str
        The caption shown with the face ("your team").
    colour : str
        ``"#rrggbb"``: the frame around the face.
    """

    key: str
    name: str
    colour: str

    @property
    def rgb(self) -> tuple[int, int, int]:
        h = self.colour.lstrip("#")
        return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


@dataclass(frozen=True)
class Groups:
    """The ``[groups]`` table of a protocol.

    Attributes
    ----------
    own, other : Group
    assign : {"trial", "identity"}
    intro : {"none", "coin"}
    intro_s : float
        How long the minimal-group screen is shown, seconds.
    """

    own: Group
    other: Group
    assign: Literal["trial", "identity"] = "trial"
    intro: Literal["none", "coin"] = "none"
    intro_s: float = 6.0

    def of(self, key: str) -> Group:
        return self.own if key == "own" else self.other

    def coin_flipped(self, flip: bool) -> "Groups":
        """These groups with their colours swapped when ``flip`` (the coin of the intro)."""
        if not flip:
            return self
        return replace(self, own=replace(self.own, colour=self.other.colour),
                       other=replace(self.other, colour=self.own.colour))

    def detail(self) -> dict:
        """The keys written to the ``session_start`` event's detail."""
        return {DETAIL_ASSIGN: self.assign, "group_own_name": self.own.name,
                "group_own_colour": self.own.colour, "group_other_name": self.other.name,
                "group_other_colour": self.other.colour}

    @classmethod
    def from_detail(cls, detail: Mapping[str, str]) -> "Groups | None":
        """The groups a ``session_start`` detail records; None without them."""
        assign = detail.get(DETAIL_ASSIGN)
        if assign not in ASSIGN_MODES:
            return None
        own = Group("own", detail.get("group_own_name", "own"),
                    detail.get("group_own_colour", "#1f6fd1"))
        other = Group("other", detail.get("group_other_name", "other"),
                      detail.get("group_other_colour", "#e07b00"))
        return cls(own, other, assign)


def _rng(seed: int) -> np.random.Generator:
    # A stream of its own, so a protocol without groups keeps its schedules.
    return np.random.default_rng([int(seed), 0x67727570])


def coin(seed: int) -> bool:
    """The intro's coin flip of a session seeded ``seed``: True swaps the colours."""
    return bool(_rng(seed).integers(2))


def balanced_labels(conditions: Sequence[str], blocks: Sequence[int], n: int,
                    rng: np.random.Generator) -> np.ndarray:
    """``n`` draws of trial labels, half ``own`` within every block and condition.

    Parameters
    ----------
    conditions, blocks : sequence, length n_trials
        Each trial's condition and block.
    n : int
    rng : numpy.random.Generator

    Returns
    -------
    ndarray, shape (n, n_trials), bool
        True where a trial is ``own``.
    """
    m = len(conditions)
    out = np.zeros((n, m), dtype=bool)
    cells: dict[tuple, list[int]] = {}
    for i, key in enumerate(zip(blocks, conditions)):
        cells.setdefault(key, []).append(i)
    for idx in cells.values():
        k = len(idx)
        half = np.full(n, k // 2)
        if k % 2:
            half += rng.integers(2, size=n)  # the odd one to a group drawn per labelling
        keys = rng.random((n, k))
        rank = np.argsort(np.argsort(keys, axis=1), axis=1)
        out[:, idx] = rank < half[:, None]
    return out


def identity_split(identities: Sequence[str], rng: np.random.Generator) -> frozenset:
    """The ``own`` identities of one session: a random half (the larger half by a coin)."""
    ids = list(identities)
    k = len(ids) // 2 + (len(ids) % 2 if rng.integers(2) else 0)
    perm = rng.permutation(len(ids))
    return frozenset(ids[i] for i in perm[:k])


def assign_groups(groups: Groups, conditions: Sequence[str], blocks: Sequence[int],
                  stimulus_ids: Sequence[str], identities: Sequence[str],
                  seed: int) -> list[str]:
    """Each trial's group key for a session seeded ``seed`` (see the module docstring)."""
    rng = _rng(seed)
    rng.integers(2)  # the coin of the intro comes first in this stream
    if groups.assign == "identity":
        own = identity_split(identities, rng)
        return ["own" if s in own else "other" for s in stimulus_ids]
    labels = balanced_labels(conditions, blocks, 1, rng)[0]
    return ["own" if v else "other" for v in labels]
