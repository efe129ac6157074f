// Acceptance of issue #18 (the staff console) in headless Chromium (Debian's `chromium`, driven
// by playwright-core), against the real `issuer serve` and `verifier serve` that
// tests/browser/run.sh starts (ISSUER_URL, VERIFIER_URL, BROWSER_ARTIFACTS, CHROMIUM), each with
// its real SQLite database and the demo staff accounts of keys.example/staff.toml. Written from
// the URL contract of crates/issuer/src/http/console/mod.rs, not from the pages:
// - the service's root URL leads a browser to the console's sign-in; the sign-in form is
//   completed with the keyboard alone (Tab, typing, Enter);
// - a coordinator creates a specification from the form, uploads a 50-row CSV with 3 bad rows
//   (generated here), the preview shows each of the 3 errors in its row at its field, the
//   coordinator drops them and issues; progress reaches 47; the result's share links open the
//   learner's page;
// - the coordinator revokes one credential (confirmation step with a reason), and the employer's
//   page (the verifier's page of the credential's verification URL) then says revoked;
// - the audit view lists the specification, the cohort issuance and the revocation;
// - axe-core on every console page, at 1280 px and at 360 px: no violation of any impact; no
//   horizontal scrolling at 360 px;
// - the whole flow again in a browser context with JavaScript disabled;
// - security, over HTTP with a cookie jar (real service): a POST without the CSRF token is refused
//   (403) and changes nothing; a coordinator of another university gets 404 on every console URL
//   naming this university's objects (the same answer as a missing id); the session id changes at
//   sign-in (fixation) and a planted id never authenticates; a locked-out account stays locked
//   even with the right password.
// Screenshots and axe reports of every page land in BROWSER_ARTIFACTS (`console-*`).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ARTIFACTS, AXE, BROWSER_ARGS, CHROMIUM, REPO, need } from './support.mjs';

const ISSUER = need('ISSUER_URL');
const VERIFIER = need('VERIFIER_URL');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 360, height: 740 };
// University A issues (TU Delft: the verifier of run.sh trusts it), B is the other tenant, C is
// the account this file locks out (last test).
const A = 'tudelft';
const B = 'rwth';
const C = 'wut';
const ROWS = 50;
const BAD = { 7: 'learner.dateOfBirth', 23: 'learner.nationality', 41: 'achievement.period.start' };
const GOOD = ROWS - Object.keys(BAD).length;
// The kind of award the cohort issues (the specification form's course).
const KIND = { kind: 'microCredential', profile: 'academic' };

// ---------------------------------------------------------------------------------------------
// Demo staff accounts, TOTP, the cohort CSV

/** The demo staff accounts of keys.example/staff.toml: university → {username, password, totp}.
 *  Tolerant of the layout (`[[staff]]` / `[[accounts]]` arrays or `[university]` tables). */
function readStaff() {
  const file = process.env.ISSUER_STAFF_FILE || path.join(REPO, 'keys.example/staff.toml');
  const text = fs.readFileSync(file, 'utf8');
  const blocks = [];
  let cur = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const table = line.match(/^\[\[?\s*([^\]]+?)\s*\]?\]$/);
    if (table) {
      cur = { _table: table[1] };
      blocks.push(cur);
      continue;
    }
    const kv = line.match(/^([A-Za-z0-9_.-]+)\s*=\s*(.+)$/);
    if (!kv || !cur) continue;
    let v = kv[2].trim();
    if (v.startsWith('"')) v = JSON.parse(v.match(/^"(?:[^"\\]|\\.)*"/)[0]);
    else if (v.startsWith('[')) v = v;
    else v = v.replace(/\s+#.*$/, '');
    cur[kv[1]] = v;
  }
  const out = {};
  for (const b of blocks) {
    const uni = b.university || b._table.split('.').pop();
    const totp = b.totp_secret || b.totp || b.totpSecret;
    if (!b.password || !(b.username || b.email || b.login)) continue;
    if (out[uni]) continue; // the first account of each university (its coordinator)
    out[uni] = { university: uni, username: b.username || b.email || b.login, password: b.password, totp: totp || null, roles: b.roles || '' };
  }
  return out;
}

function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of s.replace(/[=\s]/g, '').toUpperCase()) {
    const i = alphabet.indexOf(c);
    if (i < 0) throw new Error(`not base32: ${c}`);
    bits += i.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) of a base32 secret, now. */
function totp(secret, at = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = crypto.createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const o = mac[mac.length - 1] & 0xf;
  const n = (mac.readUInt32BE(o) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, '0');
}

