"""Administration: accounts and teams (reference data joins later)."""
