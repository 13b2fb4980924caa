// End to end: start the built switchboard binary (zero config: the mock provider) and drive it
// with the official openai SDK, exactly as a frontend would — only the base URL is changed.
// SWITCHBOARD_BIN points at the binary (CTest sets it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import OpenAI from 'openai';

const bin = process.env.SWITCHBOARD_BIN ?? new URL('../../build/server/switchboard', import.meta.url).pathname;
let gateway;
let client;

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitForHealth(port, deadlineMs) {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (res.ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('switchboard did not become healthy');
}

before(async () => {
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1' };
  for (const k of Object.keys(env)) if (k.endsWith('_API_KEY') || k === 'SWITCHBOARD_CONFIG' || k === 'REDIS_URL') delete env[k];
  gateway = spawn(bin, ['--threads', '2'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  await waitForHealth(port, 10_000);
  client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'sk-test-client', maxRetries: 0 });
});

after(async () => {
  if (!gateway) return;
  const exited = new Promise((resolve) => gateway.once('exit', (code, signal) => resolve({ code, signal })));
  gateway.kill('SIGTERM');
  const { code } = await exited;
  assert.equal(code, 0, 'switchboard exits cleanly on SIGTERM');
});

test('chat completion', async () => {
  const completion = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello' }],
    max_tokens: 50,
  });
  assert.equal(completion.object, 'chat.completion');
  assert.equal(completion.choices[0].message.role, 'assistant');
  assert.equal(completion.choices[0].message.content, 'Mock reply from gpt-4o-mini: Say hello');
  assert.equal(completion.choices[0].finish_reason, 'stop');
  assert.ok(completion.usage.total_tokens > 0);
});

test('chat completion with response headers', async () => {
  const { response } = await client.chat.completions
    .create({ model: 'mock-1', messages: [{ role: 'user', content: 'hi' }] })
    .withResponse();
  assert.equal(response.headers.get('x-switchboard-provider'), 'mock');
  assert.equal(response.headers.get('x-switchboard-attempts'), '1');
  assert.ok(response.headers.get('x-request-id'));
});

test('embeddings (the SDK asks for base64 and decodes it)', async () => {
  const res = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['one', 'two'], dimensions: 8 });
  assert.equal(res.data.length, 2);
  assert.equal(res.data[0].embedding.length, 8);
  const norm = Math.hypot(...res.data[0].embedding);
  assert.ok(Math.abs(norm - 1) < 1e-4, `unit vector, got norm ${norm}`);
  const floats = await client.embeddings.create({ model: 'm', input: 'one', dimensions: 8, encoding_format: 'float' });
  assert.deepEqual(
    floats.data[0].embedding.map((x) => x.toFixed(5)),
    res.data[0].embedding.map((x) => x.toFixed(5)),
  );
});

test('list models', async () => {
  const ids = [];
  for await (const model of client.models.list()) ids.push(model.id);
  assert.ok(ids.includes('mock-1'), `got ${ids}`);
});

test('errors surface as APIError with status, code and param', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'wizard', content: 'x' }] }),
    (err) => {
      assert.ok(err instanceof OpenAI.APIError);
      assert.ok(err instanceof OpenAI.BadRequestError);
      assert.equal(err.status, 400);
      assert.equal(err.code, 'invalid_request');
      assert.equal(err.param, 'messages[0].role');
      assert.ok(err.requestID || err.headers?.get?.('x-request-id'));
      return true;
    },
  );
});

// Last: it spends this address's embeddings limit (the default 30/min per IP).
test('the default inbound limit surfaces as RateLimitError with Retry-After', async () => {
  let refused;
  for (let i = 0; i < 40 && !refused; i++) {
    try {
      await client.embeddings.create({ model: 'mock-1', input: 'hi' });
    } catch (err) {
      refused = err;
    }
  }
  assert.ok(refused instanceof OpenAI.RateLimitError, String(refused));
  assert.equal(refused.status, 429);
  assert.equal(refused.code, 'rate_limit_exceeded');
  const retryAfter = Number(refused.headers.get('retry-after'));
  assert.ok(retryAfter >= 1 && retryAfter <= 60, `retry-after ${retryAfter}`);
  assert.equal(refused.headers.get('x-ratelimit-limit'), '30');
  assert.equal(refused.headers.get('x-ratelimit-remaining'), '0');
});
