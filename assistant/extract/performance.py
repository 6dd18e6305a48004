"""自评表, 评分表/得分一览表, 评价结果公开表, asset tables, project lists: typed parsing."""
