#!/usr/bin/env node
// Prints the RDFC-1.0 canonical N-Quads of a JSON-LD document, exactly as the reference
// eddsa-rdfc-2022 cryptosuite canonicalizes it before hashing (jsonld.toRDF in safe mode,
// rdfDirection i18n-datatype, base null; rdf-canonize RDFC-1.0), over the offline loader.
//
// usage:  node canonize.mjs [FILE]      (without FILE, the document is read from stdin)
// stdout: the canonical N-Quads (every quad ends in "\n"; nothing else is printed).
// exit:   0 ok, 1 canonicalization failed (e.g. an undefined term in safe mode), 2 bad input.

import {readFileSync} from 'node:fs';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {createDocumentLoader} from './loader.mjs';
import {readStdinJson, requireObject, run, UsageError} from './io.mjs';

run(async () => {
  const args = process.argv.slice(2);
  if(args.length > 1) {
    throw new UsageError('usage: node canonize.mjs [FILE]');
  }
  let doc;
  if(args.length === 1) {
    try {
      doc = JSON.parse(readFileSync(args[0], 'utf8'));
    } catch(e) {
      throw new UsageError(`cannot read ${args[0]} as JSON: ${e.message}`);
    }
  } else {
    doc = await readStdinJson();
  }
  requireObject(doc, 'document');
  const nquads = await eddsaRdfc2022.canonize(doc, {
    documentLoader: createDocumentLoader()
  });
  process.stdout.write(nquads);
  return 0;
});
