"""The report figures, drawn with matplotlib's Agg backend and returned as PNG bytes.

matplotlib is imported inside each function (``import mimicry`` stays cheap)
and only through :class:`matplotlib.figure.Figure`, never ``pyplot``: no
global state, so figures can be drawn from any thread (the app draws them on
its worker thread).
"""

from __future__ import annotations

import io
from typing import Sequence

import numpy as np

#: Condition colours, the same as the app's (``mimicry_app.theme``).
CONDITION_COLOURS: dict[str, str] = {"happy": "#F08A24", "sad": "#2E6FBA", "neutral": "#8C8C8C"}
TEXT = "#1E1E1E"
MUTED = "#666666"
GRID = "#E4E4E0"
ACCENT = "#1F7A8C"
#: Figure resolution, dots per inch (PNGs stay sharp on a projector, small in the HTML).
DPI = 130
CHANNEL_TITLES: dict[str, str] = {
    "smile": "Smile (lip corners up)",
    "sad_composite": "Sad brow (inner brow up + frown)",
}


def _figure(width_in: float, height_in: float, ncols: int = 1, sharey: bool = False):
    from matplotlib.figure import Figure  # noqa: PLC0415

    fig = Figure(figsize=(width_in, height_in), dpi=DPI, layout="constrained")
    axes = fig.subplots(1, ncols, sharey=sharey, squeeze=False)[0]
    for ax in axes:
        ax.set_facecolor("white")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        for side in ("left", "bottom"):
            ax.spines[side].set_color("#999999")
        ax.tick_params(colors=TEXT, labelsize=9)
        ax.grid(True, color=GRID, linewidth=0.8)
        ax.set_axisbelow(True)
    return fig, axes


