#!/usr/bin/env node
// Verifies a verifiable presentation with the reference JS stack: @digitalbazaar/vc `verify`
// (the VP checks, its Data Integrity `eddsa-rdfc-2022` proof with an AuthenticationProofPurpose
// for `challenge` and `domain`, and `vc.verifyCredential` on every credential in it).
//
// stdin:  {"presentation": {...}, "challenge": "...", "domain": "..." (optional),
//          "didDocuments": [ {DID document}, ... ] (optional; for did:web issuers and holders),
//          "now": "..." (optional; the clock credentials' validity dates are checked against),
//          "skipStatusCheck": true (optional; credentials' status entries reported "not revoked"
//                           without looking, as in verify.mjs)}
// stdout: {"verified": bool, "presentationVerified": bool, "credentialsVerified": [bool],
//          "errors": ["..."]}
// exit:   0 verified, 1 not verified, 2 bad request.

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {createDocumentLoader} from './loader.mjs';
import {errorMessages, readStdinJson, requireObject, run, UsageError} from './io.mjs';

run(async () => {
  const request = requireObject(await readStdinJson(), 'request');
  const presentation = requireObject(request.presentation, 'presentation');
  if(typeof request.challenge !== 'string') {
    throw new UsageError('"challenge" must be a string');
  }
  let documentLoader;
  try {
    documentLoader = createDocumentLoader({didDocuments: request.didDocuments ?? []});
  } catch(e) {
    throw new UsageError(e.message);
  }
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
  let result;
  try {
    result = await vc.verify({
      presentation, suite, documentLoader,
      challenge: request.challenge, domain: request.domain, now: request.now,
      ...(request.skipStatusCheck === true ?
        {checkStatus: async () => ({verified: true})} : {})
    });
  } catch(e) {
    result = {verified: false, error: e};
  }
  const errors = [...errorMessages(result.error)];
  for(const r of result.presentationResult?.results ?? []) {
    if(!r.verified) {
      errors.push(...errorMessages(r.error));
    }
  }
  for(const c of result.credentialResults ?? []) {
    if(!c.verified) {
      errors.push(...errorMessages(c.error));
      for(const r of c.results ?? []) {
        if(!r.verified) {
          errors.push(...errorMessages(r.error));
        }
      }
    }
  }
  const verified = result.verified === true;
  if(!verified && errors.length === 0) {
    errors.push('not verified (no error reported)');
  }
  process.stdout.write(JSON.stringify({
    verified,
    presentationVerified: result.presentationResult?.verified === true,
    credentialsVerified: (result.credentialResults ?? []).map(c => c.verified === true),
    errors: [...new Set(errors)]
  }) + '\n');
  return verified ? 0 : 1;
});
