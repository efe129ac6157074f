// The wallet's OpenID4VCI 1.0 side: the OpenWallet Foundation's client (@openid4vc/openid4vci and
// @openid4vc/oauth2) does every protocol step (offer resolution, issuer and authorization server
// metadata, the pre-authorized code token request with tx_code and DPoP, the nonce endpoint, proofs
// of possession, credential requests); this module only gives it keys, hashing, randomness and a
// loopback-only fetch.

import {createHash, randomBytes} from 'node:crypto';
import {
  Oauth2ClientErrorResponseError, calculateJwkThumbprint, clientAuthenticationAnonymous,
  HashAlgorithm, setGlobalConfig
} from '@openid4vc/oauth2';
import {Openid4vciClient, Openid4vciRetrieveCredentialsError} from '@openid4vc/openid4vci';
import * as jose from 'jose';
import {describe, loopbackFetch, msSince} from './io.mjs';

// The issuer under test listens on http://127.0.0.1 (the library refuses http:// by default);
// loopbackFetch refuses every other host.
setGlobalConfig({allowInsecureUrls: true});

const NODE_HASH = {
  [HashAlgorithm.Sha256]: 'sha256', [HashAlgorithm.Sha384]: 'sha384',
  [HashAlgorithm.Sha512]: 'sha512'
};

/** The OWF libraries' `hash` callback (node:crypto; SHA-256/384/512). */
export function hash(data, alg) {
  const name = NODE_HASH[alg];
  if(!name) {
    throw new Error(`unsupported hash ${alg}`);
  }
  return new Uint8Array(createHash(name).update(data).digest());
}

/** The OWF libraries' `generateRandom` callback. */
export function generateRandom(n) {
  return new Uint8Array(randomBytes(n));
}

/** A fresh ES256 key pair: `{publicJwk, privateJwk, privateKey}`. */
export async function es256Key() {
  const {publicKey, privateKey} = await jose.generateKeyPair('ES256', {extractable: true});
  return keyFromJwk(await jose.exportJWK(privateKey), privateKey, await jose.exportJWK(publicKey));
}

/** The key of a stored private JWK (the wallet's storage). */
export async function importEs256(privateJwk) {
  const privateKey = await jose.importJWK(privateJwk, 'ES256');
  const {d: _d, ...publicJwk} = privateJwk;
  return keyFromJwk(privateJwk, privateKey, publicJwk);
}

function keyFromJwk(privateJwk, privateKey, publicJwk) {
  const pub = {kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x, y: publicJwk.y};
  return {publicJwk: pub, privateJwk, privateKey, signer: {method: 'jwk', alg: 'ES256', publicJwk: pub}};
}

/** `did:jwk` of a public JWK (did:jwk spec: base64url of the JWK's JSON). */
export function didJwk(publicJwk) {
  return `did:jwk:${Buffer.from(JSON.stringify(publicJwk)).toString('base64url')}`;
}

/** The OWF client with callbacks that sign with `keys` (the holder and the DPoP key). */
export function newClient(keys) {
  const byThumbprint = new Map();
  const callbacks = {
    fetch: loopbackFetch,
    hash,
    generateRandom,
    clientAuthentication: clientAuthenticationAnonymous(),
    signJwt: async (signer, {header, payload}) => {
      if(signer.method !== 'jwk') {
        throw new Error(`this wallet signs with JWK signers only, not ${signer.method}`);
      }
      const key = byThumbprint.get(await jose.calculateJwkThumbprint(signer.publicJwk));
      if(!key) {
        throw new Error('no private key for the requested signer');
      }
      const jwt = await new jose.CompactSign(Buffer.from(JSON.stringify(payload)))
        .setProtectedHeader(header).sign(key.privateKey);
      return {jwt, signerJwk: signer.publicJwk};
    }
  };
  const client = new Openid4vciClient({callbacks});
  const ready = Promise.all(keys.map(async k =>
    byThumbprint.set(await jose.calculateJwkThumbprint(k.publicJwk), k)));
  return {client, ready, callbacks};
}

/** An OAuth / OpenID4VCI error of a failed library call as `{status, error, error_description}`. */
export async function protocolError(e) {
  if(e instanceof Oauth2ClientErrorResponseError) {
    return {
      status: e.response?.status, error: e.errorResponse?.error,
      error_description: e.errorResponse?.error_description
    };
  }
  if(e instanceof Openid4vciRetrieveCredentialsError) {
    const body = e.response?.credentialErrorResponseResult?.data ?? {};
    return {status: e.response?.response?.status, error: body.error,
      error_description: body.error_description};
  }
  return null;
}

