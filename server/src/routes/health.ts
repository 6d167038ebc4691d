import { Hono } from 'hono';

/** `GET /healthz`: the process is up. Public. */
export function healthRoutes() {
  return new Hono().get('/healthz', (c) => c.json({ status: 'ok' }));
}
