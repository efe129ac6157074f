#!/usr/bin/env node
// Signs a verifiable presentation with a Data Integrity `eddsa-rdfc-2022` proof of purpose
// `authentication` (reference JS stack), as a holder answering a verifier's request.
//
// stdin:  {"presentation": {...}           (an unsigned VP, used as given), or
//          "credentials": [{...}], "holder": "did:..."?, "version": 1 | 2 (default 2)
//                                          (vc.createPresentation builds it; it checks each credential),
//          "key": {"seedHex": "<64 hex>"} | {"publicKeyMultibase", "secretKeyMultibase"},
//                 plus optional "controller" (DID) and "id" (verification method; default did:key),
//          "challenge": "...", "domain": "..." (optional),
//          "created": "2024-01-01T00:00:00Z" (optional; default now),
//          "now": "..." (optional; the clock vc.createPresentation checks credentials against),
//          "didDocuments": [...] (optional)}
// stdout: the signed presentation (JSON).
// exit:   0 signed, 1 signing failed (message on stderr), 2 bad request.
//
// Signing goes through @digitalbazaar/vc `signPresentation` (AuthenticationProofPurpose with
// `challenge` and `domain`); on a VC 1.1 presentation jsonld-signatures appends the Data
// Integrity v2 context.

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {createDocumentLoader} from './loader.mjs';
import {importKey, readStdinJson, requireObject, run, UsageError} from './io.mjs';

run(async () => {
  const request = requireObject(await readStdinJson(), 'request');
  if(typeof request.challenge !== 'string') {
    throw new UsageError('"challenge" must be a string (vc.js requires one)');
  }
  let presentation;
  if(request.presentation !== undefined) {
    presentation = structuredClone(requireObject(request.presentation, 'presentation'));
  } else {
    if(!Array.isArray(request.credentials)) {
      throw new UsageError('give "presentation" or "credentials" (an array)');
    }
    presentation = vc.createPresentation({
      verifiableCredential: request.credentials,
      holder: request.holder,
      version: request.version ?? 2.0,
      now: request.now
    });
  }
  const keyPair = await importKey(request.key);
  const suite = new DataIntegrityProof({
    signer: keyPair.signer(),
    date: request.created,
    cryptosuite: eddsaRdfc2022
  });
  const signed = await vc.signPresentation({
    presentation,
    suite,
    challenge: request.challenge,
    domain: request.domain,
    documentLoader: createDocumentLoader({didDocuments: request.didDocuments ?? []})
  });
  process.stdout.write(JSON.stringify(signed, null, 2) + '\n');
  return 0;
});
