//! JSON-LD to RDF and RDFC-1.0 canonical N-Quads over the bundled contexts only.
