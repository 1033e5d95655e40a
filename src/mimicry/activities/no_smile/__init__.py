"""Try not to smile: a smile-o-meter against the viewer's baseline, and a local leaderboard."""
