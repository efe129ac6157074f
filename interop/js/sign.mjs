#!/usr/bin/env node
// Signs a credential with a Data Integrity `eddsa-rdfc-2022` proof (reference JS stack).
//
// stdin:  {"credential": {...},
//          "key": {"seedHex": "<64 hex>"} | {"publicKeyMultibase": "z6Mk…", "secretKeyMultibase": "z3u2…"},
//                 plus optional "controller" (DID) and "id" (verification method; default did:key),
//          "created": "2024-01-01T00:00:00Z" (optional; default now),
//          "now": "..." (optional; the clock vc.js checks validity dates against)}
// stdout: the signed credential (JSON).
// exit:   0 signed, 1 signing failed (message on stderr), 2 bad request.
//
// Signing goes through @digitalbazaar/vc `issue` (CredentialIssuancePurpose, proofPurpose
// assertionMethod), so it applies vc.js's checks and, for VC 1.1, appends the Data Integrity v2
// context and adds `issuanceDate` when missing, as the reference stack does.

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {createDocumentLoader} from './loader.mjs';
import {importKey, readStdinJson, requireObject, run, UsageError} from './io.mjs';

run(async () => {
  const request = requireObject(await readStdinJson(), 'request');
  const credential = structuredClone(requireObject(request.credential, 'credential'));
  if(request.created !== undefined && typeof request.created !== 'string') {
    throw new UsageError('"created" must be a date-time string');
  }
  const keyPair = await importKey(request.key);
  const suite = new DataIntegrityProof({
    signer: keyPair.signer(),
    date: request.created,
    cryptosuite: eddsaRdfc2022
  });
  const signed = await vc.issue({
    credential,
    suite,
    documentLoader: createDocumentLoader({didDocuments: request.didDocuments ?? []}),
    now: request.now
  });
  process.stdout.write(JSON.stringify(signed, null, 2) + '\n');
  return 0;
});
