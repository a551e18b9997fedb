// console.spec.mjs - the console (/beheer) in a real browser.
//
// Debian's headless Chromium, driven by playwright-core, does what a survey
// coordinator does, end to end, with axe-core (@axe-core/playwright) checking
// every page it passes (WCAG 2.1 A and AA rules: zero violations allowed):
//
//   sign in with the one-time password, choose a password of one's own,
//   create an organisation and an online wave, open it, make two
//   invitations (the CSV download: a BOM, ';'), answer both through the
//   respondent's form (axe on that form too), follow the progress, create an
//   import wave (marked as a test), import a CSV, undo it, import it again,
//   close both waves, see the results (SVG charts), download the council and
//   the full report, create and revoke an API key (the key is refused at
//   once), look at users and the audit log, sign out.
//
// Then: a form posted from another origin, and one without its CSRF token,
// are refused and change nothing; a keyboard-only walk (Tab and Enter, no
// mouse) signs in, opens an organisation, creates a wave and opens it, with a
// visible focus ring on every stop; and screenshots at phone and desktop
// size of the main pages.
//
//   CONSOLE_URL=http://127.0.0.1:PORT ADMIN_EMAIL=... ADMIN_PASSWORD=... \
//   E2E_OUT=/tmp/out node tests/e2e/console.spec.mjs
//
// Prints one line per check ("ok - ...") and stops at the first failure with
// "not ok - ..." and exit status 1; 2 when it could not run at all.
// tests/test_console_browser.c runs it against a server of its own.

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

const here = dirname(fileURLToPath(import.meta.url));
const BASE = process.env.CONSOLE_URL;
const EMAIL = process.env.ADMIN_EMAIL;
const ONE_TIME = process.env.ADMIN_PASSWORD;
const OUT = resolve(process.env.E2E_OUT || '.');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const INSTRUMENT = join(here, '..', '..', 'survey-defs', 'thermometer-sociaal-domein.json');
const STEP_TIMEOUT = 30_000;
const WHOLE_RUN = 400_000;
const PASSWORD = 'Een fietstocht langs de Vecht in mei';

if (!BASE || !EMAIL || !ONE_TIME) {
  console.error('console.spec: set CONSOLE_URL, ADMIN_EMAIL and ADMIN_PASSWORD');
  process.exit(2);
}

