// The dashboard in headless Chromium (Debian's, driven by puppeteer-core): the page loads with no
// console error and shows nothing before sign-in; a wrong key is refused and the APIs answer 401
// without one; with the admin key it shows the figures the APIs return (requests, mode, providers,
// recent errors). A screenshot is written to DASHBOARD_SCREENSHOT when set (docs/dashboard.png).
// SWITCHBOARD_BIN points at the binary; CHROMIUM at the browser (default /usr/bin/chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { freePort, gatewayEnv, waitReady } from './support.mjs';

const bin = process.env.SWITCHBOARD_BIN ?? new URL('../../build/server/switchboard', import.meta.url).pathname;
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
const admin = 'dashboard-admin-key-0123456789';
const skip = existsSync(chromium) ? false : `no browser at ${chromium} (scripts/install-deps.sh --tests installs chromium)`;
let gateway;
let browser;
let base;

const chat = (model, tenant) =>
  fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tenant-id': tenant },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello' }] }),
  });
const api = async (path) => (await fetch(base + path, { headers: { authorization: `Bearer ${admin}` } })).json();

before(async () => {
  if (skip) return;
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-dashboard-'));
  const config = join(dir, 'gateway.yaml');
  writeFileSync(config, `server: {port: ${port}, host: 127.0.0.1}
admin: {api_key: ${admin}}
ledger: {path: ${join(dir, 'usage.db')}}
quotas: {tenants: {acme: {requests_per_day: 40}, globex: {requests_per_day: 100}}}
providers:
  mock: {kind: mock}
models:
  mock-1: [mock/mock-1]
  mock-2: [mock/mock-2]
`);
  const env = gatewayEnv();
  gateway = spawn(bin, ['--config', config], { env, stdio: 'ignore' });
  await waitReady(base);
  // Some traffic: two tenants, two models, and calls that fail (a model nobody serves).
  for (let i = 0; i < 6; i++) assert.equal((await chat('mock-1', 'acme')).status, 200);
  for (let i = 0; i < 3; i++) assert.equal((await chat('mock-2', 'globex')).status, 200);
  for (let i = 0; i < 2; i++) assert.equal((await chat('no-such-model', 'acme')).status, 404);
  browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
});

after(async () => {
  await browser?.close();
  gateway?.kill('SIGTERM');
});

// A page whose console errors, uncaught exceptions and failed loads are collected.
async function watchedPage() {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 1000 });
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`exception: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()}`));
  return { page, problems };
}

test('without the key it shows nothing, refuses a wrong key, and the APIs answer 401', { skip }, async () => {
  const { page, problems } = await watchedPage();
  await page.goto(`${base}/dashboard`, { waitUntil: 'networkidle0' });
  assert.deepEqual(problems, [], 'the page loads with no console error');
  assert.equal(await page.$eval('#board', (e) => e.hidden), true);
  assert.equal(await page.$eval('#sign-in', (e) => e.hidden), false);
  assert.equal(await page.$eval('#requests', (e) => e.textContent), '');
  assert.equal(await page.evaluate(async () => (await fetch('/api/v1/stats')).status), 401);
  assert.equal(await page.evaluate(async () => (await fetch('/api/v1/usage')).status), 401);
  await page.type('#key', 'not-the-admin-key-0000');
  await page.click('#sign-in-form button');
  await page.waitForFunction(() => document.getElementById('sign-in-error').textContent !== '');
  assert.equal(await page.$eval('#board', (e) => e.hidden), true);
  await page.close();
});

test('with the admin key it shows the figures the APIs return', { skip }, async () => {
  const { page, problems } = await watchedPage();
  await page.goto(`${base}/dashboard`, { waitUntil: 'networkidle0' });
  await page.type('#key', admin);
  await page.click('#sign-in-form button');
  await page.waitForSelector('body[data-loaded="true"]');
  const usage = await api('/api/v1/usage');
  const stats = await api('/api/v1/stats');
  assert.equal(usage.total.requests, 11);
  assert.equal(await page.$eval('#requests', (e) => e.textContent), usage.total.requests.toLocaleString('en-US'));
  assert.equal(await page.$eval('#error-rate', (e) => e.textContent), `${(100 * usage.total.error_rate).toFixed(1)} %`);
  assert.equal(await page.$eval('#mode', (e) => e.textContent), `mode: ${stats.mode}`);
  const providers = await page.$$eval('#providers tbody tr td:first-child', (cells) => cells.map((c) => c.textContent));
  assert.deepEqual(providers.sort(), ['mock/mock-1', 'mock/mock-2']);
  const errors = await page.$$eval('#errors tbody tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
  assert.equal(errors.length, 2);
  assert.deepEqual(errors[0].slice(1, 3), ['acme', '/v1/chat/completions']);
  assert.equal(errors[0][5], '404');
  const quotas = await page.$$eval('#quotas tbody tr td:first-child', (cells) => cells.map((c) => c.textContent));
  assert.ok(quotas.includes('tenant acme'), quotas.join(', '));
  const charts = await page.$$eval('canvas', (list) => list.map((c) => c.width > 0 && c.height > 0));
  assert.deepEqual(charts, [true, true, true, true]);
  assert.deepEqual(problems, [], 'no console error, exception or failed load');
  if (process.env.DASHBOARD_SCREENSHOT) await page.screenshot({ path: process.env.DASHBOARD_SCREENSHOT, fullPage: true });
  await page.close();
});
