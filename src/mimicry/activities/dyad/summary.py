"""What a dyad result says: the ``summary.json`` fields and the plain-language summary."""

from __future__ import annotations

import numpy as np

from mimicry.activities.dyad.analysis import SIDES, DyadResult, _num


def dyad_summary_dict(result: DyadResult) -> dict:
    """The ``summary.json`` fields of a two-face session (see docs/analysis.md)."""
    lag = result.lag_s
    return {
        "analysis": "dyad",
        "leader": result.leader,
        "dyad_lag_s": _num(lag),
        "dyad_p_value": _num(result.p_value, 6),
        "leader_p_value": _num(result.leader_p_value, 6),
        "synchrony_r": _num(result.peak_r),
        "summary_text": dyad_plain_summary(result),
        "dyad": {
            "channel": result.config.channel,
            "peak_lag_s": _num(result.peak_lag_s),
            "peak_r": _num(result.peak_r),
            "peak_at_edge": bool(result.peak_at_edge),
            "p_value": _num(result.p_value, 6),
            "n_surrogates": result.n_surrogates,
            "surrogate": "phase_randomised",
            "long_enough": bool(result.long_enough),
            "max_threshold": _num(result.max_threshold),
            "leader_estimate": result.leader_estimate,
            "leader_p_value": _num(result.leader_p_value, 6),
            "lag_ci_s": [_num(v) for v in result.lag_ci_s],
            "lags_s": [_num(v) for v in result.lags_s],
            "r": [_num(v) for v in result.r],
            "dt_s": _num(result.dt_s, 6),
            "n_samples": result.n_samples,
            "face_frames_pct": {s: _num(v, 1) for s, v in zip(SIDES, result.face_frames_pct)},
            "windows": result.windows,
        },
        "notes": list(result.notes),
        "parameters": result.config.as_dict(),
    }


def _one_in(p: float, n_surrogates: int = 0) -> str:
    if n_surrogates and p <= 1.0 / (n_surrogates + 1) + 1e-12:
        return f"fewer than 1 in {n_surrogates}"
    return f"about 1 in {max(2, int(round(1 / p)))}" if p > 0 else "never"


def dyad_plain_summary(result: DyadResult) -> str:
    """A few plain sentences about a dyad session."""
    if not np.isfinite(result.p_value):
        return " ".join(result.notes[-1:]) or "There was not enough data to compare the faces."
    alpha = result.config.alpha
    if result.p_value >= alpha:
        return (f"The two faces did not move together more than chance would give (chance "
                f"gives a link this strong in {_one_in(result.p_value, result.n_surrogates)} recordings). This is "
                f"not distinguishable from chance.")
    lines = [f"The two faces moved together (strongest correlation r = {result.peak_r:+.2f}; "
             f"chance gives this in {_one_in(result.p_value, result.n_surrogates)} recordings)."]
    if not result.long_enough:
        lines.append(f"The recording is too short to say who led: record at least "
                     f"{result.config.min_duration_s:.0f} s.")
    elif result.leader is not None:
        follower = "right" if result.leader == "left" else "left"
        lines.append(f"The {result.leader} person led: the {follower} person's face followed "
                     f"about {abs(result.peak_lag_s):.1f} s later.")
    else:
        lines.append("Neither person clearly led: their faces changed at about the same time, "
                     "or the order varied.")
    # Measured on unrelated simulated pairs (docs/analysis.md, section 10): the
    # surrogate test passes 4-9% of them at 60-120 s and up to 15% at 30 s.
    lines.append("The chance figure for moving together is approximate: two unrelated "
                 "people pass this test in up to 1 of 10 recordings"
                 + (" (up to 1 of 7 this short)." if not result.long_enough else "."))
    return " ".join(lines)
