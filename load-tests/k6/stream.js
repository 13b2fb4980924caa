// Streaming chat (stream: true). k6 reads the whole body, so time to first token is read as
// time to first byte (http_req_waiting): the gateway sends the response head together with the
// first content chunk, so the two coincide.
//   k6 run -e BASE_URL=http://localhost:8080 -e STREAMS=100 -e DURATION=2m load-tests/k6/stream.js
// Read: http_req_waiting (≈ TTFT) and http_req_duration (whole stream); the checks require every
// stream to end with [DONE] and a usage chunk — a cut stream ends with an error event instead.
import { base, chatBody, headers } from './lib.js';
import http from 'k6/http';
import { check } from 'k6';

export const options = {
  scenarios: {
    streams: {
      executor: 'constant-vus',
      vus: Number(__ENV.STREAMS || 50),
      duration: __ENV.DURATION || '1m',
    },
  },
  thresholds: { checks: ['rate>0.99'], http_req_waiting: ['p(95)<1000'] },
};

export default function () {
  const res = http.post(`${base}/v1/chat/completions`, chatBody(true, 'Tell me a short story'), {
    headers: headers(), timeout: '120s',
  });
  check(res, {
    'status 200': (r) => r.status === 200,
    'event stream': (r) => (r.headers['Content-Type'] || '').startsWith('text/event-stream'),
    'ends with [DONE]': (r) => (r.body || '').trimEnd().endsWith('data: [DONE]'),
    'carries usage': (r) => (r.body || '').includes('"usage":'),
    'no error event': (r) => !(r.body || '').includes('"error":'),
  });
}