def png_bytes(fig) -> bytes:
    """Render a Figure to PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, facecolor="white")
    return buf.getvalue()


def curves_png(curves, unit: str = "trials", title_suffix: str = "") -> bytes:
    """Trial-averaged (or session-averaged) response curves, mean ± 95% CI.

    Parameters
    ----------
    curves : ResponseCurves
    unit : str
        What the mean and interval are over (``"trials"`` or ``"sessions"``), for the legend.
    """
    chans = list(curves.channels)
    fig, axes = _figure(10.5, 3.9, ncols=len(chans), sharey=False)
    t = curves.t_s
    for ax, ch in zip(axes, chans):
        ax.axvspan(0.0, curves.stimulus_s + curves.morph_s, color="#D8D8D4", alpha=0.45, lw=0,
                   label="face showing its expression")
        ax.axhline(0.0, color="#888888", lw=1)
        ax.axvline(0.0, color=TEXT, lw=1.4, ls="--")
        ax.text(0.03, 1.0, " stimulus onset", transform=ax.get_xaxis_transform(), va="top",
                ha="left", fontsize=8.5, color=TEXT)
        for cond in ("happy", "sad", "neutral"):
            key = (cond, ch)
            y = curves.mean.get(key)
            if y is None or not np.isfinite(y).any():
                continue
            colour = CONDITION_COLOURS[cond]
            n = curves.n_trials.get(cond, 0)
            lo, hi = curves.ci_low.get(key), curves.ci_high.get(key)
            if lo is not None and np.isfinite(lo).any():
                ax.fill_between(t, lo, hi, color=colour, alpha=0.18, lw=0)
            ax.plot(t, y, color=colour, lw=2.4, label=f"{cond} ({n} {unit})")
        ax.set_title(CHANNEL_TITLES.get(ch, ch) + title_suffix, fontsize=11, color=TEXT,
                     loc="left", fontweight="bold")
        ax.set_xlabel("seconds from stimulus onset", fontsize=9.5, color=TEXT)
        ax.set_xlim(t[0], t[-1])
        ys = np.concatenate([np.asarray(v, float) for k, v in curves.ci_high.items()
                             if k[1] == ch] + [np.asarray(v, float) for k, v in curves.mean.items()
                                               if k[1] == ch] + [np.zeros(1)])
        yl = np.concatenate([np.asarray(v, float) for k, v in curves.ci_low.items()
                             if k[1] == ch] + [np.zeros(1)])
        hi_v = np.nanmax(ys) if np.isfinite(ys).any() else 0.1
        lo_v = np.nanmin(np.concatenate([yl, ys])) if np.isfinite(yl).any() else 0.0
        # At least 0.1 tall: a flat response stays flat instead of being
        # stretched until its noise looks like a reaction.
        span = max(hi_v - lo_v, 0.1)
        ax.set_ylim(lo_v - 0.08 * span, lo_v + 1.15 * span)
    axes[0].set_ylabel("change from just before onset\n(score, 0–1 scale)", fontsize=9.5,
                       color=TEXT)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(labels), frameon=False,
               fontsize=9)
    return png_bytes(fig)


def can_reach_alpha(p_floor: float, alpha: float = 0.05) -> bool:
    """Whether a session's permutation test can give ``p < alpha`` at all.

    Parameters
    ----------
    p_floor : float
        The smallest p the relabellings allow (``1 / n_relabellings``); NaN
        when unknown.
    alpha : float

    Returns
    -------
    bool
        False only when ``p_floor`` is known and ``>= alpha``.
    """
    return not (np.isfinite(p_floor) and p_floor >= alpha)


def unreachable_note(p_floor: float, alpha: float = 0.05) -> str:
    """The note shown when a session cannot reach ``p < alpha`` (its ``p_floor >= alpha``)."""
    return f"this session cannot reach p < {alpha:g}: smallest p = {p_floor:.2f}"


def xcorr_png(lags_s, r, band_low, band_high, peak_lag_s: float, peak_r: float,
              max_threshold: float = float("nan"), p_floor: float = float("nan"),
              alpha: float = 0.05) -> bytes:
    """Cross-correlogram: r at each lag, the relabelling band and the peak.

    Parameters
    ----------
    lags_s, r : array_like
        Lags (s) and the correlation at each.
    band_low, band_high : array_like
        95% band of the relabelled correlations, per lag.
    peak_lag_s, peak_r : float
        The peak (marked and labelled).
    max_threshold : float
        The peak ``|r|`` needed for ``p < alpha`` at any lag (drawn as a dotted line).
    p_floor : float
        Smallest p the relabellings allow. When it is ``>= alpha`` no peak can
        reach ``p < alpha``: the threshold line is left out and a note says so.
    alpha : float
        Significance level.
    """
    fig, (ax,) = _figure(7.6, 3.7)
    lags_s, r = np.asarray(lags_s, float), np.asarray(r, float)
    lo, hi = np.asarray(band_low, float), np.asarray(band_high, float)
    if lo.size == lags_s.size and np.isfinite(lo).any():
        ax.fill_between(lags_s, lo, hi, color="#BDBDB8", alpha=0.6, lw=0,
                        label="95% of shuffled sessions (surrogates)")
    if not can_reach_alpha(p_floor, alpha):
        # Above the plot, where no curve or peak label can hide it.
        ax.set_title(unreachable_note(p_floor, alpha), loc="left", fontsize=10, color=TEXT,
                     fontweight="bold", backgroundcolor="#FFF1CC")
    elif np.isfinite(max_threshold):
        ax.axhline(max_threshold, color=MUTED, lw=1, ls=":",
                   label=f"peak needed for p < {alpha:g} (any lag)")
    ax.axhline(0.0, color="#888888", lw=1)
    ax.plot(lags_s, r, color=ACCENT, lw=2.4, label="your face vs the stimulus")
    if np.isfinite(peak_lag_s) and np.isfinite(peak_r):
        ax.plot([peak_lag_s], [peak_r], "o", ms=8, color=ACCENT, mec="white", mew=1.5, zorder=5)
        ax.annotate(f"peak {peak_lag_s:.2f} s, r = {peak_r:+.2f}", (peak_lag_s, peak_r),
                    xytext=(10, 8 if peak_r > 0 else -16), textcoords="offset points",
                    fontsize=9.5, color=TEXT, fontweight="bold")
    ax.set_xlabel("lag: seconds the face follows the stimulus", fontsize=9.5, color=TEXT)
    ax.set_ylabel("correlation r", fontsize=9.5, color=TEXT)
    top = np.nanmax(np.abs(np.concatenate([r, lo, hi, [0.2]])))
    ax.set_ylim(-1.1 * top, 1.25 * top)
    if lags_s.size:
        ax.set_xlim(lags_s[0], lags_s[-1])
    fig.legend(loc="outside lower center", ncol=3, frameon=False, fontsize=8.5)
    return png_bytes(fig)


def trials_png(rows: Sequence[dict], channels: Sequence[str] = ("smile", "sad_composite")) -> bytes:
    """Each valid trial's mean response, one dot per trial, by condition.

    Parameters
    ----------
    rows : sequence of dict
        :func:`mimicry.analysis.offline.trial_rows`.
    """
    fig, axes = _figure(10.5, 3.3, ncols=len(channels))
    rng = np.random.default_rng(0)  # jitter only, the same every time
    conds = ("happy", "sad", "neutral")
    for ax, ch in zip(axes, channels):
        ax.axhline(0.0, color="#888888", lw=1)
        for i, cond in enumerate(conds):
            v = np.array([float(r[f"{ch}_mean"]) for r in rows
                          if r["condition"] == cond and r["valid"]], float)
            v = v[np.isfinite(v)]
            if not v.size:
                continue
            x = i + rng.uniform(-0.12, 0.12, v.size)
            ax.scatter(x, v, s=46, color=CONDITION_COLOURS[cond], edgecolor="white", lw=0.8,
                       zorder=3)
            ax.plot([i - 0.28, i + 0.28], [v.mean()] * 2, color=TEXT, lw=2.2, zorder=4)
        ax.set_xticks(range(len(conds)), [f"{c} faces" for c in conds])
        ax.set_xlim(-0.6, len(conds) - 0.4)
        ax.set_title(CHANNEL_TITLES.get(ch, ch), fontsize=11, color=TEXT, loc="left",
                     fontweight="bold")
    axes[0].set_ylabel("mean response in the trial\n(change from just before)", fontsize=9.5,
                       color=TEXT)
    return png_bytes(fig)


def index_png(labels: Sequence[str], index: Sequence[float], mean: float, ci: tuple[float, float]
              ) -> bytes:
    """Each session's primary estimate (dots), the group mean and its 95% CI."""
    index = np.asarray(index, float)
    order = np.argsort(np.where(np.isfinite(index), index, -np.inf))
    n = len(order)
    fig, (ax,) = _figure(7.2, max(2.4, 0.9 + 0.32 * n))
    if np.isfinite(mean):
        if np.all(np.isfinite(ci)):
            ax.axvspan(ci[0], ci[1], color=ACCENT, alpha=0.15, lw=0, label="group mean, 95% CI")
        ax.axvline(mean, color=ACCENT, lw=2.2)
    ax.axvline(0.0, color=TEXT, lw=1, ls="--")
    y = np.arange(n)
    v = index[order]
    colours = [CONDITION_COLOURS["happy"] if x > 0 else CONDITION_COLOURS["sad"] for x in v]
    ax.scatter(v, y, s=52, color=colours, edgecolor="white", lw=0.8, zorder=3)
    ax.set_yticks(y, [labels[i] for i in order], fontsize=8.5)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlabel("smile rise at happy minus sad faces (0-1 scale; > 0 = mimicry)", fontsize=9.5,
                  color=TEXT)
    if ax.get_legend_handles_labels()[0]:  # the CI band: none with one session
        ax.legend(loc="lower right", frameon=False, fontsize=8.5)
    return png_bytes(fig)


