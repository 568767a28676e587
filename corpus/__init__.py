"""Corpus stage: load documents, clean them, describe them and cut them into clause-level chunks."""