/** The CSV cell of a value (RFC 4180 quoting when needed). */
function cell(v) {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A cohort of `ROWS` learners for university A, with the columns of the console's CSV template
 *  (crates/issuer/src/app/cohort.rs `cohort_template`; dotted award paths as in
 *  crates/issuer/src/domain/csv_rows.rs; `learningOpportunity` comes from the specification).
 *  The rows of BAD carry one error each, at the field named there: an impossible date (parse),
 *  an unknown country code (validation), a start date that is not a date (parse). `tag` makes the
 *  names unique per run (the console's idempotency must not merge two runs). */
function cohortCsv(tag) {
  const header = ['kind', 'certificateProfile', 'awardingUniversity', 'learner.givenNames', 'learner.familyNames',
    'learner.dateOfBirth', 'learner.nationality:json', 'achievement.period.start', 'achievement.period.end',
    'achievement.grade', 'issued', 'display:json'];
  const lines = [header.join(',')];
  for (let n = 1; n <= ROWS; n++) {
    const nn = String(n).padStart(2, '0');
    const row = {
      kind: KIND.kind,
      certificateProfile: KIND.profile,
      awardingUniversity: A,
      'learner.givenNames': `Ada${tag}${nn}`,
      'learner.familyNames': `Tester${tag}${nn}`,
      'learner.dateOfBirth': `199${n % 10}-0${1 + (n % 9)}-1${n % 10}`,
      'learner.nationality:json': '["NLD"]',
      'achievement.period.start': '2026-02-02',
      'achievement.period.end': '2026-06-26',
      'achievement.grade': `${6 + (n % 5)}/10`,
      issued: '2026-06-30',
      // The award format requires `display` (the template of the console leaves it out); no
      // `images.en` column: the service renders each learner's certificate page image.
      'display:json': JSON.stringify({ primaryLanguage: 'en', images: [{ language: 'en', file: 'certificate-en.png', mediaType: 'image/png' }] }),
    };
    if (BAD[n] === 'learner.dateOfBirth') row['learner.dateOfBirth'] = '1999-02-30';
    if (BAD[n] === 'learner.nationality') row['learner.nationality:json'] = '["XYZ"]';
    if (BAD[n] === 'achievement.period.start') row['achievement.period.start'] = 'next spring';
    lines.push(header.map((h) => cell(row[h] ?? '')).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** How a row is recognised on the pages (its unique given name). */
const rowName = (tag, n) => `Ada${tag}${String(n).padStart(2, '0')}`;

/** The preview table's row of learner `n` (its cells are text, or inputs in a row to fix). */
function previewRow(scope, tag, n) {
  const name = rowName(tag, n);
  return scope.locator(`tr:has-text("${name}"), tr:has(input[value="${name}"])`);
}

// ---------------------------------------------------------------------------------------------
// Browser helpers

let browser;
let desktop; // JavaScript on; bypassCSP so axe-core can be injected
let noScript; // JavaScript off (the whole flow again)
let staff;
const visited = new Set();
const problems = [];
const notes = []; // observations that are no WCAG failure
const employerDelays = []; // seconds until the employer's page said revoked // accessibility / structure findings of the audited pages

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  staff = readStaff();
  for (const u of [A, B, C]) assert.ok(staff[u], `a demo staff account of ${u} in keys.example/staff.toml`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: BROWSER_ARGS,
  });
  desktop = await browser.newContext({ viewport: DESKTOP, bypassCSP: true, acceptDownloads: true });
  noScript = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false, acceptDownloads: true });
});

after(async () => {
  await browser?.close();
});

async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `console-${name}.png`), fullPage: true });
}

/** axe-core in the page as it is; fails on any violation, of every impact. */
async function axeNow(page, name) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
  fs.writeFileSync(path.join(ARTIFACTS, `axe-console-${name}.json`), JSON.stringify(result, null, 2));
  const ids = result.map((v) => `${v.id} (${v.impact}) at ${v.nodes.join(' | ')}`).join('; ');
  assert.deepEqual(result, [], `axe-core violations (any impact): ${ids}`);
}

async function noHorizontalScroll(page, name) {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(scroll <= client + 1, `${name}: page is ${scroll}px wide on a ${client}px screen`);
}

/** The checks every console page gets (JavaScript context only): lang, one h1, headings in order,
 *  axe at desktop and phone width, no horizontal scrolling at 360 px, screenshots of both. */
async function audit(page, name) {
  visited.add(new URL(page.url()).pathname.replace(/[0-9a-f-]{8,}|\d+/g, ':id'));
  // Each finding is recorded and reported at the end of the flow, so one page's finding does not
  // hide the others (or stop the flow).
  const check = async (what, f) => {
    try {
      await f();
    } catch (e) {
      problems.push(`${name} (${what}): ${e.message.split('\n')[0]}`);
    }
  };
  await check('lang', async () => assert.ok(await page.locator('html').getAttribute('lang'), '<html lang>'));
  await check('headings', async () => {
    const levels = await page.locator('main h1, main h2, main h3, main h4, main h5, main h6').evaluateAll((hs) => hs.map((h) => Number(h.tagName[1])));
    assert.equal(levels[0], 1, `the main content starts with its h1 (${levels.join(',')})`);
    // More than one h1 is no WCAG failure (axe does not flag it): noted, not failed.
    if (levels.filter((l) => l === 1).length !== 1) notes.push(`${name}: ${levels.filter((l) => l === 1).length} h1 (levels ${levels.join(',')})`);
    for (let i = 1; i < levels.length; i++) {
      assert.ok(levels[i] <= levels[i - 1] + 1, `heading levels skip (${levels.join(',')})`);
    }
  });
  await shot(page, `${name}-desktop`);
  await check('axe 1280 px', () => axeNow(page, name));
  await page.setViewportSize(PHONE);
  await check('reflow 360 px', () => noHorizontalScroll(page, `${name} (360 px)`));
  await shot(page, `${name}-phone-360`);
  await check('axe 360 px', () => axeNow(page, `${name}-phone`));
  await page.setViewportSize(DESKTOP);
}

/** Expects the page to be a console page answered 200 (not an error page). */
async function ok(page, res, what) {
  assert.ok(res, `${what}: a response`);
  assert.equal(res.status(), 200, `${what}: status ${res.status()} at ${page.url()}: ${(await page.locator('main').innerText().catch(() => '')).slice(0, 400)}`);
}

/** Clicks `locator` (a submit button or link) and waits for the navigation it causes. */
async function submit(page, locator) {
  const [res] = await Promise.all([page.waitForNavigation(), locator.click()]);
  return res;
}

/** The submit button of the form around `inside` (or of the form itself). */
function submitOf(form) {
  return form.locator('button[type="submit"], button:not([type]), input[type="submit"]').first();
}

// ---------------------------------------------------------------------------------------------
// Sign-in

/** Signs in on the sign-in page already open in `page`, with the keyboard alone: Tab from the
 *  top of the page to each field, type, Enter in the last one. */
async function signInByKeyboard(page, account) {
  await page.locator('body').focus();
  await page.evaluate(() => document.activeElement?.blur());
  const want = { university: account.university, username: account.username, password: account.password };
  const seen = [];
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    const el = await page.evaluate(() => {
      const a = document.activeElement;
      return a ? { tag: a.tagName, name: a.getAttribute('name'), type: a.getAttribute('type'), value: a.value ?? null } : null;
    });
    if (!el) continue;
    seen.push(el.name || el.tag);
    if (el.name === 'university' && el.tag === 'SELECT') {
      // A closed, focused <select>: Home, then ArrowDown until the university's option.
      await page.keyboard.press('Home');
      for (let k = 0; k < 20 && (await page.evaluate(() => document.activeElement.value)) !== want.university; k++) {
        await page.keyboard.press('ArrowDown');
      }
      assert.equal(await page.evaluate(() => document.activeElement.value), want.university, 'university chosen by keyboard');
    } else if (el.name in want) {
      await page.keyboard.press('Control+A');
      await page.keyboard.type(want[el.name]);
    } else if (el.name === 'totp') {
      if (account.totp) await page.keyboard.type(totp(account.totp));
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      return seen;
    }
    if (el.name === 'password' && !(await page.locator('[name="totp"]').count())) {
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      return seen;
    }
  }
  assert.fail(`the sign-in fields are not reachable by Tab (focus went through ${seen.join(', ')})`);
}

