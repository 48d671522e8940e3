"""Training our own models (the `train` extra: PyTorch, datasets). `zhx train ner` is the entry point."""
