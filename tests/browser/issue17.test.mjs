// Acceptance of issue #17 in headless Chromium (Debian's `chromium`, driven by playwright-core),
// against the real `issuer serve` and `verifier serve` that tests/browser/run.sh starts
// (ISSUER_URL, VERIFIER_URL, ISSUER_TOKENS_FILE, BROWSER_ARTIFACTS, CHROMIUM):
// - a learner receives an award as SD-JWT VC in the independent headless wallet of issues #16/#17
//   (interop/wallet/wallet.mjs: OpenWallet Foundation OpenID4VCI client);
// - the employer opens the upload page, follows "Ask for it from the candidate's wallet", chooses
//   the SD-JWT VC and the claims to disclose, and gets the QR code page (inline SVG, the
//   `openid4vp://` same-device link, a waiting notice);
// - the wallet answers the request (interop/wallet/present.mjs: @openid4vc/openid4vp, dcql,
//   @sd-jwt/sd-jwt-vc with a Key Binding JWT) and the page, polling with its external script
//   under the service's CSP (no violation reported), shows the verdict: genuine, every check, the
//   disclosed claims and none of the withheld ones;
// - the same with JavaScript switched off: the waiting page refreshes itself (<noscript> refresh)
//   and shows the verdict;
// - axe-core on the form, the waiting page and the verdict pages (valid at desktop and phone
//   width, and a refused one: wrong nonce): no violation of any impact (minor and moderate
//   included); screenshots of each in BROWSER_ARTIFACTS.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
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
const CA_PEM = fs.readFileSync(path.join(REPO, 'keys.example/ca/ca.cert.pem'), 'utf8');
const WANTED = ['family_name', 'given_name', 'achievement_title'];

/** Runs a node script of interop/wallet; its JSON output (stdout's last line). */
function node(script, args, stdin) {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [path.join(REPO, 'interop/wallet', script), ...args],
      { cwd: REPO, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${script} ${args.join(' ')}: ${err.message}\n${stderr}`));
        const last = stdout.trim().split('\n').pop();
        try {
          resolve(JSON.parse(last));
        } catch (e) {
          reject(new Error(`${script}: not JSON: ${stdout}\n${stderr}`));
        }
      },
    );
    if (stdin !== undefined) child.stdin.end(stdin);
  });
}

let browser;
let audit; // bypassCSP: axe-core is injected into pages whose CSP forbids (other) scripts
let auditPhone; // the same at a phone's width (reflow, target sizes)
let strict; // enforces the pages' CSP: the polling script must run under it
let noScript;
let store;
let cspViolations = [];

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  // The learner's wallet: an award issued, offered (OpenID4VCI) and received.
  const award = JSON.parse(fs.readFileSync(path.join(REPO, 'examples/awards/micro-credential-academic-course.json'), 'utf8'));
  const token = TOKENS[award.awardingUniversity];
  let res = await fetch(`${ISSUER}/awards`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ award }),
  });
  const issued = await res.json();
  assert.equal(res.status, 201, JSON.stringify(issued));
  const credentialId = issued.verifiableCredential?.id ?? issued.id;
  res = await fetch(`${ISSUER}/credentials/${encodeURIComponent(credentialId)}/offers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  const offer = await res.json();
  assert.equal(res.status, 201, JSON.stringify(offer));
  store = fs.mkdtempSync(path.join(os.tmpdir(), 'issue17-wallet-'));
  const received = await node('wallet.mjs', [], JSON.stringify({
    mode: 'receive', offer: offer.deepLink, txCode: offer.txCode, trustAnchors: [CA_PEM], storage: store,
  }));
  assert.ok(received.credentials, JSON.stringify(received).slice(0, 2000));

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
  });
  audit = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  auditPhone = await browser.newContext({ viewport: { width: 360, height: 740 }, bypassCSP: true });
  strict = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  noScript = await browser.newContext({ viewport: { width: 360, height: 740 }, javaScriptEnabled: false });
});

after(async () => {
  await browser?.close();
  if (store) fs.rmSync(store, { recursive: true, force: true });
});

async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** axe-core on `url` (opened in the auditing context); fails on ANY violation (every impact:
 *  minor, moderate, serious, critical): issue #17 asks for no accessibility violations. */
async function axeAt(url, name, context = audit) {
  const page = await context.newPage();
  await page.goto(url);
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target) }));
  });
  fs.writeFileSync(path.join(ARTIFACTS, `axe-${name}.json`), JSON.stringify(result, null, 2));
  assert.deepEqual(result, [], `${name}: axe-core violations (any impact)`);
  await page.close();
}

