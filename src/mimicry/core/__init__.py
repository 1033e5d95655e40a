"""Messages, the clock, errors and the one validation helper, the channel registry, shipped assets: what every layer shares."""
