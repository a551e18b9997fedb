// survey.spec.mjs - the respondent's survey page in a real browser.
//
// Debian's headless Chromium (/usr/bin/chromium), driven by playwright-core,
// on a phone-sized viewport: open the invitation link, answer with taps,
// clicks and the keyboard, save, open the link again and find the draft,
// screenshot the page, submit too few answers and read next to the send
// button how many more are needed, answer the rest, submit, see the
// thank-you page, and find the link closed afterwards. No console errors and
// no CSP violations along the way.
//
//   SURVEY_URL=http://127.0.0.1:PORT/s/TOKEN E2E_OUT=/tmp/out node tests/e2e/survey.spec.mjs
//
// Environment:
//   SURVEY_URL   an invitation link of an open wave, not yet used (required)
//   E2E_OUT      folder for the screenshots (survey-phone.png: the whole page;
//                -top, -answered, -end: one phone screen each; -thanks) and
//                picked.json (what was answered, for tests/test_browser.c to
//                compare with the database); default: the current folder
//   E2E_LAYER    the invitation's layer (default: uitvoering)
//   E2E_INSTRUMENT  the instrument file (default: survey-defs/thermometer-sociaal-domein-v1.json)
//   CHROMIUM     the browser (default: /usr/bin/chromium)
//
// Prints one line per check ("ok - ...") and stops at the first failure with
// "not ok - ..." and exit status 1; 2 when it could not run at all.
// tests/test_browser.c runs it against a server of its own.

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const SURVEY_URL = process.env.SURVEY_URL;
const OUT = resolve(process.env.E2E_OUT || '.');
const LAYER = process.env.E2E_LAYER || 'uitvoering';
const INSTRUMENT =
  process.env.E2E_INSTRUMENT || join(here, '..', '..', 'survey-defs', 'thermometer-sociaal-domein-v1.json');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const STEP_TIMEOUT = 20_000; // ms per action; the server under test runs under ASan
const WHOLE_RUN = 150_000; // ms; the C test kills us at 180 s

if (!SURVEY_URL) {
  console.error('survey.spec: set SURVEY_URL to an invitation link (http://HOST:PORT/s/TOKEN)');
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

// ---- what to answer, taken from the instrument ------------------------------

const def = JSON.parse(readFileSync(INSTRUMENT, 'utf8'));
const asked = (it) => !it.layers || it.layers.includes(LAYER);
const firstDomain = def.domains[0].key;
const likert = def.items.filter((it) => it.type === 'likert' && asked(it) && it.domain === firstDomain);
const openItem = def.items.find((it) => it.type === 'text' && asked(it) && it.domain === firstDomain);
const background = def.items.find((it) => it.type === 'choice' && asked(it) && !it.multiple);
if (likert.length < 5 || !openItem || !background) {
  console.error(`survey.spec: ${INSTRUMENT} lacks the items this test answers (5 likert, 1 open, 1 choice)`);
  process.exit(2);
}
const points = likert[0].points || 5;
const labels = (likert[0].labels && likert[0].labels.nl) || def.scale_labels[String(points)].nl;
const nAsked = def.items.filter(asked).length;
const nParts =
  def.domains.filter((d) => def.items.some((it) => it.domain === d.key && asked(it))).length +
  (def.items.some((it) => !it.domain && asked(it)) ? 1 : 0);

const byClick = likert[0]; // tapped: "Eens"
const byClick2 = likert[1]; // clicked: the first label
const byKeys = likert[2]; // keyboard only
const dontKnow = likert[3]; // "Weet niet"
const atSubmit = likert[4]; // answered after the reload, before "Versturen"
const openText = 'Vaker uitleg in de wijk, met voorbeelden.\nEén vast aanspreekpunt per team.';

// ---- the browser --------------------------------------------------------------

const consoleErrors = [];
let expectErrorStatus = null; // an HTTP status a page is meant to have (409 at the end)
let faviconNoted = false;

function noConsoleErrors(when) {
  const bad = consoleErrors.filter((e) => !e.allowed);
  check(bad.length === 0, `no console errors or CSP violations ${when}`,
        bad.map((e) => `${e.text}${e.url ? ` (${e.url})` : ''}`).join('; '));
}

const radio = (page, item, value) => page.locator(`[id="q-${item.key}.${value}"]`);
const label = (page, item, value) => page.locator(`label[for="q-${item.key}.${value}"]`);
// An answer's field is named "q." and the item key (survey_page.h).
const checkedValue = (page, item) =>
  page.evaluate((name) => {
    const r = document.querySelector(`input[name="${name}"]:checked`);
    return r ? r.value : null;
  }, `q.${item.key}`);

async function postAndWait(page, buttonName) {
  // Every part ends with its own save button: use the one after the last part.
  const button = page.getByRole('button', { name: buttonName, exact: true }).last();
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
    button.click(),
  ]);
  await page.waitForLoadState('load');
  return response;
}

