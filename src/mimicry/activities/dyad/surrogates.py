"""The surrogates of the dyad tests: circular cross-correlation, phase-randomised surrogates and the block bootstrap of the peak lag."""

from __future__ import annotations

import numpy as np

from mimicry.analysis.signals import _correlations, parabolic_peak


def _circular_sums(a: np.ndarray, b: np.ndarray):
    """Pair sums of ``(a[t], b[t + k mod n])`` for every circular offset ``k`` (6 FFTs)."""
    n = a.size
    wa, wb = np.isfinite(a).astype(float), np.isfinite(b).astype(float)
    az, bz = np.where(wa > 0, a, 0.0), np.where(wb > 0, b, 0.0)
    fa = {k: np.fft.rfft(v, n) for k, v in (("w", wa), ("x", az), ("xx", az * az))}
    fb = {k: np.fft.rfft(v, n) for k, v in (("w", wb), ("x", bz), ("xx", bz * bz))}

    def cc(p, q):  # sum_t p[t] q[t+k]
        return np.fft.irfft(np.conj(fa[p]) * fb[q], n)

    return cc("w", "w"), cc("x", "w"), cc("xx", "w"), cc("w", "x"), cc("w", "xx"), cc("x", "x")


def circular_xcorr(a: np.ndarray, b: np.ndarray, min_pairs: int = 10) -> np.ndarray:
    """``corr(a[t], b[t + k mod n])`` for every ``k`` in ``0..n-1`` (NaN-aware).

    Parameters
    ----------
    a, b : ndarray, shape (n,)
        NaN where missing.

    Returns
    -------
    ndarray, shape (n,)
        NaN where fewer than ``min_pairs`` pairs or a side is flat.
    """
    n_p, sa, saa, sb, sbb, sab = _circular_sums(a, b)
    n_p = np.round(n_p)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = _correlations(sa, saa, sab, n_p, sb, sbb)
    r[n_p < min_pairs] = np.nan
    return np.clip(r, -1.0, 1.0)


def _lag_index(m: int, n: int) -> np.ndarray:
    """Circular offsets of lags -m..m."""
    return np.arange(-m, m + 1) % n


def _block_bootstrap_lags(a, b, m, block, n_boot, rng, dt):
    """Peak lags of circular-block-bootstrap resamples of the lag profile."""
    n = a.size
    lags = np.arange(-m, m + 1)
    n_blocks = max(1, n // block)
    # Per block and lag, the six pair sums of (a[t], b[t + L]) (circular, like the test):
    # shape (6, n_blocks, n_lags). One block at a time keeps memory small.
    bsum = np.zeros((6, n_blocks, lags.size))
    for k in range(n_blocks):
        t = np.arange(k * block, n if k == n_blocks - 1 else (k + 1) * block)
        bl = b[(t[:, None] + lags[None, :]) % n]
        al = np.broadcast_to(a[t][:, None], bl.shape)
        ok = np.isfinite(al) & np.isfinite(bl)
        az, bz = np.where(ok, al, 0.0), np.where(ok, bl, 0.0)
        bsum[:, k] = [ok.sum(axis=0), az.sum(axis=0), (az * az).sum(axis=0), bz.sum(axis=0),
                      (bz * bz).sum(axis=0), (az * bz).sum(axis=0)]
    counts = rng.multinomial(n_blocks, np.full(n_blocks, 1.0 / n_blocks), size=n_boot)
    tot = np.einsum("rb,kbl->krl", counts.astype(float), bsum)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = _correlations(tot[1], tot[2], tot[5], tot[0], tot[3], tot[4])
    out = np.full(n_boot, np.nan)
    for i, row in enumerate(r):
        if np.isfinite(row).any():
            j = int(np.nanargmax(np.abs(row)))
            off, _ = parabolic_peak(row, j)
            out[i] = (j - m + off) * dt
    return out


def _phase_surrogate_max(a, b, lag_idx, config) -> np.ndarray:
    """Max over lags of ``|r|`` between ``a`` and phase-randomised copies of ``b``.

    Each surrogate keeps the amplitude spectrum of ``b`` (hence its
    autocorrelation) and draws new Fourier phases (Theiler et al., 1992);
    ``b``'s gaps are filled with its mean first and restored afterwards.
    """
    n = b.size
    wb = np.isfinite(b)
    fill = float(np.mean(b[wb])) if wb.any() else 0.0
    spec = np.fft.rfft(np.where(wb, b, fill) - fill)
    rng = np.random.default_rng([config.seed, 0x70686173])
    out = np.empty(config.n_surrogates)
    wa = np.isfinite(a)
    fa = {k: np.fft.rfft(v, n) for k, v in
          (("w", wa.astype(float)), ("x", np.where(wa, a, 0.0)),
           ("xx", np.where(wa, a, 0.0) ** 2))}
    chunk = 64
    for start in range(0, config.n_surrogates, chunk):
        k = min(chunk, config.n_surrogates - start)
        phases = rng.uniform(0, 2 * np.pi, size=(k, spec.size))
        phases[:, 0] = 0.0
        if n % 2 == 0:
            phases[:, -1] = 0.0
        sur = np.fft.irfft(spec[None, :] * np.exp(1j * phases), n, axis=1) + fill
        sur = np.where(wb[None, :], sur, np.nan)
        w = np.isfinite(sur)
        bz = np.where(w, sur, 0.0)
        fb = {"w": np.fft.rfft(w.astype(float), n, axis=1), "x": np.fft.rfft(bz, n, axis=1),
              "xx": np.fft.rfft(bz * bz, n, axis=1)}

        def cc(p, q):
            return np.fft.irfft(np.conj(fa[p])[None, :] * fb[q], n, axis=1)[:, lag_idx]

        n_p = np.round(cc("w", "w"))
        with np.errstate(invalid="ignore", divide="ignore"):
            r = _correlations(cc("x", "w"), cc("xx", "w"), cc("x", "x"), n_p, cc("w", "x"),
                              cc("w", "xx"))
        r[n_p < 10] = np.nan
        out[start:start + k] = np.nanmax(np.nan_to_num(np.abs(r), nan=0.0), axis=1)
    return out
