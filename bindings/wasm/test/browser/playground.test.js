// The playground in Debian's Chromium, headless, driven by Playwright: the built page served on
// 127.0.0.1, an example with known errors loaded, its markers and list checked against the wasm's
// own report, a click on a finding moving the cursor, rule docs, the severity filter, the theme,
// the shared link — and no request leaving localhost. Screenshots go to test-results/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { chromium } from 'playwright-core';

import { lint } from '../../js/node.js';
import { serve } from '../../scripts/serve.js';
import { packageDir } from '../helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps calling Google hosts, which this
// machine's closed network refuses.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
const DIST = path.join(packageDir, 'playground', 'dist');
const RESULTS = path.join(packageDir, 'test-results');
const EXAMPLE = 'typos';
const exampleText = readFileSync(path.join(packageDir, 'playground', 'examples', `${EXAMPLE}.yaml`), 'utf8');

let server;
let base;
let context;
let profile;
let page;
const requests = [];
const blocked = [];
const pageErrors = [];

before(async () => {
  assert.ok(existsSync(path.join(DIST, 'index.html')), `${DIST} is not built: run npm run build:playground`);
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  mkdirSync(RESULTS, { recursive: true });
  ({ server, url: base } = await serve(DIST));
  profile = mkdtempSync(path.join(tmpdir(), 'composeguard-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 800 },
    colorScheme: 'light',
  });
  // Anything not on our server is refused and recorded, so a stray request fails the test
  // without leaving the machine.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(base) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  context.on('request', (request) => requests.push(request.url()));
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
});

