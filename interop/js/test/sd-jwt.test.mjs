// Self-check of the SD-JWT VC scripts (issue #16): what `sd-jwt-issue.mjs` issues and presents,
// `sd-jwt-verify.mjs` verifies, and it refuses a changed Disclosure, another nonce and a wrong
// audience. The Rust side of the interop (status included) is tests/tests/sd_jwt_js.rs.

import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {generateKeyPairSync} from 'node:crypto';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const JS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(script, input) {
  const r = spawnSync(process.execPath, [join(JS_DIR, script)], {
    input: JSON.stringify(input),
    encoding: 'utf8'
  });
  return {code: r.status, out: r.stdout ? JSON.parse(r.stdout) : null, stderr: r.stderr};
}

const issuer = generateKeyPairSync('ec', {namedCurve: 'P-256'});
const holder = generateKeyPairSync('ed25519');
const NOW = 1_764_417_600;

function issued() {
  const r = run('sd-jwt-issue.mjs', {
    claims: {
      iss: 'https://uni.example/universities/eth', vct: 'urn:eu.europa.ec.eudi:learning:credential:1',
      iat: NOW - 60, exp: NOW + 3600, given_name: 'Ada', family_name: 'Lovelace',
      cnf: {jwk: holder.publicKey.export({format: 'jwk'})}
    },
    disclosable: ['given_name', 'family_name'],
    alg: 'ES256',
    privateKey: issuer.privateKey.export({type: 'pkcs8', format: 'pem'}),
    present: {
      disclose: ['family_name'],
      kb: {aud: 'https://verifier.example', nonce: 'n1', iat: NOW, alg: 'EdDSA',
        privateKey: holder.privateKey.export({type: 'pkcs8', format: 'pem'})}
    }
  });
  assert.equal(r.code, 0, r.stderr);
  return r.out;
}

const verify = (sdJwt, kb = {nonce: 'n1', aud: 'https://verifier.example'}) => run('sd-jwt-verify.mjs', {
  sdJwt, issuerJwk: issuer.publicKey.export({format: 'jwk'}), now: NOW, kb
});

test('an issued and presented SD-JWT VC verifies, with only the disclosed claims', () => {
  const {sdJwt, presentation} = issued();
  assert.equal(sdJwt.split('~').length, 4, 'JWT, two Disclosures, empty end');
  const r = verify(presentation);
  assert.equal(r.code, 0, JSON.stringify(r.out));
  assert.equal(r.out.payload.family_name, 'Lovelace');
  assert.equal(r.out.payload.given_name, undefined);
  assert.equal(r.out.kb.nonce, 'n1');
});

test('a changed Disclosure, another nonce or audience is refused', () => {
  const {presentation} = issued();
  const parts = presentation.split('~');
  parts[1] = Buffer.from(JSON.stringify(['c2FsdA', 'family_name', 'Byron'])).toString('base64url');
  assert.equal(verify(parts.join('~')).code, 1);
  assert.equal(verify(presentation, {nonce: 'other', aud: 'https://verifier.example'}).code, 1);
  const wrongAud = verify(presentation, {nonce: 'n1', aud: 'https://elsewhere.example'});
  assert.equal(wrongAud.code, 1);
  assert.match(wrongAud.out.error, /aud/);
});

test('a bad request is a usage error', () => {
  assert.equal(run('sd-jwt-verify.mjs', {sdJwt: 42}).code, 2);
  assert.equal(run('sd-jwt-issue.mjs', {claims: {}, alg: 'ES256'}).code, 2);
});
