import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeError, type NodeContext } from '../../context.js';
import { createGuardedFetch } from '../../net/guarded-fetch.js';
import { testContext } from '../../testing/context.js';
import { startHttpMcpServer, stdioTestServerCommand, type HttpMcpServer } from '../../testing/mcp-server.js';
import { createMcpConnector } from './connector.js';
import definition, { type McpServerParams } from './definition.js';
import { execute, tools } from './executor.js';

let open: HttpMcpServer;
let secured: HttpMcpServer;
const TOKEN = 'tok-3f9a';

beforeAll(async () => {
  open = await startHttpMcpServer();
  secured = await startHttpMcpServer({ token: TOKEN });
});
afterAll(async () => {
  await open.close();
  await secured.close();
});

const commands = { 'test-tools': stdioTestServerCommand() };
// The guard as the worker has it, with the test servers' address allowed: every request goes through it.
const mcp = createMcpConnector({ fetch: createGuardedFetch({ allow: ['127.0.0.1'] }), commands });
const ctx = (o: Partial<NodeContext> & { secrets?: Record<string, string> } = {}): NodeContext => testContext({ mcp, ...o });
const params = (p: Record<string, unknown>) => definition.params.parse(p);
const failure = (p: Promise<unknown>) => p.then(() => expect.fail('expected a failure'), (e: unknown) => e as NodeError);

/** Live child processes of this process running the stdio test server. */
function stdioChildren(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) !== process.pid || state === 'Z') continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('mcp-stdio-server')) pids.push(Number(entry));
    } catch {
      // Gone while we looked.
    }
  }
  return pids;
}

const transports: Record<'http' | 'stdio', () => McpServerParams> = {
  http: () => ({ transport: 'http', url: open.url }),
  stdio: () => ({ transport: 'stdio', command: 'test-tools' }),
};

describe.each(['http', 'stdio'] as const)('execution.mcp over %s', (transport) => {
  const server = () => transports[transport]();

  it('offers an agent every tool of the server, with its argument schema', async () => {
    const specs = await tools(ctx(), params({ server: server() }));
    expect(specs.map((t) => t.name).sort()).toEqual(['add', 'count', 'echo', 'fail']);
    const add = specs.find((t) => t.name === 'add')!;
    expect(add.description).toBe('Adds two numbers');
    expect(add.parameters).toMatchObject({ type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] });
  });

  it('offers only the chosen tools, in the order given', async () => {
    const specs = await tools(ctx(), params({ server: server(), tools: ['echo', 'add'] }));
    expect(specs.map((t) => t.name)).toEqual(['echo', 'add']);
  });

  it('fails for good when a chosen tool is not on the server', async () => {
    const e = await failure(tools(ctx(), params({ server: server(), tools: ['echo', 'nope'] })));
    expect(e).toBeInstanceOf(NodeError);
    expect(e).toMatchObject({ type: 'McpToolNotFound', retryable: false });
    expect(e.message).toContain('"nope"');
  });

  it('calls the node\'s tool with its arguments in the flow', async () => {
    const out = await execute(ctx(), params({ server: server(), tool: 'add', arguments: { a: 2, b: 3 } }), null);
    expect(out).toEqual({ tool: 'add', content: [{ type: 'text', text: '5' }], text: '5', structuredContent: { sum: 5 } });
  });

  it('turns a tool\'s error result into a non-retryable McpToolError carrying the content', async () => {
    const e = await failure(execute(ctx(), params({ server: server(), tool: 'fail' }), null));
    expect(e).toMatchObject({ type: 'McpToolError', retryable: false, details: { content: [{ type: 'text', text: 'this tool always fails' }] } });
    expect(e.message).toContain('this tool always fails');
  });

  it('calls the tool and arguments an agent chose instead of the node\'s own', async () => {
    const called = ctx({ toolCall: { name: 'echo', arguments: { text: 'from the agent' } } });
    const out = await execute(called, params({ server: server(), tool: 'add', arguments: { a: 1, b: 1 } }), null);
    expect(out).toEqual({ tool: 'echo', content: [{ type: 'text', text: 'from the agent' }], text: 'from the agent' });
  });

  it('fails for good when the tool to call is not on the server', async () => {
    const e = await failure(execute(ctx(), params({ server: server(), tool: 'nope' }), null));
    expect(e).toMatchObject({ type: 'McpToolNotFound', retryable: false });
    expect(e.message).toContain('"nope"');
    expect(e.details).toMatchObject({ available: expect.arrayContaining(['add', 'echo']) });
  });

  it('refuses to run in the flow without a tool to call', async () => {
    expect(await failure(execute(ctx(), params({ server: server() }), null))).toMatchObject({ type: 'InvalidParams', retryable: false });
  });
});

