"""Contagious yawns: yawns detected on the viewer against talking controls."""
