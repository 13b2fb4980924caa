// k6 smoke test: a few virtual users call chat completions and models for 30 s and check the
// answers. Run: k6 run -e BASE_URL=http://localhost:8080 load-tests/smoke.js
import http from 'k6/http';
import { check, sleep } from 'k6';

const base = __ENV.BASE_URL || 'http://localhost:8080';
const model = __ENV.MODEL || 'gpt-4o-mini';

export const options = {
  vus: 5,
  duration: '30s',
  thresholds: { http_req_failed: ['rate<0.01'], http_req_duration: ['p(95)<500'] },
};

export default function () {
  const res = http.post(`${base}/v1/chat/completions`,
    JSON.stringify({ model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 16 }),
    { headers: { 'Content-Type': 'application/json' } });
  check(res, {
    'status 200': (r) => r.status === 200,
    'has a choice': (r) => r.json('choices.0.message.content') !== undefined,
    'names its provider': (r) => r.headers['X-Switchboard-Provider'] !== undefined,
  });
  check(http.get(`${base}/v1/models`), { 'models 200': (r) => r.status === 200 });
  sleep(0.1);
}
