import { createServer } from 'node:http';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of a process that runs nodes: node attempt durations (and, for processes, CPU and memory). */
export interface NodeMetrics {
  readonly registry: Registry;
  /** Records one node attempt (the worker's activities call it). */
  onNodeAttempt(type: string, status: 'succeeded' | 'failed', seconds: number): void;
  /** The exposition text and its content type. */
  scrape(): Promise<{ body: string; contentType: string }>;
}

/** Histogram buckets, in seconds, of every Weft duration series. */
export const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** Creates the metrics of a process; `defaults` adds the process's own (CPU, memory, event loop): for processes, not tests. */
export function createNodeMetrics(o: { readonly defaults?: boolean } = {}): NodeMetrics {
  const registry = new Registry();
  if (o.defaults) collectDefaultMetrics({ register: registry, prefix: 'weft_' });
  const nodeSeconds = new Histogram({
    name: 'weft_node_duration_seconds',
    help: 'Duration of node attempts run by this process, by node type and outcome',
    labelNames: ['type', 'status'] as const,
    buckets: SECONDS,
    registers: [registry],
  });
  return {
    registry,
    onNodeAttempt: (type, status, seconds) => nodeSeconds.observe({ type, status }, seconds),
    async scrape() {
      return { body: await registry.metrics(), contentType: registry.contentType };
    },
  };
}

/** A metrics endpoint listening on a port. */
export interface MetricsEndpoint {
  /** `http://host:port`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves `/metrics` and `/healthz` on `host:port`, for a process without the API (`weft worker`).
 * Two fixed GET routes: Node's own server is enough.
 */
export function serveMetrics(metrics: Pick<NodeMetrics, 'scrape'>, host: string, port: number): Promise<MetricsEndpoint> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'method_not_allowed', message: `${req.method} is not allowed here; use GET` } }));
    } else if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok' }));
    } else if (path === '/metrics') {
      metrics.scrape().then(
        ({ body, contentType }) => res.writeHead(200, { 'content-type': contentType }).end(body),
        (e: Error) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'internal', message: `metrics could not be read: ${e.message}` } })),
      );
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'not_found', message: `no ${path} here: this port serves /metrics and /healthz` } }));
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      const bound = address !== null && typeof address === 'object' ? address.port : port;
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
