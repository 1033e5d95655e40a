"""What an analysed session writes: ``summary.json`` (:func:`summary_dict`) and ``trials.csv`` (:func:`trial_rows`)."""

from __future__ import annotations

import numpy as np

from mimicry._version import __version__
from mimicry.core import channels as _channels
from mimicry.analysis.config import ANALYSIS_CHANNELS, ANALYSIS_VERSION
from mimicry.analysis.frame_rate import MIN_TRUSTED_FPS
from mimicry.analysis.trials import responded_counts

#: Channels written to trials.csv, in column order (from the channel registry).
TRIAL_CSV_CHANNELS: tuple[str, ...] = _channels.TRIAL_CSV_CHANNELS
TRIAL_CSV_COLUMNS: tuple[str, ...] = (
    ("trial", "condition", "stimulus_id", "onset_s", "offset_s", "valid", "invalid_reason",
     "face_frames_pct", "baseline_source")
    + tuple(f"{ch}_{m}" for ch in TRIAL_CSV_CHANNELS for m in ("mean", "peak", "latency_s"))
    + tuple(f"{ch}_pre" for ch in TRIAL_CSV_CHANNELS)
    + ("group",))


def _num(v, digits: int = 6):
    """JSON number: NaN/inf become None."""
    if v is None:
        return None
    v = float(v)
    return round(v, digits) if np.isfinite(v) else None


def trial_rows(result) -> list[dict]:
    """One dict per trial with the :data:`TRIAL_CSV_COLUMNS` keys (NaN kept as NaN)."""
    rows = []
    for r in result.trials:
        row = {"trial": r.trial, "condition": r.condition, "stimulus_id": r.stimulus_id,
               "onset_s": r.onset_s, "offset_s": r.offset_s, "valid": bool(r.valid),
               "invalid_reason": r.invalid_reason, "face_frames_pct": r.face_frames_pct,
               "baseline_source": r.baseline_source}
        for ch in TRIAL_CSV_CHANNELS:
            for m in ("mean", "peak", "latency_s"):
                row[f"{ch}_{m}"] = r.get(m, ch)
        for ch in TRIAL_CSV_CHANNELS:
            row[f"{ch}_pre"] = float(r.pre_baseline[ANALYSIS_CHANNELS.index(ch)])
        row["group"] = getattr(result, "trial_groups", {}).get(r.trial, "")
        rows.append(row)
    return rows


