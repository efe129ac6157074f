#!/usr/bin/env python3
"""Validate an EDC credential (JSON-LD) against the EU's EDC application-profile SHACL shapes.

Implements the conformance check of ELM v3.2 / EDC: the credential is read as JSON-LD, turned into
RDF and validated against `EDC-generic-full.ttl` merged with `EDC-generic-no-cv.ttl` (generic-full
`owl:imports` no-cv; the import is resolved here by merging the two bundled files, so nothing is
fetched). The ELM class/property hierarchy (`ELM-3.2-hierarchy.nt`, from the ELM 3.2 ontology) is
added to the data graph so that `sh:targetClass elm:Claim` also reaches `LearningAchievement`, as
SHACL's "SHACL instance" rule (rdfs:subClassOf in the data graph) intends.

Nothing is ever fetched: every `@context` URL is replaced by the inline `@context` of the bundled
document (`crates/contexts/documents/`, the same files the Rust `contexts` crate pins); an unknown
context URL is an error (exit 2).

Usage: validate.py CREDENTIAL.json [--shapes-dir DIR] [--contexts-dir DIR] [--quiet] [--json]
Exit codes: 0 conforms, 1 does not conform (report printed), 2 usage or unreadable input.

--json prints, instead of the text report, one JSON object: `conforms`, `results` (each with
`focusNode`, `resultPath`, `sourceConstraintComponent`, `sourceShape`, `value`, `severity`: terms in
N-Triples syntax, null when absent; and `details`, the nested sh:detail results) and `data` (the credential's triples as N-Triples, without the
hierarchy), so that a test can map blank nodes through a canonical labelling. The Rust differential
test `tests/tests/shacl_differential.rs` reads it.
"""

import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_SHAPES = os.path.join(HERE, "shapes")
DEFAULT_CONTEXTS = os.path.join(REPO, "crates", "contexts", "documents")
CONTEXTS_TABLE = os.path.join(REPO, "crates", "contexts", "src", "lib.rs")

SHAPE_FILES = ["EDC-generic-full.ttl", "EDC-generic-no-cv.ttl"]
HIERARCHY_FILE = "ELM-3.2-hierarchy.nt"



def context_map(contexts_dir):
    """URL -> file name, read from the `bundled!` table of the contexts crate (the pinned set)."""
    with open(CONTEXTS_TABLE, encoding="utf-8") as f:
        src = f.read()
    consts = dict(re.findall(r'pub const (\w+): &str = "([^"]+)";', src))
    table = src.split("bundled! {", 1)[1].split("\n}", 1)[0]
    mapping = {}
    for line in table.splitlines():
        m = re.match(r'\s*(urls::(\w+)|"([^"]+)")\s*=>\s*"([^"]+)"', line)
        if not m:
            continue
        url = consts[m.group(2)] if m.group(2) else m.group(3)
        mapping[url] = os.path.join(contexts_dir, m.group(4))
    return mapping


