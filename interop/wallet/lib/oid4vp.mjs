// The wallet's OpenID4VP 1.0 side (issue #17): the OpenWallet Foundation's @openid4vc/openid4vp
// holder client parses the request (`openid4vp://` deep link or `request_uri`), fetches and
// verifies the signed request object (JAR, RFC 9101; OpenID4VP 1.0 §5.1, §5.10), checks the
// client identifier prefix (§5.9.3: `x509_san_dns` against the leaf certificate's SAN and the
// `response_uri` host, `redirect_uri` against the `response_uri`), builds the authorization
// response and sends it (§8.2 `direct_post`, §8.3 `direct_post.jwt` encrypted to the verifier's
// key from `client_metadata.jwks`). This module gives it the `x5c` chain check up to the trust
// anchor the caller names, the SAN reader, `jose` encryption, hashing and a loopback-only fetch.

import {X509Certificate} from 'node:crypto';
import {setGlobalConfig} from '@openid4vc/oauth2';
import {Openid4vpClient} from '@openid4vc/openid4vp';
import * as jose from 'jose';
import {loopbackFetch} from './io.mjs';
import {generateRandom, hash} from './oid4vci.mjs';
import {keyFromX5c} from './sd-jwt.mjs';

// The verifier under test listens on http://localhost (the library refuses http:// by default);
// loopbackFetch refuses every other host.
setGlobalConfig({allowInsecureUrls: true});

/** `{sanDnsNames, sanUriNames}` of a base64 DER certificate (node's `subjectAltName` string). */
export function sanOf(certificate) {
  const cert = new X509Certificate(Buffer.from(certificate, 'base64'));
  const entries = (cert.subjectAltName ?? '').split(',').map(s => s.trim());
  const of = prefix => entries.filter(e => e.startsWith(prefix)).map(e => e.slice(prefix.length));
  return {sanDnsNames: of('DNS:'), sanUriNames: of('URI:')};
}

/** The library's callbacks; `trustAnchors`: PEM certificates a JAR's `x5c` chain must lead to. */
export function callbacks({trustAnchors, now = new Date()}) {
  return {
    fetch: loopbackFetch,
    hash,
    generateRandom,
    getX509CertificateMetadata: sanOf,
    verifyJwt: async (signer, {compact}) => {
      if(signer.method !== 'x5c') {
        // did, jwk, federation: not used by the verifier under test; refused, not trusted.
        return {verified: false};
      }
      if(trustAnchors.length === 0) {
        throw new Error('the request object is signed with an x5c chain: give --trust-ca');
      }
      const {key} = keyFromX5c(signer.x5c, trustAnchors, now);
      try {
        await jose.compactVerify(compact, key);
      } catch {
        return {verified: false};
      }
      return {verified: true, signerJwk: await jose.exportJWK(key)};
    },
    encryptJwe: async (encryptor, data) => {
      const {publicJwk, alg = publicJwk.alg ?? 'ECDH-ES', enc, apu, apv} = encryptor;
      const header = {alg, enc, ...(publicJwk.kid ? {kid: publicJwk.kid} : {})};
      const builder = new jose.CompactEncrypt(new TextEncoder().encode(data))
        .setProtectedHeader(header);
      if(apu || apv) {
        builder.setKeyManagementParameters({
          ...(apu ? {apu: Buffer.from(apu, 'base64url')} : {}),
          ...(apv ? {apv: Buffer.from(apv, 'base64url')} : {})
        });
      }
      const jwe = await builder.encrypt(await jose.importJWK(publicJwk, alg));
      return {encryptionJwk: publicJwk, jwe};
    },
    decryptJwe: async () => {
      throw new Error('this wallet does not accept encrypted request objects');
    },
    signJwt: async () => {
      throw new Error('this wallet does not sign authorization responses (HAIP: encrypted only)');
    }
  };
}

/**
 * An `openid4vp://` deep link for `request`: the deep link itself, or, for a bare `request_uri`
 * URL, a link built from it with the `client_id` the request object names (read unverified only
 * to build the link; the library fetches and verifies it again); an unsigned request object
 * (`alg: none`) becomes a link with its parameters by value.
 */
export async function deepLinkOf(request) {
  if(!/^https?:\/\//.test(request)) {
    return request;
  }
  const res = await loopbackFetch(request, {headers: {accept: 'application/oauth-authz-req+jwt'}});
  if(!res.ok) {
    throw new Error(`GET ${request}: HTTP ${res.status}`);
  }
  const jwt = await res.text();
  const payload = jose.decodeJwt(jwt);
  if(jose.decodeProtectedHeader(jwt).alg === 'none') {
    // An unsigned request (`redirect_uri:` prefix, §5.9.3: never signed): passed by value, where
    // the library checks the prefix rules on it as on any unsigned request.
    const params = new URLSearchParams(Object.entries(payload)
      .filter(([k]) => !['iss', 'aud', 'iat', 'exp'].includes(k))
      .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    return `openid4vp://?${params}`;
  }
  const params = new URLSearchParams({client_id: payload.client_id, request_uri: request});
  return `openid4vp://?${params}`;
}

/** Parses, fetches and verifies the request: the library's resolved request. */
export async function resolveRequest(request, ctx) {
  const client = new Openid4vpClient({callbacks: callbacks(ctx)});
  const parsed = client.parseOpenid4vpAuthorizationRequest({
    authorizationRequest: await deepLinkOf(request)
  });
  const resolved = await client.resolveOpenId4vpAuthorizationRequest({
    authorizationRequestPayload: parsed.params
  });
  return {client, resolved};
}

const JARM_SERVER_METADATA = {
  authorization_signing_alg_values_supported: ['ES256'],
  authorization_encryption_alg_values_supported: ['ECDH-ES'],
  authorization_encryption_enc_values_supported: ['A128GCM', 'A256GCM']
};

/**
 * Builds and sends the authorization response with `vpToken` (direct_post, or direct_post.jwt
 * encrypted when the request asks): `{responseMode, status, body}`.
 */
export async function respond(client, resolved, vpToken) {
  const request = resolved.authorizationRequestPayload;
  const encrypted = request.response_mode === 'direct_post.jwt';
  const created = await client.createOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request,
    authorizationResponsePayload: {vp_token: vpToken},
    ...(encrypted ? {
      jarm: {
        // No mdoc-generated nonce (`apu`): the library puts the request nonce in `apv`.
        encryption: {},
        serverMetadata: JARM_SERVER_METADATA
      }
    } : {})
  });
  const {responseMode, response} = await client.submitOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request,
    authorizationResponsePayload: created.authorizationResponsePayload,
    jarm: created.jarm ? {responseJwt: created.jarm.responseJwt} : undefined
  });
  const text = await response.text();
  let body = text;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return {responseMode, status: response.status, body};
}
