// Self-check of sign-suite.mjs (issue #15 point 6): each suite's output verifies with the
// reference library that made it (jsonld-signatures + the suite, bundled contexts only), a changed
// claim does not, and a bad request exits 2. The Rust side is tests/tests/js_legacy_suites.rs.

import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import jsigs from 'jsonld-signatures';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as ecdsaRdfc2019} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {createDocumentLoader} from '../loader.mjs';

const JS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const TESTDATA = join(JS_DIR, '..', '..', 'testdata', 'vectors');
const readJson = path => JSON.parse(readFileSync(path, 'utf8'));

function sign(request) {
  const r = spawnSync(process.execPath, [join(JS_DIR, 'sign-suite.mjs')], {
    input: JSON.stringify(request),
    encoding: 'utf8'
  });
  return {code: r.status, stdout: r.stdout, stderr: r.stderr};
}

const {purposes: {AssertionProofPurpose}} = jsigs;

async function jsVerify(document, suite, documentLoader = createDocumentLoader()) {
  return jsigs.verify(document, {suite, purpose: new AssertionProofPurpose(), documentLoader});
}

/** The harness loader plus the did:key DID document of one P-256 Multikey (the harness's
 * did:key driver is Ed25519 only). */
function p256Loader(publicKeyMultibase) {
  const base = createDocumentLoader();
  const did = `did:key:${publicKeyMultibase}`;
  const method = {id: `${did}#${publicKeyMultibase}`, type: 'Multikey', controller: did,
    publicKeyMultibase};
  const didDocument = {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did, verificationMethod: [method], assertionMethod: [method.id]
  };
  const done = document => ({contextUrl: null, documentUrl: null, document});
  return async url => {
    if(url === did) {
      return done(didDocument);
    }
    if(url === method.id) {
      return done({'@context': 'https://w3id.org/security/multikey/v1', ...method});
    }
    return base(url);
  };
}

const alumni = () => readJson(join(TESTDATA, 'vc-di-eddsa', 'TestVectors', 'unsigned.json'));

test('Ed25519Signature2020: signed, verifies with the reference suite, tampered fails', async () => {
  const r = sign({
    credential: alumni(), suite: 'Ed25519Signature2020',
    key: {seedHex: '01'.repeat(32)}, created: '2025-06-01T12:00:00Z'
  });
  assert.equal(r.code, 0, r.stderr);
  const signed = JSON.parse(r.stdout);
  assert.equal(signed.proof.type, 'Ed25519Signature2020');
  assert.ok(signed['@context'].includes('https://w3id.org/security/suites/ed25519-2020/v1'));
  const ok = await jsVerify(signed, new Ed25519Signature2020());
  assert.equal(ok.verified, true, JSON.stringify(ok.error));
  signed.credentialSubject.alumniOf = 'The School of Forgeries';
  const bad = await jsVerify(signed, new Ed25519Signature2020());
  assert.equal(bad.verified, false);
});

test('ecdsa-rdfc-2019: signed with the P-256 vector key, verifies with the reference suite, tampered fails', async () => {
  const key = readJson(join(TESTDATA, 'vc-di-ecdsa', 'TestVectors', 'p256KeyPair.json'));
  const r = sign({
    credential: alumni(), suite: 'ecdsa-rdfc-2019', key, created: '2025-06-01T12:00:00Z'
  });
  assert.equal(r.code, 0, r.stderr);
  const signed = JSON.parse(r.stdout);
  assert.equal(signed.proof.type, 'DataIntegrityProof');
  assert.equal(signed.proof.cryptosuite, 'ecdsa-rdfc-2019');
  assert.equal(signed.proof.verificationMethod,
    `did:key:${key.publicKeyMultibase}#${key.publicKeyMultibase}`);
  const suite = () => new DataIntegrityProof({cryptosuite: ecdsaRdfc2019});
  const loader = p256Loader(key.publicKeyMultibase);
  const ok = await jsVerify(signed, suite(), loader);
  assert.equal(ok.verified, true, JSON.stringify(ok.error));
  signed.credentialSubject.alumniOf = 'The School of Forgeries';
  const bad = await jsVerify(signed, suite(), loader);
  assert.equal(bad.verified, false);
});

test('sign-suite.mjs refuses an unknown suite and a missing key with exit 2', () => {
  const unknown = sign({credential: alumni(), suite: 'RsaSignature2018', key: {}});
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.match(unknown.stderr, /"suite" must be/);
  const noKey = sign({credential: alumni(), suite: 'ecdsa-rdfc-2019', key: {}});
  assert.equal(noKey.code, 2, noKey.stderr);
  assert.match(noKey.stderr, /publicKeyMultibase/);
});
