#!/usr/bin/env node
// Signs a verifiable presentation as a wallet holding a P-256 key: a Data Integrity proof with the
// `ecdsa-rdfc-2019` cryptosuite (W3C Data Integrity ECDSA Cryptosuites v1.0 §3.3), purpose
// `authentication` with `challenge` and `domain` (VC Data Integrity 1.0 §2.1), verification method
// `did:jwk:...#0` (did:jwk §3.2) of the holder's JWK. Used by the OpenID4VP test wallet
// (interop/wallet/present.mjs, issue #17) for `ldp_vp` presentations.
//
// stdin:  {"credentials": [{...}], "jwk": private P-256 JWK, "challenge": "...", "domain": "...",
//          "created"?: "2024-01-01T00:00:00Z"}
// stdout: the signed presentation (VC 2.0 unless a credential is VC 1.1; holder = the did:jwk).
// exit:   0 signed, 1 signing failed (message on stderr), 2 bad request.

import * as vc from '@digitalbazaar/vc';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as ecdsaRdfc2019} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import {createDocumentLoader} from './loader.mjs';
import {readStdinJson, requireObject, run, UsageError} from './io.mjs';

const VC_1_1 = 'https://www.w3.org/2018/credentials/v1';

run(async () => {
  const request = requireObject(await readStdinJson(), 'request');
  for(const field of ['challenge', 'domain']) {
    if(typeof request[field] !== 'string') {
      throw new UsageError(`"${field}" must be a string`);
    }
  }
  if(!Array.isArray(request.credentials) || request.credentials.length === 0) {
    throw new UsageError('"credentials" must be a non-empty array');
  }
  const jwk = requireObject(request.jwk, 'jwk');
  if(jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string') {
    throw new UsageError('"jwk" must be a private P-256 JWK');
  }
  const publicJwk = {kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y};
  const holder = `did:jwk:${Buffer.from(JSON.stringify(publicJwk)).toString('base64url')}`;
  const keyPair = await EcdsaMultikey.fromJwk({jwk, secretKey: true, id: `${holder}#0`,
    controller: holder});
  const v1 = request.credentials.some(c => c?.['@context']?.[0] === VC_1_1);
  const presentation = {
    '@context': [v1 ? VC_1_1 : 'https://www.w3.org/ns/credentials/v2'],
    type: ['VerifiablePresentation'],
    holder,
    verifiableCredential: request.credentials
  };
  const suite = new DataIntegrityProof({
    signer: keyPair.signer(), date: request.created, cryptosuite: ecdsaRdfc2019
  });
  const signed = await vc.signPresentation({
    presentation, suite, challenge: request.challenge, domain: request.domain,
    documentLoader: createDocumentLoader({didDocuments: []})
  });
  process.stdout.write(JSON.stringify(signed) + '\n');
  return 0;
});
