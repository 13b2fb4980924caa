// Shared by the k6 scripts: where the gateway is, what to call, and how to check an answer.
//   BASE_URL  gateway address (default http://localhost:8080)
//   MODEL     model or group to call (default gpt-4o-mini; the mock answers any name)
//   API_KEY   sent as Authorization: Bearer (optional)
import http from 'k6/http';
import { check } from 'k6';

export const base = __ENV.BASE_URL || 'http://localhost:8080';
export const model = __ENV.MODEL || 'gpt-4o-mini';

export function headers(extra = {}) {
  const h = { 'Content-Type': 'application/json', ...extra };
  if (__ENV.API_KEY) h.Authorization = `Bearer ${__ENV.API_KEY}`;
  return h;
}

export function chatBody(stream = false, text = 'ping') {
  const body = { model, messages: [{ role: 'user', content: text }], max_tokens: 32 };
  if (stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return JSON.stringify(body);
}

export function chat(tags = {}) {
  return http.post(`${base}/v1/chat/completions`, chatBody(), { headers: headers(), tags });
}

// A 200 with a completion, or a refusal that says when to come back: what a gateway under load
// may answer. Anything else (a 5xx without Retry-After, a hang) is a failure.
export function checkAnswer(res) {
  if (res.status === 200) {
    return check(res, {
      'completion': (r) => r.json('choices.0.message.content') !== undefined,
      'names its provider': (r) => r.headers['X-Switchboard-Provider'] !== undefined,
    });
  }
  return check(res, {
    'refusal with Retry-After': (r) => [429, 503].includes(r.status) && Number(r.headers['Retry-After']) >= 1,
    'refusal with a stable code': (r) => typeof r.json('error.code') === 'string',
  });
}

// An open-loop scenario: `rate` requests a second for `duration`, started on schedule whatever
// the gateway's latency (so queueing shows in the latencies).
export function arrivalRate(rate, duration, preAllocatedVUs, maxVUs) {
  return { executor: 'constant-arrival-rate', rate, timeUnit: '1s', duration, preAllocatedVUs, maxVUs };
}
