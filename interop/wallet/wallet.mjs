#!/usr/bin/env node
// A headless test wallet for the issuer's OpenID4VCI 1.0 service (issue #16), independent of the
// project's code: the OpenWallet Foundation's @openid4vc/openid4vci client does the protocol, the
// @sd-jwt libraries and the reference Data Integrity stack (interop/js) check what it receives.
// Driven by tests/tests/oid4vci_wallet.rs; see README.md.
//
// stdin: one JSON request, by "mode":
//   "receive": {"offer": deep link or credential_offer_uri URL, "txCode": PIN,
//               "wrongTxCode"?: a PIN to try first (its error is reported),
//               "checkReuse"?: true (after the token, the same code again; its error is reported),
//               "trustAnchors": [PEM], "storage": directory for the wallet's state,
//               "holder"?: private JWK of an earlier receive (same holder key; default: a new one)}
//     → every offered configuration received and checked:
//       {"offer", "metadata", "token", "negative", "holder": {"publicJwk", "didJwk"},
//        "credentials": {configuration id: {"format", "credentials": [...], "error"?}},
//        "checks": {configuration id: [report per credential]}, "timingsMs"}
//   "check": {"storage", "trustAnchors"} → the stored credentials checked again (status after a
//     revocation): {"checks": {...}}
//   "bench": {"offers": [{"offer", "txCode"}], "warmup"?: n} → each flow timed (offer → metadata →
//     token → per configuration nonce + credential), no checks: {"runs", "flowMs": [...],
//     "medianMs", "steps": {step: medianMs}}
// exit: 0 done (checks may have failed: read the report), 1 a flow failed, 2 bad request.

import {mkdir, readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {
  describe, median, readStdinJson, requireObject, requireString, run, UsageError
} from './lib/io.mjs';
import {didJwk, es256Key, importEs256, receive} from './lib/oid4vci.mjs';
import {checkSdJwtVc} from './lib/sd-jwt.mjs';
import {checkJwtVc, checkLdpVc} from './lib/w3c.mjs';

const SD_JWT_FORMATS = new Set(['dc+sd-jwt', 'vc+sd-jwt']);

async function checkOne(format, credential, ctx) {
  try {
    if(SD_JWT_FORMATS.has(format)) {
      return await checkSdJwtVc(credential, ctx);
    }
    if(format === 'ldp_vc') {
      return await checkLdpVc(credential, ctx);
    }
    if(format === 'jwt_vc_json') {
      return await checkJwtVc(credential, ctx);
    }
    return {error: `format ${format} is not checked by this wallet`};
  } catch(e) {
    return {error: describe(e)};
  }
}

async function checkAll(credentials, ctx) {
  const checks = {};
  for(const [id, {format, credentials: list}] of Object.entries(credentials)) {
    checks[id] = [];
    for(const c of list) {
      checks[id].push({format, ...await checkOne(format, c, ctx)});
    }
  }
  return checks;
}

function trustAnchorsOf(request) {
  const anchors = request.trustAnchors ?? [];
  if(!Array.isArray(anchors) || anchors.some(a => typeof a !== 'string')) {
    throw new UsageError('"trustAnchors" must be an array of PEM strings');
  }
  return anchors;
}

const STATE = 'wallet-state.json';

async function receiveMode(request) {
  const storage = requireString(request.storage, 'storage');
  // "holder" (a private JWK from an earlier receive's state): the same holder key again, e.g. for
  // the unit credentials of one learner (issue #17's stackability presentation).
  const holder = request.holder ? await importEs256(requireObject(request.holder, 'holder')) :
    await es256Key();
  const dpopKey = await es256Key();
  const flow = await receive({
    offerUri: requireString(request.offer, 'offer'),
    txCode: request.txCode, wrongTxCode: request.wrongTxCode,
    checkReuse: request.checkReuse === true, holder, dpopKey
  });
  await mkdir(storage, {recursive: true});
  // The wallet's own state (its ephemeral test holder key and the credentials), as a real wallet
  // keeps them, for the "check" mode; never printed.
  await writeFile(join(storage, STATE),
    JSON.stringify({holder: holder.privateJwk, credentials: flow.credentials}), {mode: 0o600});
  const checks = await checkAll(flow.credentials,
    {holderKey: holder, trustAnchors: trustAnchorsOf(request)});
  return {
    ...flow, holder: {publicJwk: holder.publicJwk, didJwk: didJwk(holder.publicJwk)}, checks
  };
}

async function checkMode(request) {
  const storage = requireString(request.storage, 'storage');
  const state = JSON.parse(await readFile(join(storage, STATE), 'utf8'));
  const holder = await importEs256(state.holder);
  return {checks: await checkAll(state.credentials,
    {holderKey: holder, trustAnchors: trustAnchorsOf(request)})};
}

async function benchMode(request) {
  const offers = request.offers;
  if(!Array.isArray(offers) || offers.length === 0) {
    throw new UsageError('"offers" must be a non-empty array of {"offer", "txCode"}');
  }
  const warmup = Number.isInteger(request.warmup) ? request.warmup : 0;
  const flowMs = [];
  const steps = {};
  for(const [i, o] of offers.entries()) {
    const holder = await es256Key();
    const dpopKey = await es256Key();
    const flow = await receive({offerUri: requireString(o.offer, 'offer'), txCode: o.txCode,
      holder, dpopKey});
    for(const [id, c] of Object.entries(flow.credentials)) {
      if(c.error || c.credentials.length !== 1) {
        throw new Error(`run ${i}: ${id}: ${JSON.stringify(c.error ?? c.credentials.length)}`);
      }
    }
    if(i < warmup) {
      continue;
    }
    flowMs.push(flow.timingsMs.total);
    for(const [step, ms] of Object.entries(flow.timingsMs)) {
      (steps[step] ??= []).push(ms);
    }
  }
  const medians = Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, median(v)]));
  return {runs: flowMs.length, flowMs, medianMs: median(flowMs), steps: medians};
}

run(async () => {
  const request = requireObject(await readStdinJson(), 'request');
  const modes = {receive: receiveMode, check: checkMode, bench: benchMode};
  const mode = modes[request.mode];
  if(!mode) {
    throw new UsageError('"mode" must be "receive", "check" or "bench"');
  }
  process.stdout.write(JSON.stringify(await mode(request)) + '\n');
  return 0;
});
