// Shared helpers of the browser tests (not a test file itself): the environment run.sh sets and
// the demo bearer tokens of the issuer.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

/** The axe-core script, injected into pages under test. */
export const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** Debian's chromium (`CHROMIUM` overrides), its flags, the artifacts directory, the repository. */
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const BROWSER_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'];
export const ARTIFACTS = process.env.BROWSER_ARTIFACTS || path.resolve('target/browser-artifacts');
export const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/** The URL in environment variable `name`, without a trailing slash (run.sh sets it). */
export function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the browser tests with bash tests/browser/run.sh`);
  return v.replace(/\/$/, '');
}

/** `university = "token"` lines of a tokens.toml file, as an object. */
export function readTokens(file) {
  const out = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = line.match(/^\s*([a-z0-9_-]+)\s*=\s*"([^"]+)"/i);
    if (m) out[m[1]] = m[2];
  }
  return out;
}
