// Acceptance of issue #7 in headless Chromium (Debian's `chromium`, driven by playwright-core),
// against the real `issuer serve` and `verifier serve` that tests/browser/run.sh starts
// (ISSUER_URL, VERIFIER_URL, ISSUER_TOKENS_FILE, BROWSER_ARTIFACTS, CHROMIUM):
// - the learner's page behind a real share link (desktop and 360×740 phone), its PDF download,
//   keyboard skip link, no horizontal scrolling on the phone;
// - the credential's QR link (the verification URL the learner's page links to; the same URL the
//   QR codes encode) opens the employer's verification page: verdict valid/genuine; the same for a
//   revoked credential (invalid/revoked), also with JavaScript switched off;
// - the upload page: a tampered credential file set on the file input and submitted → invalid/forged;
//   the genuine file → valid; a tampered credential pasted → invalid/forged;
// - axe-core on the learner's page, the verification page and the upload page: no violation of
//   any impact (minor and moderate included);
// - a screenshot of every page in BROWSER_ARTIFACTS;
// - issue #13: the learner's page, the verification page and the upload page send a
//   Content-Security-Policy (no script, hashed styles, frame-ancestors 'none') and work under it in
//   a context that enforces it: styles and the QR image apply, the upload form posts, no CSP
//   violation is reported, and the learner's page refuses to be framed.
// - issue #14: the JAdES file of a credential sealed by a university this verifier does not know
//   (run.sh leaves `eth` out of the verifier's registry), uploaded: the page says who sealed it and
//   that this service does not know them, and says neither "genuine" nor "not genuine".
// - issue #16: the learner's page's "Add to your EU wallet" form, without JavaScript: the answer
//   shows the QR code (inline SVG) of the `openid-credential-offer://` deep link, the link and the
//   6-digit PIN, which the learner's page never shows again; axe-core on that page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { need, readTokens } from './support.mjs';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const ISSUER = need('ISSUER_URL');
const VERIFIER = need('VERIFIER_URL');
const ARTIFACTS = process.env.BROWSER_ARTIFACTS || path.resolve('target/browser-artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const TOKENS = readTokens(process.env.ISSUER_TOKENS_FILE || path.join(REPO, 'keys.example/tokens.toml'));
const PHONE = { width: 360, height: 740 };

function example(file) {
  return JSON.parse(fs.readFileSync(path.join(REPO, 'examples/awards', file), 'utf8'));
}

/** Issues an award through the API (no images: the service renders the page images). */
async function issue(file) {
  const award = example(file);
  const res = await fetch(`${ISSUER}/awards`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKENS[award.awardingUniversity]}`, 'content-type': 'application/json' },
    body: JSON.stringify({ award }),
  });
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  return { ...body, university: award.awardingUniversity, learner: award.learner };
}

/** The verification URL of the contract: {verifier_url}/verify?credential={share URL}. */
function verificationUrl(shareUrl) {
  return `${VERIFIER}/verify?credential=${encodeURIComponent(shareUrl)}`;
}

let browser;
let desktop;
let phone;
let noScript;
let strict;
let genuine;
let revoked;

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
  });
  // bypassCSP: axe-core is injected into pages whose CSP forbids scripts.
  desktop = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true, acceptDownloads: true });
  phone = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true, bypassCSP: true });
  noScript = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
  // Enforces the pages' CSP (issue #13).
  strict = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  genuine = await issue('micro-credential-academic-course.json');
  revoked = await issue('certificate-of-completion.json');
  const res = await fetch(`${ISSUER}/credentials/status`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKENS[revoked.university]}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      credentialId: revoked.id,
      credentialStatus: [{ type: 'BitstringStatusListEntry', status: 'revoked' }],
      reason: 'browser test',
    }),
  });
  assert.equal(res.status, 200, await res.text());
});

after(async () => {
  await browser?.close();
});

async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** axe-core in the page; fails on any violation, of every impact. */
async function axe(page, name) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
  fs.writeFileSync(path.join(ARTIFACTS, `axe-${name}.json`), JSON.stringify(result, null, 2));
  assert.deepEqual(result, [], `${name}: axe-core violations (any impact)`);
}

async function verdict(page) {
  const h = page.locator('#verdict');
  await h.waitFor();
  return {
    verdict: await h.getAttribute('data-verdict'),
    reason: await h.getAttribute('data-reason'),
    text: (await h.innerText()).trim(),
    lang: await page.locator('html').getAttribute('lang'),
  };
}

/** Waits for the response of the upload form's POST. */
function posted(page) {
  return page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith('/upload'));
}

async function noHorizontalScroll(page, name) {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(scroll <= client + 1, `${name}: page is ${scroll}px wide on a ${client}px screen`);
}

test('learner page behind the share link: certificate, downloads, QR, Europass, phone', async () => {
  const page = await desktop.newPage();
  const res = await page.goto(genuine.shareUrl);
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-type'], /^text\/html/);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.match(await page.locator('h1#page-title').innerText(), /Sustainable Innovation/);
  assert.match(await page.locator('body').innerText(), /Zofia Kowalczyk/);
  // The QR image loads and has a text alternative.
  const qr = page.locator('.verify img');
  assert.ok((await qr.getAttribute('alt')).length > 10);
  assert.ok(await qr.evaluate((img) => img.complete && img.naturalWidth > 0), 'QR image loaded');
  // The verification link is the contract's verification URL (the URL the QR codes encode).
  assert.equal(await page.locator('#verification-link').getAttribute('href'), verificationUrl(genuine.shareUrl));
  for (const id of ['download-pdf', 'download-jsonld', 'download-jades', 'download-jwt']) {
    assert.equal(await page.locator(`#${id}`).count(), 1, id);
  }
  assert.match(await page.locator('#europass-title').innerText(), /Europass/);
  // Keyboard: the first Tab reaches the skip link, which becomes visible.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip');
  const box = await page.locator('a.skip').boundingBox();
  assert.ok(box && box.x >= 0, 'the focused skip link is on screen');
  await page.keyboard.press('Escape');
  // The PDF download, with its file name.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-pdf').click()]);
  assert.match(download.suggestedFilename(), /^enhance-credential-[0-9a-f]{8}-en\.pdf$/);
  const pdfPath = path.join(ARTIFACTS, download.suggestedFilename());
  await download.saveAs(pdfPath);
  assert.equal(fs.readFileSync(pdfPath).subarray(0, 5).toString(), '%PDF-');
  await shot(page, 'learner-page-desktop');
  await axe(page, 'learner-page');
  await page.close();

  const p = await phone.newPage();
  await p.goto(`${genuine.shareUrl}?lang=de`);
  assert.equal(await p.locator('#certificate').getAttribute('lang'), 'de');
  await noHorizontalScroll(p, 'learner page (phone)');
  await shot(p, 'learner-page-phone-360');
  await axe(p, 'learner-page-phone');
  await p.close();
});

