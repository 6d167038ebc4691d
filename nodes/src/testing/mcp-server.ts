import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import type { McpCommand } from '../execution/mcp/connector.js';

/** The tools every test MCP server has. */
export const TEST_MCP_TOOLS = ['add', 'echo', 'fail', 'count'] as const;

/**
 * An MCP server for tests, with tools `add {a, b}` (the sum as text and as structured content),
 * `echo {text}`, `fail {}` (an error result) and `count {key}` (calls so far for the key, kept in `calls`).
 */
export function createTestMcpServer(calls: Map<string, number> = new Map()): McpServer {
  const server = new McpServer({ name: 'weft-test', version: '1.0.0' });
  server.registerTool(
    'add',
    { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() }, outputSchema: { sum: z.number() } },
    ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }], structuredContent: { sum: a + b } }),
  );
  server.registerTool('echo', { description: 'Answers with the text it was given', inputSchema: { text: z.string() } }, ({ text }) => ({ content: [{ type: 'text', text }] }));
  server.registerTool('fail', { description: 'Always fails', inputSchema: {} }, () => ({ content: [{ type: 'text', text: 'this tool always fails' }], isError: true }));
  server.registerTool('count', { description: 'Counts its calls per key', inputSchema: { key: z.string() } }, ({ key }) => {
    const n = (calls.get(key) ?? 0) + 1;
    calls.set(key, n);
    return { content: [{ type: 'text', text: String(n) }], structuredContent: { count: n } };
  });
  return server;
}

/** A test MCP server listening on 127.0.0.1. */
export interface HttpMcpServer {
  /** The streamable HTTP endpoint, `http://127.0.0.1:<port>/mcp`. */
  readonly url: string;
  /** Calls of the `count` tool per key. */
  readonly calls: Map<string, number>;
  /** Every HTTP request the server got: method and headers. */
  readonly requests: { readonly method: string; readonly headers: IncomingHttpHeaders }[];
  /** MCP sessions open now (a client that closes its session ends it). */
  openSessions(): number;
  close(): Promise<void>;
}

/**
 * Serves {@link createTestMcpServer} over streamable HTTP (with sessions) on 127.0.0.1 and a free
 * port. With `token`, requests without `Authorization: Bearer <token>` are answered 401.
 */
export async function startHttpMcpServer(o: { readonly token?: string } = {}): Promise<HttpMcpServer> {
  const calls = new Map<string, number>();
  const requests: { method: string; headers: IncomingHttpHeaders }[] = [];
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const http = createServer((req, res) => {
    requests.push({ method: req.method ?? '', headers: req.headers });
    if (o.token !== undefined && req.headers.authorization !== `Bearer ${o.token}`) return void res.writeHead(401, { 'content-type': 'text/plain' }).end('unauthorized');
    if (!req.url?.startsWith('/mcp')) return void res.writeHead(404).end();
    const id = req.headers['mcp-session-id'];
    const known = typeof id === 'string' ? sessions.get(id) : undefined;
    if (typeof id === 'string' && !known) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('no such session');
    const handle = async () => {
      let transport = known;
      if (!transport) {
        const created: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (sid) => void sessions.set(sid, created),
          onsessionclosed: (sid) => void sessions.delete(sid),
        });
        transport = created;
        await createTestMcpServer(calls).connect(transport);
      }
      await transport.handleRequest(req, res);
    };
    handle().catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    calls,
    requests,
    openSessions: () => sessions.size,
    close: async () => {
      await Promise.all([...sessions.values()].map((t) => t.close()));
      sessions.clear();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/**
 * The operator's-list entry that serves the test tools over stdio (`mcp-stdio-server.ts`): Node,
 * with the tsx loader when this module runs from source (under vitest), plain when compiled.
 */
export function stdioTestServerCommand(): McpCommand {
  const here = dirname(fileURLToPath(import.meta.url));
  const compiled = import.meta.url.endsWith('.js');
  const script = join(here, compiled ? 'mcp-stdio-server.js' : 'mcp-stdio-server.ts');
  return { command: process.execPath, args: compiled ? [script] : ['--import', 'tsx', script], cwd: here };
}
