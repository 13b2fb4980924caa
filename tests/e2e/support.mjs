// What the end-to-end tests share: a free port, and an environment for the binary that no
// variable of the developer's shell (provider keys, a config, Redis, a ledger) leaks into.
import net from 'node:net';

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export function gatewayEnv(extra = {}) {
  const env = { ...process.env, LOG_LEVEL: 'warning', ...extra };
  for (const k of Object.keys(env))
    if (k.endsWith('_API_KEY') || ['SWITCHBOARD_CONFIG', 'REDIS_URL', 'DATABASE_URL'].includes(k) || k.startsWith('LEDGER_'))
      if (!(k in extra)) delete env[k];
  return env;
}

// Waits until the gateway at `base` says it is ready.
export async function waitReady(base) {
  for (let i = 0; i < 400; i++) {
    if (await fetch(`${base}/api/ready`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('switchboard did not start');
}
