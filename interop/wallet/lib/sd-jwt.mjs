// The wallet's SD-JWT VC checks, with the @sd-jwt libraries: the issuer's signature with the key
// found by its `x5c` chain (up to a trust anchor the caller gives) and, separately, by the JWT VC
// issuer metadata (`/.well-known/jwt-vc-issuer`); the disclosures; a presentation with a Key
// Binding JWT signed by the holder key and its verification against `cnf.jwk`; the Token Status
// List entry (@sd-jwt/jwt-status-list), both inside @sd-jwt/sd-jwt-vc's `verify` and read directly.

import {X509Certificate, randomBytes} from 'node:crypto';
import {SDJwtVcInstance} from '@sd-jwt/sd-jwt-vc';
import {ES256, digest, generateSalt} from '@sd-jwt/crypto-nodejs';
import {getListFromStatusListJWT} from '@sd-jwt/jwt-status-list';
import * as jose from 'jose';
import {describe, fetchJson, loopbackFetch} from './io.mjs';

/** Token Status List values (draft-ietf-oauth-status-list §7.1). */
export const STATUS_LABELS = {0: 'VALID', 1: 'INVALID', 2: 'SUSPENDED'};

function decodeSegment(segment) {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
}

/**
 * The leaf key of an `x5c` chain (base64 DER, leaf first) after checking each certificate is
 * issued and signed by the next, all are valid at `now`, and the last is a trust anchor or issued
 * by one. Returns `{key, subject}`.
 */
export function keyFromX5c(x5c, trustAnchors, now) {
  if(!Array.isArray(x5c) || x5c.length === 0) {
    throw new Error('no x5c header');
  }
  const chain = x5c.map(c => new X509Certificate(Buffer.from(c, 'base64')));
  const anchors = trustAnchors.map(pem => new X509Certificate(pem));
  for(const cert of chain) {
    if(now < new Date(cert.validFrom) || now > new Date(cert.validTo)) {
      throw new Error(`certificate ${cert.subject} is not valid at ${now.toISOString()}`);
    }
  }
  for(let i = 0; i + 1 < chain.length; ++i) {
    if(!chain[i].checkIssued(chain[i + 1]) || !chain[i].verify(chain[i + 1].publicKey)) {
      throw new Error(`x5c[${i}] is not issued by x5c[${i + 1}]`);
    }
  }
  const last = chain[chain.length - 1];
  const anchored = anchors.some(a => a.fingerprint256 === last.fingerprint256 ||
    (last.checkIssued(a) && last.verify(a.publicKey)));
  if(!anchored) {
    throw new Error(`the x5c chain of ${chain[0].subject} does not lead to a trust anchor`);
  }
  return {key: chain[0].publicKey, subject: chain[0].subject};
}

/** The JWT VC issuer metadata of `iss` (path inserted after the well-known segment). */
export async function jwtVcIssuerMetadata(iss) {
  const u = new URL(iss);
  const path = u.pathname === '/' ? '' : u.pathname.replace(/\/$/, '');
  const url = `${u.origin}/.well-known/jwt-vc-issuer${path}`;
  const metadata = await fetchJson(url);
  if(metadata.issuer !== iss) {
    throw new Error(`${url}: issuer ${metadata.issuer} is not ${iss}`);
  }
  const jwks = metadata.jwks ?? (metadata.jwks_uri ? await fetchJson(metadata.jwks_uri) : null);
  if(!Array.isArray(jwks?.keys)) {
    throw new Error(`${url}: no jwks`);
  }
  return {url, keys: jwks.keys};
}

/**
 * A @sd-jwt `Verifier` (data, signature) for JWTs of the issuer: `mode` "x5c" takes the key from
 * the JWT's `x5c` chain, "metadata" from the issuer's JWT VC issuer metadata (by `kid`, or the
 * only key). `log` collects how each JWT was checked.
 */
export function issuerVerifier(mode, {trustAnchors, now, log}) {
  return async (data, signature) => {
    const [h, p] = data.split('.');
    const header = decodeSegment(h);
    const payload = decodeSegment(p);
    const entry = {mode, typ: header.typ, alg: header.alg};
    log.push(entry);
    try {
      let keys;
      if(mode === 'x5c') {
        const {key, subject} = keyFromX5c(header.x5c, trustAnchors, now);
        entry.subject = subject;
        keys = [key];
      } else {
        const {url, keys: jwks} = await jwtVcIssuerMetadata(payload.iss);
        entry.metadata = url;
        const candidates = header.kid ? jwks.filter(k => k.kid === header.kid) : jwks;
        keys = await Promise.all(candidates.map(k => jose.importJWK(k, header.alg)));
      }
      for(const key of keys) {
        try {
          await jose.compactVerify(`${data}.${signature}`, key, {algorithms: [header.alg]});
          entry.verified = true;
          return true;
        } catch(e) {
          entry.error = describe(e);
        }
      }
      entry.verified = false;
      entry.error ??= 'no key to try';
      return false;
    } catch(e) {
      entry.verified = false;
      entry.error = describe(e);
      return false;
    }
  };
}

