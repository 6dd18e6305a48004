"""results_list rules."""
