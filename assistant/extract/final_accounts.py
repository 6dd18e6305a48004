"""部门决算 公开01–10表: typed parsing (科目编码 hierarchy, two-sided totals tables, 三公)."""