test('QR link of a genuine credential: the verification page says valid / genuine', async () => {
  const page = await desktop.newPage();
  await page.goto(genuine.shareUrl);
  // Follow the link exactly as a person would (the QR code holds the same URL).
  await Promise.all([page.waitForURL(`${VERIFIER}/verify?**`), page.locator('#verification-link').click()]);
  assert.equal(page.url(), verificationUrl(genuine.shareUrl));
  const v = await verdict(page);
  assert.equal(v.verdict, 'valid', JSON.stringify(v));
  assert.equal(v.reason, 'genuine', JSON.stringify(v));
  assert.ok(v.lang, 'html lang is set');
  assert.equal(await page.locator('li.check[data-check="proof"]').getAttribute('data-status'), 'ok');
  assert.match(await page.locator('body').innerText(), /Kowalczyk/);
  await shot(page, 'verify-genuine-desktop');
  await axe(page, 'verification-page');
  await page.close();

  const p = await phone.newPage();
  await p.goto(verificationUrl(genuine.shareUrl));
  assert.equal((await verdict(p)).verdict, 'valid');
  await noHorizontalScroll(p, 'verification page (phone)');
  await shot(p, 'verify-genuine-phone-360');
  await axe(p, 'verification-page-phone');
  await p.close();
});

test('QR link of a revoked credential: invalid / revoked, also without JavaScript', async () => {
  const page = await noScript.newPage();
  await page.goto(verificationUrl(revoked.shareUrl));
  const v = await verdict(page);
  assert.equal(v.verdict, 'invalid', JSON.stringify(v));
  assert.equal(v.reason, 'revoked', JSON.stringify(v));
  await shot(page, 'verify-revoked-phone-360-nojs');
  await page.close();

  const p = await desktop.newPage();
  await p.goto(verificationUrl(revoked.shareUrl));
  assert.equal((await verdict(p)).reason, 'revoked');
  await shot(p, 'verify-revoked-desktop');
  await axe(p, 'verification-page-revoked');
  await p.close();
});

