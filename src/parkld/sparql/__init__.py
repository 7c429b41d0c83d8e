"""SPARQL protocol core: running user queries safely and serialising their results."""
