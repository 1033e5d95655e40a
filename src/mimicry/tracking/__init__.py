"""Face tracking: the tracker interface, MediaPipe Face Landmarker, and verifying the face model."""