test('upload page: a tampered credential file is forged, the genuine one valid, a pasted tampered one forged', async () => {
  const res = await fetch(genuine.shareUrl, { headers: { accept: 'application/ld+json' } });
  assert.equal(res.status, 200);
  const original = await res.text();
  const credential = JSON.parse(original);
  // Tampering: the learner's name changed after signing.
  const tampered = JSON.parse(original);
  const subject = tampered.credentialSubject;
  const before = JSON.stringify(subject);
  const renamed = before.replaceAll('Kowalczyk', 'Kowalski');
  assert.notEqual(renamed, before, 'the learner name is in the credential subject');
  tampered.credentialSubject = JSON.parse(renamed);
  const dir = fs.mkdtempSync(path.join(ARTIFACTS, 'upload-'));
  const tamperedFile = path.join(dir, 'tampered-credential.jsonld');
  const genuineFile = path.join(dir, 'genuine-credential.jsonld');
  fs.writeFileSync(tamperedFile, JSON.stringify(tampered, null, 2));
  fs.writeFileSync(genuineFile, JSON.stringify(credential));

  const page = await desktop.newPage();
  await page.goto(`${VERIFIER}/upload`);
  assert.ok(await page.locator('html').getAttribute('lang'));
  await shot(page, 'upload-page-desktop');
  await axe(page, 'upload-page');

  const submitFile = async (file) => {
    await page.goto(`${VERIFIER}/upload`);
    await page.locator('input[type="file"][name="file"]').setInputFiles(file);
    const form = page.locator('form:has(input[name="file"])');
    await Promise.all([posted(page), form.locator('[type="submit"]').first().click()]);
    return verdict(page);
  };
  const forged = await submitFile(tamperedFile);
  assert.equal(forged.verdict, 'invalid', JSON.stringify(forged));
  assert.equal(forged.reason, 'forged', JSON.stringify(forged));
  assert.equal(await page.locator('li.check[data-check="proof"]').getAttribute('data-status'), 'failed');
  await shot(page, 'upload-tampered-result');
  await axe(page, 'verification-page-forged');

  const valid = await submitFile(genuineFile);
  assert.equal(valid.verdict, 'valid', JSON.stringify(valid));
  await shot(page, 'upload-genuine-result');

  // Pasted into the text area.
  await page.goto(`${VERIFIER}/upload`);
  await page.locator('textarea[name="credential"]').fill(JSON.stringify(tampered));
  const form = page.locator('form:has(textarea[name="credential"])');
  await Promise.all([posted(page), form.locator('[type="submit"]').last().click()]);
  const pasted = await verdict(page);
  assert.equal(pasted.reason, 'forged', JSON.stringify(pasted));
  await page.close();

  const p = await phone.newPage();
  await p.goto(`${VERIFIER}/upload`);
  await noHorizontalScroll(p, 'upload page (phone)');
  await shot(p, 'upload-page-phone-360');
  await p.close();
});

