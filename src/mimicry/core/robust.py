"""Robust location and spread: the median and 1.4826 × MAD, used for every baseline."""

from __future__ import annotations

import numpy as np

__all__ = ["MAD_TO_SD", "robust_location_scale", "robust_stats"]

#: 1.4826 * MAD estimates the SD of normally distributed data.
MAD_TO_SD = 1.4826


def robust_stats(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Per-column median and 1.4826 * MAD, ignoring NaN.

    Parameters
    ----------
    values : ndarray, shape (n, n_channels)

    Returns
    -------
    median, robust_sd : ndarray, shape (n_channels,)
        NaN for a column without a finite value.
    n : int
        Rows with at least one finite value.
    """
    values = np.asarray(values, dtype=float)
    n_channels = values.shape[1]
    finite = np.isfinite(values)
    n = int(finite.any(axis=1).sum())
    if n == 0:
        return np.full(n_channels, np.nan), np.full(n_channels, np.nan), 0
    import warnings  # noqa: PLC0415

    with warnings.catch_warnings():
        # An all-NaN column is a legitimate "unknown", reported as NaN.
        warnings.simplefilter("ignore", RuntimeWarning)
        med = np.nanmedian(values, axis=0)
        mad = np.nanmedian(np.abs(values - med), axis=0)
    return med, MAD_TO_SD * mad, n


def robust_location_scale(values: np.ndarray) -> tuple[float, float]:
    """Median and 1.4826 * MAD of a 1-D array of finite values.

    Returns ``(nan, 0.0)`` for an empty array (no spread known).
    """
    vals = np.asarray(values, dtype=float)
    if not vals.size:
        return float("nan"), 0.0
    med = float(np.median(vals))
    return med, MAD_TO_SD * float(np.median(np.abs(vals - med)))
