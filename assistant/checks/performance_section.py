"""performance_section rules."""
