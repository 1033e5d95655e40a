"""One session for the CLI and the app: plan, runner, observers, recorder, process, record, LSL."""
