// Soak: a moderate rate for an hour or more. Looks for what only time shows: memory that grows,
// latency that creeps, connections that leak. The gateway's own memory is read from /metrics at
// the start and the end (process_resident_memory_bytes) and printed.
//   k6 run -e BASE_URL=http://localhost:8080 -e RATE=50 -e DURATION=1h load-tests/k6/soak.js
// Read: http_req_duration over time (k6 --out csv=soak.csv, or Grafana), and the RSS lines.
import { arrivalRate, base, chat, checkAnswer } from './lib.js';
import http from 'k6/http';

export const options = {
  scenarios: {
    soak: arrivalRate(Number(__ENV.RATE || 50), __ENV.DURATION || '1h', 20, 500),
  },
  thresholds: { http_req_failed: ['rate<0.001'], http_req_duration: ['p(99)<1000'] },
};

http.setResponseCallback(http.expectedStatuses(200));

function rssBytes() {
  const res = http.get(`${base}/metrics`);
  const line = (res.body || '').split('\n').find((l) => l.startsWith('process_resident_memory_bytes '));
  return line ? Number(line.split(' ')[1]) : NaN;
}

export function setup() {
  return { rss: rssBytes() };
}

export default function () {
  checkAnswer(chat());
}

export function teardown(data) {
  const end = rssBytes();
  console.log(`gateway RSS: ${(data.rss / 1048576).toFixed(1)} MiB at the start, ${(end / 1048576).toFixed(1)} MiB at the end`);
}
