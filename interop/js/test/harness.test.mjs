// Self-check of the interop harness against the reference stack's own expectations:
// `npm test` (or `node --test interop/js` from the repository root).
//
// The scripts are run as child processes, exactly as the Rust e2e test runs them.

import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {bundledTable, createDocumentLoader} from '../loader.mjs';
import {importKey} from '../io.mjs';

const JS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
// The W3C vectors and the EU samples are vendored in the repository's testdata/.
const TESTDATA = join(JS_DIR, '..', '..', 'testdata');
const VECTORS = join(TESTDATA, 'vectors', 'vc-di-eddsa', 'TestVectors');
const EDC = join(TESTDATA, 'edc', 'samples', 'elm-v3-official');

const readJson = path => {
  assert.ok(existsSync(path), `missing reference file ${path} (testdata/ is part of the repository)`);
  return JSON.parse(readFileSync(path, 'utf8'));
};

/** Runs `node <script>` with `input` (object → JSON) on stdin. */
function run(script, input, args = []) {
  const r = spawnSync(process.execPath, [join(JS_DIR, script), ...args], {
    input: typeof input === 'string' ? input : JSON.stringify(input),
    encoding: 'utf8'
  });
  return {code: r.status, stdout: r.stdout, stderr: r.stderr};
}

const vectorKey = () => {
  const kp = readJson(join(VECTORS, 'keyPair.json'));
  const did = `did:key:${kp.publicKeyMultibase}`;
  return {
    did,
    key: {
      publicKeyMultibase: kp.publicKeyMultibase,
      secretKeyMultibase: kp.privateKeyMultibase,
      controller: did,
      id: `${did}#${kp.publicKeyMultibase}`
    }
  };
};

// A fixed test key (seed 0x01..0x20) and its did:key.
const SEED_HEX = Buffer.from(Array.from({length: 32}, (_, i) => i + 1)).toString('hex');

test('the loader serves every bundled context of crates/contexts (pins checked)', async () => {
  const table = bundledTable();
  assert.ok(table.length >= 20, `only ${table.length} bundled contexts parsed`);
  const urls = table.map(e => e.url);
  for(const url of [
    'https://www.w3.org/2018/credentials/v1',
    'https://www.w3.org/ns/credentials/v2',
    'https://w3id.org/security/data-integrity/v2',
    'http://data.europa.eu/snb/model/context/edc-ap',
    'https://data.europa.eu/snb/model/context/edc-ap'
  ]) {
    assert.ok(urls.includes(url), `${url} not in the bundled! table`);
  }
  const loader = createDocumentLoader();
  for(const url of urls) {
    const {document, documentUrl} = await loader(url);
    assert.equal(documentUrl, url);
    assert.equal(typeof document['@context'], 'object', url);
  }
});

test('the loader refuses an unknown context, naming the URL', async () => {
  const loader = createDocumentLoader();
  await assert.rejects(loader('https://example.com/evil-context'),
    /Refusing to load "https:\/\/example\.com\/evil-context": not a bundled context/);
  // exact lookup: no normalisation of a bundled URL
  await assert.rejects(loader('https://www.w3.org/2018/credentials/v1/'), /Refusing to load/);
  await assert.rejects(loader('did:web:example.org'),
    /Refusing to load "did:web:example\.org": not a did:key and no DID document/);

  const doc = {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://example.com/evil-context'],
    id: 'urn:uuid:1',
    type: ['VerifiableCredential']
  };
  const r = run('canonize.mjs', doc);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /Refusing to load "https:\/\/example\.com\/evil-context"/);
});

test('canonize.mjs reproduces the W3C vector canonical document', () => {
  const r = run('canonize.mjs', readJson(join(VECTORS, 'unsigned.json')));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout,
    readFileSync(join(VECTORS, 'eddsa-rdfc-2022', 'canonDocDataInt.txt'), 'utf8'));
});

test('canonize.mjs on the EU samples (92 and 292 canonical quads)', () => {
  for(const [file, quads] of [
    ['credential-sample_ELM-3.2.jsonld', 92],
    ['Sample-MC-Annex1-unsigned.jsonld', 292]
  ]) {
    const r = run('canonize.mjs', '', [join(EDC, file)]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split('\n').filter(Boolean).length, quads, file);
    assert.ok(r.stdout.endsWith(' .\n'), file);
  }
});

test('sign.mjs reproduces the W3C alumni vector proofValue', () => {
  const {key} = vectorKey();
  const r = run('sign.mjs', {
    credential: readJson(join(VECTORS, 'unsigned.json')),
    key,
    created: '2023-02-24T23:36:38Z'
  });
  assert.equal(r.code, 0, r.stderr);
  const signed = JSON.parse(r.stdout);
  const expected = readJson(join(VECTORS, 'eddsa-rdfc-2022', 'signedDataInt.json'));
  assert.equal(signed.proof.proofValue,
    'z2YwC8z3ap7yx1nZYCg4L3j3ApHsF8kgPdSb5xoS1VR7vPG3F561B52hYnQF9iseabecm3ijx4K1FBTQsCZahKZme');
  assert.deepEqual(signed, expected);
});

