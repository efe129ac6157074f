#!/usr/bin/env node
// Verifies a credential's Data Integrity `eddsa-rdfc-2022` proof (reference JS stack).
//
// stdin:  {"credential": {...},
//          "didDocuments": [ {DID document}, ... ] (optional; for did:web etc.; did:key is built
//                           locally),
//          "mode": "credential" (default) | "proof",
//          "now": "..." (optional; the clock validity dates are checked against),
//          "skipStatusCheck": true (optional; vc.js refuses a credential with `credentialStatus`
//                           unless a status checker is given: this one reports "not revoked"
//                           without looking, for credentials whose status list is not served)}
//   mode "credential": @digitalbazaar/vc verifyCredential: the VC checks (type, issuanceDate on
//     VC 1.1, validity dates), the proof, and issuer == verification method controller.
//   mode "proof": jsonld-signatures verify with an assertionMethod purpose only (no VC checks,
//     no issuer check), e.g. for the W3C test vector, whose issuer is not its key's controller.
// stdout: {"verified": bool, "errors": ["..."]}
// exit:   0 verified, 1 not verified, 2 bad request.

import * as vc from '@digitalbazaar/vc';
import jsigs from 'jsonld-signatures';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {createDocumentLoader} from './loader.mjs';
import {errorMessages, readStdinJson, requireObject, run, UsageError} from './io.mjs';

run(async () => {
  const request = requireObject(await readStdinJson(), 'request');
  const credential = requireObject(request.credential, 'credential');
  const didDocuments = request.didDocuments ?? [];
  if(!Array.isArray(didDocuments)) {
    throw new UsageError('"didDocuments" must be an array');
  }
  const mode = request.mode ?? 'credential';
  if(mode !== 'credential' && mode !== 'proof') {
    throw new UsageError('"mode" must be "credential" or "proof"');
  }
  let documentLoader;
  try {
    documentLoader = createDocumentLoader({didDocuments});
  } catch(e) {
    throw new UsageError(e.message);
  }
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
  let result;
  try {
    if(mode === 'credential') {
      result = await vc.verifyCredential({
        credential, suite, documentLoader, now: request.now,
        ...(request.skipStatusCheck === true ?
          {checkStatus: async () => ({verified: true})} : {})
      });
    } else {
      result = await jsigs.verify(credential, {
        suite,
        purpose: new jsigs.purposes.AssertionProofPurpose(),
        documentLoader
      });
    }
  } catch(e) {
    result = {verified: false, error: e};
  }
  const errors = [];
  if(!result.verified) {
    errors.push(...errorMessages(result.error));
    for(const r of result.results ?? []) {
      if(!r.verified) {
        errors.push(...errorMessages(r.error));
      }
    }
    if(errors.length === 0) {
      errors.push('not verified (no error reported)');
    }
  }
  const verified = result.verified === true;
  process.stdout.write(JSON.stringify({verified, errors: [...new Set(errors)]}) + '\n');
  return verified ? 0 : 1;
});
