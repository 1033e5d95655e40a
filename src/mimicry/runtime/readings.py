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
        The running primary estimate: how much more the smile rose at happy
        than at sad faces (0-1 units; NaN until 2 happy and 2 sad trials).
    index_text : str
        ``"+0.06"`` or ``"–"``.
    chance_text : str
        The running interval, and at the planned end the verdict in plain words.
    lag_s : float
        Lag of the viewer's face behind the stimulus, NaN when there is none
        to show (only above the live lag test's boundary).
    lag_text : str
        ``"0.6 s"`` or ``"–"``.
    conclusion : str
        As :func:`mimicry.analysis.stats.conclude` at the planned end;
        ``"pending"`` before it (a verdict after every face would find
        "mimicry" by chance far more often than 5%).
    last_trial_text : str
        What the last trial showed, beside the same count at the control faces.
    last_condition : str
    final : bool
        The planned end was reached: the verdict is shown.
    ci_low, ci_high : float
        The running estimate's 95% interval (NaN when there is none).
    verdict_text : str
        The verdict in a few words, as big as the number: "Verdict after all 9
        faces" before the end, then :data:`~mimicry.analysis.summary.VERDICT_WORDS`.
    detail_text : str
        What stands behind it: the interval, the chance phrase, what is still needed.
    last_short_text : str
        The last trial in a few words, without the running counts.
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
    final: bool = False
    ci_low: float = float("nan")
    ci_high: float = float("nan")
    verdict_text: str = ""
    detail_text: str = ""
    last_short_text: str = ""


DASH = "\N{EN DASH}"
#: The live delay is shown only after this many usable happy and as many sad faces.
LAG_MIN_PER_CONDITION = 3


def _counts_text(update) -> str:
    """"smile rose at 3 of 4 happy faces so far, and at 1 of 4 sad ones"."""
    tr = update.trial
    counts = (getattr(update, "responded", None) or {}).get(RESPONSE_CHANNEL.get(tr.condition))
    if not counts:
        return ""
    k, m = counts[tr.condition]
    other = "sad" if tr.condition == "happy" else "happy"
    ko, mo = counts.get(other, (0, 0))
    what = "smile" if tr.condition == "happy" else "inner brows"
    return (f" So far your {what} rose at {k} of {m} {tr.condition} faces, and at {ko} of {mo} "
            f"{other} ones, which could not be mimicked that way.")


def reading_from_update(update, lag=None, config=None) -> MeterReading:
    """Turn a :class:`~mimicry.analysis.streaming.TrialUpdate` into meter text.

    Before the planned end the meter shows the running estimate and its 95%
    interval only; the verdict (and its chance phrase) comes at the end, so
    someone who watches after every face and stops at the first "mimicry"
    still has a 5% false-positive rate (``benchmarks/validity.py``).

    Parameters
    ----------
    update : TrialUpdate
    lag : mimicry.analysis.live_lag.LagReading, optional
        The live lag, given only when it passed the live lag test
        (:meth:`~mimicry.analysis.streaming.StreamingAnalyzer.lag_reading`).
    config : AnalysisConfig, optional
    """
    from mimicry.analysis.config import AnalysisConfig  # noqa: PLC0415
    from mimicry.analysis.summary import (VERDICT_WORDS, chance_phrase,  # noqa: PLC0415
                                          verdict_detail)

    config = config or AnalysisConfig()
    prim = update.primary
    final = bool(getattr(update, "final", False))
    est = prim.estimate if prim is not None else float("nan")
    n = prim.n if prim is not None else {}
    need = config.min_trials_per_condition
    ci_low = ci_high = float("nan")
    if prim is not None and math.isfinite(est):
        index_text = f"{est:+.2f}"
        ci_low, ci_high = float(prim.ci_low), float(prim.ci_high)
        interval = (f"Smile at happy minus sad faces so far: {est:+.3f} "
                    f"(95% interval {prim.ci_low:+.3f} to {prim.ci_high:+.3f}).")
    else:
        index_text = DASH
        interval = (f"Needs at least 2 happy and 2 sad faces with your face in view "
                    f"(so far {n.get('happy', 0)} happy, {n.get('sad', 0)} sad).")
    if final:
        conclusion = update.conclusion
        verdict_text = VERDICT_WORDS[conclusion]
        if conclusion == "too_short":
            verdict = (f"Too few usable faces to conclude anything (at least "
                       f"{need} happy and {need} sad are needed; this session has "
                       f"{n.get('happy', 0)} and {n.get('sad', 0)}).")
        else:
            phrase = chance_phrase(prim.p_value, prim.p_floor)
            verdict = phrase + (
                " Your smile followed the faces more than chance would give."
                if conclusion == "mimicry" else " This is not distinguishable from chance.")
        chance = f"{interval} {verdict}"
    else:
        conclusion = "pending"
        planned = getattr(update, "planned_trials", None)
        when = f"after all {planned} faces" if planned else "at the end"
        chance = f"{interval} The verdict comes {when}."
        verdict_text = f"Verdict {when}"
    nan = float("nan")
    detail = verdict_detail(conclusion, ci_low, ci_high,
                            getattr(prim, "p_value", nan), getattr(prim, "p_floor", nan),
                            getattr(prim, "mde", nan), n.get("happy", 0), n.get("sad", 0), need)
    if not math.isfinite(est):
        detail = f"{interval} {detail}".strip()  # what the number itself still needs
    lag_s = float("nan")
    enough = min(n.get("happy", 0), n.get("sad", 0)) >= LAG_MIN_PER_CONDITION
    if lag is not None and math.isfinite(lag.peak_lag_s) and enough:
        lag_s = float(lag.peak_lag_s)
    lag_text = f"{lag_s:.1f} s" if math.isfinite(lag_s) else DASH
    tr = update.trial
    if not tr.valid:
        what = short = f"not used ({tr.invalid_reason})"
    elif tr.condition in RESPONSE_CHANNEL:
        responded = tr.responded(RESPONSE_CHANNEL[tr.condition])
        verb = "smile rose" if tr.condition == "happy" else "inner brows rose"
        short = (verb if responded else "no clear response") + "."
        what = short + _counts_text(update)
    else:
        what = short = "neutral face (a comparison)"
    return MeterReading(n_trials=update.n_trials, index=float(est), index_text=index_text,
                        chance_text=chance, lag_s=lag_s, lag_text=lag_text,
                        conclusion=conclusion,
                        last_trial_text=f"Trial {tr.trial} ({tr.condition}): {what}",
                        last_condition=tr.condition, final=final, ci_low=ci_low,
                        ci_high=ci_high, verdict_text=verdict_text, detail_text=detail,
                        last_short_text=f"Trial {tr.trial} ({tr.condition}): {short}")
