// Steady load: a fixed arrival rate (open loop — k6 starts requests on schedule even when the
// gateway is slow, so queueing shows in the latencies instead of hiding in fewer requests).
//   k6 run -e BASE_URL=http://localhost:8080 -e RATE=200 -e DURATION=5m load-tests/k6/steady.js
// Read: http_req_duration p(95)/p(99) and http_req_failed; dropped_iterations > 0 means k6
// itself could not keep the rate (give it more VUs or a bigger machine).
import { arrivalRate, chat, checkAnswer } from './lib.js';
import http from 'k6/http';

export const options = {
  scenarios: {
    steady: arrivalRate(Number(__ENV.RATE || 100), __ENV.DURATION || '2m', 50, 1000),
  },
  thresholds: { http_req_failed: ['rate<0.01'], http_req_duration: ['p(95)<500', 'p(99)<1000'] },
};

http.setResponseCallback(http.expectedStatuses(200));

export default function () {
  checkAnswer(chat());
}
