"""Virtual participants with known mimicry: rendered to video, live as a demo source, and signal-level."""