async function run(browser) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'nl-NL',
  });
  context.setDefaultTimeout(STEP_TIMEOUT);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT);
  // CSP violations also reach the console as errors; this makes sure of it
  // and names the directive. Init scripts are not subject to the page's CSP.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const url = msg.location() && msg.location().url;
    const text = msg.text();
    // Chromium reports a page's own non-2xx status as a console error; at the
    // end the page is meant to be "409 Al verstuurd".
    const allowed = expectErrorStatus !== null && url === SURVEY_URL &&
      text.includes(`status of ${expectErrorStatus}`);
    // The browser asks for /favicon.ico by itself and the server has none:
    // that 404 is not the page's doing. Said once, not counted.
    if (url && new URL(url).pathname === '/favicon.ico') {
      if (!faviconNoted) console.log(`note - the browser's own request for /favicon.ico: ${text}`);
      faviconNoted = true;
      return;
    }
    consoleErrors.push({ text, url, allowed });
  });
  page.on('pageerror', (err) => consoleErrors.push({ text: `page error: ${err.message}` }));

  // 1. The invitation link.
  let response = await page.goto(SURVEY_URL);
  same(response.status(), 200, 'the invitation link opens (HTTP 200)');
  same(await page.evaluate(() => document.documentElement.lang), 'nl', 'the page is in Dutch (lang="nl")');
  const title = await page.title();
  check(title.startsWith(def.title.nl), 'the title names the survey', title);
  same((await page.locator('h1').innerText()).trim(), def.title.nl, 'the heading is the survey\'s title');
  const firstPart = (await page.locator('.part-no').first().innerText()).trim();
  same(firstPart, `Deel 1 van ${nParts}:`, 'the first part says "Deel 1 van N"');
  const progress = () => page.locator('#progress-text').innerText();
  same((await progress()).trim(), `0 van ${nAsked} vragen beantwoord`, 'the progress starts at 0');
  const css = await page.evaluate(() => getComputedStyle(document.querySelector('.option label')).borderRadius);
  check(css !== '0px', 'the style sheet is applied', `border-radius ${css}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  same(overflow, 0, 'nothing is wider than the phone (no sideways scrolling)');
  const small = await page.evaluate(() =>
    [...document.querySelectorAll('.option label, button')]
      .map((el) => ({ id: el.htmlFor || el.textContent.trim(), h: el.getBoundingClientRect().height }))
      .filter((x) => x.h < 44));
  check(small.length === 0, 'every option and button is at least 44 px tall (touch target)',
        small.slice(0, 5).map((x) => `${x.id}: ${x.h}px`).join(', '));
  noConsoleErrors('on opening the link');

  // 2. Answers: a tap, a click, the keyboard, "weet niet", an open answer.
  same((await label(page, byClick, 4).innerText()).trim(), labels[3], `${byClick.key}: option 4 reads "${labels[3]}"`);
  await label(page, byClick, 4).tap();
  same(await checkedValue(page, byClick), '4', `${byClick.key}: tapping "${labels[3]}" checks 4`);

  await page.locator(`#item-${byClick2.key}`).getByText(labels[0], { exact: true }).click();
  same(await checkedValue(page, byClick2), '1', `${byClick2.key}: clicking "${labels[0]}" checks 1`);

  // Keyboard only: from the radio just answered, Tab leaves that group and
  // lands on the first radio of the next question; Space picks it, the arrow
  // keys move the choice within the group.
  await radio(page, byClick2, 1).focus();
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  same(focused, `q-${byKeys.key}.1`, `${byKeys.key}: Tab moves to the next question's first option`);
  same(await checkedValue(page, byKeys), null, `${byKeys.key}: Tab alone answers nothing`);
  const outline = await page.evaluate((id) => {
    const l = document.querySelector(`label[for="${id}"]`);
    return getComputedStyle(l).outlineStyle;
  }, focused);
  same(outline, 'solid', `${byKeys.key}: the focused option shows a focus outline`);
  await page.keyboard.press('Space');
  same(await checkedValue(page, byKeys), '1', `${byKeys.key}: Space checks the focused option`);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  same(await checkedValue(page, byKeys), '3', `${byKeys.key}: ArrowDown twice moves the choice to 3`);
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowRight');
  same(await checkedValue(page, byKeys), '3', `${byKeys.key}: ArrowUp then ArrowRight ends on 3`);
  same(await page.evaluate(() => document.activeElement.id), `q-${byKeys.key}.3`,
       `${byKeys.key}: the focus follows the choice`);

  await page.locator(`#item-${dontKnow.key}`).getByText('Weet niet', { exact: true }).click();
  same(await checkedValue(page, dontKnow), 'dont_know', `${dontKnow.key}: "Weet niet" is checked`);

  const area = page.getByLabel(openItem.text.nl);
  await area.click();
  await area.pressSequentially(openText.split('\n')[0]);
  await page.keyboard.press('Enter');
  await area.pressSequentially(openText.split('\n')[1]);
  same(await area.inputValue(), openText, `${openItem.key}: the open answer is typed (two lines)`);

  // 3. Save, then open the link again: the draft is there.
  response = await postAndWait(page, 'Tussentijds opslaan');
  // Saving answers with a redirect (post/redirect/get), so a reload never posts again.
  same(response.status(), 303, '"Tussentijds opslaan" saves and redirects (HTTP 303)');
  check(new URL(page.url()).searchParams.get('saved') === '1', 'the saved page is a plain GET (?saved=1)', page.url());
  const notice = (await page.locator('.notice').innerText()).trim();
  check(notice.startsWith('Uw antwoorden zijn opgeslagen'), 'a notice says the answers are saved', notice);
  noConsoleErrors('after saving');

  response = await page.goto(SURVEY_URL);
  same(response.status(), 200, 'the link opens again after saving');
  same(await checkedValue(page, byClick), '4', `draft: ${byClick.key} is still 4`);
  same(await checkedValue(page, byClick2), '1', `draft: ${byClick2.key} is still 1`);
  same(await checkedValue(page, byKeys), '3', `draft: ${byKeys.key} is still 3`);
  same(await checkedValue(page, dontKnow), 'dont_know', `draft: ${dontKnow.key} is still "weet niet"`);
  same(await page.getByLabel(openItem.text.nl).inputValue(), openText, `draft: ${openItem.key} keeps its text`);
  same((await progress()).trim(), `5 van ${nAsked} vragen beantwoord`, 'draft: the progress counts 5 answers');
  noConsoleErrors('on reopening the link');

  // 4. What a person sees on the phone.
  mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: join(OUT, 'survey-phone.png'), fullPage: true });
  ok(`full-page phone screenshot: ${join(OUT, 'survey-phone.png')}`);
  await page.screenshot({ path: join(OUT, 'survey-phone-top.png') });
  await page.evaluate((key) => document.getElementById(`item-${key}`).scrollIntoView({ block: 'start' }), byClick.key);
  await page.screenshot({ path: join(OUT, 'survey-phone-answered.png') });
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await page.screenshot({ path: join(OUT, 'survey-phone-end.png') });

  // 5. One more answer, a background question, and "Versturen".
  await label(page, atSubmit, 3).tap();
  same(await checkedValue(page, atSubmit), '3', `${atSubmit.key}: tapping "${labels[2]}" checks 3`);
  await label(page, background, background.options[0].key).tap();
  same(await checkedValue(page, background), background.options[0].key,
       `${background.key}: tapping "${background.options[0].label.nl}" picks it`);
  // 5b. Too few answers count: "Versturen" is refused (422) and the page says,
  // right after the send button, how many more are needed; nothing is lost.
  expectErrorStatus = 422;
  response = await postAndWait(page, 'Versturen');
  same(response.status(), 422, 'with too few answers "Versturen" is refused (HTTP 422)');
  const more = (await page.locator('.more-needed').innerText()).trim();
  check(/^Beantwoord nog \d+ vragen om te kunnen versturen/.test(more),
        'the page says how many more answers are needed', more);
  check(await page.evaluate(() => {
    const m = document.querySelector('.more-needed');
    return !!m && m.previousElementSibling === document.querySelector('form .actions');
  }), 'the message stands right after the send button');
  same(await checkedValue(page, atSubmit), '3', `${atSubmit.key}: the answers given are kept`);
  noConsoleErrors('after the refused submission');
  expectErrorStatus = null;
  // Enough of the questions that count: every other core item asked gets an
  // answer (the middle of the scale, a mark of 6, the first option).
  const given = new Set([byClick, byClick2, byKeys, dontKnow, atSubmit].map((it) => it.key));
  const rest = def.items.filter((it) => ['likert', 'grade', 'intent'].includes(it.type) &&
                                        !it.layers && !given.has(it.key));
  const filled = rest.map((it) => [it.key, it.type === 'likert' ? String(Math.ceil((it.points || 5) / 2))
                                          : it.type === 'grade' ? '6' : it.options[0].key]);
  await page.evaluate((list) => list.forEach(([key, value]) => {
    document.querySelector(`input[name="q.${key}"][value="${value}"]`).checked = true;
  }), filled);
  response = await postAndWait(page, 'Versturen');
  same(response.status(), 200, '"Versturen" submits (HTTP 200)');
  same((await page.locator('h1').innerText()).trim(), 'Bedankt!', 'the thank-you page says "Bedankt!"');
  await page.screenshot({ path: join(OUT, 'survey-phone-thanks.png') });
  noConsoleErrors('after submitting');

  // 6. The link is used up.
  expectErrorStatus = 409;
  response = await page.goto(SURVEY_URL);
  same(response.status(), 409, 'the link afterwards answers HTTP 409');
  same((await page.locator('h1').innerText()).trim(), 'Al verstuurd', 'the page says "Al verstuurd"');
  check((await page.locator('form').count()) === 0, 'and shows no form');
  noConsoleErrors('on the used link');

  const picked = {
    [byClick.key]: 4,
    [byClick2.key]: 1,
    [byKeys.key]: 3,
    [dontKnow.key]: 'dont_know',
    [atSubmit.key]: 3,
    [background.key]: background.options[0].key,
    [openItem.key]: openText,
  };
  for (const [key, value] of filled) picked[key] = /^\d+$/.test(value) ? Number(value) : value;
  writeFileSync(join(OUT, 'picked.json'), `${JSON.stringify(picked, null, 2)}\n`);
  await context.close();
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
