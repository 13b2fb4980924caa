// Auth end to end: keys made by `switchboard --new-key`, declared in a config file, and the
// official openai SDK's error types for what a frontend meets: a bad key, a model the key may not
// use, its tenant's quota used up. SWITCHBOARD_BIN points at the binary (CTest sets it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import OpenAI from 'openai';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, gatewayEnv } from './support.mjs';

const bin = process.env.SWITCHBOARD_BIN ?? new URL('../../build/server/switchboard', import.meta.url).pathname;
const secret = 'e2e-auth-secret-0123456789';
let gateway;
let port;
let full; // a key for tenant acme, every model
let limited; // a key for tenant acme, mock-1 only
let budgeted; // a key for tenant beta with a budget of 2 requests a day

const cleanEnv = () => gatewayEnv({ HOST: '127.0.0.1', SWITCHBOARD_AUTH_SECRET: secret });

// `switchboard --new-key acme`: the key (printed once) and its config entry.
function newKey() {
  const out = execFileSync(bin, ['--new-key', 'acme'], { env: cleanEnv() }).toString();
  const key = /^key: (sb-\S+)$/m.exec(out)[1];
  const [, id, hash] = /\{id: (\w+), hash: (\w+), tenant: acme\}/.exec(out);
  return { key, id, hash };
}

const client = (apiKey) => new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey, maxRetries: 0 });
const ask = (apiKey, model = 'gpt-4o-mini') =>
  client(apiKey).chat.completions.create({ model, messages: [{ role: 'user', content: 'Hello' }] });

before(async () => {
  full = newKey();
  limited = newKey();
  budgeted = newKey();
  port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-auth-'));
  const config = join(dir, 'gateway.yaml');
  writeFileSync(config, `server: {port: ${port}}
auth:
  keys:
    - {id: ${full.id}, hash: ${full.hash}, tenant: acme}
    - {id: ${limited.id}, hash: ${limited.hash}, tenant: acme, models: [mock-1]}
    - {id: ${budgeted.id}, hash: ${budgeted.hash}, tenant: beta, requests_per_day: 2}
quotas: {tenants: {acme: {requests_per_day: 4}}}
`);
  gateway = spawn(bin, ['--config', config, '--threads', '1'], { env: cleanEnv(), stdio: ['ignore', 'inherit', 'inherit'] });
  const until = Date.now() + 10_000;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
      if (res.ok) {
        assert.equal((await res.json()).auth, 'required');
        break;
      }
    } catch { /* not up yet */ }
    if (Date.now() > until) throw new Error('switchboard did not become healthy');
    await new Promise((r) => setTimeout(r, 50));
  }
});

after(async () => {
  if (!gateway) return;
  const exited = new Promise((resolve) => gateway.once('exit', (code) => resolve(code)));
  gateway.kill('SIGTERM');
  assert.equal(await exited, 0);
});

test('a call without a key is 401 with a Bearer challenge', async () => {
  const res = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }),
  });
  assert.equal(res.status, 401);
  assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="switchboard"');
  assert.equal((await res.json()).error.code, 'unauthorized');
});

test('a bad key is the SDK AuthenticationError', async () => {
  const forged = full.key.slice(0, -1) + (full.key.endsWith('A') ? 'B' : 'A');
  for (const bad of ['sk-not-ours', forged]) {
    await assert.rejects(ask(bad), (e) => e instanceof OpenAI.AuthenticationError && e.status === 401);
  }
});

test('a good key is served, for its own tenant', async () => {
  const completion = await ask(full.key);
  assert.equal(completion.object, 'chat.completion');
});

test('a key may use only its models: PermissionDeniedError', async () => {
  await assert.rejects(ask(limited.key, 'gpt-4o'), (e) => e instanceof OpenAI.PermissionDeniedError && e.status === 403);
  const allowed = await ask(limited.key, 'mock-1');
  assert.equal(allowed.object, 'chat.completion');
});

// The first refusal of up to `calls` calls with `apiKey`, checked to be the SDK's RateLimitError
// with a Retry-After of at least a second; `served` counts the calls answered before it.
async function firstRateLimit(apiKey, calls) {
  let refused;
  let served = 0;
  for (let i = 0; i < calls && !refused; ++i) {
    try {
      await ask(apiKey);
      ++served;
    } catch (e) {
      refused = e;
    }
  }
  assert.ok(refused instanceof OpenAI.RateLimitError, `expected a RateLimitError, got ${refused}`);
  assert.equal(refused.status, 429);
  const headers = refused.headers;
  const retryAfter = typeof headers?.get === 'function' ? headers.get('retry-after') : headers?.['retry-after'];
  assert.ok(Number(retryAfter) >= 1, `Retry-After: ${retryAfter}`);
  return { refused, served };
}

test("the tenant's quota used up is the SDK RateLimitError with Retry-After", async () => {
  await firstRateLimit(full.key, 6);
});

test('a key over its own budget is the SDK RateLimitError with Retry-After', async () => {
  const { refused, served } = await firstRateLimit(budgeted.key, 3);
  assert.equal(served, 2);
  assert.equal(refused.code, 'quota_exceeded');
  assert.match(refused.message, new RegExp(`requests_per_day quota of API key '${budgeted.id}' is used up`));
});