def summary_dict(result) -> dict:
    """The content of ``summary.json`` (plain JSON types; NaN as null)."""
    from mimicry.analysis.summary import plain_summary

    cong, xc, cfg = result.congruence, result.xcorr, result.config
    channels = {}
    for j, ch in enumerate(ANALYSIS_CHANNELS):
        means = {}
        for cond in ("happy", "sad", "neutral"):
            v = [r.mean[j] for r in result.trials if r.valid and r.condition == cond]
            means[cond] = _num(np.mean(v)) if v else None
        counts = responded_counts(result.trials, ch)
        lat = [r.latency_s[j] for r in result.trials
               if r.valid and np.isfinite(r.latency_s[j])
               and r.condition == ("sad" if ch in _channels.SAD_LATENCY_CHANNELS
                                   else "happy")]
        channels[ch] = {
            "g_happy_vs_sad": _num(cong.channel_g[ch]["happy_vs_sad"]),
            "g_happy_vs_neutral": _num(cong.channel_g[ch]["happy_vs_neutral"]),
            "g_sad_vs_neutral": _num(cong.channel_g[ch]["sad_vs_neutral"]),
            "mean_response": means,
            "responded": {c: {"n": k, "of": n} for c, (k, n) in counts.items()},
            "median_latency_s": _num(np.median(lat)) if lat else None,
        }
    n_by = {c: sum(r.condition == c for r in result.trials) for c in ("happy", "sad", "neutral")}
    prim = result.primary.primary if result.primary is not None else None
    lag_ok = bool(np.isfinite(xc.p_value) and xc.p_value < cfg.alpha)
    return {
        "mimicry_version": __version__,
        "analysis_version": ANALYSIS_VERSION,
        "session_status": result.session_status,
        "conclusion": result.conclusion,
        "summary_text": plain_summary(result),
        "primary": ({**prim.as_dict(), "test": (
            f"{prim.channel}, happy minus sad faces, adjusted for the pre-stimulus level; "
            f"one-sided randomisation test over trial orders the design could have drawn")}
            if prim is not None else None),
        "effect_size": _num(prim.estimate) if prim is not None else None,
        "effect_size_kind": (f"{cfg.primary_channel} rise at happy minus sad faces, adjusted for "
                             f"the pre-stimulus level (0-1 units; positive = mimicry)"),
        "effect_ci95": ([_num(prim.ci_low), _num(prim.ci_high)] if prim is not None
                        else [None, None]),
        "hedges_g": _num(prim.hedges_g) if prim is not None else None,
        "mde_80": _num(prim.mde) if prim is not None else None,
        "p_value": _num(prim.p_value) if prim is not None else None,
        "p_value_opposite": _num(prim.p_value_opposite) if prim is not None else None,
        "p_value_two_sided": (_num(min(1.0, 2 * min(prim.p_value, prim.p_value_opposite)))
                              if prim is not None else None),
        "p_floor": _num(prim.p_floor) if prim is not None else None,
        "n_permutations": int(prim.n_reference) if prim is not None else 0,
        "permutation_method": prim.method if prim is not None else "none",
        "secondary": ({ch: c.as_dict() for ch, c in result.primary.secondary.items()}
                      if result.primary is not None else {}),
        "mimicry_index": _num(cong.index),
        "mimicry_index_kind": ("secondary: mean of Hedges' g, smile happy>sad and sad_composite "
                               "sad>happy (SD units); its p-values shuffle happy/sad labels"),
        "mimicry_index_p_value": _num(cong.p_value),
        "mimicry_index_p_value_two_sided": _num(cong.p_value_two_sided),
        "alpha": cfg.alpha,
        # The delay means something only when the face followed the stimulus.
        "lag_s": _num(xc.peak_lag_s) if lag_ok else None,
        "lag_note": (None if lag_ok else
                     "no delay: the cross-correlation is not distinguishable from chance"
                     if np.isfinite(xc.p_value) else "no delay: too few happy and sad faces"),
        "n_trials": len(result.trials),
        "n_valid_trials": result.n_valid,
        "n_trials_by_condition": n_by,
        "n_valid_by_condition": dict(cong.n_valid),
        "invalid_trials": [{"trial": r.trial, "condition": r.condition,
                            "reason": r.invalid_reason}
                           for r in result.trials if not r.valid],
        "face_frames_pct": _num(result.face_frames_pct, 2),
        "n_frames": int(result.n_frames),
        "tracked_fps": _num(result.tracked_fps, 2),
        "tracked_fps_ok": _fps_ok(result.tracked_fps),
        "valence_g_happy_vs_sad": _num(cong.channel_g["valence"]["happy_vs_sad"]),
        "channels": channels,
        "xcorr": {
            "peak_lag_s": _num(xc.peak_lag_s),
            "peak_r": _num(xc.peak_r),
            "peak_at_edge": bool(xc.peak_at_edge),
            "p_value": _num(xc.p_value),
            "p_value_two_sided": _num(xc.p_value_two_sided),
            "p_floor": _num(xc.p_floor),
            "n_permutations": int(xc.n_permutations),
            "method": xc.method,
            "null": ("trial orders redrawn by the design, max over lags" if xc.method == "design"
                     else "happy/sad labels shuffled, max over lags"),
            "dt_s": _num(xc.dt_s),
            "lags_s": [_num(v, 4) for v in xc.lags_s],
            "r": [_num(v, 4) for v in xc.r],
            "band_low": [_num(v, 4) for v in xc.band_low],
            "band_high": [_num(v, 4) for v in xc.band_high],
            "max_threshold": _num(xc.max_threshold, 4),
        },
        "baseline": result.baseline.as_dict(),
        "own_range": {ch: _num(v) for ch, v in result.ranges.items()},
        "notes": list(result.notes),
        "parameters": cfg.as_dict(),
        **({"group_difference": result.group_difference.as_dict(cfg.alpha)}
           if getattr(result, "group_difference", None) is not None else {}),
    }


def _fps_ok(fps: float) -> bool:
    return bool(not np.isfinite(fps) or fps >= MIN_TRUSTED_FPS)
