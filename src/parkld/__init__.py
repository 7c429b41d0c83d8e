"""parkld: a linked-data knowledge graph of technology parks, alliances and agreements."""

__version__ = "0.1.0"
