// JOSE signing and verification with node:crypto for the @sd-jwt scripts (sd-jwt-issue.mjs,
// sd-jwt-verify.mjs): ES256 (raw r||s), RS256, PS256 and EdDSA, keys as PKCS#8 PEM (private),
// JWK or an x5c leaf certificate (public). The @sd-jwt libraries take these as callbacks.

import crypto from 'node:crypto';

import {UsageError} from './io.mjs';

const ALGS = ['ES256', 'RS256', 'PS256', 'EdDSA'];

function options(alg, key) {
  switch(alg) {
    case 'ES256': return {hash: 'sha256', key: {key, dsaEncoding: 'ieee-p1363'}};
    case 'RS256': return {hash: 'sha256', key};
    case 'PS256': return {
      hash: 'sha256',
      key: {key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32}
    };
    case 'EdDSA': return {hash: null, key};
    default: throw new UsageError(`alg ${JSON.stringify(alg)} is not one of ${ALGS.join(', ')}`);
  }
}

/**
 * A @sd-jwt `Signer`: signs the JWS signing input, returns base64url. The key is a PKCS#8 PEM
 * string or a private JWK (OpenSSL refuses the PKCS#8 v2 form ed25519-dalek writes).
 */
export function signer(alg, privateKey) {
  let key;
  if(typeof privateKey === 'string') {
    key = crypto.createPrivateKey(privateKey);
  } else if(privateKey && typeof privateKey === 'object') {
    key = crypto.createPrivateKey({key: privateKey, format: 'jwk'});
  } else {
    throw new UsageError('a private key must be a PKCS#8 PEM string or a private JWK');
  }
  const o = options(alg, key);
  return async data => crypto.sign(o.hash, Buffer.from(data), o.key).toString('base64url');
}

/** The public key of a JWK, or of the leaf of an `x5c` (standard base64 DER). */
export function publicKey({jwk, x5c}) {
  if(jwk) {
    return crypto.createPublicKey({key: jwk, format: 'jwk'});
  }
  if(Array.isArray(x5c) && typeof x5c[0] === 'string') {
    return new crypto.X509Certificate(Buffer.from(x5c[0], 'base64')).publicKey;
  }
  throw new UsageError('no issuer key: give "issuerJwk", or an SD-JWT whose header has x5c');
}

/** A @sd-jwt `Verifier` for `alg` (from the JWS header) with `key`. */
export function verifier(alg, key) {
  const o = options(alg, key);
  return async (data, signature) =>
    crypto.verify(o.hash, Buffer.from(data), o.key, Buffer.from(signature, 'base64url'));
}

/** The protected header of a compact JWS (not verified). */
export function header(jws) {
  const part = jws.split('.')[0];
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}
