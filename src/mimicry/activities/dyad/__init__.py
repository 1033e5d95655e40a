"""Two people: who leads whom, and how closely two faces move together."""
