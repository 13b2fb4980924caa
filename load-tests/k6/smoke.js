// k6 smoke test: a few virtual users call chat completions and models for 30 s and check the
// answers. Run: k6 run -e BASE_URL=http://localhost:8080 load-tests/k6/smoke.js
//
// From one machine this exceeds the default inbound limit (60 chat calls/min per IP): a 429
// then counts as an expected answer, and it must carry Retry-After and the rate-limit headers.
// To measure the gateway without its limits, run it with load-tests/unlimited.yaml.
import http from 'k6/http';
import { check, sleep } from 'k6';

const base = __ENV.BASE_URL || 'http://localhost:8080';
const model = __ENV.MODEL || 'gpt-4o-mini';

export const options = {
  vus: 5,
  duration: '30s',
  thresholds: { http_req_failed: ['rate<0.01'], http_req_duration: ['p(95)<500'] },
};

http.setResponseCallback(http.expectedStatuses(200, 429));

export default function () {
  const res = http.post(`${base}/v1/chat/completions`,
    JSON.stringify({ model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 16 }),
    { headers: { 'Content-Type': 'application/json' } });
  if (res.status === 429) {
    check(res, {
      'limited: Retry-After': (r) => Number(r.headers['Retry-After']) >= 1,
      'limited: X-Ratelimit-Remaining 0': (r) => r.headers['X-Ratelimit-Remaining'] === '0',
      'limited: rate_limit_exceeded': (r) => r.json('error.code') === 'rate_limit_exceeded',
    });
  } else {
    check(res, {
      'status 200': (r) => r.status === 200,
      'has a choice': (r) => r.json('choices.0.message.content') !== undefined,
      'names its provider': (r) => r.headers['X-Switchboard-Provider'] !== undefined,
    });
  }
  check(http.get(`${base}/v1/models`), { 'models 200 or limited': (r) => r.status === 200 || r.status === 429 });
  sleep(0.1);
}
