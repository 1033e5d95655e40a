"""Mimicry analysis: baselines, trial responses, congruence statistics, lagged cross-correlation."""
