// A REST service endpoint under steady load: every answer must be the endpoint's declared shape,
// or a refusal that says when to come back. Repeated cities exercise the GET cache.
//   k6 run -e BASE_URL=http://localhost:8080 -e SERVICE=weather/current -e PARAM=city load-tests/k6/rest.js
//   SERVICE  the endpoint (service/endpoint) to call; PARAM the query parameter it takes
//   VALUES   comma-separated values of it (default Paris,Lyon,Nice,Lille)
import http from 'k6/http';
import { check } from 'k6';
import { base, headers } from './lib.js';

const service = __ENV.SERVICE || 'weather/current';
const param = __ENV.PARAM || 'city';
const values = (__ENV.VALUES || 'Paris,Lyon,Nice,Lille').split(',');

export const options = {
  scenarios: {
    steady: { executor: 'constant-arrival-rate', rate: 200, timeUnit: '1s', duration: '1m', preAllocatedVUs: 50 },
  },
  thresholds: { checks: ['rate>0.99'], http_req_duration: ['p(99)<500'] },
};

export default function () {
  const value = values[Math.floor(Math.random() * values.length)];
  const res = http.get(`${base}/api/v1/services/${service}?${param}=${encodeURIComponent(value)}`, {
    headers: headers(),
    tags: { name: service },
  });
  check(res, {
    'served or told when to retry': (r) => r.status === 200 || ((r.status === 429 || r.status === 503) && r.headers['Retry-After'] !== undefined),
    'a JSON object when served': (r) => r.status !== 200 || typeof r.json() === 'object',
  });
}
