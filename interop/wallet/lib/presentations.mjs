// The wallet's answer to a DCQL query (OpenID4VP 1.0 §6): the credentials it holds (the store
// `wallet.mjs receive` writes), matched with the `dcql` library of the OpenWallet Foundation
// (DcqlQuery.query: format, `vct_values` / `type_values`, claim paths and values, claim sets,
// `multiple`), and one presentation per matched credential (§8.1 `vp_token`: query id → array):
//
// - `dc+sd-jwt`: the SD-JWT VC with only the requested claims disclosed and a Key Binding JWT
//   (`aud` = client_id, `nonce`, `iat`, `sd_hash`; OpenID4VP 1.0 §B.3.6) by @sd-jwt/sd-jwt-vc;
// - `ldp_vc`: a VP with a Data Integrity proof (`ecdsa-rdfc-2019`, purpose `authentication`,
//   `challenge` = nonce, `domain` = client_id; §B.1.3.2) signed by the reference stack
//   (interop/js/sign-presentation-jwk.mjs, @digitalbazaar/vc) with the holder's did:jwk;
// - `jwt_vc_json`: a `jwt_vp_json` VP JWT (`aud` = client_id, `nonce`) signed with `jose`.
//
// `tamper` makes one deliberate fault for the negative tests: `disclosure` (an SD-JWT disclosure's
// value changed, the Key Binding JWT made over the changed presentation; in an ldp_vc the first
// string claim of credentialSubject changed before the VP is signed), `nonce` (another nonce / challenge), `aud` (another audience /
// domain).