/** Signs in through the form (not by keyboard) in `page`. */
async function signIn(page, account) {
  const res = await page.goto(`${ISSUER}/console/sign-in`);
  await ok(page, res, 'sign-in page');
  const uni = page.locator('[name="university"]');
  if ((await uni.evaluate((e) => e.tagName)) === 'SELECT') await uni.selectOption(account.university);
  else if ((await uni.getAttribute('type')) !== 'hidden') await uni.fill(account.university);
  await page.locator('[name="username"]').fill(account.username);
  await page.locator('[name="password"]').fill(account.password);
  if (account.totp && (await page.locator('[name="totp"]').count())) await page.locator('[name="totp"]').fill(totp(account.totp));
  await submit(page, submitOf(page.locator('form:has([name="password"])')));
  assert.equal(new URL(page.url()).pathname, '/console', `signed in as ${account.username}: ${(await page.locator('main').innerText()).slice(0, 300)}`);
}

// ---------------------------------------------------------------------------------------------
// The flow, once with JavaScript and once without

/** A form field by its label text (any of `labels`) or, failing that, by its name. */
async function field(scope, names, labels) {
  for (const n of names) {
    const f = scope.locator(`[name="${n}"]`);
    if (await f.count()) return f.first();
  }
  for (const l of labels) {
    const f = scope.getByLabel(l);
    if (await f.count()) return f.first();
  }
  return null;
}

/** The specification form's values (crates/issuer/src/http/console/specifications.rs fields):
 *  an academic course of university A, English and Dutch (the university's language). */
function specFields(tag) {
  return {
    id: `acceptance-${tag.toLowerCase()}`,
    uri: `https://credentials.enhance-alliance.eu/learning-opportunities/${A}/acceptance-${tag.toLowerCase()}`,
    title_en: `Acceptance course ${tag}`,
    title_nl: `Acceptatiecursus ${tag}`,
    description_en: 'Designing and testing staff consoles that everyone can use.',
    description_nl: 'Beheerconsoles ontwerpen en testen die iedereen kan gebruiken.',
    type: 'instructorPacedCourse',
    ects: '5',
    hours: '140',
    eqf: '7',
    outcomes_language: 'en',
    knowledge: 'Explain the WCAG 2.1 success criteria for forms.',
    skills: 'Test a web form with the keyboard alone.',
    responsibility: 'Take responsibility for the accessibility of a public service.',
    languages: 'en',
    mode: 'online',
    extra: JSON.stringify({ assessment: { types: ['projectWork'], supervision: 'supervisedOnlineWithIdVerification' }, contactHours: { total: 40 } }),
  };
}

/** Fills the form fields named in `values` (inputs, textareas, selects). */
async function fillByName(form, values) {
  for (const [name, value] of Object.entries(values)) {
    const f = form.locator(`[name="${name}"]`);
    assert.equal(await f.count(), 1, `the form has the field ${name}`);
    if ((await f.evaluate((e) => e.tagName)) === 'SELECT') await f.selectOption(value);
    else await f.fill(value);
  }
}

/** Creates a specification from the form; returns its id (from the detail page's URL). */
async function createSpecification(page, tag, checks) {
  let res = await page.goto(`${ISSUER}/console/specifications`);
  await ok(page, res, 'specifications list');
  if (checks) await audit(page, 'specifications');
  res = await page.goto(`${ISSUER}/console/specifications/new`);
  await ok(page, res, 'new specification form');
  if (checks) await audit(page, 'specification-new');
  const form = page.locator('main form[method="post" i]').first();
  const values = specFields(tag);
  await fillByName(form, values);
  res = await submit(page, submitOf(form));
  const text = (await page.locator('main').innerText()).slice(0, 1500);
  assert.equal(res.status(), 200, `specification created: ${res.status()} ${text}`);
  const m = new URL(page.url()).pathname.match(/^\/console\/specifications\/([^/]+)$/);
  assert.ok(m, `after creating, the specification's page (${page.url()}): ${text}`);
  const id = decodeURIComponent(m[1]);
  assert.equal(id, values.id);
  assert.equal(await page.locator('main [name="title_en"]').inputValue(), values.title_en, 'the stored title, prefilled');
  if (checks) await audit(page, 'specification-detail');
  for (const sub of ['versions', 'preview']) {
    res = await page.goto(`${ISSUER}/console/specifications/${m[1]}/${sub}`);
    await ok(page, res, `specification ${sub}`);
    if (sub === 'preview') assert.match(await page.locator('main').innerText(), new RegExp(`Acceptance course ${tag}`), 'the preview shows the course');
    if (checks) await audit(page, `specification-${sub}`);
  }
  return id;
}

/** Uploads the cohort CSV for `spec`; returns the cohort id (the preview page's URL). */
async function uploadCohort(page, spec, tag, checks) {
  const res = await page.goto(`${ISSUER}/console/cohorts/new`);
  await ok(page, res, 'cohort upload form');
  if (checks) await audit(page, 'cohort-new');
  const form = page.locator('main form:has(input[type="file"])').first();
  const sel = form.locator('select[name*="specification"], [name="specification"]').first();
  assert.ok(await sel.count(), 'the cohort form lets the coordinator choose a specification');
  if ((await sel.evaluate((e) => e.tagName)) === 'SELECT') await sel.selectOption(spec);
  else await sel.check?.().catch(async () => sel.fill(spec));
  const dir = fs.mkdtempSync(path.join(ARTIFACTS, 'cohort-'));
  const file = path.join(dir, `cohort-${tag}.csv`);
  fs.writeFileSync(file, cohortCsv(tag));
  await form.locator('input[type="file"]').setInputFiles(file);
  await submit(page, submitOf(form));
  const m = new URL(page.url()).pathname.match(/^\/console\/cohorts\/([^/]+)$/);
  assert.ok(m, `after the upload, the cohort's preview (${page.url()}): ${(await page.locator('main').innerText()).slice(0, 600)}`);
  return decodeURIComponent(m[1]);
}

