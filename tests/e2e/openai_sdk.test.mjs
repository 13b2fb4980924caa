// End to end: start the built switchboard binary (zero config: the mock provider) and drive it
// with the official openai SDK, exactly as a frontend would — only the base URL is changed.
// SWITCHBOARD_BIN points at the binary (CTest sets it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import OpenAI from 'openai';
import http from 'node:http';
import { writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, gatewayEnv } from './support.mjs';

const bin = process.env.SWITCHBOARD_BIN ?? new URL('../../build/server/switchboard', import.meta.url).pathname;
let gateway;
let client;

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
  const env = gatewayEnv({ PORT: String(port), HOST: '127.0.0.1' });
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

test('the SDK reads a cached answer whole and streamed', async () => {
  const request = {
    model: 'mock-1',
    temperature: 0,
    messages: [{ role: 'user', content: 'Cache me, SDK' }],
  };
  const first = await client.chat.completions.create(request).withResponse();
  assert.equal(first.response.headers.get('x-switchboard-cache'), 'miss');
  const again = await client.chat.completions.create(request).withResponse();
  assert.equal(again.response.headers.get('x-switchboard-cache'), 'hit');
  assert.ok(again.response.headers.get('age') !== null);
  assert.equal(again.data.choices[0].message.content, first.data.choices[0].message.content);

  const { data: stream, response } = await client.chat.completions
    .create({ ...request, stream: true, stream_options: { include_usage: true } })
    .withResponse();
  assert.equal(response.headers.get('x-switchboard-cache'), 'hit');
  let text = '';
  let usage = null;
  let finish = null;
  for await (const chunk of stream) {
    if (chunk.usage) usage = chunk.usage;
    for (const choice of chunk.choices) {
      text += choice.delta?.content ?? '';
      if (choice.finish_reason) finish = choice.finish_reason;
    }
  }
  assert.equal(text, first.data.choices[0].message.content);
  assert.equal(finish, 'stop');
  assert.equal(usage.total_tokens, first.data.usage.total_tokens);
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
  const one = await client.models.retrieve('mock-1');
  assert.equal(one.id, 'mock-1');
  assert.equal(one.object, 'model');
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

// --- Streaming through every provider format ------------------------------------------------
// A stand-in upstream speaking OpenAI, Anthropic and Gemini (streamed and not), and a second
// gateway routing one model to each. The SDK must read the same text both ways.
const answer = ['The', ' quick', ' brown', ' fox.'];

function sse(res, events) {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const [name, data] of events) res.write((name ? `event: ${name}\n` : '') + `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  res.end();
}

function upstream(req, res) {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    const parsed = body ? JSON.parse(body) : {};
    const text = answer.join('');
    if (req.url.startsWith('/openai/v1/chat/completions')) {
      if (!parsed.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ id: 'c', object: 'chat.completion', created: 1, model: 'gpt-x',
          choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 } }));
      }
      const chunk = (delta, finish = null) => ({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-x',
        choices: [{ index: 0, delta, finish_reason: finish }] });
      return sse(res, [[null, chunk({ role: 'assistant', content: '' })], ...answer.map((w) => [null, chunk({ content: w })]),
        [null, chunk({}, 'stop')], [null, { id: 'c', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 } }],
        [null, '[DONE]']]);
    }
    if (req.url.startsWith('/anthropic/v1/messages')) {
      if (!parsed.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ id: 'msg', type: 'message', role: 'assistant', model: 'claude-x',
          content: [{ type: 'text', text }], stop_reason: 'end_turn', usage: { input_tokens: 5, output_tokens: 4 } }));
      }
      return sse(res, [['message_start', { type: 'message_start', message: { id: 'msg', model: 'claude-x', usage: { input_tokens: 5, output_tokens: 1 } } }],
        ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
        ['ping', { type: 'ping' }],
        ...answer.map((w) => ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: w } }]),
        ['content_block_stop', { type: 'content_block_stop', index: 0 }],
        ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 4 } }],
        ['message_stop', { type: 'message_stop' }]]);
    }
    if (req.url.startsWith('/gemini/v1beta/models/gemini-x:generateContent')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP' }],
        usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 4, totalTokenCount: 9 } }));
    }
    if (req.url.startsWith('/gemini/v1beta/models/gemini-x:streamGenerateContent?alt=sse')) {
      return sse(res, answer.map((w, i) => [null, { candidates: [{ content: { role: 'model', parts: [{ text: w }] },
        ...(i === answer.length - 1 ? { finishReason: 'STOP' } : {}) }],
        usageMetadata: { promptTokenCount: 5, ...(i === answer.length - 1 ? { candidatesTokenCount: 4, totalTokenCount: 9 } : {}) } }]));
    }
    res.writeHead(404).end();
  });
}

test('streams from OpenAI, Anthropic and Gemini upstreams read the same as the whole answer', async () => {
  const mock = http.createServer(upstream);
  await new Promise((r) => mock.listen(0, '127.0.0.1', r));
  const up = `http://127.0.0.1:${mock.address().port}`;
  const port = await freePort();
  const config = join(tmpdir(), `switchboard-e2e-${process.pid}.yaml`);
  writeFileSync(config, `server: {host: 127.0.0.1, port: ${port}, threads: 1}
limits: []
providers:
  o: {kind: openai, base_url: "${up}/openai/v1", api_key: k-openai-0001}
  a: {kind: anthropic, base_url: "${up}/anthropic/v1", api_key: k-anthropic-01}
  g: {kind: gemini, base_url: "${up}/gemini/v1beta", api_key: k-gemini-0001}
models:
  o-chat: [o/gpt-x]
  a-chat: [a/claude-x]
  g-chat: [g/gemini-x]
`);
  const env = gatewayEnv();
  const second = spawn(bin, ['--config', config], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  try {
    await waitForHealth(port, 10_000);
    const sdk = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'sk-test-client', maxRetries: 0 });
    for (const model of ['o-chat', 'a-chat', 'g-chat']) {
      const messages = [{ role: 'user', content: 'Tell me about foxes' }];
      const whole = await sdk.chat.completions.create({ model, messages });
      const stream = await sdk.chat.completions.create({ model, messages, stream: true, stream_options: { include_usage: true } });
      let text = '';
      let finish = null;
      let usage = null;
      for await (const chunk of stream) {
        assert.equal(chunk.object, 'chat.completion.chunk');
        if (chunk.usage) usage = chunk.usage;
        for (const choice of chunk.choices) {
          text += choice.delta?.content ?? '';
          if (choice.finish_reason) finish = choice.finish_reason;
        }
      }
      assert.equal(text, whole.choices[0].message.content, `${model}: streamed text = whole text`);
      assert.equal(text, answer.join(''));
      assert.equal(finish, 'stop', model);
      assert.equal(usage?.completion_tokens, 4, `${model}: the provider's usage`);
    }
    // models.retrieve(): a group, a provider/model pair (its '/' kept in the path), and a 404.
    const group = await sdk.models.retrieve('o-chat');
    assert.equal(group.id, 'o-chat');
    assert.equal(group.object, 'model');
    const pair = await sdk.models.retrieve('o/gpt-x');
    assert.equal(pair.id, 'o/gpt-x');
    assert.equal(pair.owned_by, 'o');
    await assert.rejects(sdk.models.retrieve('no-such-model'), (err) => {
      assert.ok(err instanceof OpenAI.NotFoundError);
      assert.equal(err.code, 'model_not_found');
      return true;
    });
  } finally {
    const exited = new Promise((resolve) => second.once('exit', resolve));
    second.kill('SIGTERM');
    await exited;
    mock.close();
    unlinkSync(config);
  }
});