after(async () => {
  await context?.close();
  server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function openPlayground(url = base) {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
}

/** The list items the page shows: line, severity, rule, message. */
async function listed() {
  return page.$$eval('#diagnostics li', (items) =>
    items.map((li) => ({
      line: Number(li.dataset.line),
      severity: li.querySelector('.severity')?.textContent,
      rule: li.dataset.rule,
      message: li.querySelector('.message')?.textContent,
      code: [...li.querySelectorAll('.message code')].map((c) => c.textContent),
    })),
  );
}

test('an example with known errors: markers in the editor, findings in the list', async (t) => {
  await openPlayground();
  await page.selectOption('#example', 'healthy');
  await page.selectOption('#example', EXAMPLE);
  await page.waitForFunction(() => document.querySelectorAll('.cm-lintRange-error').length > 0);

  const expected = lint(exampleText, { path: 'compose.yaml' }).files[0].diagnostics;
  const errors = expected.filter((d) => d.severity === 'error');
  assert.ok(errors.length >= 3, 'the example has known errors');
  for (const rule of ['unknown-key', 'undefined-reference', 'invalid-type']) {
    assert.ok(errors.some((d) => d.rule === rule), `the example has a ${rule} error`);
  }

  // The list shows exactly the wasm's findings: errors first, then warnings, then info, each by
  // position (the wasm's own order).
  const rank = (d) => ['error', 'warning', 'info'].indexOf(d.severity);
  const inListOrder = expected.map((d, i) => ({ d, i })).sort((a, b) => rank(a.d) - rank(b.d) || a.i - b.i).map(({ d }) => d);
  assert.deepEqual(
    await listed(),
    inListOrder.map((d) => ({
      line: d.start.line,
      severity: d.severity,
      rule: d.rule,
      message: d.message.replace(/`/g, ''),
      code: [...d.message.matchAll(/`([^`]+)`/g)].map((m) => m[1]),
    })),
  );
  assert.equal(await page.textContent('[data-count="error"]'), String(errors.length));
  assert.match(await page.textContent('#verdict'), /reject/);

  // Underlines in the text, markers in the gutter.
  const underlined = await page.$$eval('.cm-lintRange-error', (spans) => spans.map((s) => s.textContent).join('|'));
  for (const word of ['enviroment', 'database']) assert.ok(underlined.includes(word), `${word} is underlined (${underlined})`);
  assert.ok((await page.$$('.cm-lintRange-warning')).length > 0, 'warnings are underlined');
  const gutterErrors = await page.$$('.cm-gutter-lint .cm-lint-marker-error');
  assert.equal(gutterErrors.length, new Set(errors.map((d) => d.start.line)).size, 'one gutter marker per line with an error');

  // A click on a finding puts the cursor on its line.
  const target = errors.find((d) => d.rule === 'unknown-key');
  assert.notEqual(await page.textContent('#cursor'), `Ln ${target.start.line}, Col ${target.start.column}`);
  await page.click(`#diagnostics li[data-rule="unknown-key"]`);
  await page.waitForFunction((text) => document.querySelector('#cursor')?.textContent === text, `Ln ${target.start.line}, Col ${target.start.column}`);
  const cursorLine = await page.evaluate(() => {
    const line = document.querySelector('.cm-activeLine');
    return line?.textContent ?? '';
  });
  assert.match(cursorLine, /enviroment:/, 'the editor\'s active line is the finding\'s line');
  assert.equal(await page.evaluate(() => window.getSelection()?.toString()), 'enviroment', 'the finding is selected');

  const screenshot = path.join(RESULTS, 'playground.png');
  await page.screenshot({ path: screenshot });
  t.diagnostic(`screenshot: ${screenshot}`);
});

test('rule docs open from a finding', async (t) => {
  await page.click('#diagnostics li[data-rule="unknown-key"] button.rule');
  await page.waitForSelector('#docs:not([hidden])');
  assert.match(await page.textContent('#docs-title'), /unknown-key/);
  const body = await page.textContent('#docs-body');
  assert.match(body, /What it does/);
  assert.match(body, /Use instead/);
  assert.ok((await page.$$('#docs-body pre code')).length >= 2, 'the examples are code blocks');
  const screenshot = path.join(RESULTS, 'playground-docs.png');
  await page.screenshot({ path: screenshot });
  t.diagnostic(`screenshot: ${screenshot}`);
  await page.click('#docs-close');
  assert.equal(await page.isHidden('#docs'), true);
});

test('the severity filter hides markers and findings', async () => {
  const all = await listed();
  await page.uncheck('#severity-filter input[value="error"]');
  const left = await listed();
  assert.deepEqual(left, all.filter((d) => d.severity !== 'error'));
  assert.equal((await page.$$('.cm-lintRange-error')).length, 0);
  await page.uncheck('#severity-filter input[value="warning"]');
  assert.equal((await page.$$('#diagnostics li')).length, all.filter((d) => d.severity === 'info').length);
  await page.check('#severity-filter input[value="error"]');
  await page.check('#severity-filter input[value="warning"]');
  assert.deepEqual(await listed(), all);
});

test('editing relints, and the link in the address bar restores the file', async () => {
  // Fix the typo by typing.
  await page.click(`#diagnostics li[data-rule="unknown-key"]`);
  await page.keyboard.type('environment');
  await page.waitForFunction(() => !document.querySelector('#diagnostics li[data-rule="unknown-key"]'));
  assert.equal(await page.inputValue('#example'), '', 'an edited example becomes "your file"');
  await page.waitForFunction(() => location.hash.startsWith('#z='));
  const link = page.url();
  const text = await page.evaluate(() => document.querySelector('.cm-content')?.textContent ?? '');
  assert.match(text, /environment:/);

  await page.goto('about:blank');
  await openPlayground(link);
  const restored = await page.evaluate(() => document.querySelector('.cm-content')?.textContent ?? '');
  assert.equal(restored, text);
  assert.equal(await page.inputValue('#example'), '');
  assert.ok(!(await listed()).some((d) => d.rule === 'unknown-key'));
});

test('dark theme', async (t) => {
  await openPlayground(base);
  await page.selectOption('#example', EXAMPLE);
  await page.waitForFunction(() => document.querySelectorAll('#diagnostics li').length > 0);
  const light = await page.evaluate(() => getComputedStyle(document.querySelector('.cm-editor')).backgroundColor);
  await page.click('#theme');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  const dark = await page.evaluate(() => getComputedStyle(document.querySelector('.cm-editor')).backgroundColor);
  assert.notEqual(dark, light);
  const screenshot = path.join(RESULTS, 'playground-dark.png');
  await page.screenshot({ path: screenshot });
  t.diagnostic(`screenshot: ${screenshot}`);
  // The choice is kept across reloads.
  await openPlayground(base);
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  await page.click('#theme');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'light');
});

test('no request left localhost, and the page logged no error', () => {
  assert.deepEqual(blocked, [], 'requests to other hosts');
  const origins = new Set(requests.map((url) => (url.startsWith('about:') ? 'about:' : new URL(url).origin)));
  origins.delete('about:');
  assert.deepEqual([...origins], [new URL(base).origin]);
  assert.ok(requests.some((url) => url.endsWith('.wasm')), 'the wasm came from the local server');
  assert.deepEqual(pageErrors, []);
});
