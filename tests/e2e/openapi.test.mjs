// The API contract end to end: docs/openapi.json is a valid OpenAPI 3.1 document (swagger-parser),
// the binary serves it as it is at /api/v1/openapi.json, and every documented operation, called on
// the running gateway, answers with a documented status and a body its schema accepts (ajv,
// JSON Schema 2020-12, the dialect of OpenAPI 3.1). SWITCHBOARD_BIN points at the binary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { freePort, gatewayEnv, waitReady } from './support.mjs';

const bin = process.env.SWITCHBOARD_BIN ?? new URL('../../build/server/switchboard', import.meta.url).pathname;
const docPath = new URL('../../docs/openapi.json', import.meta.url).pathname;
const doc = JSON.parse(readFileSync(docPath, 'utf8'));
const admin = 'openapi-admin-key-0123456789';
let gateway;
let port;

before(async () => {
  port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-openapi-'));
  const config = join(dir, 'gateway.yaml');
  // A mock model, and a REST provider that is the gateway itself (its health), so the services
  // and the passthrough have something to call.
  writeFileSync(config, `server: {port: ${port}, host: 127.0.0.1}
admin: {api_key: ${admin}}
auth: {secret: openapi-auth-secret-0123456789}
ledger: {path: ${join(dir, 'usage.db')}}
webhooks: {endpoints: {ops: {url: "http://127.0.0.1:${port}/hooks", secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw}}}
providers:
  mock: {kind: mock}
  self: {kind: rest, base_url: "http://127.0.0.1:${port}", passthrough: [/api/v1/health]}
models:
  mock-1: [mock/mock-1]
services:
  gateway:
    health:
      params: {}
      providers: [{provider: self, path: /api/v1/health, output: {status: /status}}]
`);
  const env = gatewayEnv();
  gateway = spawn(bin, ['--config', config], { env, stdio: 'ignore' });
  await waitReady(`http://127.0.0.1:${port}`);
});

after(() => gateway?.kill('SIGTERM'));

test('the document is valid OpenAPI 3.1', async () => {
  await SwaggerParser.validate(structuredClone(doc));
  assert.equal(doc.openapi, '3.1.0');
});

