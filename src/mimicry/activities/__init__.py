"""Classroom activities (two people, contagious yawns, try not to smile, teacher as stimulus), one package each."""