/** The preview shows each bad row's error in its row, in the cell of its field's column (the
 *  column header is the field path), referred to by that cell's input with aria-describedby; the
 *  valid rows show no error. */
async function checkPreview(page, tag, checks) {
  const main = page.locator('main');
  const text = await main.innerText();
  assert.match(text, new RegExp(`\\b${GOOD}\\b[^\\n]*\\b3\\b`), `the preview counts ${GOOD} ready and 3 with errors: ${text.slice(0, 300)}`);
  const headers = await main.locator('thead th').evaluateAll((ths) => ths.map((th) => ({ id: th.id, text: th.textContent.trim() })));
  for (const [n, fieldPath] of Object.entries(BAD)) {
    const rows = previewRow(main, tag, n);
    assert.equal(await rows.count(), 1, `row ${n} is in the preview once`);
    const errors = await rows.first().locator('.error').evaluateAll((es) => es
      .filter((e) => e.textContent.trim())
      .map((e) => ({ id: e.id, text: e.textContent.trim(), cellIndex: e.closest('td,th')?.cellIndex })));
    assert.equal(errors.length, 1, `row ${n}: exactly one error: ${JSON.stringify(errors)}`);
    const [err] = errors;
    // The error sits in the cell under the column of its field.
    const column = headers[err.cellIndex]?.text.replace(/:json$/, '');
    assert.equal(column, fieldPath, `row ${n}: the error is in the ${fieldPath} column (it is under ${column}): ${err.text}`);
    // The cell's field points at it (aria-describedby) and is marked invalid.
    assert.ok(err.id, `row ${n}: the error has an id`);
    const input = rows.first().locator(`[aria-describedby~="${err.id}"]`);
    assert.equal(await input.count(), 1, `row ${n}: a field refers to its error with aria-describedby`);
    assert.equal(await input.getAttribute('aria-invalid'), 'true', `row ${n}: the field is aria-invalid`);
  }
  // The valid rows carry no error text.
  for (const n of [1, 2, 24, 50]) {
    const row = previewRow(main, tag, n).first();
    const texts = await row.locator('.error').evaluateAll((es) => es.map((e) => e.textContent.trim()).filter(Boolean));
    assert.deepEqual(texts, [], `row ${n} (valid) has no error`);
  }
  if (checks) await audit(page, 'cohort-preview');
}

/** Drops the bad rows and issues: a "drop" control per bad row (checkbox) or one "drop rows with
 *  errors" button, then the issue form. Returns after the issue POST's navigation. */
async function dropAndIssue(page, cohort, tag) {
  const main = page.locator('main');
  // Per-row drop controls (checkboxes named drop/rows...) in the bad rows.
  for (const n of Object.keys(BAD)) {
    const box = previewRow(main, tag, n).first().locator('input[type="checkbox"]');
    if (await box.count()) await box.first().check();
  }
  const dropButton = main.locator('button, input[type="submit"]', { hasText: /drop|remove|entfernen|verwijder|usuń|rimuovi/i });
  if (await dropButton.count() && !(await dropButton.first().evaluate((b) => /issue|ausstellen|uitgeven|wydaj|rilascia/i.test(b.textContent || b.value)))) {
    const res = await submit(page, dropButton.first());
    await ok(page, res, 'drop the rows with errors');
  }
  const text = await main.innerText();
  assert.match(text, new RegExp(`\\b${GOOD}\\b`), `after dropping, ${GOOD} rows to issue: ${text.slice(0, 800)}`);
  const issueForm = page.locator(`main form[action*="/console/cohorts/${cohort}/issue"]`).first();
  assert.ok(await issueForm.count(), 'the preview has the issue form (POST /console/cohorts/{id}/issue)');
  return submit(page, submitOf(issueForm));
}

/** Follows the progress: polls progress.json (the page's own data) until done, asserts the count
 *  reached 47 of 47, then waits for the progress page to take the browser to the result by itself
 *  (polling script with JavaScript, `<meta http-equiv=refresh>` without). */
