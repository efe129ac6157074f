// Verifies an SD-JWT VC with the @sd-jwt/sd-jwt-vc library (issue #16): what we issue must pass
// the independent verifier (tests/tests/sd_jwt_js.rs).
//
// stdin: {"sdJwt", "issuerJwk"? (else the key of the header's x5c leaf), "now" (seconds),
//   "kb"?: {"nonce", "aud"} (then a Key Binding JWT is required, its aud compared here),
//   "requiredClaims"?: [...], "statusListToken"?: compact JWT served for status.status_list.uri}
// stdout: {"verified": bool, "payload"?, "kb"?, "status"?, "error"?}
// exit: 0 verified, 1 not, 2 bad request.

import {SDJwtVcInstance} from '@sd-jwt/sd-jwt-vc';
import {digest} from '@sd-jwt/crypto-nodejs';

import {readStdinJson, requireObject, run, UsageError} from './io.mjs';
import {header, publicKey, verifier} from './sd-jwt-crypto.mjs';

await run(async () => {
  const req = requireObject(await readStdinJson(), 'request');
  if(typeof req.sdJwt !== 'string') {
    throw new UsageError('"sdJwt" must be a string');
  }
  if(!Number.isInteger(req.now)) {
    throw new UsageError('"now" must be the verification time in seconds');
  }
  const h = header(req.sdJwt.split('~')[0]);
  const issuerKey = publicKey({jwk: req.issuerJwk, x5c: h.x5c});
  let status;
  const sdjwt = new SDJwtVcInstance({
    hasher: digest,
    verifier: verifier(h.alg, issuerKey),
    kbVerifier: async (data, signature, payload) => {
      const kbAlg = header(data).alg;
      return verifier(kbAlg, publicKey({jwk: payload.cnf?.jwk}))(data, signature);
    },
    statusListFetcher: async () => {
      if(typeof req.statusListToken !== 'string') {
        throw new Error('the credential has a status but no statusListToken was given');
      }
      return req.statusListToken;
    },
    statusValidator: async s => {
      status = s;
      if(s !== 0) {
        throw new Error(`status is ${s}, not VALID (0)`);
      }
    }
  });
  try {
    const r = await sdjwt.verify(req.sdJwt, {
      currentDate: req.now,
      requiredClaimKeys: req.requiredClaims,
      ...(req.kb ? {keyBindingNonce: req.kb.nonce} : {})
    });
    if(req.kb && r.kb?.payload?.aud !== req.kb.aud) {
      throw new Error(`Key Binding JWT aud ${r.kb?.payload?.aud} is not ${req.kb.aud}`);
    }
    if(h.typ !== 'dc+sd-jwt') {
      throw new Error(`typ ${h.typ} is not dc+sd-jwt`);
    }
    process.stdout.write(JSON.stringify({
      verified: true, payload: r.payload, kb: r.kb?.payload, status
    }) + '\n');
    return 0;
  } catch(e) {
    process.stdout.write(JSON.stringify({verified: false, status, error: e.message}) + '\n');
    return 1;
  }
});
