// Rate-limit check: more requests from one address than the per-IP limit allows within a
// minute. The first LIMIT answers are completions; the rest are 429 rate_limit_exceeded with
// Retry-After, X-RateLimit-* and RateLimit headers. Against the default config LIMIT is 60.
//   k6 run -e BASE_URL=http://localhost:8080 -e LIMIT=60 load-tests/k6/ratelimit.js
// (Run it against a gateway nobody else is calling from your address, once per minute.)
import { chat } from './lib.js';
import http from 'k6/http';
import { check } from 'k6';

const limit = Number(__ENV.LIMIT || 60);

export const options = {
  scenarios: { burst: { executor: 'shared-iterations', vus: 10, iterations: limit + 20, maxDuration: '50s' } },
  thresholds: { 'checks{kind:limited}': ['rate==1'], 'http_reqs{status:200}': [`count<=${limit}`] },
};

http.setResponseCallback(http.expectedStatuses(200, 429));

export default function () {
  const res = chat();
  if (res.status === 429) {
    check(res, {
      'Retry-After': (r) => Number(r.headers['Retry-After']) >= 1,
      'X-RateLimit-Remaining 0': (r) => r.headers['X-Ratelimit-Remaining'] === '0',
      'RateLimit-Policy': (r) => (r.headers['Ratelimit-Policy'] || '').includes(';w='),
      'rate_limit_exceeded': (r) => r.json('error.code') === 'rate_limit_exceeded',
    }, { kind: 'limited' });
  }
}
