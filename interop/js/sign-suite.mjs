#!/usr/bin/env node
// Signs a credential with one of the suites this project verifies but does not produce
// (issue #15 point 6), with the reference JS libraries:
//   * `Ed25519Signature2020` (@digitalbazaar/ed25519-signature-2020 +
//     @digitalbazaar/ed25519-verification-key-2020);
//   * `ecdsa-rdfc-2019` P-256 (@digitalbazaar/data-integrity `DataIntegrityProof` +
//     @digitalbazaar/ecdsa-rdfc-2019-cryptosuite + @digitalbazaar/ecdsa-multikey).
//
// stdin:  {"credential": {...},
//          "suite": "Ed25519Signature2020" | "ecdsa-rdfc-2019",
//          "key": Ed25519Signature2020: {"seedHex": "<64 hex>"};
//                 ecdsa-rdfc-2019: {"publicKeyMultibase": "zDn…", "secretKeyMultibase": "z42…"}
//                 (a P-256 Multikey pair), plus optional "controller" (DID) and "id"
//                 (verification method; default the key's did:key and `did:key:z…#z…`),
//          "created": "2024-01-01T00:00:00Z" (optional; default now),
//          "now": "..." (optional; the clock vc.js checks validity dates against)}
// stdout: the signed credential (JSON).
// exit:   0 signed, 1 signing failed (message on stderr), 2 bad request.
//
// As sign.mjs, signing goes through @digitalbazaar/vc `issue` (assertionMethod), with the
// offline loader of bundled contexts only: for VC 1.1 the suite's context is appended (the
// ed25519-2020 context, or Data Integrity v2 for ecdsa-rdfc-2019), as the reference stack does.

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as ecdsaRdfc2019} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {Ed25519VerificationKey2020} from '@digitalbazaar/ed25519-verification-key-2020';
import {createDocumentLoader} from './loader.mjs';
import {readStdinJson, requireObject, run, UsageError} from './io.mjs';

/** The Ed25519VerificationKey2020 of a 32-byte seed, with its did:key id unless given. */
async function ed25519Key(key) {
  if(typeof key.seedHex !== 'string' || !/^[0-9a-fA-F]{64}$/.test(key.seedHex)) {
    throw new UsageError('"key.seedHex" must be 64 hex digits (a 32-byte Ed25519 seed)');
  }
  const pair = await Ed25519VerificationKey2020.generate({
    seed: Buffer.from(key.seedHex, 'hex')
  });
  const controller = key.controller ?? `did:key:${pair.publicKeyMultibase}`;
  return Ed25519VerificationKey2020.from({
    id: key.id ?? `${controller}#${pair.publicKeyMultibase}`,
    controller,
    publicKeyMultibase: pair.publicKeyMultibase,
    privateKeyMultibase: pair.privateKeyMultibase
  });
}

/** A P-256 Multikey pair from its multibase public and secret keys. */
async function p256Key(key) {
  if(typeof key.publicKeyMultibase !== 'string' ||
    typeof key.secretKeyMultibase !== 'string') {
    throw new UsageError(
      '"key" needs "publicKeyMultibase" and "secretKeyMultibase" (a P-256 Multikey pair)');
  }
  const controller = key.controller ?? `did:key:${key.publicKeyMultibase}`;
  return EcdsaMultikey.from({
    type: 'Multikey',
    id: key.id ?? `${controller}#${key.publicKeyMultibase}`,
    controller,
    publicKeyMultibase: key.publicKeyMultibase,
    secretKeyMultibase: key.secretKeyMultibase
  });
}

async function suiteFor(request) {
  const key = requireObject(request.key, 'key');
  const date = request.created;
  switch(request.suite) {
    case 'Ed25519Signature2020':
      return new Ed25519Signature2020({key: await ed25519Key(key), date});
    case 'ecdsa-rdfc-2019': {
      const pair = await p256Key(key);
      return new DataIntegrityProof({signer: pair.signer(), date, cryptosuite: ecdsaRdfc2019});
    }
    default:
      throw new UsageError('"suite" must be "Ed25519Signature2020" or "ecdsa-rdfc-2019"');
  }
}

run(async () => {
  const request = requireObject(await readStdinJson(), 'request');
  const credential = structuredClone(requireObject(request.credential, 'credential'));
  if(request.created !== undefined && typeof request.created !== 'string') {
    throw new UsageError('"created" must be a date-time string');
  }
  const suite = await suiteFor(request);
  const signed = await vc.issue({
    credential,
    suite,
    documentLoader: createDocumentLoader({didDocuments: request.didDocuments ?? []}),
    now: request.now
  });
  process.stdout.write(JSON.stringify(signed, null, 2) + '\n');
  return 0;
});
