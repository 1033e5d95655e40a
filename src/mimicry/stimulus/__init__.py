"""Stimuli: the built-in animated faces, user stimulus sets, protocols and the virtual participant."""
