"""Wikidata linking: one client, and the import / link / diff steps built on it, and the
QuickStatements export (:mod:`quickstatements`).

Nothing here imports Flask; the CLI (:mod:`parkld.cli.wikidata`) and the tests use these
modules directly. Every query goes through :class:`parkld.wikidata.client.WikidataClient`.
"""
