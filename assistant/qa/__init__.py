"""Question answering: entity resolution, routing, deterministic answers with citations, optional LLM phrasing."""
