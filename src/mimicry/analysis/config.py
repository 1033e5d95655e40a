"""Analysis settings: one frozen, validated dataclass.

Every number the analysis uses lives here, is written to ``summary.json`` and is
checked when the object is made, so a bad value fails loudly with the name of
the parameter, what is allowed and what was given.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

from mimicry.core import channels as _channels
from mimicry.core.check import check_int, check_option, check_range, invalid
from mimicry.core.errors import ConfigError

#: Version of the analysis method; bump when a change can alter any number.
ANALYSIS_VERSION = 3

#: The sad composite: the term that valence subtracts, clip(brow_raise_inner + frown, 0, 1).
SAD_COMPOSITE = _channels.SAD_COMPOSITE

#: Every channel the analysis reports: the tracker's channels plus the sad composite.
ANALYSIS_CHANNELS: tuple[str, ...] = _channels.ANALYSIS_CHANNELS

#: Channels that make up the mimicry index, with the sign of "congruent":
#: smile should be larger at happy faces (+1), the sad composite at sad faces (-1
#: on the happy-minus-sad difference). Both derived from the channel registry.
INDEX_CHANNELS: dict[str, float] = _channels.INDEX_CHANNELS


@dataclass(frozen=True)
class AnalysisConfig:
    """Settings of the mimicry analysis.

    Times are seconds. Defaults follow ``docs/analysis.md``.

    Parameters
    ----------
    pre_stimulus_window_s : tuple of float, shape (2,)
        Pre-stimulus baseline window relative to stimulus onset, ``(start, end)``
        with ``start < end <= 0``.
    response_start_s : float
        Start of the response window after stimulus onset (>= 0). The first
        half second is skipped because the stimulus is still morphing in and
        mimicry is slower than that.
    response_end_after_offset_s : float
        End of the response window after the stimulus offset (>= 0).
    min_face_fraction : float
        A trial is invalid when fewer than this fraction of the frames in its
        response window have a face (0-1].
    threshold_sd : float
        ``k``: a response "starts" when it exceeds the pre-stimulus baseline by
        ``k`` robust SDs of the calibration baseline.
    min_duration_s : float
        ... and stays above that for at least this long (face frames only).
    min_latency_s : float
        Earliest onset latency counted (>= 0). No face reacts to a face faster
        than this, so a run above threshold must start at least this long after
        stimulus onset, after a frame below the threshold: a face that was
        already above it at onset (carry-over from the previous trial, or noise)
        did not respond, and its latency is NaN.
    min_robust_sd : float
        Floor on the robust SD of every channel. MediaPipe scores on a still
        face often sit exactly at 0 (smile) so 1.4826*MAD can be ~0; without a
        floor any twitch would count as a response.
    min_baseline_frames : int
        Fewest face frames the calibration period must have to be used.
    min_pre_stimulus_frames : int
        Fewest face frames a trial's pre-stimulus window must have; with fewer,
        that trial is measured against the session baseline instead.
    fallback_baseline_s : float
        Without a usable calibration, the baseline uses the face frames from
        this many seconds before the first stimulus onset.
    max_lag_s : float
        Largest lag of the cross-correlation (lags 0..max_lag_s).
    max_gap_s : float
        Gaps without a face up to this long are interpolated for the
        cross-correlation; longer ones are left out. Also the longest gap a
        response run may bridge for the onset latency.
    detrend_window_s : float
        Slow drift of the valence is removed by subtracting its centred moving
        mean over this window before the cross-correlation (0 turns it off).
    windowed_xcorr_s : float
        Window of the live (windowed) cross-correlation.
    n_permutations : int
        Random relabellings when exact enumeration is too large (>= 1000).
    max_exact_permutations : int
        Enumerate every relabelling when there are at most this many.
    alpha : float
        Significance level for the conclusion (0-0.5).
    min_trials_per_condition : int
        Fewer valid happy or sad trials than this and the session is "too short".
    max_p_floor : float
        A session whose smallest reachable p-value is above this is "too short".
    primary_channel : str
        The channel of the primary test (:mod:`mimicry.analysis.primary`):
        how much more it rose at happy than at sad faces.
    covariate : bool
        Adjust the primary test for each trial's pre-stimulus level.
    winsorize_mad : float
        Trial responses and pre-stimulus levels are clipped to their median
        +- this many robust SDs before the primary test (0 = off).
    huber_k : float
        > 0: the primary test fits a Huber M-estimate with this tuning
        constant (robust SDs of the residuals, floored at ``min_robust_sd``),
        so a spontaneous grin in one trial weighs less; 0: least squares.
    face_id : int
        Which face slot to analyse.
    seed : int
        Seed of the random permutations (results are reproducible).
    """

    pre_stimulus_window_s: tuple[float, float] = (-1.0, 0.0)
    response_start_s: float = 0.5
    response_end_after_offset_s: float = 0.5
    min_face_fraction: float = 0.5
    threshold_sd: float = 2.0
    min_duration_s: float = 0.2
    min_latency_s: float = 0.2
    min_robust_sd: float = 0.02
    min_baseline_frames: int = 10
    min_pre_stimulus_frames: int = 3
    fallback_baseline_s: float = 60.0
    max_lag_s: float = 3.0
    max_gap_s: float = 0.5
    detrend_window_s: float = 20.0
    windowed_xcorr_s: float = 15.0
    n_permutations: int = 5000
    max_exact_permutations: int = 20000
    alpha: float = 0.05
    min_trials_per_condition: int = 6
    max_p_floor: float = 0.01
    primary_channel: str = "smile"
    covariate: bool = True
    winsorize_mad: float = 0.0
    huber_k: float = 1.345
    face_id: int = 0
    seed: int = 0

    def __post_init__(self) -> None:
        pre = self.pre_stimulus_window_s
        if (not isinstance(pre, (tuple, list)) or len(pre) != 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                           and math.isfinite(v) for v in pre)
                or not pre[0] < pre[1] <= 0):
            raise invalid("pre_stimulus_window_s", "a pair (start, end) with start < end <= 0", pre)
        object.__setattr__(self, "pre_stimulus_window_s", (float(pre[0]), float(pre[1])))
        check_range("response_start_s", self.response_start_s, 0.0, 60.0)
        check_range("response_end_after_offset_s", self.response_end_after_offset_s, 0.0, 60.0)
        check_range("min_face_fraction", self.min_face_fraction, 0.0, 1.0, lo_open=True)
        check_range("threshold_sd", self.threshold_sd, 0.0, 100.0, lo_open=True)
        check_range("min_duration_s", self.min_duration_s, 0.0, 10.0)
        check_range("min_latency_s", self.min_latency_s, 0.0, 10.0)
        check_range("min_robust_sd", self.min_robust_sd, 0.0, 1.0, lo_open=True)
        check_int("min_baseline_frames", self.min_baseline_frames, 1)
        check_int("min_pre_stimulus_frames", self.min_pre_stimulus_frames, 1)
        check_range("fallback_baseline_s", self.fallback_baseline_s, 0.0, 3600.0, lo_open=True)
        check_range("max_lag_s", self.max_lag_s, 0.0, 30.0, lo_open=True)
        check_range("max_gap_s", self.max_gap_s, 0.0, 10.0)
        check_range("detrend_window_s", self.detrend_window_s, 0.0, 3600.0,
                expected="0 (off) or a number > max_lag_s")
        if 0 < self.detrend_window_s <= self.max_lag_s:
            raise invalid("detrend_window_s", f"0 (off) or a number > max_lag_s ({self.max_lag_s})",
                          self.detrend_window_s)
        check_range("windowed_xcorr_s", self.windowed_xcorr_s, self.max_lag_s, 3600.0, lo_open=True,
                expected=f"a number > max_lag_s ({self.max_lag_s})")
        check_int("n_permutations", self.n_permutations, 1000)
        check_int("max_exact_permutations", self.max_exact_permutations, 1, 1_000_000)
        check_range("alpha", self.alpha, 0.0, 0.5, lo_open=True)
        check_int("min_trials_per_condition", self.min_trials_per_condition, 2)
        check_range("max_p_floor", self.max_p_floor, 0.0, 1.0, lo_open=True)
        check_option("primary_channel", self.primary_channel, ANALYSIS_CHANNELS)
        if not isinstance(self.covariate, bool):
            raise invalid("covariate", "true or false", self.covariate)
        check_range("winsorize_mad", self.winsorize_mad, 0.0, 100.0)
        check_range("huber_k", self.huber_k, 0.0, 100.0)
        check_int("face_id", self.face_id, 0)
        check_int("seed", self.seed, 0)

    def as_dict(self) -> dict:
        """Plain-JSON form (tuples become lists)."""
        d = asdict(self)
        d["pre_stimulus_window_s"] = list(self.pre_stimulus_window_s)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "AnalysisConfig":
        """Build from a mapping; unknown keys are an error, not ignored."""
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - names)
        if unknown:
            raise ConfigError(
                f"Unknown analysis parameter(s) {', '.join(map(repr, unknown))}; allowed are "
                f"{', '.join(sorted(names))}.")
        d = dict(d)
        if "pre_stimulus_window_s" in d and isinstance(d["pre_stimulus_window_s"], list):
            d["pre_stimulus_window_s"] = tuple(d["pre_stimulus_window_s"])
        return cls(**d)
