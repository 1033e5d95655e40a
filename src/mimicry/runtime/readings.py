"""What the mimicry meter shows, in words (:class:`MeterReading`), built from the streaming analysis.

Qt-free. The numbers come from :class:`mimicry.analysis.streaming.StreamingAnalyzer`
(the same trial-level analysis as offline) and the chance phrase from
:func:`mimicry.analysis.summary.chance_phrase`, so the meter never words a
p-value differently from the saved summary.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: The channel that counts as "responded" for each condition in the meter's
#: last-trial line (the same channels as the plain-language summary).
RESPONSE_CHANNEL = {"happy": "smile", "sad": "brow_raise_inner"}


@dataclass(frozen=True)
class MeterReading:
    """One update of the meter, after a trial completed.

    Attributes
    ----------
    n_trials : int
        Completed trials so far.
    index : float
        The running mimicry index (SD units; NaN until 2 happy and 2 sad trials).
    index_text : str
        ``"+0.8"`` or ``"–"``.
    chance_text : str
        The p-value in plain words.
    lag_s : float
        Lag of the viewer's face behind the stimulus over the last seconds
        (live windowed cross-correlation), NaN when there is none to show.
    lag_text : str
        ``"0.6 s"`` or ``"–"``.
    conclusion : str
        As :func:`mimicry.analysis.stats.conclude`.
    last_trial_text : str
        What the last trial showed, e.g. ``"Trial 4 (happy): smiled back"``.
    last_condition : str
    """

    n_trials: int
    index: float
    index_text: str
    chance_text: str
    lag_s: float
    lag_text: str
    conclusion: str
    last_trial_text: str
    last_condition: str


DASH = "\N{EN DASH}"


def reading_from_update(update, lag=None, config=None) -> MeterReading:
    """Turn a :class:`~mimicry.analysis.streaming.TrialUpdate` into meter text.

    Parameters
    ----------
    update : TrialUpdate
    lag : mimicry.analysis.xcorr.LagProfile, optional
        The live lag profile; a lag is shown only when its peak correlation is
        positive (the face followed rather than opposed the stimulus).
    config : AnalysisConfig, optional
    """
    from mimicry.analysis.config import AnalysisConfig  # noqa: PLC0415
    from mimicry.analysis.summary import chance_phrase  # noqa: PLC0415

    config = config or AnalysisConfig()
    cong = update.congruence
    if math.isfinite(cong.index):
        # One decimal: with a handful of trials the index is uncertain by about ±0.5.
        index_text = f"{cong.index:+.1f}"
        if cong.index >= 0:
            chance = chance_phrase(cong.p_value, cong.p_floor)
        else:
            chance = chance_phrase(cong.p_value_two_sided, cong.p_floor, two_sided=True)
    else:
        index_text = DASH
        n_h, n_s = cong.n_valid.get("happy", 0), cong.n_valid.get("sad", 0)
        chance = (f"Needs at least 2 happy and 2 sad faces with your face in view "
                  f"(so far {n_h} happy, {n_s} sad).")
    if update.conclusion == "too_short" and math.isfinite(cong.index):
        chance += " Too few faces yet to conclude anything."
    lag_s = float("nan")
    if lag is not None and math.isfinite(lag.peak_lag_s) and lag.peak_r > 0:
        lag_s = float(lag.peak_lag_s)
    lag_text = f"{lag_s:.1f} s" if math.isfinite(lag_s) else DASH
    tr = update.trial
    if not tr.valid:
        what = f"not used ({tr.invalid_reason})"
    elif tr.condition in RESPONSE_CHANNEL:
        responded = tr.responded(RESPONSE_CHANNEL[tr.condition])
        verb = "smiled back" if tr.condition == "happy" else "inner brows rose"
        what = verb if responded else "no clear response"
    else:
        what = "neutral face (a comparison)"
    return MeterReading(n_trials=update.n_trials, index=float(cong.index), index_text=index_text,
                        chance_text=chance, lag_s=lag_s, lag_text=lag_text,
                        conclusion=update.conclusion,
                        last_trial_text=f"Trial {tr.trial} ({tr.condition}): {what}",
                        last_condition=tr.condition)
