"""Mimicry analysis: baselines, trial responses, congruence statistics, lagged cross-correlation.

Qt-free and numpy-only at import (scipy is imported inside the simulator).
``import mimicry`` does not import this package. The methods and every output
field are explained in ``docs/analysis.md``.

Modules
-------
config
    :class:`AnalysisConfig`, every setting, validated.
baseline
    Per-person neutral baseline (median, 1.4826*MAD) from the calibration period.
trials
    Per-trial mean, peak and onset latency of every channel; invalid trials.
stats
    Hedges' g, the mimicry index and its permutation test; the conclusion.
xcorr
    Lagged cross-correlation with a label-permutation null (max over lags);
    windowed version (Boker et al., 2002) for the live display.
session
    :func:`analyze_session`: everything for a recorded session; summary.json
    and trials.csv contents.
summary
    The plain-language summary.
streaming
    :class:`StreamingAnalyzer`: the same trial-level results, frame by frame.
synthetic
    A virtual participant with known delay and gain, for testing.
"""

from mimicry.analysis.baseline import Baseline
from mimicry.analysis.config import ANALYSIS_CHANNELS, ANALYSIS_VERSION, SAD_COMPOSITE, AnalysisConfig
from mimicry.analysis.offline import SessionResult, analyze_arrays, analyze_session, analyze_trials, summary_dict
from mimicry.analysis.stats import CONCLUSIONS, CongruenceResult, congruence_test, hedges_g, p_floor_for
from mimicry.analysis.streaming import StreamingAnalyzer, TrialUpdate
from mimicry.analysis.summary import plain_summary
from mimicry.analysis.trials import TrialResult
from mimicry.analysis.xcorr import XcorrResult, lagged_xcorr
from mimicry.analysis.xcorr_windowed import recent_xcorr, windowed_xcorr

__all__ = [
    "ANALYSIS_CHANNELS", "ANALYSIS_VERSION", "AnalysisConfig", "Baseline", "CONCLUSIONS",
    "CongruenceResult", "SAD_COMPOSITE", "SessionResult", "StreamingAnalyzer", "TrialResult",
    "TrialUpdate", "XcorrResult", "analyze_arrays", "analyze_session", "analyze_trials",
    "congruence_test", "hedges_g", "lagged_xcorr", "p_floor_for", "plain_summary",
    "recent_xcorr", "summary_dict", "windowed_xcorr",
]