class CheckFailed extends Error {}
let checks = 0;
function ok(what) {
  checks++;
  console.log(`ok - ${what}`);
}
function check(cond, what, detail) {
  if (!cond) throw new CheckFailed(`${what}${detail !== undefined ? `: ${detail}` : ''}`);
  ok(what);
}
function same(got, want, what) {
  check(got === want, what, `got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

// ---- helpers ---------------------------------------------------------------

const axeChecked = new Set();
async function axe(page, name) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const v = results.violations;
  check(v.length === 0, `axe: no violations on ${name}`,
        v.map((x) => `${x.id} (${x.nodes.length}): ${x.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`)
          .join('; '));
  axeChecked.add(name);
}

async function go(page, path) {
  const r = await page.goto(BASE + path);
  return r;
}

async function submit(page, name) {
  await Promise.all([
    page.waitForLoadState('load'),
    page.getByRole('button', { name, exact: true }).first().click(),
  ]);
  await page.waitForLoadState('load');
}

const text = (page, sel) => page.locator(sel).first().innerText();
const path = (page) => new URL(page.url()).pathname;

// A CSV of answers for an import wave: rows per layer, every item asked of
// the layer answered (likert 2..5, intent and choice the first option).
function importCsv(def, perLayer) {
  const items = def.items.filter((it) => it.type !== 'text');
  const lines = [['layer', ...items.map((it) => it.key)].join(';')];
  let n = 0;
  for (const layer of def.layers) {
    for (let r = 0; r < perLayer; r++) {
      const cells = items.map((it) => {
        if (it.layers && !it.layers.includes(layer.key)) return '';
        n++;
        if (it.type === 'likert') return String(2 + ((n * 7 + r) % ((it.points || 5) - 1)));
        if (it.type === 'grade') return String(5 + (n % 5));
        return it.options[(n + r) % it.options.length].key;
      });
      lines.push([layer.key, ...cells].join(';'));
    }
  }
  return lines.join('\r\n') + '\r\n';
}

// ---- the coordinator's flow ------------------------------------------------

async function signIn(page, email, password) {
  await go(page, '/beheer');
  same(path(page), '/beheer/inloggen', 'an unknown visitor is sent to the sign-in page');
  await page.fill('#f-email', email);
  await page.fill('#f-password', password);
  await submit(page, 'Inloggen');
}

async function coordinator(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));

  await go(page, '/beheer');
  await axe(page, 'the sign-in page');
  // A wrong password: the same message as an unknown address.
  await page.fill('#f-email', EMAIL);
  await page.fill('#f-password', 'not the password at all');
  await submit(page, 'Inloggen');
  const wrong = await text(page, '.error-summary');
  check(wrong.includes('Het e-mailadres of het wachtwoord klopt niet'), 'a wrong password is refused', wrong);
  await page.fill('#f-email', 'nobody@example.nl');
  await page.fill('#f-password', 'not the password at all');
  await submit(page, 'Inloggen');
  same(await text(page, '.error-summary'), wrong, 'an unknown address gets the very same message');
  await axe(page, 'the sign-in page with an error');

  await signIn(page, EMAIL, ONE_TIME);
  same(path(page), '/beheer/wachtwoord', 'the one-time password leads to choosing one of one\'s own');
  await axe(page, 'the password page');
  await page.fill('#f-current', ONE_TIME);
  await page.fill('#f-password', 'welkom123456');
  await page.fill('#f-again', 'welkom123456');
  await submit(page, 'Wachtwoord opslaan');
  check((await text(page, '.error-summary')).includes('veelgebruikt wachtwoord'),
        'a common password with digits added is refused');
  await axe(page, 'the password page with an error');
  await page.fill('#f-current', ONE_TIME);
  await page.fill('#f-password', PASSWORD);
  await page.fill('#f-again', PASSWORD);
  await submit(page, 'Wachtwoord opslaan');
  same(path(page), '/beheer', 'after the new password: the overview');
  await axe(page, 'the overview');

  // Organisation: the code is taken in capitals; a name with markup is text.
  await page.getByRole('link', { name: 'Nieuwe organisatie' }).click();
  await axe(page, 'the new organisation form');
  await page.fill('#f-name', 'Gemeente <b>Testdam</b>');
  await page.fill('#f-code', 'gm0998');
  await submit(page, 'Organisatie maken');
  check(/^\/beheer\/organisaties\/\d+$/.test(path(page)), 'the organisation is created', page.url());
  same(await text(page, 'h1'), 'Gemeente <b>Testdam</b> GM0998', 'its name is shown as text, its code in capitals');
  const orgPath = path(page);
  await axe(page, 'the organisation page');

  // An online wave, dates in the future (Netherlands time).
  const nextYear = new Date().getFullYear() + 1;
  await page.getByRole('link', { name: 'Nieuwe meting' }).click();
  await axe(page, 'the new wave form');
  await page.fill('#f-name', 'Meting voorjaar');
  await page.fill('#f-closes_at', `${nextYear}-04-01`);
  await page.fill('#f-closes_time', '17:00');
  await page.fill('#f-opens_at', `${nextYear}-05-01`);
  await submit(page, 'Meting maken');
  check((await text(page, '.error-summary')).includes('De sluitdatum moet na de openingsdatum liggen'),
        'a wave that closes before it opens is refused, in Dutch');
  await axe(page, 'the new wave form with an error');
  await page.fill('#f-opens_at', '');
  await submit(page, 'Meting maken');
  check(/^\/beheer\/metingen\/\d+$/.test(path(page)), 'the wave is created', page.url());
  const wavePath = path(page);
  check((await text(page, 'dl.facts')).includes(`1-4-${nextYear} 17:00`), 'it closes at 17:00 Netherlands time');
  await axe(page, 'the wave page (draft)');
  await page.getByRole('link', { name: 'Bewerken' }).click();
  await axe(page, 'the wave edit form');
  await page.fill('#f-name', 'Meting voorjaar 2027');
  await submit(page, 'Opslaan');
  same(await text(page, 'h1'), 'Meting voorjaar 2027', 'the draft is renamed');
  await submit(page, 'Meting openen');
  check((await text(page, '.notice')).includes('De meting is open'), 'the wave is opened');
  await axe(page, 'the wave page (open)');

  // Two invitations: the CSV as Dutch Excel opens it.
  await page.selectOption('#f-layer', 'uitvoering');
  await page.fill('#f-count', '2');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Uitnodigingen maken en downloaden' }).click(),
  ]);
  const csvPath = join(OUT, 'uitnodigingen.csv');
  await download.saveAs(csvPath);
  const csv = readFileSync(csvPath);
  check(csv[0] === 0xef && csv[1] === 0xbb && csv[2] === 0xbf, 'the CSV starts with a BOM');
  const rows = csv.toString('utf8').slice(1).trim().split('\r\n');
  same(rows[0], 'laag;link', 'the CSV is separated by ;');
  same(rows.length, 3, 'the CSV holds the two invitations');
  const links = rows.slice(1).map((r) => r.split(';')[1]);

  // Answer both through the respondent's form.
  for (let i = 0; i < links.length; i++) {
    const form = await context.newPage();
    await form.goto(links[i]);
    if (i === 0) await axe(form, 'the respondent form');
    await form.evaluate(() => {
      const seen = new Set();
      for (const r of document.querySelectorAll('input[type=radio]')) {
        if (seen.has(r.name) || r.value === 'dont_know') continue;
        seen.add(r.name);
        r.checked = true;
      }
    });
    await Promise.all([
      form.waitForLoadState('load'),
      form.getByRole('button', { name: 'Versturen', exact: true }).last().click(),
    ]);
    await form.waitForLoadState('load');
    same(await form.locator('h1').innerText(), 'Bedankt!', `invitation ${i + 1} is answered and submitted`);
    if (i === 0) await axe(form, 'the thank-you page');
    await form.close();
  }
  await page.goto(BASE + wavePath + '/voortgang');
  await axe(page, 'the progress page');
  const row = await page.locator('tr', { has: page.locator('th', { hasText: 'Uitvoering' }) }).first().innerText();
  check(/\b2\s+2\s+2\s+100%\s+0\b/.test(row.replace(/\t/g, ' ')), 'progress: 2 invited, started, submitted, 100 %, none imported', row);

  // An import wave marked as a test: import, undo, import again.
  await page.goto(BASE + orgPath);
  await page.getByRole('link', { name: 'Nieuwe meting' }).click();
  await page.fill('#f-name', 'Papieren meting');
  await page.check('#f-collection-import');
  await page.check('#f-test');
  await submit(page, 'Meting maken');
  const importWave = path(page);
  check((await text(page, 'dl.facts')).includes('import van een bestand'), 'the wave is made for import');
  await submit(page, 'Meting openen');
  await page.getByRole('link', { name: 'Naar het importeren' }).click();
  await axe(page, 'the import page');
  const def = JSON.parse(readFileSync(INSTRUMENT, 'utf8'));
  const answers = join(OUT, 'antwoorden.csv');
  writeFileSync(answers, importCsv(def, 6));
  const bad = join(OUT, 'fout.csv');
  writeFileSync(bad, 'layer;ek-eff-1\r\nwethouder;3\r\nuitvoering;9\r\n');
  await page.setInputFiles('#f-file', bad);
  await submit(page, 'Importeren');
  const problems = await text(page, '.error-summary');
  check(problems.includes('Rij 1') && problems.includes('Rij 2'), 'every bad row is named', problems);
  await axe(page, 'the import page with bad rows');
  await page.setInputFiles('#f-file', answers);
  await submit(page, 'Importeren');
  check((await text(page, '.notice')).includes('30 antwoorden geïmporteerd'), 'the 30 rows are imported');
  await submit(page, 'Ongedaan maken');
  check((await text(page, '.notice')).includes('ongedaan'), 'the import is undone');
  same(await page.getByRole('button', { name: 'Ongedaan maken' }).count(), 0, 'no batch is left');
  await page.setInputFiles('#f-file', answers);
  await submit(page, 'Importeren');
  await page.goto(BASE + importWave);
  const imported = await page.locator('tr', { has: page.locator('th', { hasText: 'Bestuur' }) }).first().innerText();
  check(/\b0\s+0\s+0\s+–\s+6\b/.test(imported.replace(/\t/g, ' ')), 'imported answers in their own column, no rate', imported);

  // Close both; the confirmation says how many drafts it discards.
  for (const w of [wavePath, importWave]) {
    await page.goto(BASE + w);
    await page.getByRole('link', { name: 'Meting sluiten' }).click();
    check((await text(page, '.warning')).includes('geen tussentijds opgeslagen'), 'closing says no drafts are discarded');
    if (w === wavePath) await axe(page, 'the close confirmation');
    await submit(page, 'Ja, meting sluiten');
    check((await text(page, '.notice')).includes('gesloten'), 'the wave is closed');
  }
  await axe(page, 'the wave page (closed)');

  // Results of the import wave: charts, thermometer, losses, downloads.
  await page.getByRole('link', { name: 'Uitkomsten bekijken' }).click();
  await axe(page, 'the results page');
  const charts = await page.locator('section.chart svg[role=img]').count();
  check(charts >= 3, 'a chain chart per theme', `${charts} charts`);
  check((await page.locator('section.chart svg polyline').count()) > 0, 'the charts have lines');
  check((await page.locator('h2', { hasText: 'De drie grootste verliezen' }).count()) === 1, 'the three largest losses are shown');
  for (const [name, file] of [['Raadsrapport (Nederlands, Excel)', 'raad.xlsx'], ['Volledig rapport (Nederlands, Excel)', 'volledig.xlsx']]) {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).click()]);
    const p = join(OUT, file);
    await dl.saveAs(p);
    const head = readFileSync(p).subarray(0, 2).toString('latin1');
    same(head, 'PK', `${name} downloads as a workbook`);
  }
  await page.goto(BASE + wavePath + '/uitkomsten');
  await axe(page, 'the results page with suppressed layers');

  // A key: made, shown once, revoked, refused at once.
  await page.getByRole('link', { name: 'API-sleutels' }).click();
  await axe(page, 'the keys page');
  await page.fill('#f-name', 'koppeling zaaksysteem');
  await page.check('#f-role-admin');
  await submit(page, 'Sleutel maken');
  const key = (await text(page, '#new-key')).trim();
  check(/^tm_\d+_/.test(key), 'the new key is shown once', key);
  await axe(page, 'the keys page with a new key');
  const api = await context.request.get(BASE + '/api/v1/organisations', { headers: { Authorization: `Bearer ${key}` } });
  same(api.status(), 200, 'the new key works');
  await page.getByRole('button', { name: /^Intrekken koppeling zaaksysteem/ }).click();
  await page.waitForLoadState('load');
  check((await text(page, '.notice')).includes('ingetrokken'), 'the key is revoked');
  const after = await context.request.get(BASE + '/api/v1/organisations', { headers: { Authorization: `Bearer ${key}` } });
  same(after.status(), 401, 'the revoked key is refused at once');

  await page.getByRole('link', { name: 'Gebruikers' }).click();
  await axe(page, 'the users page');
  await page.fill('#f-email', 'raadslid@testdam.nl');
  await page.fill('#f-name', 'Raadslid <i>Testdam</i>');
  await page.check('#f-role-viewer');
  await page.locator('label', { hasText: 'Gemeente <b>Testdam</b>' }).click();
  await submit(page, 'Account maken');
  check(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/.test((await text(page, '#one-time')).trim()), 'a new account gets a one-time password');
  await axe(page, 'the users page with a new account');
  await page.getByRole('link', { name: 'Raadslid <i>Testdam</i>' }).click();
  await axe(page, 'a user\'s page');
  await page.getByRole('link', { name: 'Logboek' }).click();
  await axe(page, 'the audit log');
  const log = await text(page, 'table');
  for (const action of ['wave.create', 'wave.open', 'invitations.create', 'import.create', 'import.undo', 'wave.close', 'key.create', 'key.revoke', 'user.create'])
    check(log.includes(action), `the audit log has ${action}`);
  const secret = key.slice(key.indexOf('_', 3) + 1); // tm_<id>_<secret>; the secret may hold '_'
  check(secret.length >= 40 && !log.includes(secret) && !log.includes(PASSWORD),
        'the audit log holds no key and no password');

  // English.
  await page.getByRole('link', { name: 'English' }).click();
  same(await text(page, 'h1'), 'Audit log', 'the language switch gives English');
  await axe(page, 'the audit log in English');
  await page.getByRole('link', { name: 'Nederlands' }).click();

  // Pages that answer a refused form on purpose (401, 422) show as failed loads.
  const consoleErrors = errors.filter((e) => !/status of (401|422)\b/.test(e));
  check(consoleErrors.length === 0, 'no console errors or CSP violations', consoleErrors.join('; '));
  return { context, page, orgPath, wavePath, importWave };
}

// ---- CSRF ------------------------------------------------------------------

async function csrf(state) {
  const { context, page } = state;
  await page.goto(BASE + '/beheer/organisaties/nieuw');
  const token = await page.locator('input[name=csrf]').first().inputValue();
  const count = async () => (await context.request.get(BASE + '/beheer')).text()
    .then((t) => (t.match(/<section class="card"/g) || []).length);
  const before = await count();
  const other = await context.request.post(BASE + '/beheer/organisaties', {
    headers: { Origin: 'http://evil.example' },
    form: { csrf: token, name: 'Kwaadwillend', code: 'GM0997' },
    maxRedirects: 0,
  });
  same(other.status(), 403, 'a form posted from another origin is refused');
  const none = await context.request.post(BASE + '/beheer/organisaties', {
    headers: { Origin: BASE },
    form: { name: 'Zonder token', code: 'GM0996' },
    maxRedirects: 0,
  });
  same(none.status(), 403, 'a form without its CSRF token is refused');
  const forged = await context.request.post(BASE + '/beheer/organisaties', {
    form: { csrf: 'x'.repeat(43), name: 'Verzonnen token', code: 'GM0995' },
    maxRedirects: 0,
  });
  same(forged.status(), 403, 'a form with a made-up token is refused');
  same(await count(), before, 'none of them created anything');
}

// ---- keyboard only ---------------------------------------------------------

async function keyboard(browser, state) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const page = await context.newPage();
  const kb = page.keyboard;
  // Tab until the focus is on an element that matches pred (up to 80 stops);
  // every stop on the way must show a focus ring.
  async function tabTo(describe, pred) {
    for (let i = 0; i < 80; i++) {
      await kb.press('Tab');
      const info = await page.evaluate(() => {
        const e = document.activeElement;
        const s = e ? getComputedStyle(e) : null;
        return e ? {
          tag: e.tagName, id: e.id, text: (e.innerText || e.value || '').trim(), name: e.getAttribute('name'),
          type: e.getAttribute('type'), ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
        } : null;
      });
      if (info && info.tag !== 'BODY' && !info.ring) throw new CheckFailed(`focus ring on ${info.tag}#${info.id} "${info.text}"`);
      if (info && pred(info)) return;
    }
    throw new CheckFailed(`keyboard: cannot reach ${describe}`);
  }
  await page.goto(BASE + '/beheer');
  await tabTo('the e-mail field', (e) => e.id === 'f-email');
  await kb.type(EMAIL);
  await tabTo('the password field', (e) => e.id === 'f-password');
  await kb.type(PASSWORD);
  await Promise.all([page.waitForURL(BASE + '/beheer'), kb.press('Enter')]);
  ok('keyboard: signed in');
  await tabTo('the organisation', (e) => e.tag === 'A' && e.text.startsWith('Gemeente <b>Testdam'));
  await Promise.all([page.waitForURL(BASE + state.orgPath), kb.press('Enter')]);
  ok('keyboard: opened the organisation');
  await tabTo('"Nieuwe meting"', (e) => e.tag === 'A' && e.text === 'Nieuwe meting');
  await Promise.all([page.waitForURL(/metingen\/nieuw$/), kb.press('Enter')]);
  await tabTo('the name field', (e) => e.id === 'f-name');
  await kb.type('Meting met het toetsenbord');
  await tabTo('the submit button', (e) => e.tag === 'BUTTON' && e.text === 'Meting maken');
  await Promise.all([page.waitForURL(/\/beheer\/metingen\/\d+\?klaar=gemaakt$/), kb.press('Enter')]);
  ok('keyboard: created a wave');
  await tabTo('"Meting openen"', (e) => e.tag === 'BUTTON' && e.text === 'Meting openen');
  await Promise.all([page.waitForURL(/klaar=geopend$/), kb.press('Enter')]);
  check((await text(page, '.notice')).includes('De meting is open'), 'keyboard: opened the wave');
  await tabTo('"Uitloggen"', (e) => e.tag === 'BUTTON' && e.text === 'Uitloggen');
  await Promise.all([page.waitForURL(/inloggen\?uit=1$/), kb.press('Enter')]);
  ok('keyboard: signed out');
  await context.close();
}

