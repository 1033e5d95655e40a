"""What the stimulus screen shows: the built-in animated faces, stimulus tracks, user stimulus sets."""