def inline_contexts(node, mapping, cache):
    """Replaces every `@context` URL in `node` (recursively) by that document's inline context."""
    if isinstance(node, list):
        return [inline_contexts(x, mapping, cache) for x in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "@context":
            out[key] = resolve_context(value, mapping, cache)
        else:
            out[key] = inline_contexts(value, mapping, cache)
    return out


def resolve_context(value, mapping, cache):
    if isinstance(value, str):
        if value not in mapping:
            raise LookupError(f"unknown JSON-LD context `{value}` (only bundled contexts; nothing is fetched)")
        if value not in cache:
            with open(mapping[value], encoding="utf-8") as f:
                doc = json.load(f)
            cache[value] = None  # guards against a context that (indirectly) includes itself
            cache[value] = resolve_context(doc["@context"], mapping, cache)
        if cache[value] is None:
            raise LookupError(f"context `{value}` includes itself")
        return cache[value]
    if isinstance(value, list):
        return [resolve_context(v, mapping, cache) for v in value]
    if isinstance(value, dict):
        # A scoped context inside a term definition may itself name a URL.
        return {k: (resolve_context(v, mapping, cache) if k == "@context" else inline_contexts(v, mapping, cache))
                for k, v in value.items()}
    return value


def json_results(report_graph):
    """The sh:ValidationResult nodes of a pyshacl report graph, terms in N-Triples syntax."""
    from rdflib import Namespace, RDF

    SH = Namespace("http://www.w3.org/ns/shacl#")

    def term(node, prop):
        value = report_graph.value(node, prop)
        return None if value is None else value.n3()

    def result(r):
        return {
            "focusNode": term(r, SH.focusNode),
            "resultPath": term(r, SH.resultPath),
            "sourceConstraintComponent": term(r, SH.sourceConstraintComponent),
            "sourceShape": term(r, SH.sourceShape),
            "value": term(r, SH.value),
            "severity": term(r, SH.resultSeverity),
            "details": [result(d) for d in report_graph.objects(r, SH.detail)],
        }

    report = report_graph.value(predicate=RDF.type, object=SH.ValidationReport, any=False)
    return [result(r) for r in report_graph.objects(report, SH.result)]


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("credential")
    ap.add_argument("--shapes-dir", default=DEFAULT_SHAPES)
    ap.add_argument("--contexts-dir", default=DEFAULT_CONTEXTS)
    ap.add_argument("--quiet", action="store_true", help="print only the verdict and the violations")
    ap.add_argument("--json", action="store_true", help="print the results and the data graph as JSON")
    args = ap.parse_args(argv)

    try:
        import rdflib
        from rdflib.namespace import OWL
        import pyshacl
    except ImportError as e:
        print(f"error: {e}. Install with: python3 -m pip install -r tests/requirements.txt", file=sys.stderr)
        return 2

    try:
        with open(args.credential, encoding="utf-8") as f:
            credential = json.load(f)
        mapping = context_map(args.contexts_dir)
        document = inline_contexts(credential, mapping, {})
    except (OSError, ValueError, LookupError, KeyError) as e:
        print(f"error: {args.credential}: {e}", file=sys.stderr)
        return 2

    if args.json:
        # Keep literals' lexical forms (rdflib would rewrite "…T00:00:00Z" as "…T00:00:00+00:00"),
        # so that the data graph printed below can be compared with another JSON-LD processor's.
        # Validity checks read the parsed value / ill-typedness, which this does not change.
        rdflib.NORMALIZE_LITERALS = False
    data = rdflib.Graph()
    try:
        data.parse(data=json.dumps(document), format="json-ld")
    except Exception as e:  # rdflib raises many kinds; any of them means "not valid JSON-LD"
        print(f"error: {args.credential}: not parseable as JSON-LD: {e}", file=sys.stderr)
        return 1
    quads = len(data)
    data_nt = data.serialize(format="nt") if args.json else None
    data.parse(os.path.join(args.shapes_dir, HIERARCHY_FILE), format="nt")

    shapes = rdflib.Graph()
    for name in SHAPE_FILES:
        shapes.parse(os.path.join(args.shapes_dir, name), format="turtle")
    # generic-full imports no-cv; both are merged above, so the import must not be followed.
    shapes.remove((None, OWL.imports, None))

    conforms, report_graph, report_text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        do_owl_imports=False,
        allow_warnings=True,
        advanced=False,
    )
    if args.json:
        print(json.dumps({"conforms": bool(conforms), "results": json_results(report_graph), "data": data_nt}))
        return 0 if conforms else 1
    verdict = "CONFORMS" if conforms else "DOES NOT CONFORM"
    print(f"{args.credential}: {quads} triples: {verdict} to EDC-generic-full + EDC-generic-no-cv")
    if not conforms or not args.quiet:
        print(report_text)
    return 0 if conforms else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
