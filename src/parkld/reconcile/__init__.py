"""The W3C Reconciliation Service API (version 0.2, what OpenRefine speaks), without Flask.

:mod:`parkld.reconcile.service` holds the manifest, query batches, suggest, preview data and
data extension; :mod:`parkld.reconcile.scoring` the name scores. The web layer
(``parkld.web.reconcile``) only reads parameters and writes JSON.
"""
