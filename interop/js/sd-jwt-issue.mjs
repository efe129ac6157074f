// Issues (and optionally presents) an SD-JWT VC with the @sd-jwt/sd-jwt-vc library (issue #16):
// the independent issuer our verifier is checked against (tests/tests/sd_jwt_js.rs).
//
// stdin: {"claims": {...}, "disclosable": ["name", ...] (top-level claims), "alg",
//   "privateKey" (PKCS#8 PEM or private JWK), "header"?: {x5c, kid, ...},
//   "present"?: {"disclose": ["name", ...], "kb"?: {"aud", "nonce", "iat", "alg", "privateKey"}}}
// stdout: {"sdJwt": "<JWT>~<D>~...~", "presentation"?: "<JWT>~<D>~...~[<KB-JWT>]"}
// exit: 0 issued, 1 failed, 2 bad request.

import {SDJwtVcInstance} from '@sd-jwt/sd-jwt-vc';
import {digest, generateSalt} from '@sd-jwt/crypto-nodejs';

import {readStdinJson, requireObject, run, UsageError} from './io.mjs';
import {signer} from './sd-jwt-crypto.mjs';

await run(async () => {
  const req = requireObject(await readStdinJson(), 'request');
  const claims = requireObject(req.claims, 'claims');
  const disclosable = req.disclosable ?? [];
  if(!Array.isArray(disclosable)) {
    throw new UsageError('"disclosable" must be an array of claim names');
  }
  const kb = req.present?.kb;
  const sdjwt = new SDJwtVcInstance({
    signer: signer(req.alg, req.privateKey),
    signAlg: req.alg,
    hasher: digest,
    hashAlg: 'sha-256',
    saltGenerator: generateSalt,
    ...(kb ? {kbSigner: signer(kb.alg, kb.privateKey), kbSignAlg: kb.alg} : {})
  });
  const sdJwt = await sdjwt.issue(claims, {_sd: disclosable}, {header: req.header ?? {}});
  const out = {sdJwt};
  if(req.present) {
    const frame = Object.fromEntries((req.present.disclose ?? []).map(n => [n, true]));
    const options = kb ?
      {kb: {payload: {aud: kb.aud, nonce: kb.nonce, iat: kb.iat}}} : undefined;
    out.presentation = await sdjwt.present(sdJwt, frame, options);
  }
  process.stdout.write(JSON.stringify(out) + '\n');
  return 0;
});