async function followProgress(page, cohort) {
  const deadline = Date.now() + 180_000;
  const seen = [];
  let last;
  while (Date.now() < deadline) {
    const res = await page.request.get(`${ISSUER}/console/cohorts/${cohort}/progress.json`);
    assert.equal(res.status(), 200, 'progress.json');
    last = await res.json();
    seen.push(last.issued);
    assert.ok(last.issued <= last.total, `never more than the total: ${JSON.stringify(last)}`);
    if (last.state === 'done') break;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.equal(last.state, 'done', `the batch finished: ${JSON.stringify(last)}`);
  assert.equal(last.total, GOOD, `the batch has ${GOOD} rows`);
  assert.equal(last.issued, GOOD, `progress reached ${GOOD}`);
  await page.waitForURL(`${ISSUER}/console/cohorts/${cohort}/result`, { timeout: 30_000 });
  return seen;
}

/** The result: 47 share links, no failed rows; the first share link opens the learner's page. */
async function checkResult(page, cohort, tag, checks) {
  const res = await page.goto(`${ISSUER}/console/cohorts/${cohort}/result`);
  await ok(page, res, 'cohort result');
  const links = await page.locator('main a[href*="/share/"]').evaluateAll((as) => [...new Set(as.map((a) => a.href))]);
  assert.equal(links.length, GOOD, `${GOOD} share links in the result`);
  assert.match(await page.locator('main').innerText(), new RegExp(`\\b${GOOD}\\b`));
  const zip = page.locator(`main a[href$="/console/cohorts/${cohort}/pdfs.zip"]`);
  assert.equal(await zip.count() >= 1, true, 'a link to all PDFs as one ZIP');
  const z = await page.request.get(`${ISSUER}/console/cohorts/${cohort}/pdfs.zip`);
  assert.equal(z.status(), 200, 'pdfs.zip');
  const bytes = await z.body();
  assert.equal(bytes.subarray(0, 4).toString('latin1'), 'PK\u0003\u0004', 'a ZIP file');
  if (checks) await audit(page, 'cohort-result');
  // A share link opens the learner's page (certificate of that learner).
  const row = page.locator('main tr', { hasText: rowName(tag, 12) }).first();
  const share = await row.locator('a[href*="/share/"]').first().getAttribute('href');
  const learner = await page.context().newPage();
  const lres = await learner.goto(new URL(share, ISSUER).href);
  assert.equal(lres.status(), 200, 'the share link opens');
  assert.match(await learner.locator('h1#page-title').innerText(), new RegExp(`Acceptance course ${tag}`));
  assert.match(await learner.locator('body').innerText(), new RegExp(`Tester${tag}12`));
  await learner.close();
  return { links, share: new URL(share, ISSUER).href };
}

/** Finds learner 12's credential by search, revokes it with the confirmation step; returns its
 *  console id and share URL. */
async function revokeOne(page, tag, share, checks) {
  let res = await page.goto(`${ISSUER}/console/credentials?q=${encodeURIComponent(`Tester${tag}12`)}`);
  await ok(page, res, 'credential search');
  if (checks) await audit(page, 'credentials-search');
  const hit = page.locator('main a[href^="/console/credentials/"]', { hasText: new RegExp(`Tester${tag}12|Ada${tag}12`) });
  const any = page.locator('main a[href^="/console/credentials/"]');
  const link = (await hit.count()) ? hit.first() : any.first();
  assert.ok(await link.count(), 'the search finds the learner');
  res = await submit(page, link);
  await ok(page, res, 'credential detail');
  const id = decodeURIComponent(new URL(page.url()).pathname.split('/')[3]);
  assert.match(await page.locator('main').innerText(), new RegExp(`Tester${tag}12`));
  if (checks) await audit(page, 'credential-detail');
  // The confirmation step: revoke → a confirmation page with a reason field → POST.
  const revoke = page.locator('main a[href*="action=revoke"], main form:has(input[value="revoke"]) [type="submit"]').first();
  assert.ok(await revoke.count(), 'the detail page offers "revoke"');
  res = await submit(page, revoke);
  await ok(page, res, 'revocation confirmation');
  assert.match(new URL(page.url()).pathname, new RegExp(`^/console/credentials/[^/]+/status$`));
  if (checks) await audit(page, 'credential-status-confirm');
  const form = page.locator('main form[method="post" i]').first();
  const reason = await field(form, ['reason'], [/reason|grund|reden|powód|motivo/i]);
  assert.ok(reason, 'the confirmation asks for a reason');
  await reason.fill(`Acceptance test ${tag}: issued in error`);
  res = await submit(page, submitOf(form));
  await ok(page, res, 'revocation');
  assert.match(await page.locator('main').innerText(), /revoked|widerrufen|ingetrokken|unieważnion|revocat/i, 'the page says revoked');
  // The employer's page: the verification URL of the credential says revoked.
  const verification = `${VERIFIER}/verify?credential=${encodeURIComponent(share)}`;
  // The verifier caches a status list for its TTL (verifier `status_list_ttl_secs`, 60 s by
  // default; Bitstring Status List §3.2 leaves caching to the verifier): an employer may see the
  // old state until the cached list expires, then must see "revoked". Reload until then.
  const employer = await page.context().newPage();
  const t0 = Date.now();
  let v;
  for (;;) {
    await employer.goto(verification);
    const h = employer.locator('#verdict');
    await h.waitFor();
    v = { verdict: await h.getAttribute('data-verdict'), reason: await h.getAttribute('data-reason') };
    if (v.reason === 'revoked' || Date.now() - t0 > 90_000) break;
    await employer.waitForTimeout(5000);
  }
  employerDelays.push(((Date.now() - t0) / 1000).toFixed(1));
  assert.equal(v.verdict, 'invalid', `the employer page: invalid (after ${(Date.now() - t0) / 1000} s)`);
  assert.equal(v.reason, 'revoked', 'the employer page: revoked');
  await employer.close();
  // The learner's share page says so too.
  const learner = await page.context().newPage();
  await learner.goto(share);
  assert.match(await learner.locator('body').innerText(), /revoked|widerrufen/i, 'the learner page shows revoked');
  await learner.close();
  return id;
}

/** The rows of the audit table on the page: [{at, actor, action, target, reason, detail}]. */
async function auditRows(page) {
  return page.locator('main table tbody tr').evaluateAll((trs) => trs.map((tr) => {
    const c = [...tr.cells].map((td) => td.textContent.trim());
    return { at: c[0], actor: c[1], action: c[2], target: c[3], reason: c[4], detail: c[5] };
  }));
}

/** The audit view lists the specification, the cohort issuance (47 issued) and the revocation
 *  (with its reason), each by the signed-in staff member; its filters find each; the CSV export
 *  has them. */
async function checkAudit(page, spec, cohort, credential, tag, checks) {
  let res = await page.goto(`${ISSUER}/console/audit`);
  await ok(page, res, 'audit log');
  const newest = await auditRows(page);
  assert.ok(newest.length > 0, 'the audit log has entries');
  const revocation = newest.find((r) => r.target === credential && /revo/i.test(r.action));
  assert.ok(revocation, `the newest audit entries list the revocation of ${credential}: ${JSON.stringify(newest.slice(0, 3))}`);
  assert.match(revocation.reason, new RegExp(`Acceptance test ${tag}`), 'with its reason');
  assert.match(revocation.actor, /^staff:/, 'by the staff member');
  if (checks) await audit(page, 'audit');
  // The filters: the specification, the cohort's batch.
  res = await page.goto(`${ISSUER}/console/audit?target=${encodeURIComponent(spec)}`);
  await ok(page, res, 'audit log filtered by the specification');
  const specRows = await auditRows(page);
  assert.ok(specRows.some((r) => r.target === spec && /specification/i.test(r.action) && /^staff:/.test(r.actor)), `the specification ${spec} created: ${JSON.stringify(specRows)}`);
  res = await page.goto(`${ISSUER}/console/audit?action=batch`);
  await ok(page, res, 'audit log filtered by action batch');
  const batches = await auditRows(page);
  const batch = batches.find((r) => r.target === cohort);
  assert.ok(batch, `the cohort's batch issuance: ${JSON.stringify(batches.slice(0, 3))}`);
  assert.match(batch.detail, new RegExp(`"issued":\\s*${GOOD}`), `the batch issued ${GOOD}`);
  assert.match(batch.actor, /^staff:/, 'the batch by the staff member');
  // The export of the same filter.
  const csv = await page.request.get(`${ISSUER}/console/audit.csv?target=${encodeURIComponent(credential)}`);
  assert.equal(csv.status(), 200, 'audit.csv');
  const body = await csv.text();
  assert.ok(body.includes(credential) && /revo/i.test(body), `the CSV export lists the revocation: ${body.slice(0, 300)}`);
}

async function flow(context, tag, checks) {
  const page = await context.newPage();
  const t0 = Date.now();
  // The root URL leads a browser to the sign-in.
  const res = await page.goto(`${ISSUER}/`);
  await ok(page, res, 'root');
  assert.equal(new URL(page.url()).pathname, '/console/sign-in', 'the root URL leads to the sign-in');
  if (checks) await audit(page, 'sign-in');
  await signIn(page, staff[A]);
  if (checks) await audit(page, 'dashboard');
  const spec = await createSpecification(page, tag, checks);
  const cohort = await uploadCohort(page, spec, tag, checks);
  await checkPreview(page, tag, checks);
  if (checks) {
    // The progress page (here of the draft: 0 issued) and back to the preview.
    const res = await page.goto(`${ISSUER}/console/cohorts/${cohort}/progress`);
    await ok(page, res, 'progress page');
    assert.equal(await page.locator('progress').count(), 1, 'a progress bar');
    await audit(page, 'cohort-progress');
    await page.goto(`${ISSUER}/console/cohorts/${cohort}`);
  }
  const issued = await dropAndIssue(page, cohort, tag);
  assert.ok([200].includes(issued.status()), `issue: ${issued.status()}`);
  assert.match(new URL(page.url()).pathname, /\/(progress|result)$/, 'the issue button leads to the progress');
  const seen = await followProgress(page, cohort);
  const { share } = await checkResult(page, cohort, tag, checks);
  const credential = await revokeOne(page, tag, share, checks);
  if (checks) {
    const m = await page.goto(`${ISSUER}/console/credentials/${encodeURIComponent(credential)}/messages`);
    await ok(page, m, 'messages');
    await audit(page, 'credential-messages');
  }
  await checkAudit(page, spec, cohort, credential, tag, checks);
  if (checks) {
    // The other console pages (the demo coordinator is an admin): messages, API tokens, staff.
    for (const [url, name] of [['/console/messages', 'messages'], ['/console/tokens', 'tokens'], ['/console/staff', 'staff']]) {
      const res = await page.goto(`${ISSUER}${url}`);
      await ok(page, res, name);
      await audit(page, name);
    }
  }
  await page.close();
  return { spec, cohort, credential, progress: seen, seconds: (Date.now() - t0) / 1000 };
}

let flowA; // the objects of university A the security test probes

test('issue #18: the coordinator flow in the browser (axe at 1280 and 360 px on every page)', async () => {
  flowA = await flow(desktop, 'Js', true);
  console.log(`# console flow with JavaScript: ${flowA.seconds.toFixed(1)} s; progress seen ${flowA.progress.join(',')}; pages audited: ${[...visited].join(' ')}`);
  if (notes.length) console.log(`# notes: ${notes.join('; ')}`);
  assert.deepEqual(problems, [], 'accessibility and structure of every console page (axe any impact, 1280 and 360 px)');
});

test('issue #18: the same flow with JavaScript disabled', async () => {
  const r = await flow(noScript, 'NoJs', false);
  console.log(`# console flow without JavaScript: ${r.seconds.toFixed(1)} s; progress seen ${r.progress.join(',')}; employer page revoked after ${employerDelays.join(' s, ')} s`);
});

test('issue #18: the sign-in form is completed with the keyboard alone', async () => {
  const ctx = await browser.newContext({ viewport: DESKTOP });
  const page = await ctx.newPage();
  await page.goto(`${ISSUER}/console/sign-in`);
  const order = await signInByKeyboard(page, staff[B]);
  assert.equal(new URL(page.url()).pathname, '/console', `signed in by keyboard (tab order: ${order.join(', ')})`);
  // The skip link is the first stop.
  assert.equal(order[0], 'A', 'the first Tab reaches a link (the skip link)');
  await ctx.close();
});

// ---------------------------------------------------------------------------------------------
// Security, over HTTP with a cookie jar

/** A minimal HTTP client with cookies (no redirects followed). */
class Jar {
  constructor() {
    this.cookies = new Map();
  }

  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async fetch(url, init = {}) {
    const headers = { accept: 'text/html', ...(init.headers || {}) };
    if (this.cookies.size) headers.cookie = this.header();
    const res = await fetch(new URL(url, ISSUER), { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    res.body_ = await res.text();
    return res;
  }

  /** POSTs a form (urlencoded). */
  post(url, fields) {
    return this.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ISSUER },
      body: new URLSearchParams(fields).toString(),
    });
  }
}

