"""Index stage: embed chunks offline, store them in Chroma and keep a jieba BM25 keyword index."""
