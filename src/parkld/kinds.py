"""The registry of kinds of resource: everything parkld knows about each kind, one row each.

A kind is named by the first segment of its IRIs (``<base>park/<slug>``). Its row says what
the URI policy, the description, the page, the embedded schema.org document, the landing
page's counts and the SHACL reports need to know about it; every one of those reads this
registry rather than a table of its own. Adding a kind of resource is: the class in the
ontology, its shapes, one :class:`Kind` row here, a partial template if its page shows more
than facts and the generic lists, and fixtures (docs/architecture.md, "A new kind of
resource").

Core layer: nothing here imports Flask. The web app is given a :class:`Kinds` registry by
``create_app`` (the shipped :data:`KINDS` by default; :meth:`Kinds.extended` adds rows, as the
recipe's test does, without editing this file).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from parkld import queries
from parkld.namespaces import DCT, ORG, SCHEMA


@dataclass(frozen=True)
class Related:
    """A list a kind's page shows besides its own statements: one query, bound with ``?s``.

    *source* is the name of one of the package's ``.rq`` files, or the path of a query file
    elsewhere (a kind defined outside the package). *subjects* are the variables naming the
    resources a row is about: as of a day, a row goes when one of them did not hold then
    (other IRIs in a row, such as its event, only annotate it).
    """

    key: str  # the rows' name in Description.related
    source: str | Path
    subjects: tuple[str, ...] = ()

    def text(self) -> str:
        """The query's text."""
        if isinstance(self.source, Path):
            return self.source.read_text(encoding="utf-8")
        return queries.load(self.source)


@dataclass(frozen=True, eq=False)
class Kind:
    """One kind of resource."""

    #: The first path segment of its IRIs: ``park`` in ``<base>park/<slug>``.
    segment: str
    #: What a page calls one of them ("Park", "Source document").
    title: str
    #: The ontology class its resources are instances of (a local name in ``pld:``), or None.
    cls: str | None = None
    #: schema.org type of each ``pld:`` class of this kind (the class and its subclasses), for
    #: the JSON-LD document a page embeds.
    schema: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: The properties a page shows as key facts, in order: local names in ``pld:`` or IRIs.
    facts: tuple[str, ...] = ()
    #: The lists its page shows besides its statements (memberships, members, evidence…).
    related: tuple[Related, ...] = ()
    #: The template of its HTML page: a partial extending ``resource.html`` with the kind's
    #: own sections, or ``resource.html`` itself when it has none.
    template: str = "resource.html"
    #: Whether the landing page counts the instances of :attr:`cls`.
    counted: bool = False
    #: Whether each resource gets a SHACL report at ``<base>validation/<segment>/<slug>``.
    report: bool = True
    #: True for ``<segment>/<slug>`` entities; False for whole documents (ontology, shapes,
    #: vocabularies, the dataset, reports), whose paths ``linked/iris.py`` parses itself.
    entity: bool = True


class Kinds:
    """An ordered registry of kinds, by segment (each segment once)."""

    def __init__(self, rows: Iterable[Kind], templates: Iterable[Path] = ()) -> None:
        self._rows: dict[str, Kind] = {}
        for row in rows:
            if row.segment in self._rows:
                raise ValueError(f"kind {row.segment!r} is registered twice")
            self._rows[row.segment] = row
        #: Directories holding the partials of kinds defined outside the package; the web app
        #: looks there after its own templates.
        self.templates: tuple[Path, ...] = tuple(templates)

    def __iter__(self) -> Iterator[Kind]:
        return iter(self._rows.values())

    def __contains__(self, segment: object) -> bool:
        return segment in self._rows

    def get(self, segment: str) -> Kind | None:
        """The kind named *segment*, or None."""
        return self._rows.get(segment)

    def extended(self, *rows: Kind, templates: Iterable[Path] = ()) -> Kinds:
        """This registry with *rows* added (after the others) and their partials' folders."""
        return Kinds([*self, *rows], [*self.templates, *templates])

    def entity_segments(self) -> tuple[str, ...]:
        """The first path segments of entity IRIs, in registry order."""
        return tuple(k.segment for k in self if k.entity)

    def is_entity(self, segment: str) -> bool:
        """Whether ``<segment>/<slug>`` names an entity."""
        kind = self._rows.get(segment)
        return kind is not None and kind.entity

    def title(self, segment: str) -> str:
        """What a page calls a resource of *segment* (the segment itself when unknown)."""
        kind = self._rows.get(segment)
        return kind.title if kind is not None else segment

    def counted_classes(self) -> tuple[str, ...]:
        """The ``pld:`` classes whose instances the landing page counts, in order."""
        return tuple(k.cls for k in self if k.counted and k.cls is not None)

    def schema_types(self) -> dict[str, str]:
        """schema.org type by ``pld:`` class local name, over every kind."""
        return {cls: st for k in self for cls, st in k.schema.items()}


def _schema(**types: str) -> Mapping[str, str]:
    return MappingProxyType(types)


# The related lists, each defined once and shared by the kinds that show it.
MEMBERSHIPS = Related("memberships", "linked/memberships", ("m", "other"))
MEMBERS = Related("members", "linked/members", ("m", "other"))
AGREEMENTS = Related("agreements", "linked/agreements", ("a",))
EVIDENCE = Related("evidence", "linked/evidence", ("claim",))
STATUS = Related("status", "linked/status", ("st",))
SOURCE_GRAPHS = Related("graphs", "linked/source_graphs")

