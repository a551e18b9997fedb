// mail.spec.mjs - "Uitnodigen per e-mail" (/beheer/metingen/{id}/email) in
// a real browser, axe-core checking every state of the page (WCAG 2.1 A and
// AA rules: zero violations allowed):
//
//   the page as it opens, a list with a bad and a duplicate address (both
//   named), the list stored (counts), a preview, the invitations sent, and
//   the page of a server without a relay (mail not set up: the mail merge).
//
// Then the same page with JavaScript off (axe needs it, so no axe there):
// an address added and its invitation sent with the plain forms.
//
//   CONSOLE_URL=http://127.0.0.1:PORT PLAIN_URL=http://127.0.0.1:PORT2 \
//   EMAIL=... PASSWORD=... WAVE=ID node tests/e2e/mail.spec.mjs
//
// PLAIN_URL is a server on the same database without SMTP_URL. Prints one
// line per check ("ok - ...") and stops at the first failure with "not ok -
// ..." and exit status 1; 2 when it could not run at all.
// tests/test_console_mail.c runs it against servers of its own.

import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

const BASE = process.env.CONSOLE_URL;
const PLAIN = process.env.PLAIN_URL;
const EMAIL = process.env.EMAIL;
const PASSWORD = process.env.PASSWORD;
const WAVE = process.env.WAVE;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const STEP_TIMEOUT = 30_000;
const WHOLE_RUN = 200_000;

if (!BASE || !PLAIN || !EMAIL || !PASSWORD || !WAVE) {
  console.error('mail.spec: set CONSOLE_URL, PLAIN_URL, EMAIL, PASSWORD and WAVE');
  process.exit(2);
}

class CheckFailed extends Error {}
function check(cond, what, detail) {
  if (!cond) throw new CheckFailed(`${what}${detail !== undefined ? `: ${detail}` : ''}`);
  console.log(`ok - ${what}`);
}

async function axe(page, name) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const v = results.violations;
  check(v.length === 0, `axe: no violations on ${name}`,
        v.map((x) => `${x.id} (${x.nodes.length}): ${x.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`)
          .join('; '));
}

async function submit(page, name) {
  await Promise.all([
    page.waitForLoadState('load'),
    page.getByRole('button', { name, exact: true }).first().click(),
  ]);
  await page.waitForLoadState('load');
}

async function signIn(page, base) {
  await page.goto(`${base}/beheer/inloggen`);
  await page.fill('#f-email', EMAIL);
  await page.fill('#f-password', PASSWORD);
  await submit(page, 'Inloggen');
}

async function run(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const page = await context.newPage();
  const mailPage = `${BASE}/beheer/metingen/${WAVE}/email`;

  await signIn(page, BASE);
  await page.goto(`${BASE}/beheer/metingen/${WAVE}`);
  await Promise.all([page.waitForLoadState('load'), page.getByRole('link', { name: 'Naar uitnodigen per e-mail' }).click()]);
  check(page.url() === mailPage, 'the wave page leads to the e-mail page', page.url());
  await axe(page, 'the e-mail page');

  await page.fill('#f-list', 'a@proefstad.nl\nzonder-apenstaart.nl\nA@proefstad.nl\n');
  await page.selectOption('#f-layer', 'beleid');
  await submit(page, 'Adressen controleren en toevoegen');
  const summary = await page.locator('.error-summary').innerText();
  check(summary.includes('Regel 2: zonder-apenstaart.nl heeft geen @.'), 'the bad address is named', summary);
  check(summary.includes('Regel 3: A@proefstad.nl staat twee keer in de lijst.'), 'the duplicate is named', summary);
  await axe(page, 'the e-mail page with bad addresses');

  await page.fill('#f-list', 'a@proefstad.nl\nb@proefstad.nl\n');
  await submit(page, 'Adressen controleren en toevoegen');
  check((await page.locator('.notice').innerText()).includes('2 adressen toegevoegd'), 'the list is stored');
  await axe(page, 'the e-mail page with addresses');

  await Promise.all([page.waitForLoadState('load'), page.getByRole('link', { name: 'Voorbeeld bekijken' }).first().click()]);
  check((await page.locator('pre.mail').innerText()).includes('/s/voorbeeldlink'), 'the preview shows an example link');
  await axe(page, 'the e-mail preview');

  await submit(page, 'Uitnodigingen versturen');
  check((await page.locator('.notice').innerText()).includes('2 uitnodigingen staan klaar'), 'the invitations are queued');
  await axe(page, 'the e-mail page after sending');

  // The same wave on a server without a relay.
  const plain = await context.newPage();
  await signIn(plain, PLAIN);
  await plain.goto(`${PLAIN}/beheer/metingen/${WAVE}/email`);
  check((await plain.locator('#not-set-up').innerText()) === 'E-mail is niet ingesteld', 'without a relay the page says so');
  await axe(plain, 'the e-mail page without a relay');
  await context.close();

  const nojs = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
  nojs.setDefaultTimeout(STEP_TIMEOUT);
  const p = await nojs.newPage();
  await signIn(p, BASE);
  await p.goto(mailPage);
  await p.fill('#f-list', 'c@proefstad.nl\n');
  await submit(p, 'Adressen controleren en toevoegen');
  check((await p.locator('.notice').innerText()).includes('1 adres toegevoegd'), 'without JavaScript an address is added');
  await submit(p, 'Uitnodigingen versturen');
  check((await p.locator('.notice').innerText()).includes('1 uitnodiging staat klaar'), 'without JavaScript the invitation is sent');
  await nojs.close();
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const timer = setTimeout(() => {
  console.log('not ok - the run took longer than its limit');
  process.exit(1);
}, WHOLE_RUN);
let status = 0;
try {
  await run(browser);
  console.log('mail.spec: all checks passed');
} catch (e) {
  console.log(`not ok - ${e instanceof CheckFailed ? e.message : e.stack}`);
  status = 1;
} finally {
  clearTimeout(timer);
  await browser.close();
}
process.exit(status);
