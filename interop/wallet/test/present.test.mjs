// Self-test of present.mjs (issue #17) without the verification service: a minimal OpenID4VP 1.0
// verifier on loopback serves a request object (JAR) signed with a throwaway P-256 key whose
// certificate (SAN DNS:localhost) the DEMO CA of keys.example/ issues here with `openssl`, and
// records the responses. An SD-JWT VC issued here with @sd-jwt/sd-jwt-vc (ETH's DEMO seal key) is
// in the wallet's store. Asserted: the requested claims only are disclosed, the Key Binding JWT
// has the request's nonce and client_id and verifies against cnf.jwk, direct_post.jwt is a JWE
// the verifier's key decrypts, each --tamper mode breaks exactly its check, and a request whose
// chain does not lead to the given CA or whose client_id is not the certificate's SAN is refused.

import assert from 'node:assert/strict';
import {X509Certificate, createHash, createPrivateKey, randomBytes, sign} from 'node:crypto';
import {execFile, execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:http';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {SDJwtVcInstance} from '@sd-jwt/sd-jwt-vc';
import {ES256, digest, generateSalt} from '@sd-jwt/crypto-nodejs';
import * as jose from 'jose';
import {es256Key} from '../lib/oid4vci.mjs';

const KEYS = fileURLToPath(new URL('../../../keys.example/', import.meta.url));
const PRESENT = fileURLToPath(new URL('../present.mjs', import.meta.url));
const VCT = 'urn:eu.europa.ec.eudi:learning:credential:1';

let dir;
let server;
let port;
let jarKey;
let x5c;
let encKey;
const responses = new Map();
const requests = new Map();

/** A throwaway P-256 leaf with SAN DNS:localhost issued by the DEMO CA (openssl). */
function verifierCertificate() {
  const key = join(dir, 'verifier.key.pem');
  const csr = join(dir, 'verifier.csr');
  const cert = join(dir, 'verifier.cert.pem');
  const ext = join(dir, 'san.ext');
  writeFileSync(ext, 'subjectAltName=DNS:localhost\n');
  execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key]);
  execFileSync('openssl', ['req', '-new', '-key', key, '-subj', '/CN=localhost', '-out', csr]);
  execFileSync('openssl', ['x509', '-req', '-in', csr, '-CA', join(KEYS, 'ca/ca.cert.pem'),
    '-CAkey', join(KEYS, 'ca/ca.key.pem'), '-set_serial', '7', '-days', '2', '-sha256',
    '-extfile', ext, '-out', cert], {stdio: 'ignore'});
  return {key: createPrivateKey(readFileSync(key)),
    x5c: [new X509Certificate(readFileSync(cert)).raw.toString('base64')]};
}

async function issueSdJwtVc(holder) {
  const read = rel => readFileSync(join(KEYS, rel), 'utf8');
  const sealKey = createPrivateKey(read('eth/seal.key.pem'));
  const chain = read('eth/seal.chain.pem').match(
    /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)
    .map(p => new X509Certificate(p).raw.toString('base64'));
  const sdjwt = new SDJwtVcInstance({
    hasher: digest, hashAlg: 'sha-256', saltGenerator: generateSalt, signAlg: 'RS256',
    signer: async data => sign('sha256', Buffer.from(data), sealKey).toString('base64url')
  });
  return sdjwt.issue({
    iss: 'http://127.0.0.1:1/universities/eth', vct: VCT, iat: Math.floor(Date.now() / 1000),
    cnf: {jwk: holder.publicJwk}, given_name: 'Ada', family_name: 'Lovelace',
    achievement: {title: 'Robotics', credits: 5}
  }, {_sd: ['given_name', 'family_name', 'achievement'], achievement: {_sd: ['title', 'credits']}},
  {header: {typ: 'dc+sd-jwt', x5c: chain}});
}

