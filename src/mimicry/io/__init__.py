"""The session folder on disk: column specs, tables, crash-safe writers, session.json, videos, atomic writes."""
