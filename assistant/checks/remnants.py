"""remnants rules."""
