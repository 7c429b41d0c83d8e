"""The WSGI application built from ``PARKLD_*`` variables, for servers that import a target
(``parkld serve --server granian`` starts its workers with ``parkld.web.wsgi:app``)."""

from __future__ import annotations

import atexit
import logging

from parkld.web import create_app, state_of
from parkld.web.fastpath import memoised

app = memoised(create_app())
try:
    # Boot the query workers now, while this process is still single-threaded (the server
    # starts its threads after the import): they are forked in milliseconds and share this
    # process's pages, and the first query does not wait for them (the cold start).
    state_of(app).get_store().start()
except Exception:  # the first request reports the problem to its client
    logging.getLogger(__name__).exception("could not start the query workers")
# Each server worker imports this module: its store is closed when the worker's interpreter
# exits (Flask's teardown_appcontext runs after every request, too often for that).
atexit.register(state_of(app).close)
