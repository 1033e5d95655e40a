"""The aggregate's outputs (``mimicry aggregate``): sessions.csv, group.json, the plain summary and report.html.

The pooling itself is :mod:`mimicry.report.pool`; the group statistics are
:mod:`mimicry.analysis.group`.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Sequence

from mimicry._version import __version__
from mimicry.analysis.group import MIN_PEOPLE_SIGN_FLIP
from mimicry.core.errors import InputError
from mimicry.report import page as H
from mimicry.report.pool import (FIGURE_FILES, GROUP_FILE, REPORT_FILE, SESSION_COLUMNS,  # noqa: F401
                                 SESSIONS_FILE, Aggregate, SessionRow, aggregate_sessions)
from mimicry.report.scores import EMPATHY_EXPECTATION
from mimicry.report.self_rating import SELF_RATING_QUESTION
from mimicry.report.session_report import CONCLUSION_WORDS, fmt, fmt_p, write_bytes


# --------------------------------------------------------------------------- output

def write_sessions_csv(path: Path, rows: Sequence[SessionRow]) -> None:
    """Write ``sessions.csv``; text cells a spreadsheet would run as formulas are neutralised."""
    from mimicry.io.atomic import formula_safe, write_csv_atomic  # noqa: PLC0415
    from mimicry.io.formats import format_cell  # noqa: PLC0415

    lines = []
    for r in rows:
        v = dict(r.values)
        v["warnings"] = "; ".join(w.split(": ", 1)[-1] for w in r.warnings)
        lines.append([format_cell(v[c]) if not isinstance(v[c], str) else formula_safe(v[c])
                      for c in SESSION_COLUMNS])
    write_csv_atomic(path, SESSION_COLUMNS, lines)


def group_summary_text(agg: Aggregate) -> str:
    """A few sentences about the group, one per line."""
    it = agg.index
    lines = []
    if it.n == 0:
        return "No session could give a smile estimate, so there is nothing to compare."
    lines.append(f"{it.n} {'person' if it.n == 1 else 'people'} gave a smile estimate (how much "
                 f"more the smile rose at happy than at sad faces); for {it.n_positive} of them "
                 f"it was above 0.")
    if it.n < 2:
        lines.append("At least two sessions are needed to test mimicry across people.")
        return "\n".join(lines)
    lines.append(f"The average was {it.mean:+.3f} on the 0-1 scale (95% confidence interval "
                 f"{fmt(it.ci_low, '+.3f')} to {fmt(it.ci_high, '+.3f')}).")
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
            lines.append("Across these people, the smile estimate is not distinguishable from "
                         "chance." + (f" With {it.n} people the sign-flip test cannot reach "
                                      f"p < 0.05 whatever the faces did: it needs at least "
                                      f"{MIN_PEOPLE_SIGN_FLIP}." if it.n < MIN_PEOPLE_SIGN_FLIP
                                      else ""))
    lines.append(mixed_sentence(agg))
    lines += lag_sentences(agg)
    if getattr(agg, "group_labels", None) is not None:
        lines += agg.group_labels.sentences()
    lines += score_sentences(agg)
    return "\n".join(lines)



def score_sentences(agg: Aggregate) -> list[str]:
    """The score correlation with its 95% interval and what to expect; the mood change."""
    lines = []
    c = agg.correlation
    if c is not None and math.isfinite(c.pearson_r):
        strength = "positively" if c.pearson_r > 0 else "negatively"
        ci = (f", 95% CI {c.ci_low:+.2f} to {c.ci_high:+.2f}"
              if math.isfinite(c.ci_low) and math.isfinite(c.ci_high) else "")
        sig = ("" if c.pearson_p < 0.05 else
               " This is not distinguishable from no relation.")
        lines.append(f"The {agg.score_label} and the smile estimate correlate {strength}: "
                     f"Pearson r = {c.pearson_r:+.2f}{ci} (p = {fmt_p(c.pearson_p)}), Spearman "
                     f"\u03c1 = {c.spearman_rho:+.2f} (p = {fmt_p(c.spearman_p)}), "
                     f"n = {c.n}.{sig}")
        lines.append(EMPATHY_EXPECTATION)
    m = getattr(agg, "mood", None)
    if m is not None and m.n:
        lines.append(f"Mood, after minus before the session ({m.n} "
                     f"{'person' if m.n == 1 else 'people'}, 1-9 scale): {m.mean:+.2f} on "
                     f"average" + (f" (95% CI {m.ci_low:+.2f} to {m.ci_high:+.2f}; sign-flip "
                                   f"p = {fmt_p(m.p_sign_flip)}, two-sided)."
                                   if m.n > 1 else "."))
        if m.n > 1:
            lines.append("The mood changed more than chance would give." if m.p_sign_flip < 0.05
                         else "The mood change is not distinguishable from chance.")
    return lines


def mixed_sentence(agg: Aggregate) -> str:
    """The trial-level mixed model in one sentence."""
    m = agg.mixed
    if not m.ok:
        return f"The trial-level mixed model gives no number: {m.reason}."
    return (f"Trial by trial (a mixed model with people and faces as random effects, "
            f"{m.n_trials} trials), smiles rose {m.estimate:+.3f} more at happy than at sad "
            f"faces (0-1 smile units; 95% CI {m.ci_low:+.3f} to {m.ci_high:+.3f}; one-sided "
            f"p = {fmt_p(m.p_greater)} for more smile at happy faces).")


def lag_sentences(agg: Aggregate) -> list[str]:
    """The group lag (or why there is none) and the sessions with a lag of their own."""
    lag, lines = agg.lag, []
    if lag.significant:
        edge = " (at the edge of the lags, so only a bound)" if lag.peak_at_edge else ""
        lines.append(f"Across people, the face followed the stimulus about {lag.lag_s:.2f} s "
                     f"later{edge} (95% CI {lag.ci_low:.2f} to {lag.ci_high:.2f} s over people; "
                     f"group lag test p = {fmt_p(lag.p_value)}).")
    elif lag.reason:
        lines.append(f"No group lag is given: {lag.reason}.")
    if agg.n_lag_tested:
        lines.append(f"{agg.n_significant_lag} of {agg.n_lag_tested} sessions followed the "
                     f"stimulus significantly on their own lag test.")
    return lines


def _mixed_rows(agg: Aggregate) -> list[tuple[str, str]]:
    m = agg.mixed
    if not m.ok:
        return [("Trial-level mixed model", m.reason)]
    return [("Mixed model: happy − sad smile (95% CI)",
             f"{m.estimate:+.3f} ({m.ci_low:+.3f} to {m.ci_high:+.3f}) smile units"),
            ("Mixed model p (Wald z)",
             f"{fmt_p(m.p_greater)} one-sided (more smile at happy), "
             f"{fmt_p(m.p_two_sided)} two-sided; z = {m.z:.2f}"),
            ("Mixed model data",
             f"{m.n_trials} trials, {m.n_people} people, {m.n_stimuli} faces; random "
             f"intercepts for people and faces (crossed); pre-stimulus smile as covariate")]


def _session_table(rows: Sequence[SessionRow]) -> dict:
    body, classes = [], []
    for r in rows:
        v = r.values
        body.append([v["session"], v["participant"] or "–", v["status"] or "–",
                     f"{v['n_valid_trials']} of {v['n_trials']}" if v["n_trials"] is not None
                     else "–",
                     fmt(v["face_frames_pct"], ".0f"), fmt(v.get("effect_size"), "+.3f"),
                     fmt_p(v["p_value"]), CONCLUSION_WORDS.get(v["conclusion"], "–"),
                     fmt(v["xcorr_peak_lag_s"], ".2f"), fmt(v["xcorr_peak_r"], "+.2f"),
                     fmt_p(v.get("xcorr_p_value")), fmt(v["score"], "g")])
        classes.append("" if r.included else "invalid")
    return H.table(["session", "participant", "status", "trials used", "face %", "smile, happy − sad", "p",
                    "conclusion", "peak lag (s)", "peak r", "lag test p", "score"], body,
                   numeric=[False, False, False, True, True, True, True, False, True, True, True,
                            True],
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
    return rows + _mixed_rows(agg)


def _score_question(agg: Aggregate) -> str:
    """What the score is, in a sentence (empty for a score file)."""
    q = getattr(agg, "questionnaire", None)
    if agg.score_label.startswith("self-rating"):
        return (f"Older versions of the app asked at the end of a session: "
                f"\u201c{SELF_RATING_QUESTION}\u201d (1 = not at all easily, 7 = very easily).")
    if q is not None and agg.score_label == q.title:
        items = "; ".join(f"\u201c{i.text}\u201d" for i in q.items[:3])
        more = f" and {len(q.items) - 3} more" if len(q.items) > 3 else ""
        return (f"{q.title}: {items}{more} ({q.scale_min} = {q.labels[0]}, {q.scale_max} = "
                f"{q.labels[1]}; the score is the {q.scoring}). {q.citation}")
    return ""


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
             H.card("Mixed model", fmt(agg.mixed.estimate, "+.3f"),
                    f"happy − sad smile, p = {fmt_p(agg.mixed.p_greater)} one-sided"
                    if agg.mixed.ok else "no estimate"),
             H.card("Group lag", f"{fmt(lag.lag_s, '.2f')} s" if lag.significant else "none",
                    f"p = {fmt_p(lag.p_value)}, {lag.n} people" if lag.n else "no lag test")]
    if c is not None:
        cards.append(H.card("Score vs index (r)", fmt(c.pearson_r, "+.2f"),
                            f"Pearson, p = {fmt_p(c.pearson_p)}, n = {c.n}"))
    score = None
    if c is not None:
        rating = figures.get("rating")
        score = {
            "heading": agg.score_label[:1].upper() + agg.score_label[1:],
            "question": _score_question(agg),
            "figure": rating and H.figure(rating, "Score against mimicry index",
                                          "One dot per session; the dashed line is the "
                                          "least-squares fit.", cls="half"),
            "rows": [("Sessions with both", str(c.n)),
                     ("Pearson r (95% CI)",
                      f"{fmt(c.pearson_r, '+.2f')} ({fmt(c.ci_low, '+.2f')} to "
                      f"{fmt(c.ci_high, '+.2f')}; p = {fmt_p(c.pearson_p)}, two-sided)"),
                     ("What to expect", EMPATHY_EXPECTATION),
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
        timing=_timing_rows(agg),
        score=score, sessions=_session_table(agg.rows),
        footer=(f"Made by mimicry {__version__} from {len(agg.rows)} session folders. "
                f"Numbers only: no image of any face. What every number means: "
                f"docs/analysis.md."))


def _timing_rows(agg: Aggregate) -> list[tuple[str, str]]:
    lag = agg.lag
    rows = [("People in the group lag test", str(lag.n)),
            ("Group lag test (peak of the mean cross-correlation vs relabelled trials)",
             f"max mean r = {fmt(lag.statistic, '+.3f')}, p = {fmt_p(lag.p_value)} one-sided "
             f"({lag.n_draws:,} draws)" if lag.n else "–")]
    if lag.significant:
        rows.append(("Group lag (95% CI, bootstrap over people)",
                     f"{lag.lag_s:.2f} s ({lag.ci_low:.2f} to {lag.ci_high:.2f} s)"))
    else:
        rows.append(("Group lag", f"none: {lag.reason}" if lag.reason else "none"))
    rows.append(("Sessions with a significant lag on their own test",
                 f"{agg.n_significant_lag} of {agg.n_lag_tested}"))
    return rows


def draw_group_figures(agg: Aggregate) -> dict[str, bytes]:
    from mimicry.report import plots  # noqa: PLC0415

    figs = {}
    inc = [r for r in agg.rows if r.included]
    if inc:
        labels = [r.values["participant"] or r.values["session"] for r in inc]
        figs["index"] = plots.index_png(labels, [r.values["effect_size"] for r in inc],
                                        agg.index.mean, (agg.index.ci_low, agg.index.ci_high))
    if agg.curves is not None:
        figs["curves"] = plots.curves_png(agg.curves, unit="sessions")
    c = agg.correlation
    if c is not None and c.n >= 2:
        pairs = [(r.values["score"], r.values["effect_size"]) for r in inc
                 if r.values["score"] is not None]
        figs["rating"] = plots.scatter_png([p[0] for p in pairs], [p[1] for p in pairs],
                                           agg.score_label, c.pearson_r, c.pearson_p)
    return figs


def write_aggregate(paths: Sequence[str | os.PathLike], out_dir: str | os.PathLike,
                    scores: str | os.PathLike | None = None, seed: int = 0,
                    mapper=map, questionnaire: str | None = None) -> Aggregate:
    """Pool sessions and write ``sessions.csv``, ``group.json``, ``report.html`` and PNGs.

    Raises :class:`InputError` for a missing folder or score file, when no
    session can be analysed, or when ``out_dir`` cannot be written.
    """
    from mimicry.io.staging import session_files, staged_outputs  # noqa: PLC0415

    out = Path(out_dir).expanduser()
    held = [p.name for p in session_files(out, ("session.json", "frames.csv"))] if out.is_dir() else []
    if held:
        raise InputError(f"{out} holds a session ({', '.join(held)}); expected a folder for the "
                         f"group's outputs, such as {out.parent / 'class'}")
    agg = aggregate_sessions(paths, scores, seed, mapper, questionnaire)
    if not any(r.analysis is not None for r in agg.rows):
        raise InputError("no session could be analysed: "
                         + "; ".join(agg.warnings[:3]))
    figures = draw_group_figures(agg)
    # Built aside and moved in together: a killed run leaves the earlier group's
    # files whole and never mixes them with new ones.
    with staged_outputs(out, writes=(), overwrite=True, replaces=GROUP_OUTPUTS) as stage:
        write_sessions_csv(stage / SESSIONS_FILE, agg.rows)
        write_bytes(stage / GROUP_FILE,
                    (json.dumps(agg.group_dict(), indent=2, allow_nan=False) + "\n").encode())
        for key, png in figures.items():
            write_bytes(stage / FIGURE_FILES[key], png)
        write_bytes(stage / REPORT_FILE, group_report_html(agg, figures).encode("utf-8"))
    return agg


#: Every file ``write_aggregate`` writes: replaced as one by the next run.
GROUP_OUTPUTS: tuple[str, ...] = (SESSIONS_FILE, GROUP_FILE, *FIGURE_FILES.values(), REPORT_FILE)
