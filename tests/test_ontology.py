"""The ontology: files parse, metadata and term documentation are complete, every project term
used in shapes and data is declared, and the OWL RL closure of ontology + data is consistent."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import owlrl
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parent.parent
PLD = Namespace("https://w3id.org/parkld/ontology#")
PLDS = Namespace("https://w3id.org/parkld/shapes#")
VOCAB = "https://w3id.org/parkld/vocab/"
ONTOLOGY_IRI = URIRef("https://w3id.org/parkld/ontology")
VANN = Namespace("http://purl.org/vocab/vann/")
WD = Namespace("http://www.wikidata.org/entity/")
# where owlrl records inconsistencies
ERRNS = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")

# Fixtures that are meant not to parse (bad-input tests) live under an ``invalid`` folder or are
# named ``*.invalid.ttl``; everything else must parse.
TURTLE_FILES = sorted(
    p
    for d in ("ontology", "shapes", "data", "tests/fixtures")
    for p in (ROOT / d).rglob("*.ttl")
    if "invalid" not in p.relative_to(ROOT).parts and not p.name.endswith(".invalid.ttl")
)


# ---- loading helpers (kept small so the package's own loader can replace them)


def parse(paths: list[Path]) -> Graph:
    g = Graph()
    for path in paths:
        g.parse(path, format="turtle")
    return g


@cache
def load_ontology() -> Graph:
    return parse(sorted((ROOT / "ontology").glob("*.ttl")))


@cache
def load_shapes() -> Graph:
    return parse(sorted((ROOT / "shapes").glob("*.ttl")))


@cache
def load_data_union() -> Graph:
    return parse(sorted((ROOT / "data").glob("*.ttl")))


def project_terms(g: Graph) -> set[URIRef]:
    """Every IRI in the pld:, plds: or vocab namespaces that a graph uses, in any position."""
    terms = set()
    for triple in g:
        for node in triple:
            if isinstance(node, URIRef) and (
                str(node).startswith((str(PLD), str(PLDS))) or str(node).startswith(VOCAB)
            ):
                terms.add(node)
    return terms


def pld_terms() -> list[URIRef]:
    g = load_ontology()
    declared: set[URIRef] = set()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        for s in g.subjects(RDF.type, kind):
            if str(s).startswith(str(PLD)):
                assert isinstance(s, URIRef), s
                declared.add(s)
    return sorted(declared)


def vocab_concepts() -> list[URIRef]:
    g = load_ontology()
    found = set(g.subjects(RDF.type, SKOS.Concept)) | set(g.subjects(RDF.type, SKOS.ConceptScheme))
    return sorted(c for c in found if isinstance(c, URIRef))


# ---- parsing


@pytest.mark.parametrize("path", TURTLE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_turtle_file_parses(path: Path) -> None:
    g = Graph().parse(path, format="turtle")
    assert len(g) > 0


# ---- metadata and documentation


def test_ontology_metadata() -> None:
    g = load_ontology()
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in g
    for prop in (
        DCTERMS.title,
        DCTERMS.description,
        OWL.versionIRI,
        DCTERMS.license,
        DCTERMS.creator,
    ):
        assert g.value(ONTOLOGY_IRI, prop) is not None, f"ontology lacks {prop}"
    assert str(g.value(ONTOLOGY_IRI, VANN.preferredNamespacePrefix)) == "pld"
    assert str(g.value(ONTOLOGY_IRI, VANN.preferredNamespaceUri)) == str(PLD)
    assert str(g.value(ONTOLOGY_IRI, OWL.versionIRI)).startswith(str(ONTOLOGY_IRI) + "/")


def test_ontology_declares_terms() -> None:
    # guards the parametrised tests below against silently testing nothing
    assert len(pld_terms()) > 40
    assert len(vocab_concepts()) > 20


@pytest.mark.parametrize("term", pld_terms() + vocab_concepts(), ids=str)
def test_term_is_documented(term: URIRef) -> None:
    g = load_ontology()
    labels = [lab for lab in g.objects(term, RDFS.label) if isinstance(lab, Literal)]
    languages = {lab.language for lab in labels}
    assert "en" in languages, f"{term} has no English rdfs:label"
    assert languages - {"en"}, f"{term} has no label in a second language"
    definitions = list(g.objects(term, SKOS.definition)) + list(g.objects(term, RDFS.comment))
    assert any(isinstance(d, Literal) and d.language == "en" for d in definitions), (
        f"{term} has no definition"
    )


def test_every_concept_is_in_a_scheme_under_the_vocab_base() -> None:
    g = load_ontology()
    for concept in g.subjects(RDF.type, SKOS.Concept):
        scheme = g.value(concept, SKOS.inScheme)
        assert scheme is not None, f"{concept} is in no scheme"
        assert (scheme, RDF.type, SKOS.ConceptScheme) in g
        assert str(concept).startswith(str(scheme) + "/"), f"{concept} is not under {scheme}/"


def test_required_concept_schemes_exist() -> None:
    g = load_ontology()
    expected = {
        "park-kind": {
            "science-park",
            "technology-park",
            "high-tech-zone",
            "innovation-district",
            "incubator",
        },
        "role": {"proposer", "founder", "member"},
        "agreement-kind": {"sister-park-agreement", "memorandum-of-understanding", "declaration"},
        "status": {"proposed", "founded", "active", "dissolved"},
    }
    for scheme, concepts in expected.items():
        scheme_iri = URIRef(VOCAB + scheme)
        assert (scheme_iri, RDF.type, SKOS.ConceptScheme) in g
        present = {str(c).rsplit("/", 1)[1] for c in g.subjects(SKOS.inScheme, scheme_iri)}
        assert concepts <= present, f"{scheme} lacks {concepts - present}"


# ---- project terms used elsewhere are declared


@pytest.mark.parametrize("name,loader", [("shapes", load_shapes), ("data", load_data_union)])
def test_project_terms_used_are_declared(name: str, loader: object) -> None:
    ontology = load_ontology()
    declared = {s for s in ontology.subjects() if isinstance(s, URIRef)}
    used = project_terms(loader())  # type: ignore[operator]
    # shape IRIs are declared by the shapes themselves, not the ontology
    shapes = load_shapes()
    used = {t for t in used if not (str(t).startswith(str(PLDS)) and (t, None, None) in shapes)}
    missing = sorted(str(t) for t in used - declared)
    assert not missing, f"{name} uses undeclared project terms: {missing}"


# ---- alignment with Wikidata


def test_park_classes_relate_to_wikidata_without_equivalence() -> None:
    g = load_ontology()
    for cls, item in ((PLD.SciencePark, WD.Q1976594), (PLD.TechnologyPark, WD.Q1281153)):
        assert (cls, SKOS.closeMatch, item) in g
    assert (PLD.Park, SKOS.narrowMatch, WD.Q1976594) in g
    assert (PLD.Park, SKOS.narrowMatch, WD.Q1281153) in g
    for item in (WD.Q1976594, WD.Q1281153):
        assert not list(g.triples((None, OWL.equivalentClass, item)))
        assert not list(g.triples((item, OWL.equivalentClass, None)))


# ---- OWL RL consistency


def owl_rl_closure(g: Graph) -> Graph:
    closed = Graph()
    for triple in g:
        closed.add(triple)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False
    ).expand(closed)
    return closed


def inconsistencies(closed: Graph) -> list[str]:
    errors = [str(m) for m in closed.objects(None, ERRNS.error)]
    errors += [f"{s} is of type owl:Nothing" for s in closed.subjects(RDF.type, OWL.Nothing)]
    return errors


@cache
def closure_of_ontology_and_data() -> Graph:
    return owl_rl_closure(load_ontology() + load_data_union())


def test_owl_rl_closure_is_consistent() -> None:
    assert inconsistencies(closure_of_ontology_and_data()) == []


def test_owl_rl_closure_classifies_parks_by_kind() -> None:
    closed = closure_of_ontology_and_data()
    park = URIRef("https://w3id.org/parkld/park/")
    assert (park + "barcelona-science-park", RDF.type, PLD.SciencePark) in closed
    assert (park + "chengdu-hi-tech-zone", RDF.type, PLD.HighTechZone) in closed
    assert (park + "unnamed-qatar-2017-confederation", RDF.type, PLD.Park) in closed


def test_owl_rl_check_detects_an_inconsistency() -> None:
    """The check itself works: a thing that is both a person and a park is reported."""
    bad = load_ontology() + Graph().parse(
        data="""
        @prefix pld: <https://w3id.org/parkld/ontology#> .
        <https://example.org/x> a pld:Person , pld:Park .
        """,
        format="turtle",
    )
    assert inconsistencies(owl_rl_closure(bad))
