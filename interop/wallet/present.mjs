#!/usr/bin/env node
// The independent test wallet presenting over OpenID4VP 1.0 (issue #17): resolves a presentation
// request, answers its DCQL query from the credentials `wallet.mjs receive` stored, and sends the
// response. Not this project's code: @openid4vc/openid4vp (request, JAR, client_id prefix,
// response, direct_post / direct_post.jwt), dcql (query matching), @sd-jwt/sd-jwt-vc (SD-JWT VC
// presentations with Key Binding) and the reference Data Integrity stack (@digitalbazaar/vc, via
// interop/js). See README.md.
//
// node present.mjs --request '<openid4vp:// deep link | request_uri URL>' --store <dir>
//                  [--trust-ca <pem file>] [--tamper disclosure|nonce|aud] [--select <ids,...>]
// stdout: {"status": HTTP status of the response endpoint, "body": its JSON (or text),
//          "responseMode", "clientId", "presented": {query id: [format, ...]}}
// exit: 0 sent (read "status"), 1 the request could not be resolved or answered, 2 bad usage.

import {setDefaultResultOrder} from 'node:dns';
import {readFile} from 'node:fs/promises';
import {parseArgs} from 'node:util';
import {run, UsageError} from './lib/io.mjs';
import {resolveRequest, respond} from './lib/oid4vp.mjs';
import {evaluate, loadStore, TAMPER_MODES, vpToken} from './lib/presentations.mjs';

// The verifier under test is http://localhost:<port> on 127.0.0.1 (x509_san_dns:localhost).
setDefaultResultOrder('ipv4first');

function options() {
  let parsed;
  try {
    parsed = parseArgs({options: {
      request: {type: 'string'}, store: {type: 'string'}, 'trust-ca': {type: 'string'},
      tamper: {type: 'string'}, select: {type: 'string'}
    }});
  } catch(e) {
    throw new UsageError(e.message);
  }
  const v = parsed.values;
  if(!v.request || !v.store) {
    throw new UsageError('usage: present.mjs --request <deep link | request_uri> --store <dir> ' +
      '[--trust-ca <pem>] [--tamper disclosure|nonce|aud] [--select <query ids>]');
  }
  if(v.tamper !== undefined && !TAMPER_MODES.includes(v.tamper)) {
    throw new UsageError(`--tamper must be one of ${TAMPER_MODES.join(', ')}`);
  }
  return {...v, select: v.select?.split(',').map(s => s.trim()).filter(Boolean)};
}

run(async () => {
  const opts = options();
  const trustAnchors = opts['trust-ca'] ? [await readFile(opts['trust-ca'], 'utf8')] : [];
  const {client, resolved} = await resolveRequest(opts.request, {trustAnchors});
  const request = resolved.authorizationRequestPayload;
  if(!resolved.dcql) {
    throw new Error('the request has no dcql_query (presentation_definition is not supported)');
  }
  const held = await loadStore(opts.store);
  const {selection} = await evaluate(resolved.dcql.query, held, opts.select);
  if(Object.keys(selection).length === 0) {
    throw new Error('no credential in the store matches the DCQL query');
  }
  const token = await vpToken(selection, held,
    {nonce: request.nonce, clientId: request.client_id}, opts.tamper);
  const sent = await respond(client, resolved, token);
  const presented = Object.fromEntries(Object.entries(selection).map(([id, picks]) =>
    [id, picks.map(p => held[p.index].format)]));
  process.stdout.write(JSON.stringify({
    status: sent.status, body: sent.body, responseMode: sent.responseMode,
    clientId: request.client_id, prefix: resolved.client.prefix, presented
  }) + '\n');
  return 0;
});