test('the gateway serves the document as it is', async () => {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/openapi.json`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), doc);
});

test('every documented operation answers with a documented status and shape', async () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi', components: doc.components });
  const rebased = (schema) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'));
  const base = `http://127.0.0.1:${port}`;
  const headers = (who, body) => ({
    ...(who === 'admin' ? { authorization: `Bearer ${admin}` } : who ? { authorization: `Bearer ${who}` } : {}),
    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
  });
  const seen = new Set();
  async function call(method, template, url, who, body) {
    const res = await fetch(base + url, { method, headers: headers(who, body), body: body === undefined ? undefined : JSON.stringify(body) });
    const operation = doc.paths[template]?.[method.toLowerCase()];
    assert.ok(operation, `${method} ${template} is documented`);
    seen.add(`${method} ${template}`);
    const documented = operation.responses[String(res.status)] ?? operation.responses.default;
    assert.ok(documented, `${method} ${url}: ${res.status} is a documented status`);
    const text = await res.text();
    const media = documented.$ref ? doc.components.responses[documented.$ref.split('/').pop()] : documented;
    const schema = media.content?.['application/json']?.schema;
    if (schema && (res.headers.get('content-type') ?? '').startsWith('application/json')) {
      const validate = ajv.compile(rebased(schema));
      const value = JSON.parse(text);
      assert.ok(validate(value), `${method} ${url} (${res.status}): ${ajv.errorsText(validate.errors)}\n${text.slice(0, 400)}`);
    }
    return { status: res.status, text };
  }

  await call('GET', '/api/v1/health', '/api/v1/health');
  await call('GET', '/api/health/detailed', '/api/health/detailed');
  await call('GET', '/api/ready', '/api/ready');
  await call('GET', '/api/v1/openapi.json', '/api/v1/openapi.json');
  await call('GET', '/metrics', '/metrics');
  await call('GET', '/api/v1/stats', '/api/v1/stats', 'admin');
  assert.equal((await call('GET', '/api/v1/stats', '/api/v1/stats')).status, 401);
  await call('GET', '/api/v1/providers', '/api/v1/providers', 'admin');
  await call('GET', '/api/v1/config', '/api/v1/config', 'admin');
  await call('POST', '/api/v1/cache/clear', '/api/v1/cache/clear', 'admin', {});
  // Keys: made, read, changed, rotated; their tenant; login and refresh with the key.
  const made = await call('POST', '/api/v1/keys', '/api/v1/keys', 'admin', { tenant: 'acme', name: 'web' });
  assert.equal(made.status, 201);
  const { id, key } = JSON.parse(made.text);
  await call('GET', '/api/v1/keys', '/api/v1/keys', 'admin');
  await call('GET', '/api/v1/keys/{id}', `/api/v1/keys/${id}`, 'admin');
  assert.equal((await call('GET', '/api/v1/keys/{id}', '/api/v1/keys/nokey', 'admin')).status, 404);
  await call('PATCH', '/api/v1/keys/{id}', `/api/v1/keys/${id}`, 'admin', { name: 'web 2' });
  const rotated = JSON.parse((await call('POST', '/api/v1/keys/{id}/rotate', `/api/v1/keys/${id}/rotate`, 'admin')).text);
  const secret = rotated.key;
  await call('GET', '/api/v1/tenants', '/api/v1/tenants', 'admin');
  await call('GET', '/api/v1/tenants/{tenant}', '/api/v1/tenants/acme', 'admin');
  const login = await call('POST', '/api/auth/login', '/api/auth/login', secret);
  const { refresh_token } = JSON.parse(login.text);
  await call('POST', '/api/auth/refresh', '/api/auth/refresh', undefined, { refresh_token });
  assert.equal((await call('POST', '/api/auth/refresh', '/api/auth/refresh', undefined, { refresh_token })).status, 401);
  // The OpenAI surface.
  await call('GET', '/v1/models', '/v1/models', secret);
  await call('GET', '/v1/models/{id}', '/v1/models/mock-1', secret);
  assert.equal((await call('GET', '/v1/models/{id}', '/v1/models/nothing-here', secret)).status, 404);
  await call('POST', '/v1/chat/completions', '/v1/chat/completions', secret, { model: 'mock-1', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal((await call('POST', '/v1/chat/completions', '/v1/chat/completions', secret, { model: 'mock-1' })).status, 400);
  await call('POST', '/v1/embeddings', '/v1/embeddings', secret, { model: 'mock-1', input: 'hi' });
  // REST services and the passthrough.
  await call('GET', '/api/v1/services/{service}/{endpoint}', '/api/v1/services/gateway/health', secret);
  assert.equal((await call('POST', '/api/v1/services/{service}/{endpoint}', '/api/v1/services/gateway/health', secret, {})).status, 405);
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
    await call(method, '/api/v1/proxy/{provider}/{path}', '/api/v1/proxy/self/api/v1/health', secret, method === 'GET' || method === 'DELETE' ? undefined : {});
  assert.equal((await call('GET', '/api/v1/proxy/{provider}/{path}', '/api/v1/proxy/self/api/v1/keys', secret)).status, 403);
  // Usage and quotas: the key's own tenant; admin every one; a bad parameter named.
  await call('GET', '/api/v1/usage', '/api/v1/usage?group_by=model', secret);
  await call('GET', '/api/v1/usage', '/api/v1/usage?group_by=tenant', 'admin');
  assert.equal((await call('GET', '/api/v1/usage', '/api/v1/usage?group_by=colour', 'admin')).status, 400);
  await call('GET', '/api/v1/quotas', '/api/v1/quotas', secret);
  const errors = JSON.parse((await call('GET', '/api/v1/usage/errors', '/api/v1/usage/errors?limit=50', 'admin')).text);
  assert.ok(errors.data.some((e) => e.status === 400 && e.route === '/v1/chat/completions'));
  assert.equal((await call('GET', '/api/v1/usage/errors', '/api/v1/usage/errors?limit=0', 'admin')).status, 400);
  const hooks = JSON.parse((await call('GET', '/api/v1/webhooks/deliveries', '/api/v1/webhooks/deliveries?limit=10', 'admin')).text);
  assert.equal(hooks.object, 'list');
  assert.equal((await call('GET', '/api/v1/webhooks/deliveries', '/api/v1/webhooks/deliveries?state=lost', 'admin')).status, 400);
  assert.equal((await call('GET', '/api/v1/webhooks/deliveries', '/api/v1/webhooks/deliveries')).status, 401);
  await call('DELETE', '/api/v1/keys/{id}', `/api/v1/keys/${id}`, 'admin');
  assert.equal((await call('GET', '/v1/models', '/v1/models', secret)).status, 401);

  const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item).filter((m) => m !== 'parameters').map((m) => `${m.toUpperCase()} ${path}`));
  assert.deepEqual(documented.filter((op) => !seen.has(op)), [], 'every documented operation was called');
});
