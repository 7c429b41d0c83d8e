"""The WSGI application built from ``PARKLD_*`` variables, for servers that import a target
(``parkld serve --server granian`` starts its workers with ``parkld.web.wsgi:app``)."""

from __future__ import annotations

from parkld.web import create_app
from parkld.web.fastpath import memoised

app = memoised(create_app())