/** Fetches a status list token (loopback only), keeping the response's media type and caching. */
async function fetchStatusListToken(uri, seen) {
  const res = await loopbackFetch(uri, {headers: {accept: 'application/statuslist+jwt'}});
  const text = await res.text();
  seen.push({
    uri, status: res.status, contentType: res.headers.get('content-type'),
    cacheControl: res.headers.get('cache-control')
  });
  if(!res.ok) {
    throw new Error(`GET ${uri}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  }
  if(!(res.headers.get('content-type') ?? '').includes('application/statuslist+jwt')) {
    throw new Error(`GET ${uri}: content-type ${res.headers.get('content-type')}`);
  }
  return text;
}

function instance({verifier, holderKey, statuses, fetched, strictStatus = true}) {
  return new SDJwtVcInstance({
    hasher: digest, hashAlg: 'sha-256', saltGenerator: generateSalt,
    verifier,
    kbSignAlg: 'ES256',
    kbSigner: holderKey ? async data => ES256.getSigner(holderKey.privateJwk)
      .then(sign => sign(data)) : undefined,
    kbVerifier: async (data, signature, payload) => {
      const jwk = payload?.cnf?.jwk;
      if(!jwk) {
        throw new Error('the SD-JWT VC has no cnf.jwk');
      }
      return (await ES256.getVerifier(jwk))(data, signature);
    },
    statusListFetcher: uri => fetchStatusListToken(uri, fetched),
    statusValidator: async status => {
      statuses.push(status);
      if(strictStatus && status !== 0) {
        throw new Error(`status ${status} (${STATUS_LABELS[status] ?? 'unknown'}), not VALID`);
      }
    }
  });
}

/** The token's status entry read with @sd-jwt/jwt-status-list, the list token's signature checked. */
async function readStatus(payload, verifier) {
  const ref = payload.status?.status_list;
  if(!ref) {
    return {present: false};
  }
  const fetched = [];
  const out = {present: true, idx: ref.idx, uri: ref.uri, fetched};
  try {
    const token = await fetchStatusListToken(ref.uri, fetched);
    const [h, p, s] = token.split('.');
    out.header = decodeSegment(h);
    const claims = decodeSegment(p);
    out.sub = claims.sub;
    out.bits = claims.status_list?.bits;
    out.signatureVerified = await verifier(`${h}.${p}`, s);
    const list = getListFromStatusListJWT(token);
    out.value = list.getStatus(ref.idx);
    out.label = STATUS_LABELS[out.value] ?? 'unknown';
  } catch(e) {
    out.error = describe(e);
  }
  return out;
}

/**
 * Every check of one SD-JWT VC (issuance form `sdJwt`) for the holder key `holderKey`.
 * Returns a JSON report; never throws for a failed check (each failure is in the report).
 */
export async function checkSdJwtVc(sdJwt, {holderKey, trustAnchors, now = new Date()}) {
  const log = [];
  const opts = {trustAnchors, now, log};
  const report = {};
  const [jwt] = sdJwt.split('~');
  const [h, p] = jwt.split('.');
  const header = decodeSegment(h);
  const payload = decodeSegment(p);
  report.header = {typ: header.typ, alg: header.alg, kid: header.kid,
    x5cLength: header.x5c?.length ?? 0};
  report.iss = payload.iss;
  report.vct = payload.vct;
  report.sdAlg = payload._sd_alg;
  report.cnfJwk = payload.cnf?.jwk ?? null;
  report.cnfIsHolderKey = !!payload.cnf?.jwk && holderKey !== undefined &&
    await jose.calculateJwkThumbprint(payload.cnf.jwk) ===
      await jose.calculateJwkThumbprint(holderKey.publicJwk);
  const x5c = issuerVerifier('x5c', opts);
  // The library's decoding: every disclosed claim, and which ones were selectively disclosable.
  const plain = instance({verifier: x5c, statuses: [], fetched: []});
  report.claims = await plain.getClaims(sdJwt);
  report.disclosable = await plain.presentableKeys(sdJwt);
  // A presentation with every disclosure and a Key Binding JWT, verified as a verifier would:
  // issuer key by x5c, KB-JWT against cnf.jwk, status via the status list token.
  const nonce = randomBytes(16).toString('base64url');
  const aud = 'https://verifier.example/wallet-e2e';
  const statuses = [];
  const fetched = [];
  const full = instance({verifier: x5c, holderKey, statuses, fetched});
  report.library = {};
  try {
    const presentation = await full.present(sdJwt, undefined, {
      kb: {payload: {iat: Math.floor(now.getTime() / 1000), aud, nonce}}
    });
    // For a second verifier (the caller's): the presentation, its nonce and audience.
    report.presentation = {sdJwtKb: presentation, nonce, aud};
    const result = await full.verify(presentation, {keyBindingNonce: nonce,
      currentDate: Math.floor(now.getTime() / 1000)});
    report.library.verified = true;
    report.library.keyBinding = result.kb !== undefined;
    report.library.kbAud = result.kb?.payload?.aud;
  } catch(e) {
    report.library.verified = false;
    report.library.error = describe(e);
  }
  report.library.statuses = statuses;
  report.library.statusListFetches = fetched;
  // The issuer key found by JWT VC issuer metadata instead of x5c (no presentation needed; the
  // status is read, not judged: that is the check above).
  const byMetadata = instance({verifier: issuerVerifier('metadata', opts), statuses: [],
    fetched: [], strictStatus: false});
  try {
    await byMetadata.verify(sdJwt, {currentDate: Math.floor(now.getTime() / 1000)});
    report.metadataKey = {verified: true};
  } catch(e) {
    report.metadataKey = {verified: false, error: describe(e)};
  }
  report.status = await readStatus(payload, issuerVerifier(header.x5c ? 'x5c' : 'metadata', opts));
  report.signatureChecks = log;
  return report;
}