_PARK_SCHEMA = _schema(
    Park="Place",
    SciencePark="Place",
    TechnologyPark="Place",
    HighTechZone="Place",
    InnovationDistrict="Place",
    Incubator="Place",
    UnidentifiedPark="Place",
)

#: The shipped kinds. The order is the landing page's order of counts.
KINDS = Kinds(
    [
        Kind(
            "park",
            "Park",
            "Park",
            _PARK_SCHEMA,
            facts=(
                "parkKind",
                "city",
                "region",
                "country",
                "near",
                "partOf",
                "foundingDate",
                "foundingYearMonth",
                "foundingYear",
                "foundedBy",
                "operatedBy",
                "website",
                "wikidata",
            ),
            related=(MEMBERSHIPS, MEMBERS, AGREEMENTS, EVIDENCE),
            template="kinds/park.html",
            counted=True,
        ),
        Kind(
            "alliance",
            "Alliance",
            "Alliance",
            _schema(Alliance="Organization"),
            facts=(
                "foundedBy",
                "foundingDate",
                "foundingYearMonth",
                "foundingYear",
                "place",
                "country",
                "atEvent",
                "website",
                "wikidata",
            ),
            related=(MEMBERS, STATUS, AGREEMENTS, EVIDENCE),
            template="kinds/alliance.html",
            counted=True,
        ),
        Kind(
            "agreement",
            "Agreement",
            "Agreement",
            _schema(Agreement="CreativeWork", Declaration="CreativeWork"),
            facts=(
                "agreementKind",
                "party",
                "date",
                "yearMonth",
                "year",
                "place",
                "atEvent",
                "adoptedAt",
                "signatory",
                "provides",
            ),
            related=(EVIDENCE,),
            template="kinds/agreement.html",
            counted=True,
        ),
        Kind(
            "event",
            "Event",
            "Event",
            _schema(Event="Event", Fair="Event", Summit="Event", Forum="Event"),
            facts=(
                "date",
                "yearMonth",
                "year",
                "startDate",
                "endDate",
                "place",
                "partOfEvent",
                "participantCount",
                "participantCountApproximate",
            ),
            counted=True,
        ),
        Kind(
            "person",
            "Person",
            "Person",
            _schema(Person="Person"),
            facts=("wikidata",),
            related=(MEMBERSHIPS,),
            counted=True,
        ),
        Kind(
            "organisation",
            "Organisation",
            "Organisation",
            _schema(Organisation="Organization"),
            facts=(
                "organisationKind",
                "actsFor",
                "country",
                "city",
                "foundingDate",
                "foundingYear",
                "website",
                "wikidata",
            ),
            related=(MEMBERSHIPS, MEMBERS, AGREEMENTS, EVIDENCE),
            template="kinds/organisation.html",
            counted=True,
        ),
        Kind(
            "place",
            "Place",
            "Place",
            _schema(Place="Place", City="City", Country="Country", Region="AdministrativeArea"),
            facts=("partOf", "capitalOf", "country", "populationRank", "wikidata"),
            counted=True,
        ),
        Kind(
            "source",
            "Source document",
            "SourceDocument",
            _schema(SourceDocument="CreativeWork"),
            facts=(
                SCHEMA + "url",
                DCT + "title",
                DCT + "publisher",
                DCT + "creator",
                DCT + "issued",
                DCT + "language",
            ),
            related=(SOURCE_GRAPHS,),
            template="kinds/source.html",
            counted=True,
        ),
        Kind(
            "membership",
            "Membership",
            "Membership",
            facts=(
                ORG + "member",
                ORG + "organization",
                ORG + "role",
                "startDate",
                "yearMonth",
                "year",
                "endDate",
                "atEvent",
            ),
            related=(EVIDENCE,),
        ),
        Kind("provision", "Provision", "Provision", facts=("provisionKind",)),
        Kind(
            "claim",
            "Claim",
            "Quotation",
            _schema(Quotation="Quotation"),
            facts=("speaker", "about", "text", "reportedSpeech", DCT + "source"),
        ),
        Kind(
            "status",
            "Status",
            "StatusAssertion",
            facts=("about", "status", "date", "yearMonth", "year", "atEvent", DCT + "source"),
            related=(EVIDENCE,),
        ),
        # Graphs are described by their source documents: no report of their own.
        Kind("graph", "Source graph", "SourceGraph", report=False),
        Kind(
            "evidence",
            "Evidence",
            "Evidence",
            facts=("quote", DCT + "language", SCHEMA + "url", "retrievedOn", DCT + "source"),
        ),
        Kind("signature", "Signature", "Signature", facts=("signer", "function")),
        Kind("plan", "Plan", "Plan", facts=("plannedBy", DCT + "source")),
        # Whole documents: their paths are parsed in linked/iris.py.
        Kind("vocab", "Vocabulary", report=False, entity=False),
        Kind("ontology", "Ontology", template="document.html", report=False, entity=False),
        Kind("shapes", "Shapes", template="document.html", report=False, entity=False),
        Kind("dataset", "Dataset", report=False, entity=False),
        Kind(
            "validation",
            "Validation report",
            template="validation.html",
            report=False,
            entity=False,
        ),
    ]
)
