// summary.spec.mjs - the council summary page (reports/html) in a real browser.
//
// Debian's headless Chromium (/usr/bin/chromium), driven by playwright-core:
// open the summary's share link, see the page with its style sheet and its
// inline SVG chart and no console errors or CSP violations, on a desktop and
// on a phone (nothing wider than the phone), screenshot both, then print it
// as Chromium prints (page.pdf with the page's own A4 landscape size) into
// E2E_OUT/summary.pdf for tests/test_summary.c to count its pages and read
// its first page.
//
//   SUMMARY_URL=http://127.0.0.1:PORT/raad/s/TOKEN E2E_OUT=/tmp/out node tests/e2e/summary.spec.mjs
//
// Environment:
//   SUMMARY_URL  the page (required)
//   E2E_OUT      folder for summary-desktop.png, summary-phone.png (the whole
//                page), summary-phone-top.png and -thermo.png (one phone screen
//                each) and summary.pdf (default: the current folder)
//   E2E_TITLE    the chart's title the page must show (default: the Dutch one)
//   CHROMIUM     the browser (default: /usr/bin/chromium)
//
// Prints one line per check ("ok - ...") and stops at the first failure with
// "not ok - ..." and exit status 1; 2 when it could not run at all.

import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const SUMMARY_URL = process.env.SUMMARY_URL;
const OUT = resolve(process.env.E2E_OUT || '.');
const TITLE = process.env.E2E_TITLE || 'De bedoeling langs de keten: beleving per laag (0–100)';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const STEP_TIMEOUT = 20_000;
const WHOLE_RUN = 120_000;

if (!SUMMARY_URL) {
  console.error('summary.spec: set SUMMARY_URL to the summary page (http://HOST:PORT/raad/s/TOKEN)');
  process.exit(2);
}
mkdirSync(OUT, { recursive: true });

class CheckFailed extends Error {}
let checks = 0;
function check(cond, what, detail) {
  if (!cond) throw new CheckFailed(`${what}${detail !== undefined ? `: ${detail}` : ''}`);
  checks++;
  console.log(`ok - ${what}`);
}

const consoleErrors = [];

async function open(browser, options, name) {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(STEP_TIMEOUT);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT);
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const url = msg.location() && msg.location().url;
    if (url && new URL(url).pathname === '/favicon.ico') return; // the browser's own request
    consoleErrors.push(`${msg.text()}${url ? ` (${url})` : ''}`);
  });
  page.on('pageerror', (err) => consoleErrors.push(`page error: ${err.message}`));
  const response = await page.goto(SUMMARY_URL);
  check(response.status() === 200, `${name}: the page opens (HTTP 200)`, response.status());
  const headers = response.headers();
  check((headers['content-security-policy'] || '').includes("default-src 'none'"),
        `${name}: the page carries the Content-Security-Policy`, headers['content-security-policy']);
  return { context, page };
}

async function run(browser) {
  // Desktop
  const desk = await open(browser, { viewport: { width: 1280, height: 900 }, locale: 'nl-NL' },
                          'desktop');
  const page = desk.page;
  const caption = (await page.locator('figure.chain figcaption').innerText()).trim();
  check(caption === TITLE, 'the chain chart has its title', caption);
  const lines = await page.locator('figure.chain svg path').count();
  check(lines >= 1, 'the chain chart draws lines', `${lines} paths`);
  const font = await page.evaluate(() => getComputedStyle(document.querySelector('h1')).color);
  check(font !== 'rgb(0, 0, 0)', 'the style sheet is applied', font);
  const rows = await page.locator('.thermo-table tbody tr').count();
  check(rows >= 1, 'the thermometer has a row per theme', rows);
  const sentences = await page.locator('ul.findings li').count();
  check(sentences >= 3 && sentences <= 5, 'three to five sentences', sentences);
  // the demo's eight rules: at most three told, with the list's own bullets
  const told = await page.locator('ul.rules li').count();
  check(told >= 1 && told <= 3, 'one to three rules told', told);
  const bullet = await page.evaluate(
    () => getComputedStyle(document.querySelector('ul.rules')).paddingLeft);
  check(bullet === '20px', 'the rules list is indented as the findings', bullet);
  const scripts = await page.locator('script').count();
  check(scripts === 0, 'the page has no script', scripts);
  await page.screenshot({ path: join(OUT, 'summary-desktop.png'), fullPage: true });

  // Print, as Chromium prints: the page's own @page size (A4 landscape)
  await page.emulateMedia({ media: 'print' });
  await page.pdf({ path: join(OUT, 'summary.pdf'), preferCSSPageSize: true, printBackground: true });
  check(true, 'printed to summary.pdf');
  await desk.context.close();

  // Phone
  const phone = await open(browser, {
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    locale: 'nl-NL',
  }, 'phone');
  const overflow = await phone.page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  check(overflow <= 0, 'nothing is wider than the phone (no sideways scrolling)', overflow);
  await phone.page.screenshot({ path: join(OUT, 'summary-phone.png'), fullPage: true });
  await phone.page.screenshot({ path: join(OUT, 'summary-phone-top.png') });
  await phone.page.locator('.thermo').scrollIntoViewIfNeeded();
  await phone.page.screenshot({ path: join(OUT, 'summary-phone-thermo.png') });
  await phone.context.close();

  check(consoleErrors.length === 0, 'no console errors or CSP violations', consoleErrors.join('; '));
}

const watchdog = setTimeout(() => {
  console.log(`not ok - the browser test did not finish within ${WHOLE_RUN / 1000} s`);
  process.exit(1);
}, WHOLE_RUN);

let browser;
let status = 0;
try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
  const driver = JSON.parse(
    readFileSync(join(here, 'node_modules', 'playwright-core', 'package.json'), 'utf8'));
  console.log(`note - node ${process.version}, playwright-core ${driver.version}, ` +
              `Chromium ${browser.version()}`);
  await run(browser);
  console.log(`${checks} checks passed`);
} catch (e) {
  status = 1;
  if (e instanceof CheckFailed) console.log(`not ok - ${e.message}`);
  else console.log(`not ok - after ${checks} checks: ${e && e.stack ? e.stack : e}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  clearTimeout(watchdog);
}
process.exit(status);
