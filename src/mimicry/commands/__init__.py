"""The ``mimicry`` command line: one module per subcommand, registered in :mod:`mimicry.commands.main`."""
