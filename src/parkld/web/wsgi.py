"""The WSGI application built from ``PARKLD_*`` variables, for servers that import a target
(``parkld serve --server granian`` starts its workers with ``parkld.web.wsgi:app``)."""

from __future__ import annotations

import atexit

from parkld.web import create_app, state_of
from parkld.web.fastpath import memoised

app = memoised(create_app())
# Each server worker imports this module: its store is closed when the worker's interpreter
# exits (Flask's teardown_appcontext runs after every request, too often for that).
atexit.register(state_of(app).close)
