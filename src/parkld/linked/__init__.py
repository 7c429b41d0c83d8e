"""The linked-data layer: IRIs ↔ paths, resource descriptions with provenance, labels and
search, the dataset description (VoID/DCAT), dumps and the sitemap.

Nothing here imports Flask: the web blueprints, the CLI and the static-site export all call
these functions with a :class:`parkld.store.Store`.
"""
