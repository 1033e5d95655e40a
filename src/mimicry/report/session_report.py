"""``report.html`` for one session: what happened, the curves, the timing, every trial, quality.

:func:`analyse` runs the analysis of a session folder in memory (the same
code as ``mimicry analyze``); :func:`write_session_report` draws the figures,
writes them as PNGs into the session folder and embeds them in a
self-contained ``report.html``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mimicry._version import __version__
from mimicry.core.errors import InputError
from mimicry.analysis.summary import VERDICT_WORDS
from mimicry.report import page as H
from mimicry.report.self_rating import SELF_RATING_QUESTION

REPORT_FILE = "report.html"
#: PNGs written beside the report.
FIGURE_FILES: dict[str, str] = {
    "curves": "report_curves.png",
    "xcorr": "report_xcorr.png",
    "trials": "report_trials.png",
}
#: The verdict in words: the same as the app's screen (one table, in the analysis).
CONCLUSION_WORDS: dict[str, str] = VERDICT_WORDS
STATUS_WORDS: dict[str, str] = {
    "incomplete": "The session is marked incomplete: the recording stopped without finishing "
                  "(a crash, or it is still running). The part recorded is analysed.",
    "stopped": "The session was stopped before the end; the part recorded is analysed.",
    "camera_lost": "The camera stopped delivering frames; everything before was analysed.",
    "failed": "The session did not finish normally.",
}


@dataclass(frozen=True)
class SessionAnalysis:
    """A session folder, loaded and analysed.

    Attributes
    ----------
    session : mimicry.io.session.Session
    result : mimicry.analysis.offline.SessionResult
    warnings : list of str
        What the reader should know (incomplete session, missing metadata, ...).
    """

    session: object
    result: object
    warnings: list

    @property
    def label(self) -> str:
        """The participant id from ``session.json``, else the folder name."""
        p = self.session.meta.get("participant")
        return str(p) if p else self.session.path.name


def _config_for(session):
    """The analysis settings ``mimicry analyze`` used (face slot and seed), else the defaults."""
    from mimicry.analysis.config import AnalysisConfig  # noqa: PLC0415

    params = (session.summary or {}).get("parameters") or {}
    kw = {k: params[k] for k in ("face_id", "seed") if isinstance(params.get(k), int)}
    return AnalysisConfig(**kw)


def analyse(folder: str | os.PathLike) -> SessionAnalysis:
    """Load and analyse a session folder.

    Raises :class:`InputError` when the folder, its ``frames.csv`` or its
    stimulus trials are missing.
    """
    from mimicry.analysis.offline import analyze_session  # noqa: PLC0415
    from mimicry.io.session import load_session  # noqa: PLC0415
    from mimicry.analysis.folder import require_trials  # noqa: PLC0415

    session = load_session(folder)
    if not session.events:
        raise InputError(f"{session.path} holds no events.csv (the stimulus timeline); expected "
                         f"a session folder from 'mimicry record', 'mimicry process --events' or "
                         f"the app")
    require_trials(session)
    warnings = list(session.warnings)
    if session.status in STATUS_WORDS:
        warnings.append(STATUS_WORDS[session.status])
    result = analyze_session(session.frames, session.events, _config_for(session),
                             session_status=session.status)
    return SessionAnalysis(session, result, warnings)


# --------------------------------------------------------------------------- formatting

def fmt(v, spec: str = ".2f", none: str = "–") -> str:
    if v is None:
        return none
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    if not np.isfinite(f):
        return none
    text = format(f, spec)
    if text.startswith("-") and not text.strip("-+0.e"):  # -0.000: no sign for a rounded zero
        text = ("+" if "+" in spec else "") + text[1:]
    return text


def fmt_p(p) -> str:
    if p is None or not np.isfinite(p):
        return "–"
    return f"{p:.3f}" if p >= 0.001 else f"{p:.1e}"


def _meta_rows(meta: dict) -> list[tuple[str, str]]:
    rows = []
    for k, v in meta.items():
        if k == "self_rating_question":
            continue  # shown with the rating
        if k == "self_rating":
            rows.append((k, f"{v} of 7 (\u201c{SELF_RATING_QUESTION}\u201d)"))
        elif k == "questionnaires" and isinstance(v, dict):
            for key, q in v.items():
                if isinstance(q, dict):
                    rows.append((f"questionnaire {key}",
                                 f"{fmt(q.get('score'), 'g')} of {q.get('max', '?')} "
                                 f"({q.get('title', key)})"))
        elif isinstance(v, dict):
            flat = all(not isinstance(x, (dict, list)) for x in v.values())
            if flat:
                rows.append((k, ", ".join(f"{a}: {b}" for a, b in v.items()) or "–"))
            else:
                text = json.dumps(v, separators=(", ", ": "), default=str)
                rows.append((k, text if len(text) <= 200 else text[:197] + "…"))
        elif v is None or v == "":
            rows.append((k, "–"))
        else:
            rows.append((k, str(v)))
    return rows


def _cards(res, quality) -> list[dict]:
    xc = res.xcorr
    prim = res.primary.primary if res.primary is not None else None
    tone = {"mimicry": "good"}.get(res.conclusion, "plain")
    lag = None
    if np.isfinite(xc.p_value) and xc.p_value < res.config.alpha:
        lag = xc.peak_lag_s
    rng = res.range_of(prim.channel) if prim is not None else None
    est = prim.estimate if prim is not None else float("nan")
    n_hs = sum(prim.n.values()) if prim is not None else 0
    share = f"; {100 * est / rng:.0f}% of your range" if rng and np.isfinite(est) else ""
    return [
        H.card("Conclusion", CONCLUSION_WORDS.get(res.conclusion, res.conclusion),
               tone=tone),
        H.card("Smile, happy − sad", fmt(est, "+.3f"),
               (f"95% interval {fmt(prim.ci_low, '+.3f')} to {fmt(prim.ci_high, '+.3f')} "
                f"(0–1 scale{share})") if prim is not None else "–"),
        H.card("Chance (p)", fmt_p(prim.p_value) if prim is not None else "–",
               f"smallest possible here: {fmt_p(prim.p_floor)}" if prim is not None else ""),
        H.card("Smallest detectable", fmt(prim.mde, ".3f") if prim is not None else "–",
               "found 80% of the time; smaller mimicry can go unseen"),
        H.card("Delay", f"{lag:.2f} s" if lag is not None else "–",
               "face after stimulus" if lag is not None else
               "none: the face did not follow the faces' timing more than chance"),
        H.card("Trials used", f"{res.n_valid} of {len(res.trials)}", f"{n_hs} happy + sad"),
        H.card("Face tracked", f"{fmt(quality.face_frames_pct, '.0f')}%", "of all frames"),
    ]


def _trial_table(rows) -> dict:
    body, classes = [], []
    for r in rows:
        body.append([r["trial"], H.dot(r["condition"]), r["stimulus_id"] or "–",
                     fmt(r["onset_s"], ".1f"), fmt(r["smile_mean"], "+.3f"),
                     fmt(r["sad_composite_mean"], "+.3f"),
                     fmt(r["smile_latency_s"], ".2f"), fmt(r["brow_raise_inner_latency_s"], ".2f"),
                     fmt(r["face_frames_pct"], ".0f"),
                     "yes" if r["valid"] else f"no: {r['invalid_reason']}"])
        classes.append("" if r["valid"] else "invalid")
    return H.table(["trial", "face", "stimulus", "onset (s)", "smile", "sad brow",
                    "smile rose after (s)", "inner brow rose after (s)", "face %", "used"],
                   body, numeric=[True, False, False, True, True, True, True, True, True, False],
                   row_classes=classes)


def _quality_rows(q, res) -> list[tuple[str, str]]:
    pose = ", ".join(f"{k} {fmt(q.pose_sd_deg[k], '.1f')}°" for k in ("yaw", "pitch", "roll"))
    rng = ", ".join(f"{k} {fmt(a, '.0f')}° to {fmt(b, '.0f')}°"
                    for k, (a, b) in q.pose_range_deg.items())
    dropped = ("not recorded (a video is read frame by frame, none dropped)"
               if q.dropped_frames is None else str(q.dropped_frames))
    return [
        ("Frames with a face", f"{fmt(q.face_frames_pct, '.1f')}% of {q.n_frames} frames"),
        ("Longest time without a face", f"{fmt(q.longest_face_lost_s, '.1f')} s"),
        ("Frames dropped by the camera", dropped),
        ("Gaps in the frame times", f"{q.gap_frames} frames missing"),
        ("Frame rate", f"{fmt(q.fps, '.1f')} frames per second over {fmt(q.duration_s, '.0f')} s"),
        ("Head-pose spread (SD)", pose),
        ("Head pose, 5th–95th percentile", rng),
        ("Baseline", f"{res.baseline.source} ({res.baseline.n_frames} face frames)"),
        ("Trials left out", str(sum(not t.valid for t in res.trials))),
    ]


def session_report_html(analysis: SessionAnalysis, figures: dict[str, bytes], quality) -> str:
    """The report page of an analysed session (figures as PNG bytes)."""
    from mimicry.analysis.offline import trial_rows  # noqa: PLC0415
    from mimicry.analysis.summary import plain_summary  # noqa: PLC0415

    res, session = analysis.result, analysis.session
    meta = session.meta
    xc = res.xcorr
    source = meta.get("source") if isinstance(meta.get("source"), dict) else {}
    source_name = Path(str(source["name"])).name if source.get("name") else None
    sub = " · ".join(str(x) for x in (meta.get("started_at"), meta.get("protocol"), source_name,
                                       f"status: {session.status}") if x)
    rows = trial_rows(res)
    curves = figures.get("curves")
    return H.render(
        "session.html.j2",
        title=f"Mimicry report — {analysis.label}", subtitle=sub,
        notes=list(analysis.warnings) + list(res.notes), cards=_cards(res, quality),
        summary=H.summary_paragraphs(plain_summary(res)),
        curves=curves and H.figure(
            curves, "Trial-averaged response curves per condition",
            "Each line is the average over trials of one kind of face, as the change from "
            "the second before the face appeared (baseline corrected); the shaded band around "
            "it is the 95% confidence interval over trials. The dashed line marks the stimulus "
            "onset, the grey area the time the face showed its expression. Mimicry shows as "
            "the orange line rising in the smile panel and the blue one in the sad-brow panel."),
        xcorr=H.figure(
            figures["xcorr"], "Cross-correlogram of the stimulus and the face",
            _xcorr_caption(xc, res.config.alpha), cls="half"),
        trials=H.figure(
            figures["trials"], "Mean response of each trial",
            "One dot per usable trial: its mean response from 0.5 s after onset to 0.5 s after "
            "the face began to return to neutral; the bar is the mean. Left-out trials are "
            "listed in the table only."),
        trial_table=_trial_table(rows), quality=_quality_rows(quality, res),
        meta=_meta_rows(meta) if meta else [("session.json", "not found")],
        footer=(f"Made by mimicry {__version__} (analysis version {_analysis_version()}) from "
                f"{session.path}. Numbers only: this report holds no image of the face. "
                f"What every number means: docs/analysis.md."))


def _xcorr_caption(xc, alpha: float) -> str:
    """The cross-correlogram's caption; says so when the session cannot reach ``p < alpha``.

    Parameters
    ----------
    xc : mimicry.analysis.xcorr.XcorrResult
    alpha : float
    """
    from mimicry.report.plots import can_reach_alpha  # noqa: PLC0415

    text = (f"The correlation between the stimulus (+ happy, − sad) and the face's valence "
            f"(smile minus sad brow), with the face shifted by each lag. The peak is at "
            f"{fmt(xc.peak_lag_s)} s (r = {fmt(xc.peak_r, '+.2f')}; p = "
            f"{fmt_p(xc.p_value)} for a face that follows, smallest possible "
            f"{fmt_p(xc.p_floor)}); the delay is given only when p < {alpha:g}. ")
    if can_reach_alpha(xc.p_floor, alpha):
        text += ("The dotted line is the peak needed for p < "
                 f"{alpha:g} at any lag. ")
    else:
        text += (f"This session cannot reach p < {alpha:g}: smallest p = {xc.p_floor:.2f} "
                 f"(too few possible trial orders), so no peak, however high, is a finding "
                 f"here and no threshold line is drawn. ")
    return text + ("The grey band holds 95% of the correlations for trial orders the protocol "
                   "could have drawn instead: a curve inside it is what chance gives.")


def _analysis_version() -> str:
    from mimicry.analysis.config import ANALYSIS_VERSION  # noqa: PLC0415

    return str(ANALYSIS_VERSION)


def draw_session_figures(analysis: SessionAnalysis, curves) -> dict[str, bytes]:
    """PNG bytes of the session figures: ``curves`` (when any), ``xcorr``, ``trials``."""
    from mimicry.analysis.offline import trial_rows  # noqa: PLC0415
    from mimicry.report import plots  # noqa: PLC0415

    xc = analysis.result.xcorr
    figs = {}
    if curves is not None:
        figs["curves"] = plots.curves_png(curves)
    figs["xcorr"] = plots.xcorr_png(xc.lags_s, xc.r, xc.band_low, xc.band_high, xc.peak_lag_s,
                                    xc.peak_r, xc.max_threshold, p_floor=xc.p_floor,
                                    alpha=analysis.result.config.alpha)
    figs["trials"] = plots.trials_png(trial_rows(analysis.result))
    return figs


def write_bytes(path: Path, data: bytes) -> None:
    """Write a file atomically; an unwritable folder is an :class:`InputError`."""
    from mimicry.io.atomic import write_bytes_atomic  # noqa: PLC0415

    write_bytes_atomic(path, data)


def write_session_report(folder: str | os.PathLike, out: str | os.PathLike | None = None) -> Path:
    """Analyse a session and write ``report.html`` (and its PNGs) into it.

    Parameters
    ----------
    folder : path
        A session folder.
    out : path, optional
        Where to write the report (default ``folder/report.html``); the PNGs go
        beside it.

    Returns
    -------
    Path
        The report.
    """
    from mimicry.report.curves import response_curves  # noqa: PLC0415
    from mimicry.report.quality import data_quality  # noqa: PLC0415

    if out is not None:  # before the analysis: a data file or a folder is never written over
        out = Path(out).expanduser()
        if out.is_dir():
            raise InputError(f"--out {out} is a folder; expected the path of an .html file")
        if out.suffix.lower() not in (".html", ".htm"):
            raise InputError(f"--out {out} does not end in .html; expected the path of an .html "
                             f"file (a session's data files are never written over)")
    analysis = analyse(folder)
    session, res = analysis.session, analysis.result
    out = out if out is not None else session.path / REPORT_FILE
    if not out.parent.is_dir():
        raise InputError(f"cannot write {out}: folder {out.parent} does not exist")
    curves = response_curves(session.frames, session.events, res.config)
    quality = data_quality(session.frames, session.meta, res.config.face_id)
    figures = draw_session_figures(analysis, curves)
    for key, png in figures.items():
        write_bytes(out.parent / FIGURE_FILES[key], png)
    write_bytes(out, session_report_html(analysis, figures, quality).encode("utf-8"))
    return out
