// The wallet's checks of the two W3C forms. The ldp_vc (EDC JSON-LD, Data Integrity
// eddsa-rdfc-2022) goes to the project's reference JavaScript stack, unchanged, as a child process:
// `interop/js/verify.mjs` (@digitalbazaar/vc) for the proof and `interop/js/status.mjs`
// (@digitalbazaar/vc-bitstring-status-list) for its Bitstring Status List entry, with the issuer's
// did:web document and the status list credentials fetched here. The jwt_vc_json is checked with
// `jose` against the same DID document. Both: holder binding (credentialSubject.id is the holder's
// did:jwk).

import {spawn} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import * as jose from 'jose';
import {describe, fetchJson} from './io.mjs';

const INTEROP_JS = fileURLToPath(new URL('../../js/', import.meta.url));

/** Runs `node interop/js/<script>` with `request` on stdin: `{code, output (JSON), stderr}`. */
export function runInteropJs(script, request) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [INTEROP_JS + script], {cwd: INTEROP_JS});
    const out = [];
    const err = [];
    child.stdout.on('data', d => out.push(d));
    child.stderr.on('data', d => err.push(d));
    child.on('error', reject);
    child.on('close', code => {
      const text = Buffer.concat(out).toString('utf8');
      let output = null;
      try {
        output = JSON.parse(text);
      } catch {
        output = null;
      }
      resolve({code, output, stderr: Buffer.concat(err).toString('utf8')});
    });
    child.stdin.end(JSON.stringify(request));
  });
}

/** The URL of a did:web DID's document; http only for loopback hosts (the test's issuer). */
export function didWebUrl(did) {
  const parts = did.split(':');
  if(parts[0] !== 'did' || parts[1] !== 'web' || parts.length < 3) {
    throw new Error(`${did} is not a did:web DID`);
  }
  const host = decodeURIComponent(parts[2]);
  const path = parts.length > 3 ? parts.slice(3).map(decodeURIComponent).join('/') :
    '.well-known';
  const scheme = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host) ? 'http' : 'https';
  return `${scheme}://${host}/${path}/did.json`;
}

function issuerId(credential) {
  return typeof credential.issuer === 'object' ? credential.issuer?.id : credential.issuer;
}

function subjectIds(credential) {
  const cs = credential.credentialSubject;
  return (Array.isArray(cs) ? cs : [cs]).map(s => s?.id).filter(Boolean);
}

/** The public JWK inside a did:jwk DID (null when `did` is not one). */
export function jwkOfDidJwk(did) {
  if(typeof did !== 'string' || !did.startsWith('did:jwk:')) {
    return null;
  }
  try {
    return JSON.parse(Buffer.from(did.slice(8).split('#')[0], 'base64url').toString('utf8'));
  } catch {
    return null;
  }
}

/** Does the credential's subject name the holder key (its did:jwk, compared by thumbprint)? */
async function boundToHolder(credential, holderKey) {
  const want = await jose.calculateJwkThumbprint(holderKey.publicJwk);
  for(const id of subjectIds(credential)) {
    const jwk = jwkOfDidJwk(id);
    if(jwk && await jose.calculateJwkThumbprint(jwk) === want) {
      return {bound: true, subjectId: id};
    }
  }
  return {bound: false, subjectIds: subjectIds(credential)};
}

function statusEntries(credential) {
  const cs = credential.credentialStatus;
  return Array.isArray(cs) ? cs : (cs ? [cs] : []);
}

/** The Bitstring Status List entries of an ldp_vc, read by interop/js/status.mjs. */
export async function ldpStatus(credential, didDocuments) {
  const statusLists = {};
  for(const e of statusEntries(credential)) {
    statusLists[e.statusListCredential] = await fetchJson(e.statusListCredential);
  }
  const run = await runInteropJs('status.mjs', {credential, statusLists, didDocuments});
  return {code: run.code, ...(run.output ?? {}), stderr: run.stderr || undefined};
}

/** Every check of the ldp_vc: reference proof verification, status, holder binding. */
export async function checkLdpVc(credential, {holderKey}) {
  const report = {issuer: issuerId(credential)};
  try {
    const didDocuments = [await fetchJson(didWebUrl(report.issuer))];
    const run = await runInteropJs('verify.mjs',
      {credential, didDocuments, skipStatusCheck: true});
    report.reference = {code: run.code, ...(run.output ?? {}), stderr: run.stderr || undefined};
    report.status = await ldpStatus(credential, didDocuments);
  } catch(e) {
    report.error = describe(e);
  }
  report.holder = await boundToHolder(credential, holderKey);
  return report;
}

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function base58btc(text) {
  let n = 0n;
  for(const c of text) {
    const v = B58.indexOf(c);
    if(v < 0) {
      throw new Error('not base58btc');
    }
    n = n * 58n + BigInt(v);
  }
  const bytes = [];
  while(n > 0n) {
    bytes.unshift(Number(n % 256n));
    n /= 256n;
  }
  for(const c of text) {
    if(c !== '1') {
      break;
    }
    bytes.unshift(0);
  }
  return Buffer.from(bytes);
}

/** A verification method's public key for jose (Ed25519 Multikey or a publicKeyJwk). */
async function methodKey(method, alg) {
  if(method.publicKeyJwk) {
    return jose.importJWK(method.publicKeyJwk, alg);
  }
  const mb = method.publicKeyMultibase ?? '';
  const raw = mb.startsWith('z') ? base58btc(mb.slice(1)) : Buffer.alloc(0);
  if(raw.length === 34 && raw[0] === 0xed && raw[1] === 0x01) {
    return jose.importJWK({kty: 'OKP', crv: 'Ed25519', x: raw.subarray(2).toString('base64url')},
      'EdDSA');
  }
  throw new Error(`verification method ${method.id}: no Ed25519 Multikey or publicKeyJwk`);
}

/** The jwt_vc_json: signature by the `kid` of the issuer's did:web document, holder binding. */
export async function checkJwtVc(jwt, {holderKey}) {
  const report = {};
  try {
    const header = jose.decodeProtectedHeader(jwt);
    const payload = jose.decodeJwt(jwt);
    const credential = payload.vc ?? payload;
    report.typ = header.typ;
    report.kid = header.kid;
    report.issuer = issuerId(credential) ?? payload.iss;
    const doc = await fetchJson(didWebUrl(report.issuer));
    const method = (doc.verificationMethod ?? []).find(m =>
      m.id === header.kid || `${doc.id}${m.id}` === header.kid);
    if(!method) {
      throw new Error(`kid ${header.kid} is not in ${doc.id}'s DID document`);
    }
    await jose.compactVerify(jwt, await methodKey(method, header.alg),
      {algorithms: [header.alg]});
    report.verified = true;
    report.holder = await boundToHolder(credential, holderKey);
  } catch(e) {
    report.verified = false;
    report.error = describe(e);
  }
  return report;
}
