// Shared plumbing of the command-line scripts: stdin JSON, usage errors, key import.

import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';

/** A bad request (exit code 2). */
export class UsageError extends Error {}

/** Reads all of stdin and parses it as JSON (UsageError when empty or not JSON). */
export async function readStdinJson() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if(text.trim() === '') {
    throw new UsageError('expected a JSON request on stdin, got nothing');
  }
  try {
    return JSON.parse(text);
  } catch(e) {
    throw new UsageError(`stdin is not valid JSON: ${e.message}`);
  }
}

export function requireObject(value, name) {
  if(!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`"${name}" must be a JSON object`);
  }
  return value;
}

/**
 * Imports an Ed25519 Multikey key pair from a request's `key`:
 * `{seedHex}` (32-byte seed, hex) or `{publicKeyMultibase, secretKeyMultibase}`, plus optional
 * `controller` (DID) and `id` (verification method URL). Without them, the key's did:key and
 * `did:key:z…#z…` are used.
 */
export async function importKey(key) {
  requireObject(key, 'key');
  let pair;
  if(typeof key.seedHex === 'string') {
    if(!/^[0-9a-fA-F]{64}$/.test(key.seedHex)) {
      throw new UsageError('"key.seedHex" must be 64 hex digits (a 32-byte Ed25519 seed)');
    }
    pair = await Ed25519Multikey.generate({seed: Buffer.from(key.seedHex, 'hex')});
  } else if(typeof key.publicKeyMultibase === 'string' &&
    typeof key.secretKeyMultibase === 'string') {
    pair = await Ed25519Multikey.from({
      type: 'Multikey',
      publicKeyMultibase: key.publicKeyMultibase,
      secretKeyMultibase: key.secretKeyMultibase
    });
  } else {
    throw new UsageError(
      '"key" needs "seedHex" or "publicKeyMultibase" + "secretKeyMultibase"');
  }
  const controller = key.controller ?? `did:key:${pair.publicKeyMultibase}`;
  const id = key.id ?? `${controller}#${pair.publicKeyMultibase}`;
  return Ed25519Multikey.from({
    type: 'Multikey',
    id,
    controller,
    publicKeyMultibase: pair.publicKeyMultibase,
    secretKeyMultibase: pair.secretKeyMultibase
  });
}

/** An error's message followed by its causes (jsonld.js keeps the loader's error in details.cause). */
export function describe(e) {
  const parts = [];
  const seen = new Set();
  while(e && !seen.has(e)) {
    seen.add(e);
    const msg = e.message ?? String(e);
    if(!parts.includes(msg)) {
      parts.push(msg);
    }
    e = e.details?.cause ?? e.cause;
  }
  return parts.join(' <- caused by: ');
}

/** Flattens jsonld-signatures / vc.js errors into readable messages. */
export function errorMessages(error) {
  const out = [];
  const walk = e => {
    if(!e) {
      return;
    }
    if(Array.isArray(e)) {
      e.forEach(walk);
      return;
    }
    if(Array.isArray(e.errors) && e.errors.length > 0) {
      if(e.message && !/^Verification error\(s\)\.?$/.test(e.message)) {
        out.push(e.message);
      }
      e.errors.forEach(walk);
      return;
    }
    out.push(describe(e));
  };
  walk(error);
  return [...new Set(out)];
}

/** Runs `main`, mapping UsageError to exit 2 and any other error to exit 1 (message on stderr). */
export async function run(main) {
  try {
    process.exitCode = await main();
  } catch(e) {
    process.stderr.write(`${e instanceof UsageError ? 'usage' : 'error'}: ${describe(e)}\n`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  }
}
