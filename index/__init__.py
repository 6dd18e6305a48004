"""Retrieval package: chunking, embeddings, the persistent library (SQLite + Chroma + BM25), hybrid retriever."""
