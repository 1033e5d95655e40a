"""The aggregate's outputs (``mimicry aggregate``): sessions.csv, group.json, the plain summary and report.html.

The pooling itself is :mod:`mimicry.report.pool`; the group statistics are
:mod:`mimicry.analysis.group`.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from pathlib import Path
from typing import Sequence

from mimicry._version import __version__
from mimicry.core.errors import InputError
from mimicry.report import page as H
from mimicry.report.pool import (FIGURE_FILES, GROUP_FILE, REPORT_FILE, SESSION_COLUMNS,  # noqa: F401
                                 SESSIONS_FILE, Aggregate, SessionRow, aggregate_sessions)
from mimicry.report.self_rating import SELF_RATING_QUESTION
from mimicry.report.session_report import CONCLUSION_WORDS, fmt, fmt_p, write_bytes


# --------------------------------------------------------------------------- output

def write_sessions_csv(path: Path, rows: Sequence[SessionRow]) -> None:
    from mimicry.io.formats import format_cell  # noqa: PLC0415

    lines = []
    for r in rows:
        v = dict(r.values)
        v["warnings"] = "; ".join(w.split(": ", 1)[-1] for w in r.warnings)
        lines.append([format_cell(v[c]) if not isinstance(v[c], str) else v[c]
                      for c in SESSION_COLUMNS])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(SESSION_COLUMNS)
    w.writerows(lines)
    write_bytes(path, buf.getvalue().encode("utf-8"))


def group_summary_text(agg: Aggregate) -> str:
    """A few sentences about the group, one per line."""
    it = agg.index
    lines = []
    if it.n == 0:
        return "No session could give a mimicry index, so there is nothing to compare."
    lines.append(f"{it.n} {'person' if it.n == 1 else 'people'} gave a mimicry index; "
                 f"{it.n_positive} of them mimicked (index above 0).")
    if it.n < 2:
        lines.append("At least two sessions are needed to test mimicry across people.")
        return "\n".join(lines)
    lines.append(f"The average index was {it.mean:+.2f} (95% confidence interval "
                 f"{fmt(it.ci_low, '+.2f')} to {fmt(it.ci_high, '+.2f')}).")
    if math.isfinite(it.p_t_test):
        lines.append(f"Tested against no mimicry: t({it.df}) = {it.t:.2f}, p = "
                     f"{fmt_p(it.p_t_test)} (t-test); sign-flip permutation test p = "
                     f"{fmt_p(it.p_sign_flip)} (both two-sided).")
        p = max(it.p_t_test, it.p_sign_flip)
        if p < 0.05:
            lines.append("Across these people, faces followed the faces they watched more "
                         "than chance would give." if it.mean > 0 else
                         "Across these people, faces tended to show the opposite expression.")
        else:
            lines.append("Across these people, this is not distinguishable from chance.")
    if agg.lag.n:
        lines.append(f"Where the face followed the stimulus, it did so about "
                     f"{agg.lag.mean:.2f} s later on average ({agg.lag.n} sessions; "
                     f"{agg.n_significant_lag} significant on their own).")
    c = agg.correlation
    if c is not None and math.isfinite(c.pearson_r):
        strength = "positively" if c.pearson_r > 0 else "negatively"
        sig = ("" if c.pearson_p < 0.05 else
               " This is not distinguishable from no relation.")
        lines.append(f"The {agg.score_label} and the mimicry index correlate {strength}: "
                     f"Pearson r = {c.pearson_r:+.2f} (p = {fmt_p(c.pearson_p)}), Spearman "
                     f"\u03c1 = {c.spearman_rho:+.2f} (p = {fmt_p(c.spearman_p)}), "
                     f"n = {c.n}.{sig}")
    return "\n".join(lines)


def _session_table(rows: Sequence[SessionRow]) -> dict:
    body, classes = [], []
    for r in rows:
        v = r.values
        body.append([v["session"], v["participant"] or "–", v["status"] or "–",
                     f"{v['n_valid_trials']} of {v['n_trials']}" if v["n_trials"] is not None
                     else "–",
                     fmt(v["face_frames_pct"], ".0f"), fmt(v["mimicry_index"], "+.2f"),
                     fmt_p(v["p_value"]), CONCLUSION_WORDS.get(v["conclusion"], "–"),
                     fmt(v["xcorr_peak_lag_s"], ".2f"), fmt(v["xcorr_peak_r"], "+.2f"),
                     fmt(v["score"], "g")])
        classes.append("" if r.included else "invalid")
    return H.table(["session", "participant", "status", "trials used", "face %", "index", "p",
                    "conclusion", "peak lag (s)", "peak r", "score"], body,
                   numeric=[False, False, False, True, True, True, True, False, True, True, True],
                   row_classes=classes)


def _stats_table(agg: Aggregate) -> list[tuple[str, str]]:
    it = agg.index
    rows = [("Sessions with an index", f"{it.n} of {len(agg.rows)}"),
            ("Mean index (95% CI)",
             f"{fmt(it.mean, '+.2f')} ({fmt(it.ci_low, '+.2f')} to {fmt(it.ci_high, '+.2f')})"),
            ("SD across people", fmt(it.sd, ".2f")),
            ("Effect size across people (mean / SD)",
             fmt(it.mean / it.sd if it.sd and math.isfinite(it.sd) and it.sd > 0 else None,
                 "+.2f")),
            ("One-sample t-test vs 0",
             f"t({it.df}) = {fmt(it.t, '.2f')}, p = {fmt_p(it.p_t_test)} two-sided, "
             f"{fmt_p(it.p_t_test_greater)} one-sided"),
            ("Sign-flip permutation test vs 0",
             f"p = {fmt_p(it.p_sign_flip)} two-sided, {fmt_p(it.p_sign_flip_greater)} "
             f"one-sided ({it.sign_flip_method}"
             + (f", {2 ** it.n:,} sign patterns)" if it.sign_flip_method == "exact" else ")")),
            ("People with index > 0", f"{it.n_positive} of {it.n}")]
    return rows


def group_report_html(agg: Aggregate, figures: dict[str, bytes]) -> str:
    it, lag, c = agg.index, agg.lag, agg.correlation
    p = max(it.p_t_test, it.p_sign_flip) if it.n > 1 else float("nan")
    tone = ("good" if math.isfinite(p) and p < 0.05 and it.mean > 0 else
            "bad" if math.isfinite(p) and p < 0.05 else "plain")
    cards = [H.card("Sessions", f"{it.n}", f"with an index, of {len(agg.rows)}"),
             H.card("Mean index", fmt(it.mean, "+.2f"),
                    f"95% CI {fmt(it.ci_low, '+.2f')} to {fmt(it.ci_high, '+.2f')}", tone),
             H.card("t-test p", fmt_p(it.p_t_test), f"t({it.df}) = {fmt(it.t, '.2f')}"),
             H.card("Sign-flip p", fmt_p(it.p_sign_flip), f"{it.sign_flip_method} test"),
             H.card("Mean lag", f"{fmt(lag.mean, '.2f')} s" if lag.n else "–",
                    f"{lag.n} sessions with the face following")]
    if c is not None:
        cards.append(H.card("Score vs index (r)", fmt(c.pearson_r, "+.2f"),
                            f"Pearson, p = {fmt_p(c.pearson_p)}, n = {c.n}"))
    score = None
    if c is not None:
        rating = figures.get("rating")
        score = {
            "heading": agg.score_label[:1].upper() + agg.score_label[1:],
            "question": (SELF_RATING_QUESTION if agg.score_label.startswith("self-rating")
                         else ""),
            "figure": rating and H.figure(rating, "Score against mimicry index",
                                          "One dot per session; the dashed line is the "
                                          "least-squares fit.", cls="half"),
            "rows": [("Sessions with both", str(c.n)),
                     ("Pearson r",
                      f"{fmt(c.pearson_r, '+.2f')} (p = {fmt_p(c.pearson_p)}, two-sided)"),
                     ("Spearman \u03c1",
                      f"{fmt(c.spearman_rho, '+.2f')} (p = {fmt_p(c.spearman_p)}, two-sided)")],
        }
    index_png, curves_png = figures.get("index"), figures.get("curves")
    return H.render(
        "aggregate.html.j2",
        title=f"Mimicry — group results ({it.n} sessions)",
        subtitle="mimicry aggregate: per-session mimicry indices tested across people",
        warnings=list(agg.warnings), cards=cards,
        summary=H.summary_paragraphs(group_summary_text(agg)),
        index_figure=index_png and H.figure(
            index_png, "Mimicry index of every session",
            "One dot per session (orange: mimicry, blue: the opposite). The band is the 95% "
            "confidence interval of the group mean (the line). The test asks whether the "
            "people's indices are centred above 0; each session counts once, whatever its "
            "length.", cls="half"),
        stats=_stats_table(agg),
        curves=curves_png and H.figure(
            curves_png, "Response curves averaged over sessions",
            "Each session's average response to each kind of face (baseline corrected: the "
            "change from the second before the face appeared), averaged over sessions; the "
            "shaded band is the 95% confidence interval over sessions. The dashed line marks "
            "the stimulus onset."),
        timing=[
            ("Sessions where the face followed the stimulus (positive peak, not at the edge)",
             str(lag.n)),
            ("Mean peak lag (95% CI)",
             f"{fmt(lag.mean, '.2f')} s ({fmt(lag.ci_low, '.2f')} to {fmt(lag.ci_high, '.2f')} s)"
             if lag.n else "–"),
            ("SD of the lag across people", f"{fmt(lag.sd, '.2f')} s" if lag.n > 1 else "–"),
            ("Sessions with a significant lag on their own", str(agg.n_significant_lag)),
        ],
        score=score, sessions=_session_table(agg.rows),
        footer=(f"Made by mimicry {__version__} from {len(agg.rows)} session folders. "
                f"Numbers only: no image of any face. What every number means: "
                f"docs/analysis.md."))


def draw_group_figures(agg: Aggregate) -> dict[str, bytes]:
    from mimicry.report import plots  # noqa: PLC0415

    figs = {}
    inc = [r for r in agg.rows if r.included]
    if inc:
        labels = [r.values["participant"] or r.values["session"] for r in inc]
        figs["index"] = plots.index_png(labels, [r.values["mimicry_index"] for r in inc],
                                        agg.index.mean, (agg.index.ci_low, agg.index.ci_high))
    if agg.curves is not None:
        figs["curves"] = plots.curves_png(agg.curves, unit="sessions")
    c = agg.correlation
    if c is not None and c.n >= 2:
        pairs = [(r.values["score"], r.values["mimicry_index"]) for r in inc
                 if r.values["score"] is not None]
        figs["rating"] = plots.scatter_png([p[0] for p in pairs], [p[1] for p in pairs],
                                           agg.score_label, c.pearson_r, c.pearson_p)
    return figs


def write_aggregate(paths: Sequence[str | os.PathLike], out_dir: str | os.PathLike,
                    scores: str | os.PathLike | None = None, seed: int = 0) -> Aggregate:
    """Pool sessions and write ``sessions.csv``, ``group.json``, ``report.html`` and PNGs.

    Raises :class:`InputError` for a missing folder or score file, when no
    session can be analysed, or when ``out_dir`` cannot be written.
    """
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create output folder {out}: {exc.strerror or exc}") from None
    agg = aggregate_sessions(paths, scores, seed)
    if not any(r.analysis is not None for r in agg.rows):
        raise InputError("no session could be analysed: "
                         + "; ".join(agg.warnings[:3]))
    write_sessions_csv(out / SESSIONS_FILE, agg.rows)
    write_bytes(out / GROUP_FILE,
                (json.dumps(agg.group_dict(), indent=2, allow_nan=False) + "\n").encode())
    figures = draw_group_figures(agg)
    for key, png in figures.items():
        write_bytes(out / FIGURE_FILES[key], png)
    write_bytes(out / REPORT_FILE, group_report_html(agg, figures).encode("utf-8"))
    return agg