/** The status shown on a credential's console page (`<dt>Status</dt><dd>...</dd>`). */
function statusOn(html) {
  const m = html.match(/<dt>Status<\/dt><dd>(.*?)<\/dd>/);
  assert.ok(m, 'a status on the credential page');
  return m[1];
}

/** The `_csrf` value of the first form of an HTML page. */
function csrfOf(html) {
  const m = html.match(/name="_csrf"\s+value="([^"]*)"/) || html.match(/value="([^"]*)"\s+name="_csrf"/);
  return m ? m[1] : null;
}

/** Signs in over HTTP; returns {jar, csrf, before, after} (cookies before and after). */
async function httpSignIn(account, jar = new Jar()) {
  const page = await jar.fetch('/console/sign-in');
  assert.equal(page.status, 200, 'sign-in page');
  const before = new Map(jar.cookies);
  const fields = { university: account.university, username: account.username, password: account.password, _csrf: csrfOf(page.body_) ?? '' };
  if (account.totp) fields.totp = totp(account.totp);
  const res = await jar.post('/console/sign-in', fields);
  assert.equal(res.status, 303, `sign-in of ${account.username}: ${res.status} ${res.body_.slice(0, 300)}`);
  assert.match(res.headers.get('location') || '', /^(\/console|https?:\/\/[^/]+\/console)(\?|$|\/?$)/);
  const dash = await jar.fetch('/console');
  assert.equal(dash.status, 200, 'the dashboard after signing in');
  return { jar, csrf: csrfOf(dash.body_), before, after: new Map(jar.cookies), setCookies: res.headers.getSetCookie() };
}

