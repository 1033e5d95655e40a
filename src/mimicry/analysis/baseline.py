"""Per-person neutral baseline: median and robust spread of every channel.

A webcam's expression scores do not read zero on a neutral face
(``brow_raise_inner`` sits around 0.2-0.3 for many people), so every response is
measured against the person's own neutral face. The baseline comes from the
calibration period (``calibration_start`` .. ``calibration_end`` events); when
there is none, or it has too few face frames, from the frames just before the
first stimulus, and the result says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from mimicry.core.messages import StimulusEvent
from mimicry.core.robust import MAD_TO_SD, robust_stats  # noqa: F401 (re-exported)
from mimicry.analysis.config import ANALYSIS_CHANNELS, AnalysisConfig

#: Longest calibration period used, seconds; bounds the streaming analysis's
#: memory, and the offline analysis uses the same limit so the two agree.
MAX_CALIBRATION_S = 1200.0

#: Where a baseline came from.
BASELINE_SOURCES = ("calibration", "pre_trial", "none")


def channel_matrix(channels: Mapping[str, np.ndarray], n: int | None = None) -> np.ndarray:
    """Stack channels into one array in :data:`ANALYSIS_CHANNELS` order.

    The sad composite ``clip(brow_raise_inner + frown, 0, 1)`` (the term valence
    subtracts) is computed here. Channels missing from ``channels`` are NaN.

    Parameters
    ----------
    channels : dict of str to ndarray, shape (n,)
        Channel values, NaN where there is no face.
    n : int | None
        Number of rows, needed only when ``channels`` is empty.

    Returns
    -------
    values : ndarray, shape (n, n_channels)
    """
    if n is None:
        n = len(next(iter(channels.values())))
    out = np.full((n, len(ANALYSIS_CHANNELS)), np.nan)
    for j, ch in enumerate(ANALYSIS_CHANNELS[:-1]):
        if ch in channels:
            out[:, j] = np.asarray(channels[ch], dtype=float)
    bri = ANALYSIS_CHANNELS.index("brow_raise_inner")
    frown = ANALYSIS_CHANNELS.index("frown")
    # NaN stays NaN through clip, so a missing face stays missing.
    out[:, -1] = np.clip(out[:, bri] + out[:, frown], 0.0, 1.0)
    return out


@dataclass(frozen=True)
class Baseline:
    """A person's neutral baseline.

    Attributes
    ----------
    source : str
        ``"calibration"``, ``"pre_trial"`` (frames before the first stimulus)
        or ``"none"`` (no usable frames: thresholds use ``min_robust_sd``).
    median : ndarray, shape (n_channels,)
        Median of each channel in :data:`ANALYSIS_CHANNELS` order; NaN when unknown.
    robust_sd_raw : ndarray, shape (n_channels,)
        1.4826 * MAD of each channel.
    robust_sd : ndarray, shape (n_channels,)
        ``robust_sd_raw`` floored at ``min_robust_sd``: the SD used for thresholds.
    n_frames : int
        Face frames the baseline is made of.
    t_start, t_end : float
        The period used, seconds (NaN for ``"none"``).
    note : str
        Plain-language note when the baseline is not the calibration period.
    """

    source: str
    median: np.ndarray
    robust_sd_raw: np.ndarray
    robust_sd: np.ndarray
    n_frames: int
    t_start: float
    t_end: float
    note: str = ""

    def as_dict(self) -> dict:
        """JSON-ready form: per-channel dicts; NaN becomes None."""
        def per_channel(a):
            return {ch: (round(float(v), 6) if np.isfinite(v) else None)
                    for ch, v in zip(ANALYSIS_CHANNELS, a)}

        return {
            "source": self.source,
            "note": self.note,
            "t_start": float(self.t_start) if np.isfinite(self.t_start) else None,
            "t_end": float(self.t_end) if np.isfinite(self.t_end) else None,
            "n_frames": int(self.n_frames),
            "median": per_channel(self.median),
            "robust_sd": per_channel(self.robust_sd),
            "robust_sd_raw": per_channel(self.robust_sd_raw),
        }


def calibration_period(events: Sequence[StimulusEvent]) -> tuple[float, float] | None:
    """The first complete ``calibration_start`` .. ``calibration_end`` pair, seconds."""
    start = None
    for e in sorted(events, key=lambda e: e.t):
        if e.event == "calibration_start" and start is None:
            start = e.t
        elif e.event == "calibration_end" and start is not None:
            return (start, e.t)
    return None


#: Channels whose own range each posed expression measures.
EXPRESSION_CHANNELS: dict[str, tuple[str, ...]] = {
    "smile": ("smile", "cheek_raise", "valence"),
    "sad": ("sad_composite", "brow_raise_inner"),
}


#: The least rise that counts as a posed expression, per channel (0-1 units).
MIN_POSED_RANGE: dict[str, float] = {"smile": 0.15, "cheek_raise": 0.1, "valence": 0.15,
                                     "sad_composite": 0.05, "brow_raise_inner": 0.05}


def expression_periods(events: Sequence[StimulusEvent]) -> list[tuple[str, float, float]]:
    """The posed-expression steps (``expression_start`` .. ``expression_end``): (name, start, end)."""
    from mimicry.io.formats import parse_detail  # noqa: PLC0415

    out, open_ = [], {}
    for e in sorted(events, key=lambda e: e.t):
        if e.event not in ("expression_start", "expression_end"):
            continue
        name = parse_detail(e.detail).get("expression", "")
        if e.event == "expression_start":
            open_[name] = e.t
        elif name in open_:
            out.append((name, open_.pop(name), e.t))
    return out


def expression_ranges(t, face, values, periods, baseline, settle_s: float = 1.0) -> dict:
    """The person's own range of each channel: its posed level minus the neutral baseline.

    The posed level is the 90th percentile of the face frames from ``settle_s``
    after the instruction appeared to its end (the time to pull the face). A
    range is kept only when it looks like a pose: at least
    :data:`MIN_POSED_RANGE` of its channel and 4 robust SDs of the neutral
    face (someone who did not pose gets no range, not a tiny one).

    Returns
    -------
    dict of str to float
    """
    from mimicry.analysis.config import ANALYSIS_CHANNELS  # noqa: PLC0415

    out: dict[str, float] = {}
    for name, start, end in periods:
        sel = face & (t >= start + min(settle_s, 0.5 * (end - start))) & (t <= end)
        if sel.sum() < 3:
            continue
        for ch in EXPRESSION_CHANNELS.get(name, ()):
            j = ANALYSIS_CHANNELS.index(ch)
            col = values[sel, j]
            col = col[np.isfinite(col)]
            med = baseline.median[j]
            if col.size < 3 or not np.isfinite(med):
                continue
            level = np.percentile(col, 90.0)
            rng = float(level - med)
            floor = max(MIN_POSED_RANGE.get(ch, 0.05), 4.0 * float(baseline.robust_sd[j]))
            if rng >= floor and ch not in out:
                out[ch] = rng
    return out


def baseline_from_frames(
    values: np.ndarray,
    source: str,
    t_start: float,
    t_end: float,
    config: AnalysisConfig,
    note: str = "",
) -> Baseline:
    """Make a :class:`Baseline` from the face frames of one period.

    Parameters
    ----------
    values : ndarray, shape (n, n_channels)
        Channel values of the face frames of the period (NaN rows are ignored).
    """
    med, sd, n = robust_stats(values) if len(values) else (
        np.full(len(ANALYSIS_CHANNELS), np.nan), np.full(len(ANALYSIS_CHANNELS), np.nan), 0)
    floored = np.where(np.isfinite(sd), np.maximum(sd, config.min_robust_sd), config.min_robust_sd)
    return Baseline(source=source, median=med, robust_sd_raw=sd, robust_sd=floored,
                    n_frames=n, t_start=t_start, t_end=t_end, note=note)


def no_baseline(config: AnalysisConfig, note: str) -> Baseline:
    """The baseline when no face frame is usable: median unknown, SD at its floor."""
    n_ch = len(ANALYSIS_CHANNELS)
    return Baseline(source="none", median=np.full(n_ch, np.nan),
                    robust_sd_raw=np.full(n_ch, np.nan),
                    robust_sd=np.full(n_ch, config.min_robust_sd), n_frames=0,
                    t_start=np.nan, t_end=np.nan, note=note)


def choose_baseline(
    calibration_values: np.ndarray | None,
    calibration: tuple[float, float] | None,
    pre_trial_values: np.ndarray,
    first_onset_s: float | None,
    config: AnalysisConfig,
) -> Baseline:
    """Apply the fallback rule shared by the offline and the streaming analysis.

    Calibration period if it has at least ``min_baseline_frames`` face frames;
    otherwise the face frames in the ``fallback_baseline_s`` before the first
    onset (if at least ``min_baseline_frames``); otherwise ``"none"``.

    Parameters
    ----------
    calibration_values : ndarray, shape (n_cal, n_channels) | None
        Face frames of the calibration period.
    calibration : (float, float) | None
        The calibration period, seconds.
    pre_trial_values : ndarray, shape (n_pre, n_channels)
        Face frames in ``[first_onset - fallback_baseline_s, first_onset)``.
    first_onset_s : float | None
        Onset of the first stimulus.
    """
    n_min = config.min_baseline_frames
    why = "no calibration period was recorded"
    if calibration is not None and calibration_values is not None:
        b = baseline_from_frames(calibration_values, "calibration", calibration[0], calibration[1],
                                 config)
        if b.n_frames >= n_min:
            return b
        why = (f"the calibration period had only {b.n_frames} frame(s) with a face "
               f"(need {n_min})")
    if first_onset_s is not None and len(pre_trial_values):
        start = first_onset_s - config.fallback_baseline_s
        b = baseline_from_frames(
            pre_trial_values, "pre_trial", start, first_onset_s, config,
            note=(f"{why[0].upper()}{why[1:]}, so the neutral baseline is taken from the face "
                  f"frames before the first stimulus (up to {config.fallback_baseline_s:g} s)."))
        if b.n_frames >= n_min:
            return b
    return no_baseline(config, note=(
        f"{why[0].upper()}{why[1:]} and there were too few face frames before the first "
        f"stimulus, so there is no neutral baseline: response thresholds use the minimum "
        f"spread {config.min_robust_sd:g}."))
