// Spike: from a trickle to 10× the steady rate in seconds, held, then back. A gateway that
// degrades instead of failing answers 200s (perhaps cheaper ones: X-Switchboard-Mode) and, where
// it must refuse, 429/503 with Retry-After — never a hang or a bare 5xx.
//   k6 run -e BASE_URL=http://localhost:8080 -e PEAK=1000 load-tests/k6/spike.js
// Read: the checks (every answer a completion or a refusal with Retry-After) and the latency
// during the hold; the x-switchboard-mode counts show how long the gateway stayed degraded.
import { chat, checkAnswer } from './lib.js';
import http from 'k6/http';
import { Counter } from 'k6/metrics';

const peak = Number(__ENV.PEAK || 500);
const modes = new Counter('switchboard_mode_answers');

export const options = {
  scenarios: {
    spike: {
      executor: 'ramping-arrival-rate',
      startRate: Math.max(1, Math.round(peak / 20)),
      timeUnit: '1s',
      preAllocatedVUs: 100,
      maxVUs: 5000,
      stages: [
        { target: Math.max(1, Math.round(peak / 20)), duration: '20s' },
        { target: peak, duration: '10s' },
        { target: peak, duration: '60s' },
        { target: Math.max(1, Math.round(peak / 20)), duration: '10s' },
        { target: Math.max(1, Math.round(peak / 20)), duration: '30s' },
      ],
    },
  },
  thresholds: { checks: ['rate>0.99'], http_req_duration: ['p(99)<5000'] },
};

http.setResponseCallback(http.expectedStatuses(200, 429, 503));

export default function () {
  const res = chat();
  modes.add(1, { mode: res.headers['X-Switchboard-Mode'] || 'none' });
  checkAnswer(res);
}