describe('execution.mcp over HTTP', () => {
  it('calls the server once per execution and ends its session', async () => {
    await execute(ctx(), params({ server: transports.http(), tool: 'count', arguments: { key: 'once' } }), null);
    expect(open.calls.get('once')).toBe(1);
    expect(open.openSessions()).toBe(0);
    // The session was ended with a DELETE, not left to expire.
    expect(open.requests.some((r) => r.method === 'DELETE')).toBe(true);
  });

  it('sends the bearer secret and the configured headers with every request', async () => {
    const before = secured.requests.length;
    const server = { transport: 'http', url: secured.url, headers: { 'x-team': 'blue' }, auth: { type: 'bearer', secret: 'MCP_TOKEN' } };
    const out = await execute(ctx({ secrets: { MCP_TOKEN: TOKEN } }), params({ server, tool: 'echo', arguments: { text: 'hi' } }), null);
    expect(out.text).toBe('hi');
    const sent = secured.requests.slice(before);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    for (const r of sent) expect(r.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, 'x-team': 'blue' });
  });

  it('sends the bearer secret only to a server it is bound to, failing for good before any request elsewhere', async () => {
    const server = { transport: 'http', url: secured.url, auth: { type: 'bearer', secret: 'MCP_TOKEN' } };
    const host = new URL(secured.url).host;
    const bound = await execute(testContext({ mcp, secrets: { MCP_TOKEN: { value: TOKEN, hosts: [`http://${host}`] } } }), params({ server, tool: 'echo', arguments: { text: 'hi' } }), null);
    expect(bound.text).toBe('hi');
    const before = secured.requests.length;
    const e = await failure(execute(testContext({ mcp, secrets: { MCP_TOKEN: { value: TOKEN, hosts: ['mcp.example.com'] } } }), params({ server, tool: 'echo', arguments: { text: 'hi' } }), null));
    expect(e).toMatchObject({ type: 'SecretNotAllowed', retryable: false, details: { secret: 'MCP_TOKEN', host } });
    expect(e.message).not.toContain(TOKEN);
    expect(secured.requests.length).toBe(before);
  });

  it('fails for good when the server refuses the token', async () => {
    const server = { transport: 'http', url: secured.url, auth: { type: 'bearer', secret: 'MCP_TOKEN' } };
    const e = await failure(execute(ctx({ secrets: { MCP_TOKEN: 'wrong' } }), params({ server, tool: 'echo', arguments: { text: 'hi' } }), null));
    expect(e).toMatchObject({ type: 'McpUnavailable', retryable: false });
    expect(e.message).toContain('401');
    expect(e.message).not.toContain('wrong');
  });

  it('goes through the guarded fetch: a guard that refuses 127.0.0.1 stops the connection', async () => {
    const before = open.requests.length;
    const guarded = createMcpConnector({ fetch: createGuardedFetch(), commands });
    const e = await failure(execute(ctx({ mcp: guarded }), params({ server: transports.http(), tool: 'echo', arguments: { text: 'x' } }), null));
    expect(e).toMatchObject({ type: 'SsrfBlocked', retryable: false });
    expect(open.requests.length).toBe(before);
  });

  it('retries when the server cannot be reached', async () => {
    const gone = await startHttpMcpServer();
    await gone.close();
    const e = await failure(execute(ctx(), params({ server: { transport: 'http', url: gone.url }, tool: 'echo', arguments: { text: 'x' } }), null));
    expect(e).toMatchObject({ type: 'McpUnavailable', retryable: true });
    expect(e.message).toContain(gone.url);
  });
});

describe('execution.mcp over stdio', () => {
  it('refuses a command that is not in the operator\'s list, naming the configured ones', async () => {
    const e = await failure(execute(ctx(), params({ server: { transport: 'stdio', command: 'bash' }, tool: 'echo' }), null));
    expect(e).toMatchObject({ type: 'McpCommandNotAllowed', retryable: false });
    expect(e.message).toContain('"test-tools"');
    expect(stdioChildren()).toEqual([]);
  });

  it('refuses a name that is not a command name', () => {
    expect(definition.params.safeParse({ server: { transport: 'stdio', command: 'rm -rf /' } }).success).toBe(false);
  });

  it('leaves no server process running, after calls that succeed and calls that fail', async () => {
    const session = await mcp.connect(transports.stdio(), { signal: new AbortController().signal, secret: () => Promise.reject(new Error('no secrets')) });
    expect(stdioChildren()).toHaveLength(1);
    await session.close();
    await session.close();
    expect(stdioChildren()).toEqual([]);

    await execute(ctx(), params({ server: transports.stdio(), tool: 'echo', arguments: { text: 'a' } }), null);
    await failure(execute(ctx(), params({ server: transports.stdio(), tool: 'fail' }), null));
    await failure(execute(ctx(), params({ server: transports.stdio(), tool: 'nope' }), null));
    await tools(ctx(), params({ server: transports.stdio(), tools: ['add'] }));
    expect(stdioChildren()).toEqual([]);
  });

  it('stops the server process when the attempt is cancelled mid-call', async () => {
    const abort = new AbortController();
    const session = await mcp.connect(transports.stdio(), { signal: abort.signal, secret: () => Promise.reject(new Error('no secrets')) });
    const call = session.callTool('echo', { text: 'x' }, abort.signal);
    abort.abort();
    await call.catch(() => undefined);
    await session.close();
    expect(stdioChildren()).toEqual([]);
  });

  it('retries when the configured program cannot be started', async () => {
    const broken = createMcpConnector({ fetch: globalThis.fetch, commands: { missing: { command: '/nonexistent/mcp-server' } } });
    const e = await failure(execute(ctx({ mcp: broken }), params({ server: { transport: 'stdio', command: 'missing' }, tool: 'echo' }), null));
    expect(e).toMatchObject({ type: 'McpUnavailable', retryable: true });
    expect(e.message).toContain('MCP command "missing"');
  });
});