/** Asserts the security headers of an HTML page (issue #13). */
function assertCsp(res, name) {
  const h = res.headers();
  const csp = h['content-security-policy'] || '';
  for (const d of ["default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"]) {
    assert.ok(csp.includes(d), `${name}: ${d} missing in CSP ${csp}`);
  }
  assert.ok(!csp.includes('script-src') && !csp.includes('unsafe-inline'), `${name}: ${csp}`);
  assert.match(csp, /style-src 'sha256-[A-Za-z0-9+/=]+'/, `${name}: styles by hash`);
  assert.equal(h['x-content-type-options'], 'nosniff', name);
  assert.equal(h['referrer-policy'], 'no-referrer', name);
}

/** A page in the CSP-enforcing context that records CSP violations reported on the console. */
async function strictPage() {
  const page = await strict.newPage();
  page.violations = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) page.violations.push(m.text());
  });
  return page;
}

test('issue #13: the pages send a CSP with frame-ancestors and work under it', async () => {
  const page = await strictPage();
  // The learner's page: its style sheet applies (allowed by hash), the QR image loads ('self').
  const res = await page.goto(genuine.shareUrl);
  assert.equal(res.status(), 200);
  assertCsp(res, 'learner page');
  const bg = await page.locator('#download-pdf').evaluate((a) => getComputedStyle(a).backgroundColor);
  assert.equal(bg, 'rgb(27, 54, 93)', 'the page style sheet applies under the CSP');
  assert.ok(await page.locator('.verify img').evaluate((img) => img.complete && img.naturalWidth > 0), 'QR image loaded under the CSP');
  await shot(page, 'csp-learner-page');
  // The verification page, reached through the learner's page.
  const [nav] = await Promise.all([page.waitForNavigation(), page.locator('#verification-link').click()]);
  assertCsp(nav, 'verification page');
  assert.equal((await verdict(page)).verdict, 'valid');
  const bar = await page.locator('header.bar').evaluate((e) => getComputedStyle(e).display);
  assert.equal(bar, 'flex', 'the verification page style sheet applies under the CSP');
  // The upload page and its form (form-action 'self').
  const up = await page.goto(`${VERIFIER}/upload`);
  assertCsp(up, 'upload page');
  const json = await (await fetch(genuine.shareUrl, { headers: { accept: 'application/ld+json' } })).text();
  await page.locator('textarea[name="credential"]').fill(json);
  const form = page.locator('form:has(textarea[name="credential"])');
  const [posted_] = await Promise.all([posted(page), form.locator('[type="submit"]').last().click()]);
  assertCsp(posted_, 'verification page of an upload');
  assert.equal((await verdict(page)).verdict, 'valid');
  assert.deepEqual(page.violations, [], 'no CSP violation on any page');
  await page.close();

  // frame-ancestors 'none': another site cannot frame the learner's page.
  const framer = await strictPage();
  const refused = new Promise((resolve) => {
    framer.on('console', (m) => {
      if (/frame-ancestors/.test(m.text())) resolve(m.text());
    });
  });
  await framer.setContent(`<iframe src="${genuine.shareUrl}" width="600" height="400"></iframe>`);
  const message = await Promise.race([refused, new Promise((r) => setTimeout(() => r(null), 10000))]);
  assert.ok(message, 'the browser refused to frame the learner page (frame-ancestors)');
  const framed = framer.frames().find((f) => f.url().startsWith(genuine.shareUrl));
  if (framed) {
    assert.equal(await framed.locator('#page-title').count(), 0, 'the framed page did not render');
  }
  await framer.close();
});

