"""Pictures and time: map points, the cooperation network, the timeline, "as of" a date.

Core code (no Flask): :mod:`facts` reads parks, agreements, memberships, status records and
events with the ``viz/*.rq`` queries (with the bindings of :mod:`parkld.asof.day`), :mod:`geo`,
:mod:`network` and :mod:`timeline` shape them for pictures, :mod:`downloads` writes the
network's GraphML and CSV, :mod:`world` vendors the map's country outlines.
"""
