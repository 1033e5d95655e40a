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


#: The verdict in a few words, the same on the screen, the report and the meter.
VERDICT_WORDS: dict[str, str] = {
    "mimicry": "Mimicry: more than chance",
    "not_distinguishable_from_chance": "Not distinguishable from chance",
    "too_short": "Too short to conclude",
    "opposite": "Opposite expression",  # sessions analysed before analysis version 2
}


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


#: The first line of the summary of a session whose source was the demo participant.
DEMO_LINE = ("This was the demo participant, not a real person: a rendered face that mimics "
             "on purpose, so these numbers show what the analysis finds, not how anyone reacts.")


def with_demo_line(text: str, demo: bool) -> str:
    """``text`` with :data:`DEMO_LINE` as its first line when ``demo`` (once only)."""
    if not demo or text.startswith(DEMO_LINE):
        return text
    return f"{DEMO_LINE}\n{text}" if text else DEMO_LINE


def verdict_detail(conclusion: str, ci_low: float, ci_high: float, p_value: float,
                   p_floor: float, mde: float, n_happy: int, n_sad: int, need: int) -> str:
    """The line under the verdict, the same on the live meter and the results screen.

    The 95% interval; then what is still needed (``pending``, ``too_short``), or
    the chance phrase and the smallest difference the session could see.
    """
    parts = []
    if math.isfinite(ci_low) and math.isfinite(ci_high):
        parts.append(f"95% interval {ci_low:+.2f} to {ci_high:+.2f}.")
    if conclusion == "too_short":
        parts.append(f"A verdict needs at least {need} usable happy and {need} sad faces; "
                     f"this session has {n_happy} and {n_sad}.")
    elif conclusion == "pending":
        if min(n_happy, n_sad) < need:
            parts.append(f"A verdict needs at least {need} usable happy and {need} sad faces.")
    else:
        if math.isfinite(p_value) and math.isfinite(p_floor):
            parts.append(chance_phrase(p_value, p_floor))
        if math.isfinite(mde):
            parts.append(f"This session could see a difference of {mde:.2f} or more.")
    return " ".join(parts)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def plain_summary(result) -> str:
    """A few sentences for a student; one per line.

    Parameters
    ----------
    result : mimicry.analysis.offline.SessionResult

    Returns
    -------
    str
    """
    cfg, xc = result.config, result.xcorr
    lines: list[str] = []
    if result.session_status not in ("complete", "unknown"):
        lines.append(f"Note: this session did not finish normally (session.json says "
                     f"\"{result.session_status}\"); only the recorded part was analysed.")
    n = len(result.trials)
    n_valid = result.n_valid
    face = result.face_frames_pct
    n_frames = getattr(result, "n_frames", 0)
    fps = getattr(result, "tracked_fps", float("nan"))
    rate = f", about {fps:.0f} a second" if np.isfinite(fps) else ""
    face_s = (f"Your face was found in {face:.0f}% of the {n_frames:,} frames tracked{rate}; "
              if np.isfinite(face) and n_frames else
              f"Your face was tracked in {face:.0f}% of frames; " if np.isfinite(face) else "")
    lines.append(f"{face_s}{n_valid} of {_plural(n, 'trial')} could be used.")
    bad = [r for r in result.trials if not r.valid]
    for r in bad[:3]:
        lines.append(f"  Trial {r.trial} ({r.condition}) was left out: {r.invalid_reason}.")
    if len(bad) > 3:
        lines.append(f"  ... and {len(bad) - 3} more left out (see trials.csv).")
    for note in result.notes:
        lines.append(f"Note: {note}")

    prim = result.primary.primary if result.primary is not None else None
    if prim is not None and np.isfinite(prim.estimate):
        lines.append(headline(prim, result.range_of(prim.channel)))

    smile = responded_counts(result.trials, "smile")
    brow = responded_counts(result.trials, "brow_raise_inner")
    k, m = smile["happy"]
    if m:
        ks, ms = smile["sad"]
        kn, mn = smile["neutral"]
        controls = [f"{ks} of {ms} sad" if ms else "", f"{kn} of {mn} neutral" if mn else ""]
        controls = " and ".join(c for c in controls if c)
        also = f", and by chance at {controls} faces" if controls else ""
        lines.append(f"Your smile rose at {k} of {m} happy faces{also}.")
    k, m = brow["sad"]
    if m:
        kh, mh = brow["happy"]
        kn, mn = brow["neutral"]
        controls = [f"{kh} of {mh} happy" if mh else "", f"{kn} of {mn} neutral" if mn else ""]
        controls = " and ".join(c for c in controls if c)
        also = f", and at {controls} faces" if controls else ""
        lines.append(f"Your inner brows rose at {k} of {m} sad faces{also}.")
    if smile["happy"][1]:
        lines.append(f"(\"Rose\" means above its level just before the face appeared by at "
                     f"least {cfg.threshold_sd:g} times its usual wobble on your neutral face, "
                     f"for at least {cfg.min_duration_s:g} s; faces that could not be mimicked "
                     f"show how often that happens anyway.)")

    # A delay is stated only when the cross-correlation test says the face followed.
    if np.isfinite(xc.p_value) and xc.p_value < cfg.alpha and not xc.peak_at_edge:
        lines.append(f"Your face followed the faces about {xc.peak_lag_s:.1f} s later "
                     f"(the delay test: {chance_phrase(xc.p_value, xc.p_floor)[0].lower()}"
                     f"{chance_phrase(xc.p_value, xc.p_floor)[1:]})")
    elif np.isfinite(xc.p_value):
        lines.append("No delay is given: your face did not follow the faces' timing more "
                     "closely than chance would.")

    c = result.conclusion
    n_h = prim.n.get("happy", 0) if prim is not None else 0
    n_s = prim.n.get("sad", 0) if prim is not None else 0
    # Too few faces: no p-value is a finding, so none is put in words (summary.json keeps it).
    if prim is not None and np.isfinite(prim.p_value) and c != "too_short":
        lines.append(chance_phrase(prim.p_value, prim.p_floor))
    need = cfg.min_trials_per_condition
    if c == "too_short":
        lines.append(f"This session is too short to conclude anything: it has {n_h} usable "
                     f"happy and {n_s} usable sad {'face' if n_s == 1 else 'faces'}; at least "
                     f"{need} of each are needed.")
    elif c == "mimicry":
        lines.append("Your smile followed the faces you watched more than chance would give.")
    else:
        lines.append("This is not distinguishable from chance.")
    if prim is not None and np.isfinite(prim.mde) and c != "too_short":
        lines.append(detectable(prim, result.range_of(prim.channel)))
    gd = getattr(result, "group_difference", None)
    if gd is not None:
        lines.extend(group_sentences(gd, cfg.alpha))
    return "\n".join(lines)