test('issue #14: an intact credential of an unknown issuer: who sealed it, neither genuine nor not genuine', async () => {
  const award = example('micro-credential-professional.json');
  assert.equal(award.awardingUniversity, 'eth', 'run.sh leaves eth out of the verifier registry');
  const unknown = await issue('micro-credential-professional.json');
  const res = await fetch(`${unknown.shareUrl}?format=jades`);
  assert.equal(res.status, 200);
  const jades = await res.text();
  assert.ok(JSON.parse(jades).signatures, 'the JAdES file (JWS JSON serialization)');
  const dir = fs.mkdtempSync(path.join(ARTIFACTS, 'upload-unknown-'));
  const file = path.join(dir, 'sealed-by-an-unknown-issuer.json');
  fs.writeFileSync(file, jades);

  const page = await desktop.newPage();
  await page.goto(`${VERIFIER}/upload`);
  await page.locator('input[type="file"][name="file"]').setInputFiles(file);
  const form = page.locator('form:has(input[name="file"])');
  await Promise.all([posted(page), form.locator('[type="submit"]').first().click()]);
  const v = await verdict(page);
  assert.equal(v.reason, 'unknown-issuer', JSON.stringify(v));
  assert.equal(v.verdict, 'indeterminate', JSON.stringify(v));
  const result = page.locator('#result');
  assert.equal(await result.getAttribute('data-integrity'), 'intact');
  assert.equal(await result.getAttribute('data-trust'), 'unknown');
  assert.equal(await page.locator('li.check[data-check="proof"]').getAttribute('data-status'), 'ok');
  assert.equal(await page.locator('li.check[data-check="trust"]').getAttribute('data-status'), 'unknown');
  const signer = (await page.locator('#signer').innerText()).trim();
  assert.match(signer, /sealed by ETH Z(ü|u)rich \(NTRCH-DEMO-ETH\)/, signer);
  const text = await page.locator('body').innerText();
  assert.match(text, /does not know/, 'says this service does not know the issuer');
  assert.doesNotMatch(text, /genuine/i, 'neither "genuine" nor "not genuine"');
  await shot(page, 'upload-unknown-issuer-result');
  await axe(page, 'verification-page-unknown-issuer');
  await page.close();
});

test('issue #16: "Add to your EU wallet" works without JavaScript: QR code, same-device link, PIN shown once', async () => {
  const p = await noScript.newPage();
  await p.goto(genuine.shareUrl);
  assert.match(await p.locator('#wallet-title').innerText(), /EU wallet/);
  const [res] = await Promise.all([p.waitForNavigation(), p.locator('#wallet-offer').click()]);
  assert.equal(res.status(), 200);
  assert.equal(res.headers()['cache-control'], 'private, no-store');
  const pin = (await p.locator('#tx-code').innerText()).trim();
  assert.match(pin, /^\d{6}$/);
  const link = await p.locator('#wallet-link').getAttribute('href');
  assert.match(link, /^openid-credential-offer:\/\/\?credential_offer_uri=/);
  assert.equal(await p.locator('svg[role="img"]').count(), 1, 'the QR code of the deep link, inline');
  await noHorizontalScroll(p, 'wallet offer page (phone)');
  await shot(p, 'wallet-offer-phone-360');
  // The offer behind the link names this university's credential issuer and asks for the PIN.
  const uri = new URL(link).searchParams.get('credential_offer_uri');
  const offer = await (await fetch(uri)).json();
  assert.equal(offer.credential_issuer, `${ISSUER}/universities/${genuine.university}`);
  const grant = offer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code'];
  assert.deepEqual(grant.tx_code.length, 6);
  // Back on the learner's page the PIN is not shown again.
  await p.goto(genuine.shareUrl);
  assert.equal(await p.locator('#tx-code').count(), 0);
  await p.close();

  const page = await desktop.newPage();
  await page.goto(genuine.shareUrl);
  await Promise.all([page.waitForNavigation(), page.locator('#wallet-offer').click()]);
  await shot(page, 'wallet-offer-desktop');
  await axe(page, 'wallet-offer-page');
  await page.close();
});
