"""The plain-language summary a student can read.

It never makes a number look more certain than it is: the chance figure is
the permutation p-value written as "1 in N sessions", a session that cannot
reach significance says so, and a non-significant result says "This is not
distinguishable from chance."
"""

from __future__ import annotations

import math

import numpy as np

from mimicry.analysis.trials import responded_counts


def one_in(p: float) -> str:
    """``0.0025`` -> ``"1 in 400"``; rounds N to two significant figures."""
    n = 1.0 / p
    if n < 100:
        return f"1 in {int(round(n))}"
    mag = 10 ** (int(math.floor(math.log10(n))) - 1)
    return f"1 in {int(round(n / mag) * mag):,}"


def chance_phrase(p: float, p_floor: float, two_sided: bool = False) -> str:
    """How often chance alone gives a result this strong, in words."""
    what = "a difference this large in either direction" if two_sided else "a result this strong"
    if p >= 0.2:
        return f"Chance alone gives {what} in about {int(round(10 * p))} of 10 sessions."
    if p <= p_floor * (1 + 1e-9):
        return (f"Chance alone gives {what} in at most {one_in(p).replace('1 in', '1 of')} "
                f"sessions (the smallest value this session can show).")
    return f"Chance alone gives {what} in about {one_in(p).replace('1 in', '1 of')} sessions."


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _parts(cong, sign: int) -> str:
    """Which parts of the index point in the direction of ``sign`` (+1 mimicry, -1 opposite)."""
    g_smile = cong.channel_g["smile"]["happy_vs_sad"]
    g_sad = -cong.channel_g["sad_composite"]["happy_vs_sad"]
    if sign > 0:
        words = ["more smiling at happy than at sad faces" if g_smile > 0 else "",
                 "more inner-brow raising at sad than at happy faces" if g_sad > 0 else ""]
    else:
        words = ["more smiling at sad than at happy faces" if g_smile < 0 else "",
                 "more inner-brow raising at happy than at sad faces" if g_sad < 0 else ""]
    return " and ".join(w for w in words if w) or "on the two channels together"


def plain_summary(result) -> str:
    """A few sentences for a student; one per line.

    Parameters
    ----------
    result : mimicry.analysis.offline.SessionResult

    Returns
    -------
    str
    """
    cfg, cong, xc = result.config, result.congruence, result.xcorr
    lines: list[str] = []
    if result.session_status not in ("complete", "unknown"):
        lines.append(f"Note: this session did not finish normally (session.json says "
                     f"\"{result.session_status}\"); only the recorded part was analysed.")
    n = len(result.trials)
    n_valid = result.n_valid
    face = result.face_frames_pct
    face_s = f"Your face was tracked in {face:.0f}% of frames; " if np.isfinite(face) else ""
    lines.append(f"{face_s}{n_valid} of {_plural(n, 'trial')} could be used.")
    bad = [r for r in result.trials if not r.valid]
    for r in bad[:3]:
        lines.append(f"  Trial {r.trial} ({r.condition}) was left out: {r.invalid_reason}.")
    if len(bad) > 3:
        lines.append(f"  ... and {len(bad) - 3} more left out (see trials.csv).")
    for note in result.notes:
        lines.append(f"Note: {note}")

    smile = responded_counts(result.trials, "smile")
    brow = responded_counts(result.trials, "brow_raise_inner")
    k, m = smile["happy"]
    if m:
        ks, ms = smile["sad"]
        also = f" (and at {ks} of {ms} sad faces)" if ms else ""
        lines.append(f"You smiled back at {k} of {m} happy faces{also}.")
    k, m = brow["sad"]
    if m:
        kh, mh = brow["happy"]
        also = f" (and at {kh} of {mh} happy faces)" if mh else ""
        lines.append(f"Your inner brows rose at {k} of {m} sad faces{also}.")
    if smile["happy"][1]:
        lines.append(f"(\"Smiled back\" means your smile rose above its level just before the "
                     f"face appeared by at least {cfg.threshold_sd:g} times its usual wobble on "
                     f"your neutral face, for at least {cfg.min_duration_s:g} s.)")

    # A delay is only worth stating when both tests agree that the face followed.
    if (result.conclusion == "mimicry" and np.isfinite(xc.p_value_two_sided)
            and xc.p_value_two_sided < cfg.alpha and xc.peak_r > 0 and not xc.peak_at_edge):
        lines.append(f"Your face followed about {xc.peak_lag_s:.1f} s later.")

    c = result.conclusion
    n_h, n_s = cong.n_valid["happy"], cong.n_valid["sad"]
    if np.isfinite(cong.p_value):
        if cong.index >= 0:
            lines.append(chance_phrase(cong.p_value, cong.p_floor))
        else:
            lines.append(chance_phrase(cong.p_value_two_sided, cong.p_floor, two_sided=True))
    if c == "too_short":
        if n_h < 2 or n_s < 2:
            lines.append(f"This session is too short to conclude anything: it has {n_h} usable "
                         f"happy and {n_s} usable sad {'face' if n_s == 1 else 'faces'}.")
        elif cong.p_floor > cfg.max_p_floor:
            lines.append(f"This session is too short to conclude anything: with {n_h} happy and "
                         f"{n_s} sad faces, even a perfect mimic can't reach better than "
                         f"{one_in(cong.p_floor)}.")
        else:
            lines.append(f"This session is too short to conclude anything: it has {n_h} usable "
                         f"happy and {n_s} usable sad faces; at least "
                         f"{cfg.min_trials_per_condition} of each are needed.")
    elif c == "mimicry":
        lines.append(f"Your face matched the faces you watched ({_parts(cong, +1)}) more than "
                     f"chance would give.")
    elif c == "opposite":
        lines.append(f"You tended to show the opposite expression ({_parts(cong, -1)}), more "
                     f"than chance would give.")
    else:
        lines.append("This is not distinguishable from chance.")
    return "\n".join(lines)