def scatter_png(score: Sequence[float], index: Sequence[float], xlabel: str,
                r: float = float("nan"), p: float = float("nan")) -> bytes:
    """Self-rating (or a score) against the mimicry index, with a least-squares line."""
    x, y = np.asarray(score, float), np.asarray(index, float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    fig, (ax,) = _figure(5.6, 3.9)
    ax.axhline(0.0, color="#888888", lw=1)
    ax.scatter(x, y, s=60, color=ACCENT, edgecolor="white", lw=0.8, zorder=3)
    if x.size >= 2 and np.ptp(x) > 0:
        b, a = np.polyfit(x, y, 1)
        xs = np.linspace(x.min(), x.max(), 2)
        ax.plot(xs, a + b * xs, color=TEXT, lw=1.6, ls="--")
    if np.isfinite(r):
        ax.set_title(f"Pearson r = {r:+.2f}" + (f", p = {p:.2g}" if np.isfinite(p) else ""),
                     loc="left", fontsize=10.5, color=TEXT, fontweight="bold")
    ax.margins(x=0.08, y=0.14)
    ax.set_xlabel(xlabel, fontsize=9.5, color=TEXT)
    ax.set_ylabel("mimicry index", fontsize=9.5, color=TEXT)
    return png_bytes(fig)
