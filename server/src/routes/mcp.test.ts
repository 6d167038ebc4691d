import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuardedFetch, createMcpConnector, builtinRegistry } from '@weft/nodes/executors';
import { startHttpMcpServer, type HttpMcpServer } from '@weft/nodes/testing/mcp-server';
import { createApp } from '../app.js';
import { createToken } from '../auth/tokens.js';
import { openDatabase, type OpenDatabase } from '@weft/store';
import { listAudit } from '@weft/store/repositories/audit.repository';
import { putSecret } from '@weft/store/repositories/secret.repository';
import { generateSecretKey } from '@weft/store';
import { runsWithoutTemporal } from '../testing/no-temporal.js';

const key = generateSecretKey();
const TOKEN = 'mcp-route-token';
let database: OpenDatabase;
let app: ReturnType<typeof createApp>;
let open: HttpMcpServer;
let secured: HttpMcpServer;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  database = await openDatabase({ kind: 'pglite' });
  open = await startHttpMcpServer();
  secured = await startHttpMcpServer({ token: TOKEN });
  // As a process configured with WEFT_HTTP_ALLOW_HOSTS=127.0.0.1 builds it.
  const mcp = createMcpConnector({ fetch: createGuardedFetch({ allow: ['127.0.0.1'] }), commands: {} });
  app = createApp({ db: database.db, registry: builtinRegistry(), runs: runsWithoutTemporal('run_test'), secretKey: key, mcp, rateLimitPerMinute: 0 });
  for (const role of ['viewer', 'editor', 'operator'] as const) tokens[role] = (await createToken(database.db, { role })).token;
  await putSecret(database.db, key, { name: 'MCP_TOKEN', value: TOKEN, hosts: [`http://${new URL(secured.url).host}`], by: null });
});
afterAll(async () => {
  await open.close();
  await secured.close();
  await database.close();
});

async function listTools(body: unknown, o: { role?: string; app?: typeof app } = {}) {
  const res = await (o.app ?? app).request('/api/mcp/tools', {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens[o.role ?? 'editor']}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as any };
}

describe('POST /api/mcp/tools', () => {
  it('lists the tools of an HTTP server for an editor, and ends the session', async () => {
    const res = await listTools({ server: { transport: 'http', url: open.url } });
    expect(res.status).toBe(200);
    expect(res.json.tools.map((t: { name: string }) => t.name).sort()).toEqual(['add', 'count', 'echo', 'fail']);
    expect(res.json.tools.find((t: { name: string }) => t.name === 'echo')).toEqual({
      name: 'echo',
      description: 'Answers with the text it was given',
      inputSchema: expect.objectContaining({ type: 'object', properties: { text: { type: 'string' } } }),
    });
    expect(open.openSessions()).toBe(0);
  });

  it('answers 502 mcp_unavailable when the server cannot be reached', async () => {
    const gone = await startHttpMcpServer();
    await gone.close();
    const res = await listTools({ server: { transport: 'http', url: gone.url } });
    expect(res.status).toBe(502);
    expect(res.json.error).toMatchObject({ code: 'mcp_unavailable', message: expect.stringContaining(gone.url) });
  });

  it('reaches servers through the SSRF guard: without an allowance, 127.0.0.1 is refused', async () => {
    const guarded = createApp({ db: database.db, registry: builtinRegistry(), runs: runsWithoutTemporal('run_test'), rateLimitPerMinute: 0 });
    const before = open.requests.length;
    const res = await listTools({ server: { transport: 'http', url: open.url } }, { app: guarded });
    expect(res.status).toBe(502);
    expect(res.json.error).toMatchObject({ code: 'mcp_unavailable', message: expect.stringContaining('loopback') });
    expect(open.requests.length).toBe(before);
  });

  it('answers 400 with the path of a bad body', async () => {
    const res = await listTools({ server: { transport: 'http', url: 'ftp://example.com/mcp' } });
    expect(res.status).toBe(400);
    expect(res.json.error.issues.map((i: { path: string }) => i.path)).toContain('$.server.url');
    const shell = await listTools({ server: { transport: 'stdio', command: 'rm -rf /' } });
    expect(shell.status).toBe(400);
    expect(shell.json.error.issues.map((i: { path: string }) => i.path)).toContain('$.server.command');
  });

  it('refuses a stdio command the operator did not configure', async () => {
    const res = await listTools({ server: { transport: 'stdio', command: 'files' } });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('mcp_command_not_allowed');
  });

  it('is for editors and up', async () => {
    expect((await listTools({ server: { transport: 'http', url: open.url } }, { role: 'viewer' })).status).toBe(403);
  });

  it('sends a stored secret only for operators, and audits its use', async () => {
    const server = { transport: 'http', url: secured.url, auth: { type: 'bearer', secret: 'MCP_TOKEN' } };
    expect((await listTools({ server }, { role: 'editor' })).status).toBe(403);
    const res = await listTools({ server }, { role: 'operator' });
    expect(res.status).toBe(200);
    expect(res.json.tools).toHaveLength(4);
    expect(secured.requests.at(-1)?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.stringify(res.json)).not.toContain(TOKEN);
    const audit = await listAudit(database.db, { action: 'secret.used', target: 'secret:MCP_TOKEN' });
    expect(audit).toHaveLength(1);
  });

  it('refuses, and audits, sending a stored secret to a server it is not bound to', async () => {
    const before = open.requests.length;
    const res = await listTools({ server: { transport: 'http', url: open.url, auth: { type: 'bearer', secret: 'MCP_TOKEN' } } }, { role: 'operator' });
    expect(res.status).toBe(422);
    expect(res.json.error.issues[0].path).toBe('$.server.auth.secret');
    expect(res.json.error.message).toContain(`secret "MCP_TOKEN" may not be sent to http://${new URL(open.url).host}`);
    expect(open.requests.length).toBe(before);
    const refused = await listAudit(database.db, { action: 'secret.refused', target: 'secret:MCP_TOKEN' });
    expect(refused).toMatchObject([{ details: { for: 'mcp.tools', host: new URL(open.url).host } }]);
    expect(JSON.stringify(res.json)).not.toContain(TOKEN);
  });
});