/** On the employer's form: only the SD-JWT VC, only the WANTED claims; submit → waiting page. */
async function askForSdJwt(page) {
  for (const box of await page.locator('input[name="form"]').all()) {
    const value = await box.getAttribute('value');
    if ((value === 'dc+sd-jwt') !== (await box.isChecked())) await box.click();
  }
  for (const box of await page.locator('input[name="claim"]').all()) {
    const value = await box.getAttribute('value');
    if (WANTED.includes(value) !== (await box.isChecked())) await box.click();
  }
  await Promise.all([page.waitForURL(/wallet-request\?id=/), page.locator('button[type="submit"]').click()]);
  assert.equal(await page.locator('#wait-heading').innerText(), 'Scan with the wallet');
  assert.equal(await page.locator('.qr svg[role="img"]').count(), 1, 'the QR code, inline');
  const link = await page.locator('#wallet-link').getAttribute('href');
  assert.match(link, /^openid4vp:\/\/\?client_id=/);
  return link;
}

/** The wallet answers `link`; the verifier's response endpoint accepts it. */
async function walletAnswers(link, extra = []) {
  const out = await node('present.mjs', ['--request', link, '--store', store, ...extra]);
  assert.equal(out.status, 200, JSON.stringify(out));
  assert.deepEqual(Object.values(out.presented).flat(), ['dc+sd-jwt'], JSON.stringify(out.presented));
}

/** The verdict page: genuine, every check passed, the wanted claims and nothing else. */
async function assertVerdict(page) {
  const h1 = page.locator('#verdict');
  assert.equal(await h1.getAttribute('data-verdict'), 'valid');
  assert.equal((await h1.innerText()).trim(), 'Genuine');
  assert.equal(await page.locator('#credential-0').getAttribute('data-reason'), 'genuine');
  const checks = await page.locator('#checks-0-heading + ul .check').count();
  assert.ok(checks >= 5, `${checks} checks shown`);
  assert.equal(await page.locator('#checks-0-heading + ul .check[data-status="failed"]').count(), 0);
  const claims = await page.locator('#disclosed-0 dt').allInnerTexts();
  for (const c of WANTED) assert.ok(claims.includes(c), `${c} disclosed: ${claims}`);
  for (const c of ['birthdate', 'assessment_grade', 'learner_identification']) {
    assert.ok(!claims.includes(c), `${c} withheld: ${claims}`);
  }
}

test('the employer asks the candidate\'s wallet; the page shows the verdict (JavaScript, strict CSP)', async () => {
  const page = await strict.newPage();
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  await page.goto(`${VERIFIER}/upload`);
  await Promise.all([page.waitForURL(/ask-wallet$/), page.locator('#ask-wallet-link a').click()]);
  assert.equal(await page.locator('h1').innerText(), "Ask for it from the candidate's wallet");
  await shot(page, 'issue17-ask-wallet');
  await axeAt(page.url(), 'issue17-ask-wallet');

  const link = await askForSdJwt(page);
  const waitingUrl = page.url();
  await shot(page, 'issue17-waiting');
  await axeAt(waitingUrl, 'issue17-waiting');

  await walletAnswers(link);
  // The polling script notices the answer and reloads the page.
  await page.locator('#verdict').waitFor({ timeout: 30_000 });
  await assertVerdict(page);
  await shot(page, 'issue17-verdict');
  await axeAt(waitingUrl, 'issue17-verdict');
  assert.deepEqual(cspViolations, [], 'no CSP violation');
  await page.close();
});

test('the same without JavaScript: the waiting page refreshes itself', async () => {
  const page = await noScript.newPage();
  await page.goto(`${VERIFIER}/ask-wallet`);
  const link = await askForSdJwt(page);
  await walletAnswers(link);
  // <noscript> refresh every 5 s: the verdict arrives without a click.
  await page.locator('#verdict').waitFor({ timeout: 30_000 });
  await assertVerdict(page);
  await shot(page, 'issue17-verdict-no-js-phone');
  await axeAt(page.url(), 'issue17-verdict-phone', auditPhone);
  await page.close();
});

test('a refused presentation: the verdict page names the reason, without accessibility violations', async () => {
  const page = await strict.newPage();
  await page.goto(`${VERIFIER}/ask-wallet`);
  const link = await askForSdJwt(page);
  await walletAnswers(link, ['--tamper', 'nonce']);
  await page.locator('#verdict').waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('#verdict').getAttribute('data-verdict'), 'invalid');
  assert.match(await page.locator('#problems').innerText(), /nonce/i);
  await shot(page, 'issue17-verdict-refused');
  await axeAt(page.url(), 'issue17-verdict-refused');
  await axeAt(page.url(), 'issue17-verdict-refused-phone', auditPhone);
  await page.close();
});
