"""The RDF terms a store speaks: Oxigraph's own (cheap, picklable, the engine's native type)."""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal
#: Values bound to query variables by name: RDF terms, never text spliced into a query.
Bindings = Mapping[str, Term]