/** A request object for request `id`: `{deepLink}`; options override payload members. */
async function newRequest(id, overrides = {}) {
  const base = `http://localhost:${port}`;
  const payload = {
    client_id: 'x509_san_dns:localhost', response_type: 'vp_token',
    response_mode: 'direct_post', response_uri: `${base}/response/${id}`,
    nonce: randomBytes(16).toString('base64url'), state: `state-${id}`,
    aud: 'https://self-issued.me/v2', iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 300,
    dcql_query: {credentials: [{id: 'learning', format: 'dc+sd-jwt',
      meta: {vct_values: [VCT]}, claims: [{path: ['family_name']},
        {path: ['achievement', 'title']}]}]},
    ...overrides
  };
  const jar = await new jose.SignJWT(payload)
    .setProtectedHeader({alg: 'ES256', typ: 'oauth-authz-req+jwt', x5c}).sign(jarKey);
  requests.set(id, jar);
  const params = new URLSearchParams({client_id: payload.client_id,
    request_uri: `${base}/request/${id}`});
  return {deepLink: `openid4vp://?${params}`, payload};
}

function present(args) {
  return new Promise(resolve => {
    execFile(process.execPath, [PRESENT, ...args], (error, stdout, stderr) => {
      resolve({code: error ? error.code : 0, stdout, stderr});
    });
  });
}

