"""Protocols: the TOML model and its loading, the schedule, the stimulus timeline, shipped protocols."""