import {createHash, randomBytes} from 'node:crypto';
import {readdir, readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {SDJwtVcInstance} from '@sd-jwt/sd-jwt-vc';
import {ES256, digest, generateSalt} from '@sd-jwt/crypto-nodejs';
import {DcqlQuery} from 'dcql';
import * as jose from 'jose';
import {didJwk, importEs256} from './oid4vci.mjs';
import {runInteropJs} from './w3c.mjs';

const STATE = 'wallet-state.json';
export const TAMPER_MODES = ['disclosure', 'nonce', 'aud'];
const WRONG_AUD = 'x509_san_dns:attacker.example';

/**
 * Every credential in `dir/wallet-state.json` and `dir/<sub>/wallet-state.json` (one `receive`
 * each): `[{format, credential, holder: private JWK}]`.
 */
export async function loadStore(dir) {
  const states = [];
  const tryRead = async path => {
    try {
      states.push(JSON.parse(await readFile(path, 'utf8')));
    } catch(e) {
      if(e.code !== 'ENOENT') {
        throw new Error(`${path}: ${e.message}`);
      }
    }
  };
  await tryRead(join(dir, STATE));
  for(const entry of (await readdir(dir, {withFileTypes: true})).sort((a, b) =>
    a.name.localeCompare(b.name))) {
    if(entry.isDirectory()) {
      await tryRead(join(dir, entry.name, STATE));
    }
  }
  const out = [];
  for(const state of states) {
    for(const {format, credentials} of Object.values(state.credentials ?? {})) {
      for(const credential of credentials ?? []) {
        out.push({format, credential, holder: state.holder});
      }
    }
  }
  return out;
}

function sdJwtInstance(holderKey) {
  return new SDJwtVcInstance({
    hasher: digest, hashAlg: 'sha-256', saltGenerator: generateSalt, kbSignAlg: 'ES256',
    kbSigner: holderKey ? data => ES256.getSigner(holderKey).then(sign => sign(data)) : undefined
  });
}

function jwtVcOf(jwt) {
  const payload = jose.decodeJwt(jwt);
  return payload.vc ?? payload;
}

/** The credential as the dcql library sees it (claims from the issuer-signed data). */
async function dcqlCredential({format, credential}) {
  if(format === 'dc+sd-jwt' || format === 'vc+sd-jwt') {
    const claims = await sdJwtInstance().getClaims(credential);
    return {credential_format: format, vct: claims.vct, claims,
      cryptographic_holder_binding: true};
  }
  const vc = format === 'jwt_vc_json' ? jwtVcOf(credential) : credential;
  const type = Array.isArray(vc.type) ? vc.type : [vc.type];
  return {credential_format: format, type, claims: vc, cryptographic_holder_binding: true};
}

/**
 * The credential query ids to answer (§6.4.2): with `credential_sets`, per set the first option
 * whose every id matched (a required set without one: an error), plus the queries no set names;
 * without them, every credential query. `select` (the caller's ids) replaces this choice.
 */
function idsToAnswer(query, matched, select) {
  if(select) {
    const missing = select.filter(id => !matched.has(id));
    if(missing.length > 0) {
      throw new Error(`query ${missing.join(', ')}: no credential in the store matches it`);
    }
    return select;
  }
  if(!query.credential_sets) {
    return query.credentials.map(c => c.id).filter(id => matched.has(id));
  }
  const ids = [];
  const inSets = new Set();
  for(const [i, set] of query.credential_sets.entries()) {
    set.options.flat().forEach(id => inSets.add(id));
    const option = set.options.find(o => o.every(id => matched.has(id)));
    if(option) {
      ids.push(...option);
    } else if(set.required !== false) {
      throw new Error(`credential_sets[${i}]: no option can be answered from the store ` +
        `(options ${JSON.stringify(set.options)})`);
    }
  }
  ids.push(...query.credentials.map(c => c.id).filter(id => !inSets.has(id) && matched.has(id)));
  return [...new Set(ids)];
}

/**
 * The DCQL query evaluated over `held`: `{query, result, selection: {query id: [{index,
 * disclose}]}}`. `select`: the query ids to answer (default: see `idsToAnswer`).
 */
export async function evaluate(rawQuery, held, select) {
  const query = DcqlQuery.parse(rawQuery);
  DcqlQuery.validate(query);
  const creds = [];
  for(const h of held) {
    creds.push(await dcqlCredential(h));
  }
  const result = DcqlQuery.query(query, creds);
  const matched = new Set(Object.entries(result.credential_matches)
    .filter(([, m]) => m.success).map(([id]) => id));
  const selection = {};
  for(const id of idsToAnswer(query, matched, select)) {
    const match = result.credential_matches[id];
    const cq = query.credentials.find(c => c.id === id);
    const valid = cq?.multiple ? match.valid_credentials : match.valid_credentials.slice(0, 1);
    selection[id] = valid.map(v => ({
      index: v.input_credential_index,
      // The requested claims (the first satisfiable claim set); no claims asked: all of them.
      disclose: cq?.claims ? v.claims.valid_claim_sets?.[0]?.output ?? {} : null
    }));
  }
  return {query, result, selection};
}

/** An @sd-jwt presentation frame: `true` at each leaf of the requested claims' output. */
function frameOf(output) {
  if(Array.isArray(output)) {
    return Object.fromEntries(output.map((v, i) => [i, v !== null && typeof v === 'object' ?
      frameOf(v) : true]));
  }
  return Object.fromEntries(Object.entries(output).map(([k, v]) => [k,
    v !== null && typeof v === 'object' ? frameOf(v) : true]));
}

/** The first disclosure's value changed (re-encoded, so its digest no longer matches). */
function tamperDisclosure(sdJwt) {
  const parts = sdJwt.split('~');
  for(let i = 1; i < parts.length; ++i) {
    if(!parts[i]) {
      continue;
    }
    const disclosure = JSON.parse(Buffer.from(parts[i], 'base64url').toString('utf8'));
    if(disclosure.length === 3 && typeof disclosure[2] !== 'object') {
      disclosure[2] = typeof disclosure[2] === 'string' ? `${disclosure[2]} (changed)` : 99999;
      parts[i] = Buffer.from(JSON.stringify(disclosure)).toString('base64url');
      return {sdJwt: parts.join('~'), claim: disclosure[1]};
    }
  }
  throw new Error('--tamper disclosure: the presentation has no disclosed plain claim');
}

/** A Key Binding JWT (SD-JWT §4.3) over `sdJwt` (ending in `~`), signed with `holder`. */
async function keyBindingJwt(sdJwt, holder, {aud, nonce}) {
  const sdHash = createHash('sha256').update(sdJwt).digest('base64url');
  const key = await jose.importJWK(holder, 'ES256');
  return new jose.SignJWT({iat: Math.floor(Date.now() / 1000), aud, nonce, sd_hash: sdHash})
    .setProtectedHeader({alg: 'ES256', typ: 'kb+jwt'}).sign(key);
}

async function presentSdJwt({credential, holder}, disclose, binding, tamper) {
  const frame = disclose === null ? undefined : frameOf(disclose);
  const instance = sdJwtInstance(holder);
  if(tamper !== 'disclosure') {
    return instance.present(credential, frame, {kb: {payload: {
      iat: Math.floor(Date.now() / 1000), aud: binding.aud, nonce: binding.nonce
    }}});
  }
  // Disclosures selected by the library, then one changed; the KB-JWT is made over the changed
  // presentation, so only the disclosure digest check can find the fault.
  const plain = await instance.present(credential, frame);
  const {sdJwt} = tamperDisclosure(plain);
  return sdJwt + await keyBindingJwt(sdJwt, holder, binding);
}

/** Changes the first string claim (not `id`, `type`, `@`-keywords) below `node`; found? */
function changeFirstString(node) {
  if(Array.isArray(node)) {
    return node.some(changeFirstString);
  }
  if(node === null || typeof node !== 'object') {
    return false;
  }
  for(const [k, v] of Object.entries(node)) {
    if(k === 'id' || k === 'type' || k.startsWith('@')) {
      continue;
    }
    if(typeof v === 'string') {
      node[k] = `${v} (changed)`;
      return true;
    }
    if(changeFirstString(v)) {
      return true;
    }
  }
  return false;
}

async function presentLdp({credential, holder}, binding, tamper) {
  const vc = structuredClone(credential);
  if(tamper === 'disclosure' && !changeFirstString(vc.credentialSubject)) {
    throw new Error('--tamper disclosure: the credentialSubject has no claim to change');
  }
  const {code, output, stderr} = await runInteropJs('sign-presentation-jwk.mjs', {
    credentials: [vc], jwk: holder, challenge: binding.nonce, domain: binding.aud
  });
  if(code !== 0 || !output) {
    throw new Error(`sign-presentation-jwk.mjs failed (${code}): ${stderr.slice(0, 500)}`);
  }
  return output;
}

async function presentJwtVc({credential, holder}, binding) {
  const {d: _d, ...publicJwk} = holder;
  const iss = didJwk({kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x, y: publicJwk.y});
  const key = (await importEs256(holder)).privateKey;
  return new jose.SignJWT({
    iss, aud: binding.aud, nonce: binding.nonce, iat: Math.floor(Date.now() / 1000),
    vp: {'@context': ['https://www.w3.org/2018/credentials/v1'],
      type: ['VerifiablePresentation'], holder: iss, verifiableCredential: [credential]}
  }).setProtectedHeader({alg: 'ES256', typ: 'JWT', kid: `${iss}#0`}).sign(key);
}

/** One presentation of `held` for the request (`nonce`, `clientId`), possibly tampered. */
export async function presentation(held, disclose, {nonce, clientId}, tamper) {
  const binding = {
    nonce: tamper === 'nonce' ? randomBytes(16).toString('base64url') : nonce,
    aud: tamper === 'aud' ? WRONG_AUD : clientId
  };
  switch(held.format) {
  case 'dc+sd-jwt':
  case 'vc+sd-jwt':
    return presentSdJwt(held, disclose, binding, tamper);
  case 'ldp_vc':
    return presentLdp(held, binding, tamper);
  case 'jwt_vc_json':
    return presentJwtVc(held, binding);
  default:
    throw new Error(`format ${held.format} cannot be presented by this wallet`);
  }
}

/** The `vp_token` (query id → presentations) for `selection` from `evaluate`. */
export async function vpToken(selection, held, request, tamper) {
  const token = {};
  for(const [id, picks] of Object.entries(selection)) {
    token[id] = [];
    for(const {index, disclose} of picks) {
      token[id].push(await presentation(held[index], disclose, request, tamper));
    }
  }
  return token;
}
