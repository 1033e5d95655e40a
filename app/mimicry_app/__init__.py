"""Mimicry desktop app (PyQt6 + pyqtgraph): a thin view over the mimicry core."""
