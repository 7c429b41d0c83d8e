""" "As of" a date: one concept for the pictures, the resource pages and the landing page.

Core code (no Flask):

* :mod:`parkld.asof.day` — the day itself: parsing the ``asOf`` parameter (a bad one is a
  :class:`~parkld.errors.BadRequest` naming it) and writing it back into links;
* :mod:`parkld.asof.rows` — which rows of the ``viz/*.rq`` queries hold on the day (the
  queries bind nothing, so every store answers them alike);
* :mod:`parkld.asof.held` — what held on that day (which dated facts and parks), read through
  the pictures' facts (:mod:`parkld.viz.facts`), so pictures and pages follow the same rules.

The web layer only reads the request's ``asOf`` through :func:`parkld.asof.day.parse_as_of`
and caches :func:`parkld.asof.held.held_on` per store generation (``parkld.web.asof``).
"""
