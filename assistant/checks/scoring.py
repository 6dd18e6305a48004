"""scoring rules."""
