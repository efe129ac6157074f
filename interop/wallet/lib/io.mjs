// Plumbing of the wallet's command line: stdin JSON, usage errors and error messages are the
// reference harness's (interop/js/io.mjs); here a loopback-only fetch and timing.

import {UsageError} from '../../js/io.mjs';

export {describe, readStdinJson, requireObject, run, UsageError} from '../../js/io.mjs';

/** `value` if it is a non-empty string, else a UsageError naming `name`. */
export function requireString(value, name) {
  if(typeof value !== 'string' || value === '') {
    throw new UsageError(`"${name}" must be a non-empty string`);
  }
  return value;
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Throws unless `url` is http(s) on a loopback host: the tests talk to nothing else. */
export function assertLoopback(url) {
  const u = new URL(url);
  if(!['http:', 'https:'].includes(u.protocol) || !LOOPBACK.has(u.hostname)) {
    throw new Error(`refusing to fetch ${url}: this test wallet talks to loopback hosts only`);
  }
}

/** `fetch`, refused for anything but loopback (see `assertLoopback`). */
export async function loopbackFetch(input, init) {
  const url = typeof input === 'string' ? input : (input instanceof URL ? input.href : input.url);
  assertLoopback(url);
  return fetch(input, init);
}

/** Fetches `url` (loopback only) and returns its JSON; throws with the status on a non-2xx. */
export async function fetchJson(url) {
  const res = await loopbackFetch(url, {headers: {accept: 'application/json'}});
  if(!res.ok) {
    throw new Error(`GET ${url}: HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`);
  }
  return res.json();
}

/** Milliseconds since `start` (a `process.hrtime.bigint()`), three decimals. */
export function msSince(start) {
  return Number((process.hrtime.bigint() - start) / 1000n) / 1000;
}

/** The median of a non-empty array of numbers. */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

