"""self_eval rules."""