test('issue #18 security: the session id changes at sign-in; a planted session id never authenticates', async () => {
  const jar = new Jar();
  const page = await jar.fetch('/console/sign-in');
  assert.equal(page.status, 200);
  // An attacker plants a session id of their choosing in the victim's browser.
  const planted = crypto.randomBytes(32).toString('base64url');
  const names = new Set([...jar.cookies.keys(), 'session', 'enhance_session', 'console_session', 'sid', 'id']);
  for (const n of names) if (!jar.cookies.has(n)) jar.cookies.set(n, planted);
  const pre = new Map(jar.cookies);
  const { after, setCookies } = await httpSignIn(staff[B], jar);
  // The session cookie set at sign-in: Secure? (http on loopback), HttpOnly and SameSite.
  const sessionCookie = setCookies.find((c) => !/max-age=0/i.test(c));
  assert.ok(sessionCookie, 'the sign-in sets a session cookie');
  assert.match(sessionCookie, /HttpOnly/i, 'HttpOnly');
  assert.match(sessionCookie, /SameSite=(Lax|Strict)/i, 'SameSite');
  const sessionName = sessionCookie.split('=')[0].trim();
  assert.notEqual(after.get(sessionName), pre.get(sessionName), 'a new session id at sign-in (fixation)');
  assert.notEqual(after.get(sessionName), planted);
  // The planted id (or the id from before the sign-in) does not give access.
  for (const value of new Set([planted, pre.get(sessionName)].filter(Boolean))) {
    const other = new Jar();
    other.cookies.set(sessionName, value);
    const res = await other.fetch('/console');
    assert.equal(res.status, 303, 'the pre-sign-in session id is not signed in');
    assert.match(res.headers.get('location'), /\/console\/sign-in/);
  }
  // Signing out ends the session: the old id no longer works.
  const id = after.get(sessionName);
  const dash = await jar.fetch('/console');
  const out = await jar.post('/console/sign-out', { _csrf: csrfOf(dash.body_) });
  assert.equal(out.status, 303, 'sign-out');
  const again = new Jar();
  again.cookies.set(sessionName, id);
  assert.equal((await again.fetch('/console')).status, 303, 'a signed-out session id is dead');
});

test('issue #18 security: a form POST without the CSRF token is refused (403) and changes nothing', async () => {
  assert.ok(flowA, 'the browser flow ran first (its credential is the target)');
  const { jar, csrf } = await httpSignIn(staff[A]);
  assert.ok(csrf, 'the console pages carry a CSRF token');
  const cred = encodeURIComponent(flowA.credential);
  const detail = await jar.fetch(`/console/credentials/${cred}`);
  assert.equal(detail.status, 200, 'own credential detail');
  // A second credential of the cohort that is still valid: find one in the search.
  const list = await jar.fetch(`/console/credentials?q=${encodeURIComponent('TesterJs13')}`);
  const m = list.body_.match(/href="\/console\/credentials\/([^"/?]+)"/);
  assert.ok(m, 'the search finds learner 13');
  const target = m[1];
  const before13 = await jar.fetch(`/console/credentials/${target}`);
  assert.equal(before13.status, 200);
  const spec = encodeURIComponent(flowA.spec);
  const cohort = encodeURIComponent(flowA.cohort);
  const cases = [
    [`/console/credentials/${target}/status`, { action: 'revoke', reason: 'csrf test' }],
    [`/console/credentials/${target}/status`, { action: 'suspend', reason: 'csrf test' }],
    ['/console/specifications', { ...specFields('CsrfProbe'), id: 'csrf-probe' }],
    [`/console/specifications/${spec}`, { ...specFields('CsrfProbe'), id: undefined }],
    [`/console/cohorts/${cohort}`, { drop: '0' }],
    [`/console/cohorts/${cohort}/issue`, {}],
    [`/console/credentials/${target}/messages/resend`, {}],
    [`/console/credentials/${target}/messages/address`, { email: 'attacker@example.org' }],
    ['/console/sign-out', {}],
  ];
  for (const [url, fields] of cases) {
    for (const token of [undefined, 'wrong-token', '', csrf.slice(0, -1)]) {
      const clean = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
      const body = token === undefined ? clean : { ...clean, _csrf: token };
      const res = await jar.post(url, body);
      assert.equal(res.status, 403, `POST ${url} with _csrf=${token}: ${res.status}`);
    }
  }
  // Nothing happened: still signed in, the credential still valid, no probe specification.
  const still = await jar.fetch(`/console/credentials/${target}`);
  assert.equal(still.status, 200, 'still signed in (sign-out without token refused)');
  assert.equal(statusOn(still.body_), statusOn(before13.body_), 'the credential\'s status is unchanged');
  const versions = await jar.fetch(`/console/specifications/${spec}/versions`);
  assert.equal((versions.body_.match(/<tbody>.*<\/tbody>/s)?.[0].match(/<tr>/g) || []).length, 1, 'no new specification version');
  assert.equal((await jar.fetch('/console/specifications/csrf-probe')).status, 404, 'no specification created');
  // A multipart upload without the token, too.
  const fd = new FormData();
  fd.set('specification', flowA.spec);
  fd.set('file', new Blob([cohortCsv('Csrf')], { type: 'text/csv' }), 'cohort.csv');
  const up = await jar.fetch('/console/cohorts', { method: 'POST', body: fd, headers: { origin: ISSUER } });
  assert.equal(up.status, 403, `multipart POST /console/cohorts without _csrf: ${up.status}`);
  // The sign-in form itself needs the token of its page.
  const fresh = new Jar();
  await fresh.fetch('/console/sign-in');
  const login = await fresh.post('/console/sign-in', { university: A, username: staff[A].username, password: staff[A].password });
  assert.equal(login.status, 403, `sign-in POST without _csrf: ${login.status}`);
});