test('verify.mjs verifies signedDataInt.json and rejects it tampered', () => {
  const signed = readJson(join(VECTORS, 'eddsa-rdfc-2022', 'signedDataInt.json'));
  let r = run('verify.mjs', {credential: signed, mode: 'proof'});
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {verified: true, errors: []});

  // vc.js's credential mode also demands issuer == the key's controller; the vector's issuer is
  // an https URL, so this must fail for exactly that reason.
  r = run('verify.mjs', {credential: signed});
  assert.equal(r.code, 1);
  assert.deepEqual(JSON.parse(r.stdout), {
    verified: false,
    errors: ['Credential issuer must match the verification method controller.']
  });

  const tampered = structuredClone(signed);
  tampered.credentialSubject.alumniOf = 'The School of Forgeries';
  r = run('verify.mjs', {credential: tampered, mode: 'proof'});
  assert.equal(r.code, 1);
  assert.deepEqual(JSON.parse(r.stdout), {verified: false, errors: ['Invalid signature.']});
});

test('ELM 3.2 sample: sign with a did:key issuer, verify, reject tampered', () => {
  const credential = readJson(join(EDC, 'credential-sample_ELM-3.2.jsonld'));
  const did = 'did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2';
  credential.issuer.id = did;
  const {key} = vectorKey();
  const r = run('sign.mjs', {credential, key, created: '2024-01-01T00:00:00Z'});
  assert.equal(r.code, 0, r.stderr);
  const signed = JSON.parse(r.stdout);
  assert.deepEqual(signed['@context'], [
    'https://www.w3.org/2018/credentials/v1',
    'http://data.europa.eu/snb/model/context/edc-ap',
    'https://w3id.org/security/data-integrity/v2'
  ]);
  assert.equal(signed.proof.type, 'DataIntegrityProof');
  assert.equal(signed.proof.cryptosuite, 'eddsa-rdfc-2022');
  assert.equal(signed.proof.verificationMethod, key.id);
  assert.equal(signed.proof.created, '2024-01-01T00:00:00Z');
  assert.match(signed.proof.proofValue, /^z[1-9A-HJ-NP-Za-km-z]{80,90}$/);

  // the sample expired on 2024-09-25 and has a credentialStatus no one serves
  const ok = {now: '2024-01-01T00:00:00Z', skipStatusCheck: true};
  let v = run('verify.mjs', {credential: signed, ...ok});
  assert.equal(v.code, 0, v.stdout + v.stderr);
  assert.deepEqual(JSON.parse(v.stdout), {verified: true, errors: []});

  v = run('verify.mjs', {credential: signed, skipStatusCheck: true});
  assert.equal(v.code, 1);
  assert.deepEqual(JSON.parse(v.stdout).errors, ['Credential has expired.']);

  const tampered = structuredClone(signed);
  tampered.credentialSubject.givenName = {en: 'Mallory'};
  v = run('verify.mjs', {credential: tampered, ...ok});
  assert.equal(v.code, 1);
  assert.deepEqual(JSON.parse(v.stdout), {verified: false, errors: ['Invalid signature.']});
});

test('did:web issuer: verified with its DID document passed in, refused without', async () => {
  const did = 'did:web:university.example';
  const seeded = run('sign.mjs', {
    credential: {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      type: ['VerifiableCredential'],
      issuer: did,
      validFrom: '2024-01-01T00:00:00Z',
      credentialSubject: {id: 'did:example:student'}
    },
    key: {seedHex: SEED_HEX, controller: did, id: `${did}#key-1`},
    created: '2024-01-01T00:00:00Z'
  });
  assert.equal(seeded.code, 0, seeded.stderr);
  const signed = JSON.parse(seeded.stdout);
  assert.equal(signed.proof.verificationMethod, `${did}#key-1`);

  // the public key the DID document publishes for key-1
  const {publicKeyMultibase} = await importKey({seedHex: SEED_HEX});
  const didDocument = {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did,
    verificationMethod: [{
      id: `${did}#key-1`, type: 'Multikey', controller: did, publicKeyMultibase
    }],
    assertionMethod: [`${did}#key-1`]
  };
  let v = run('verify.mjs', {credential: signed, didDocuments: [didDocument]});
  assert.equal(v.code, 0, v.stdout + v.stderr);
  assert.deepEqual(JSON.parse(v.stdout), {verified: true, errors: []});

  v = run('verify.mjs', {credential: signed});
  assert.equal(v.code, 1);
  const {verified, errors} = JSON.parse(v.stdout);
  assert.equal(verified, false);
  assert.ok(errors.some(e => e.includes(
    'Refusing to load "did:web:university.example#key-1"')), errors.join('\n'));

  // a key not listed under assertionMethod is not authorized
  v = run('verify.mjs', {
    credential: signed,
    didDocuments: [{...didDocument, assertionMethod: []}]
  });
  assert.equal(v.code, 1);
  assert.match(JSON.parse(v.stdout).errors.join('\n'), /not authorized by controller/);
});

test('usage errors exit 2', () => {
  for(const script of ['sign.mjs', 'verify.mjs', 'canonize.mjs']) {
    const r = run(script, 'not json');
    assert.equal(r.code, 2, `${script}: ${r.stderr}`);
    assert.match(r.stderr, /^usage: /);
  }
  assert.equal(run('verify.mjs', {didDocuments: []}).code, 2);
  assert.equal(run('sign.mjs', {credential: {}, key: {seedHex: 'abc'}}).code, 2);
});