/** Runs `call`, expecting a protocol error: `{status, error, error_description}` or a failure. */
export async function expectProtocolError(what, call) {
  try {
    await call();
  } catch(e) {
    const err = await protocolError(e);
    if(err) {
      return err;
    }
    throw new Error(`${what}: expected an error response, the library failed otherwise`,
      {cause: e});
  }
  throw new Error(`${what}: expected an error response, the request succeeded`);
}

/** One credential request: a fresh nonce, a proof JWT by the holder key, the request (DPoP). */
async function requestCredential({client, issuerMetadata, id, holder, accessToken, dpop, t}) {
  const nonceStart = process.hrtime.bigint();
  const {c_nonce: nonce} = await client.requestNonce({issuerMetadata});
  t[`nonce ${id}`] = msSince(nonceStart);
  const {jwt} = await client.createCredentialRequestJwtProof({
    issuerMetadata, credentialConfigurationId: id, signer: holder.signer, nonce
  });
  const reqStart = process.hrtime.bigint();
  const res = await client.retrieveCredentials({
    issuerMetadata, accessToken, credentialConfigurationId: id, proofs: {jwt: [jwt]},
    dpop: dpop.current
  });
  t[`credential ${id}`] = msSince(reqStart);
  dpop.current = res.dpop ?? dpop.current;
  return (res.credentialResponse.credentials ?? []).map(c => c.credential);
}

/**
 * The pre-authorized code flow of one offer, with the library: offer → metadata → token (tx_code,
 * DPoP) → for each offered configuration a nonce, a proof JWT and a credential request.
 * `negative`: first a wrong tx_code (expects an error), and after the token the same code again.
 * Returns `{offer, metadata, token, credentials: {id: {format, credentials, error?}}, negative,
 * timingsMs}`: a configuration whose request failed has `error` and no credentials.
 */
export async function receive({offerUri, txCode, wrongTxCode, checkReuse, holder, dpopKey}) {
  const {client, ready} = newClient([holder, dpopKey]);
  await ready;
  const t = {};
  const start = process.hrtime.bigint();
  const offer = await client.resolveCredentialOffer(offerUri);
  t.offer = msSince(start);
  const issuerMetadata = await client.resolveIssuerMetadata(offer.credential_issuer);
  t.metadata = msSince(start);
  const negative = {};
  const tokenRequest = pin => client.retrievePreAuthorizedCodeAccessTokenFromOffer({
    credentialOffer: offer, issuerMetadata, txCode: pin, dpop: {signer: dpopKey.signer}
  });
  if(wrongTxCode !== undefined) {
    negative.wrongTxCode = await expectProtocolError('wrong tx_code',
      () => tokenRequest(wrongTxCode));
  }
  const tokenStart = process.hrtime.bigint();
  const {accessTokenResponse, dpop: tokenDpop} = await tokenRequest(txCode);
  t.token = msSince(tokenStart);
  if(checkReuse) {
    negative.reusedCode = await expectProtocolError('reused pre-authorized code',
      () => tokenRequest(txCode));
  }
  const dpop = {current: tokenDpop ?? {signer: dpopKey.signer}};
  const credentials = {};
  for(const id of offer.credential_configuration_ids) {
    const config = issuerMetadata.credentialIssuer.credential_configurations_supported[id];
    credentials[id] = {format: config?.format, credentials: []};
    try {
      credentials[id].credentials = await requestCredential({client, issuerMetadata, id, holder,
        accessToken: accessTokenResponse.access_token, dpop, t});
    } catch(e) {
      // One configuration's failure is reported (the caller asserts on it); the others go on.
      credentials[id].error = await protocolError(e) ?? {message: describe(e)};
    }
  }
  t.total = msSince(start);
  return {
    offer,
    metadata: {
      credentialIssuer: issuerMetadata.credentialIssuer,
      authorizationServers: issuerMetadata.authorizationServers,
      originalDraftVersion: issuerMetadata.originalDraftVersion
    },
    token: {
      token_type: accessTokenResponse.token_type,
      expires_in: accessTokenResponse.expires_in,
      dpopBound: accessTokenResponse.token_type === 'DPoP' && tokenDpop !== undefined
    },
    credentials, negative, timingsMs: t
  };
}