// ---- screenshots -------------------------------------------------------------

async function screenshots(browser, state) {
  for (const [size, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    context.setDefaultTimeout(STEP_TIMEOUT);
    const page = await context.newPage();
    await page.goto(BASE + '/beheer');
    await page.fill('#f-email', EMAIL);
    await page.fill('#f-password', PASSWORD);
    await submit(page, 'Inloggen');
    for (const [name, p] of [['overview', '/beheer'], ['wave', state.wavePath], ['results', state.importWave + '/uitkomsten'], ['keys', '/beheer/sleutels']]) {
      await page.goto(BASE + p);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      check(width <= viewport.width, `${name} at ${size} size has no sideways scroll`, `${width}px`);
      await page.screenshot({ path: join(OUT, `console-${name}-${size}.png`), fullPage: true });
    }
    ok(`screenshots at ${size} size in ${OUT}`);
    await page.getByRole('button', { name: 'Uitloggen' }).click();
    await context.close();
  }
}

// ---- main --------------------------------------------------------------------

const timer = setTimeout(() => {
  console.log('not ok - the whole run took too long');
  process.exit(1);
}, WHOLE_RUN);

mkdirSync(OUT, { recursive: true });
let browser;
let status = 0;
try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const state = await coordinator(browser);
  await csrf(state);
  // Sign out as the coordinator last: the session ends in the database.
  await state.page.goto(BASE + '/beheer');
  await submit(state.page, 'Uitloggen');
  check((await text(state.page, '.notice')).includes('U bent uitgelogd'), 'signed out');
  await state.page.goto(BASE + '/beheer/logboek');
  same(path(state.page), '/beheer/inloggen', 'after signing out the console asks to sign in again');
  await state.context.close();
  await keyboard(browser, state);
  await screenshots(browser, state);
  console.log(`# ${checks} checks passed; axe checked ${axeChecked.size} pages`);
} catch (e) {
  console.log(`not ok - ${e instanceof CheckFailed ? e.message : e.stack || e}`);
  status = 1;
} finally {
  if (browser) await browser.close().catch(() => {});
  clearTimeout(timer);
}
process.exit(status);
