"""The URI policy in code: which request paths name which IRIs, and back.

An entity IRI is ``<base><type>/<slug>``; the same path on any host (``/park/x``) names it.
A path may end in a format extension (``/park/x.ttl``) to ask for one representation without
negotiation. Anything that does not match the policy is simply not a resource (404): no
percent-decoding tricks, no ``..``, no empty segments reach the store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parkld.kinds import KINDS, Kinds
from parkld.mediatypes import TABLE, Format, Table

# One path segment: letters, digits and the unreserved punctuation slugs use. Deliberately
# narrower than RFC 3986 so odd encodings (%2e, NUL, backslashes, spaces) never match.
_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_~-]*(?:\.[A-Za-z0-9_~-]+)*")


@dataclass(frozen=True)
class Target:
    """A parsed request path: the resource's local path and an explicit format, if any."""

    path: str  # e.g. "park/sophia-antipolis", "ontology", "vocab/role/proposer"
    format: Format | None  # from the extension; None means "negotiate"

    def iri(self, base: str) -> str:
        """The canonical IRI this path names under *base*."""
        return base + self.path

    @property
    def kind(self) -> str:
        """The first segment: the kind (``park``…, or ``ontology``/``shapes``/``vocab``…)."""
        return self.path.split("/", 1)[0]


def parse_path(path: str, kinds: Kinds = KINDS, formats: Table = TABLE) -> Target | None:
    """The resource a request path names, or None when it names none (→ 404).

    ``path`` is the decoded path without the leading slash, as the router gives it; *kinds*
    says which first segments name entities, *formats* which extensions name representations.
    """
    segments = path.split("/")
    if not segments or any(not _SEGMENT.fullmatch(s) for s in segments):
        return None
    fmt: Format | None = None
    stem, dot, ext = segments[-1].rpartition(".")
    if dot and (fmt := formats.resource_extension(ext)) is not None:
        segments[-1] = stem
    kind = segments[0]
    if kinds.is_entity(kind):
        if len(segments) != 2:
            return None
    elif kind in ("ontology", "shapes", "dataset"):
        # <base>ontology/0.1.0 is the ontology's version IRI: the same document.
        if len(segments) > 2:
            return None
    elif kind == "vocab":
        if len(segments) > 3:
            return None
    elif kind == "validation":
        # validation/<type>/<slug>: the SHACL report of the entity <type>/<slug>
        if len(segments) != 3 or not kinds.is_entity(segments[1]):
            return None
    else:
        return None
    return Target("/".join(segments), fmt)


def local_path(iri: str, base: str) -> str | None:
    """The root-relative path that serves *iri* on this host, or None for outside IRIs.

    Hash IRIs keep their fragment (``/ontology#Park``), so HTML links stay on the host that
    served the page.
    """
    if not iri.startswith(base):
        return None
    rest = iri[len(base) :]
    return "/" + rest


def document_iri(iri: str) -> str:
    """The IRI without its fragment: what a client dereferences for a hash IRI."""
    return iri.split("#", 1)[0]