def _pct_of_range(v: float, rng: float | None) -> str:
    return f" ({100 * v / rng:.0f}% of your own range)" if rng else ""


def headline(prim, rng: float | None = None) -> str:
    """How much more the smile rose at happy than at sad faces, with its 95% interval."""
    what = {"smile": "smile", "sad_composite": "sad expression"}.get(prim.channel, prim.channel)
    est, lo, hi = prim.estimate, prim.ci_low, prim.ci_high
    word = "more" if est >= 0 else "less"
    return (f"Your {what} rose {abs(est):.3f} {word} at happy than at sad faces on the 0-1 "
            f"scale{_pct_of_range(abs(est), rng)} (95% interval {lo:+.3f} to {hi:+.3f}).")


def detectable(prim, rng: float | None = None) -> str:
    """The smallest response the session could have seen (80% power)."""
    return (f"This session could reliably (80% of the time) detect a difference of "
            f"{prim.mde:.3f} or more{_pct_of_range(prim.mde, rng)}; mimicry smaller than that, "
            f"as spontaneous mimicry often is, can go unseen.")


def group_sentences(gd, alpha: float = 0.05, min_per_cell: int = 2) -> list[str]:
    """The plain-language lines about own versus other group."""
    own, other = gd.groups.own.name, gd.groups.other.name
    if not np.isfinite(gd.estimate):
        return [f"Own versus other group: too few usable faces to compare ({own} and {other} "
                f"each need at least {min_per_cell} happy and {min_per_cell} sad faces)."]
    e_own, e_oth = gd.own.estimate, gd.other.estimate
    lines = [f"Faces of {own}: your smile rose {e_own:+.3f} more at happy than at sad faces; "
             f"faces of {other}: {e_oth:+.3f}. The difference is {gd.estimate:+.3f}"
             + (f" (95% interval {gd.ci_low:+.3f} to {gd.ci_high:+.3f})."
                if np.isfinite(gd.ci_low) else ".")]
    lines.append(chance_phrase(gd.p_value, gd.p_floor))
    if gd.p_value < alpha:
        lines.append(f"You mimicked {own} more than {other}, more than chance would give.")
    else:
        lines.append(f"The difference between {own} and {other} is not distinguishable from "
                     f"chance.")
    if gd.p_floor >= alpha:
        lines.append(f"(With faces split into groups by person, this session can show at "
                     f"best 1 in {round(1 / gd.p_floor)}: only a class or study together can "
                     f"test it.)")
    elif np.isfinite(gd.mde):
        lines.append(f"This session could reliably detect a difference between the groups "
                     f"of {gd.mde:.3f} or more.")
    return lines