let holder;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'present-test-'));
  const cert = verifierCertificate();
  jarKey = cert.key;
  x5c = cert.x5c;
  encKey = await jose.generateKeyPair('ECDH-ES', {crv: 'P-256', extractable: true});
  holder = await es256Key();
  const sdJwtVc = await issueSdJwtVc(holder);
  mkdirSync(join(dir, 'store', 'one'), {recursive: true});
  writeFileSync(join(dir, 'store', 'one', 'wallet-state.json'), JSON.stringify({
    holder: holder.privateJwk,
    credentials: {learning: {format: 'dc+sd-jwt', credentials: [sdJwtVc]}}
  }));
  server = createServer((req, res) => {
    const [, kind, id] = req.url.split('/');
    if(req.method === 'GET' && kind === 'request' && requests.has(id)) {
      res.writeHead(200, {'content-type': 'application/oauth-authz-req+jwt'});
      res.end(requests.get(id));
      return;
    }
    if(req.method === 'POST' && kind === 'response') {
      const chunks = [];
      req.on('data', c => chunks.push(c));
      req.on('end', () => {
        responses.set(id, new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
        res.writeHead(200, {'content-type': 'application/json'});
        res.end(JSON.stringify({received: id}));
      });
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  port = server.address().port;
});

after(() => {
  server?.close();
  rmSync(dir, {recursive: true, force: true});
});

const trustCa = () => ['--trust-ca', join(KEYS, 'ca/ca.cert.pem')];

/** The one SD-JWT presentation of `params` (a direct_post body) and its KB-JWT payload. */
function presentationOf(params) {
  const token = JSON.parse(params.get('vp_token'));
  assert.deepEqual(Object.keys(token), ['learning']);
  assert.equal(token.learning.length, 1);
  const sdJwt = token.learning[0];
  const kb = jose.decodeJwt(sdJwt.split('~').at(-1));
  return {sdJwt, kb};
}

async function verifyKb(sdJwt, nonce) {
  const instance = new SDJwtVcInstance({hasher: digest, hashAlg: 'sha-256',
    verifier: async () => true,
    kbVerifier: async (data, sig, payload) => (await ES256.getVerifier(payload.cnf.jwk))(data, sig)});
  return instance.verify(sdJwt, {keyBindingNonce: nonce, requiredClaimKeys: []});
}

test('presents the requested claims with a Key Binding JWT over direct_post', async () => {
  const {deepLink, payload} = await newRequest('ok');
  const out = await present(['--request', deepLink, '--store', join(dir, 'store'), ...trustCa()]);
  assert.equal(out.code, 0, out.stderr);
  const report = JSON.parse(out.stdout);
  assert.equal(report.status, 200);
  assert.deepEqual(report.body, {received: 'ok'});
  assert.equal(report.prefix, 'x509_san_dns');
  assert.deepEqual(report.presented, {learning: ['dc+sd-jwt']});
  const params = responses.get('ok');
  assert.equal(params.get('state'), 'state-ok');
  const {sdJwt, kb} = presentationOf(params);
  assert.equal(kb.nonce, payload.nonce);
  assert.equal(kb.aud, 'x509_san_dns:localhost');
  const verified = await verifyKb(sdJwt, payload.nonce);
  // Only what the query asked: family_name and achievement.title (not given_name, credits).
  assert.equal(verified.payload.family_name, 'Lovelace');
  assert.equal(verified.payload.achievement.title, 'Robotics');
  assert.equal(verified.payload.given_name, undefined);
  assert.equal(verified.payload.achievement.credits, undefined);
});

test('direct_post.jwt: the response is a JWE for the verifier key in client_metadata', async () => {
  const jwk = {...await jose.exportJWK(encKey.publicKey), kid: 'enc-1', use: 'enc',
    alg: 'ECDH-ES'};
  const {deepLink, payload} = await newRequest('jwe', {response_mode: 'direct_post.jwt',
    client_metadata: {jwks: {keys: [jwk]}, encrypted_response_enc_values_supported: ['A128GCM'],
      vp_formats_supported: {'dc+sd-jwt': {}}}});
  const out = await present(['--request', deepLink, '--store', join(dir, 'store'), ...trustCa()]);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(JSON.parse(out.stdout).responseMode, 'direct_post.jwt');
  const response = responses.get('jwe').get('response');
  const {plaintext, protectedHeader} = await jose.compactDecrypt(response, encKey.privateKey);
  assert.equal(protectedHeader.alg, 'ECDH-ES');
  assert.equal(protectedHeader.enc, 'A128GCM');
  assert.equal(protectedHeader.kid, 'enc-1');
  const inner = JSON.parse(new TextDecoder().decode(plaintext));
  assert.equal(inner.state, 'state-jwe');
  const sdJwt = inner.vp_token.learning[0];
  await verifyKb(sdJwt, payload.nonce);
});

test('each --tamper mode breaks its own check', async () => {
  for(const mode of ['nonce', 'aud', 'disclosure']) {
    const {deepLink, payload} = await newRequest(`t-${mode}`);
    const out = await present(['--request', deepLink, '--store', join(dir, 'store'),
      ...trustCa(), '--tamper', mode]);
    assert.equal(out.code, 0, `${mode}: ${out.stderr}`);
    const {sdJwt, kb} = presentationOf(responses.get(`t-${mode}`));
    assert.equal(kb.nonce === payload.nonce, mode !== 'nonce', mode);
    assert.equal(kb.aud === 'x509_san_dns:localhost', mode !== 'aud', mode);
    // The KB-JWT's sd_hash covers the presentation as sent, tampered or not.
    const withoutKb = sdJwt.slice(0, sdJwt.lastIndexOf('~') + 1);
    assert.equal(kb.sd_hash, createHash('sha256').update(withoutKb).digest('base64url'));
    if(mode === 'disclosure') {
      // A disclosure whose digest is not in the issuer-signed `_sd` arrays.
      const [jwt, ...disclosures] = withoutKb.split('~').filter(Boolean);
      // Digests are in the JWT's `_sd` or, for nested claims, in a disclosed object's `_sd`.
      const signed = JSON.stringify(jose.decodeJwt(jwt)) + disclosures.map(d =>
        Buffer.from(d, 'base64url').toString('utf8')).join('');
      const digests = disclosures.map(d => createHash('sha256').update(d).digest('base64url'));
      assert.equal(digests.filter(d => !signed.includes(d)).length, 1, mode);
    }
  }
});

test('refuses a request whose chain is not under --trust-ca or whose SAN is not client_id',
  async () => {
    // ETH's seal certificate as the only trust anchor: the verifier's chain does not lead to it.
    const other = join(dir, 'other-anchor.pem');
    writeFileSync(other, readFileSync(join(KEYS, 'eth/seal.chain.pem'), 'utf8')
      .match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/)[0]);
    const {deepLink} = await newRequest('untrusted');
    const out = await present(['--request', deepLink, '--store', join(dir, 'store'),
      '--trust-ca', other]);
    assert.equal(out.code, 1);
    assert.match(out.stderr, /trust anchor/);
    const wrong = await newRequest('san', {client_id: 'x509_san_dns:verifier.example'});
    const out2 = await present(['--request', wrong.deepLink,
      '--store', join(dir, 'store'), ...trustCa()]);
    assert.equal(out2.code, 1);
    assert.match(out2.stderr, /san dns names|client identifier/i);
    assert.equal(responses.has('untrusted') || responses.has('san'), false);
  });
