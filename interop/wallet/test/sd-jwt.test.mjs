// Self-test of the wallet's SD-JWT VC checks (lib/sd-jwt.mjs) without the issuer service: an
// SD-JWT VC and a Token Status List token issued here with @sd-jwt/sd-jwt-vc and
// @sd-jwt/jwt-status-list, signed with ETH's DEMO seal key (keys.example/, RS256, x5c = its chain
// up to the DEMO seal CA), served with the JWT VC issuer metadata from a loopback HTTP server. The
// checks must accept it, report VALID then INVALID after the list changes, and refuse a chain
// without the trust anchor, another holder's key binding and a changed disclosure.

import assert from 'node:assert/strict';
import {X509Certificate, createPrivateKey, sign} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {createServer} from 'node:http';
import {after, before, test} from 'node:test';
import {SDJwtVcInstance} from '@sd-jwt/sd-jwt-vc';
import {digest, generateSalt} from '@sd-jwt/crypto-nodejs';
import {StatusList, createHeaderAndPayload} from '@sd-jwt/jwt-status-list';
import * as jose from 'jose';
import {checkSdJwtVc} from '../lib/sd-jwt.mjs';
import {es256Key} from '../lib/oid4vci.mjs';

const KEYS = new URL('../../../keys.example/', import.meta.url);
const read = rel => readFileSync(new URL(rel, KEYS), 'utf8');
const sealKey = createPrivateKey(read('eth/seal.key.pem'));
const chainPem = read('eth/seal.chain.pem').match(
  /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g);
const x5c = chainPem.map(p => new X509Certificate(p).raw.toString('base64'));
const caPem = read('ca/ca.cert.pem');
const kid = 'seal-1';

let server;
let base;
const list = new StatusList(new Array(64).fill(0), 2);

async function statusListToken() {
  const {header, payload} = createHeaderAndPayload(list,
    {iss: `${base}/universities/eth`, sub: `${base}/status/1`, iat: 1767225600},
    {alg: 'RS256', typ: 'statuslist+jwt', x5c});
  return new jose.CompactSign(Buffer.from(JSON.stringify(payload)))
    .setProtectedHeader(header).sign(sealKey);
}

before(async () => {
  const publicJwk = {...await jose.exportJWK(new X509Certificate(chainPem[0]).publicKey), kid};
  server = createServer(async (req, res) => {
    if(req.url === '/status/1') {
      res.writeHead(200, {'content-type': 'application/statuslist+jwt',
        'cache-control': 'max-age=60'});
      res.end(await statusListToken());
    } else if(req.url === '/.well-known/jwt-vc-issuer/universities/eth') {
      res.writeHead(200, {'content-type': 'application/json'});
      res.end(JSON.stringify({issuer: `${base}/universities/eth`, jwks: {keys: [publicJwk]}}));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => server.close());

async function issue(holder) {
  // @sd-jwt signs "header.payload" with the configured signer: RS256 with the seal key.
  const issuer = new SDJwtVcInstance({
    hasher: digest, hashAlg: 'sha-256', saltGenerator: generateSalt, signAlg: 'RS256',
    signer: async data => sign('sha256', Buffer.from(data), sealKey).toString('base64url')
  });
  return issuer.issue({
    iss: `${base}/universities/eth`, iat: 1767225600,
    vct: 'urn:eu.europa.ec.eudi:learning:credential:1',
    cnf: {jwk: holder.publicJwk}, status: {status_list: {idx: 5, uri: `${base}/status/1`}},
    given_name: 'Lukas', family_name: 'Meier', grade: '5.5'
  }, {_sd: ['grade', 'given_name']}, {header: {typ: 'dc+sd-jwt', x5c, kid}});
}

test('a valid SD-JWT VC: x5c and issuer metadata keys, key binding, status VALID then INVALID',
  async () => {
    const holder = await es256Key();
    const sdJwt = await issue(holder);
    const ok = await checkSdJwtVc(sdJwt, {holderKey: holder, trustAnchors: [caPem]});
    assert.equal(ok.library.verified, true, JSON.stringify(ok));
    assert.equal(ok.library.keyBinding, true);
    assert.deepEqual(ok.library.statuses, [0]);
    assert.equal(ok.metadataKey.verified, true, JSON.stringify(ok.metadataKey));
    assert.equal(ok.cnfIsHolderKey, true);
    assert.deepEqual(ok.disclosable, ['given_name', 'grade']);
    assert.equal(ok.claims.grade, '5.5');
    assert.equal(ok.status.label, 'VALID');
    assert.equal(ok.status.signatureVerified, true);
    assert.equal(ok.status.fetched[0].cacheControl, 'max-age=60');

    list.setStatus(5, 1);
    const revoked = await checkSdJwtVc(sdJwt, {holderKey: holder, trustAnchors: [caPem]});
    list.setStatus(5, 0);
    assert.equal(revoked.library.verified, false);
    assert.deepEqual(revoked.library.statuses, [1]);
    assert.match(revoked.library.error, /INVALID/);
    assert.equal(revoked.status.label, 'INVALID');
  });

test('refused: no trust anchor, another holder; a changed disclosure is not read', async () => {
  const holder = await es256Key();
  const sdJwt = await issue(holder);
  const untrusted = await checkSdJwtVc(sdJwt, {holderKey: holder, trustAnchors: []});
  assert.equal(untrusted.library.verified, false);
  assert.match(JSON.stringify(untrusted.signatureChecks), /does not lead to a trust anchor/);

  const other = await es256Key();
  const stolen = await checkSdJwtVc(sdJwt, {holderKey: other, trustAnchors: [caPem]});
  assert.equal(stolen.cnfIsHolderKey, false);
  assert.equal(stolen.library.verified, false, 'a KB-JWT by another key must fail');

  const parts = sdJwt.split('~');
  const [salt, name] = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
  parts[1] = Buffer.from(JSON.stringify([salt, name, 'changed'])).toString('base64url');
  const changed = await checkSdJwtVc(parts.join('~'), {holderKey: holder, trustAnchors: [caPem]});
  // Its digest is in no `_sd`: the claim is gone, never read with the changed value.
  assert.equal(changed.claims[name], undefined, JSON.stringify(changed.claims));
  assert.ok(!changed.disclosable.includes(name));
});