test('issue #18 security: another university gets 404 on every console URL naming our objects', async () => {
  assert.ok(flowA, 'the browser flow ran first');
  const { jar, csrf } = await httpSignIn(staff[B]);
  const own = await httpSignIn(staff[A]);
  const cred = encodeURIComponent(flowA.credential);
  const cohort = encodeURIComponent(flowA.cohort);
  const spec = encodeURIComponent(flowA.spec);
  const gets = [
    `/console/credentials/${cred}`,
    `/console/credentials/${cred}/download?format=jsonld`,
    `/console/credentials/${cred}/status?action=revoke`,
    `/console/credentials/${cred}/status?action=suspend`,
    `/console/credentials/${cred}/status?action=reinstate`,
    `/console/credentials/${cred}/messages`,
    `/console/cohorts/${cohort}`,
    `/console/cohorts/${cohort}/progress`,
    `/console/cohorts/${cohort}/progress.json`,
    `/console/cohorts/${cohort}/result`,
    `/console/cohorts/${cohort}/pdfs.zip`,
    `/console/specifications/${spec}`,
    `/console/specifications/${spec}/versions`,
    `/console/specifications/${spec}/preview`,
  ];
  const posts = [
    [`/console/credentials/${cred}/status`, { action: 'reinstate', reason: 'cross-tenant probe' }],
    [`/console/credentials/${cred}/status`, { action: 'suspend', reason: 'cross-tenant probe' }],
    [`/console/credentials/${cred}/status`, { action: 'suspend' }],
    [`/console/credentials/${cred}/messages/resend`, {}],
    [`/console/credentials/${cred}/messages/address`, { email: 'probe@example.org' }],
    [`/console/cohorts/${cohort}`, { drop: '0' }],
    [`/console/cohorts/${cohort}/issue`, {}],
    [`/console/specifications/${spec}`, { ...specFields('Probe'), id: undefined }],
  ];
  const results = [];
  for (const url of gets) {
    // University A itself sees it (so the 404 is about tenancy, not a wrong URL) ...
    // (pdfs.zip: A's own was fetched in the flow; 47 PDFs are not rendered again here.)
    const answer = url.endsWith('pdfs.zip') ? { status: 200 } : await own.jar.fetch(url);
    // (A's progress page of a finished cohort sends A on to the result: 303.)
    const mine = { status: url.endsWith('/progress') && answer.status === 303 ? 200 : answer.status };
    const theirs = await jar.fetch(url);
    const missing = await jar.fetch(url.replace(/(credentials|cohorts|specifications)\/[^/?]+/, '$1/does-not-exist-0000'));
    results.push(url);
    assert.equal(mine.status, 200, `A's own ${url}`);
    assert.equal(theirs.status, 404, `B on ${url}`);
    assert.equal(missing.status, 404, `a missing id on ${url}`);
    assert.equal(theirs.body_.replace(/_csrf" value="[^"]*"/g, ''), missing.body_.replace(/_csrf" value="[^"]*"/g, ''), `B on ${url}: the same page as a missing id`);
    assert.doesNotMatch(theirs.body_, /TesterJs|AdaJs/, `B on ${url}: no learner data`);
  }
  for (const [url, fields] of posts) {
    const clean = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    const res = await jar.post(url, { ...clean, _csrf: csrf });
    results.push(`POST ${url}`);
    assert.equal(res.status, 404, `B POST ${url}`);
  }
  // B's lists show none of A's objects.
  for (const url of ['/console/credentials?q=TesterJs', '/console/specifications', '/console/audit', '/console/audit.csv', '/console', '/console/messages']) {
    const res = await jar.fetch(url);
    assert.equal(res.status, 200, url);
    // (The search form echoes `q`; the results would show the learners' full names.)
    for (const secret of [flowA.credential, flowA.spec, flowA.cohort, 'AdaJs']) {
      assert.ok(!res.body_.includes(secret), `B's ${url} shows nothing of A (${secret})`);
    }
  }
  // The revoked credential is still revoked (B's reinstate did nothing).
  const after = await own.jar.fetch(`/console/credentials/${cred}`);
  assert.match(after.body_, /revoked|widerrufen/i, 'still revoked');
  console.log(`# cross-tenant: ${results.length} console URLs naming A's objects: 404 for B (A: 200; a missing id: the same 404 page)`);
});

test('issue #18 security: a locked-out account stays locked (even with the right password)', async () => {
  const account = staff[C];
  // The account works: the right password signs in.
  await httpSignIn(account);
  // Wrong passwords: every answer is a refusal (never a session, never a server error), one
  // answer whatever was wrong (no enumeration) ...
  const jar = new Jar();
  const statuses = [];
  const texts = new Set();
  const attempts = 8; // more than the default lockout threshold (staff.max_failures = 5)
  for (let i = 0; i < attempts; i++) {
    const page = await jar.fetch('/console/sign-in');
    const res = await jar.post('/console/sign-in', { university: account.university, username: account.username, password: `wrong-password-${i}`, totp: '000000', _csrf: csrfOf(page.body_) ?? '' });
    statuses.push(res.status);
    assert.notEqual(res.status, 303, 'a wrong password never signs in');
    assert.ok(res.status >= 400 && res.status < 500, `a wrong password is a 4xx (${res.status})`);
    texts.add(res.body_.replace(/name="_csrf" value="[^"]*"/g, '').replace(/value="[^"]*"/g, ''));
  }
  // ... then the right password (and code) does not open it: now, from a fresh session, and later.
  const refusedRight = [];
  for (const wait of [0, 1500, 3000]) {
    await new Promise((r) => setTimeout(r, wait));
    const fresh = new Jar();
    const page = await fresh.fetch('/console/sign-in');
    const fields = { university: account.university, username: account.username, password: account.password, _csrf: csrfOf(page.body_) ?? '' };
    if (account.totp) fields.totp = totp(account.totp);
    const res = await fresh.post('/console/sign-in', fields);
    refusedRight.push(res.status);
    assert.notEqual(res.status, 303, `after ${wait} ms the right password still does not sign in (locked)`);
    assert.equal((await fresh.fetch('/console')).status, 303, 'no session: the dashboard sends to the sign-in');
    texts.add(res.body_.replace(/name="_csrf" value="[^"]*"/g, '').replace(/value="[^"]*"/g, ''));
  }
  console.log(`# lockout: ${attempts} wrong passwords → ${statuses.join(',')}; right password afterwards → ${refusedRight.join(',')}; distinct answers ${texts.size}`);
});
