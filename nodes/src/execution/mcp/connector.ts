import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { NodeError } from '../../context.js';
import { fetchWithSecret } from '../../secrets/binding.js';
import type { McpConnector, McpSession, McpToolInfo } from '../../services.js';
import { McpCommandName, type McpServerParams } from './definition.js';

/** One MCP server command the operator allows nodes to start: a program and its arguments, never a shell line. */
export const McpCommand = z
  .object({
    command: z.string().min(1).describe('The program, a path or a name on PATH'),
    args: z.array(z.string()).optional(),
    env: z.record(z.string(), z.string()).optional().describe('Added to a minimal environment (PATH, HOME, …), not to the whole of the worker\'s'),
    cwd: z.string().min(1).optional(),
  })
  .strict();
export type McpCommand = z.infer<typeof McpCommand>;

/** The operator's MCP commands by name (`WEFT_MCP_COMMANDS`); `stdio` servers may start only these. */
export const McpCommandList = z.record(McpCommandName, McpCommand);
export type McpCommandList = z.infer<typeof McpCommandList>;

/** What an MCP connector is built from. */
export interface McpConnectorOptions {
  /** The SSRF-guarded fetch: every request to an HTTP server goes through it. */
  readonly fetch: typeof fetch;
  /** The commands `stdio` servers may name. */
  readonly commands: Readonly<Record<string, McpCommand>>;
  /** How Weft introduces itself to servers. */
  readonly clientInfo?: { readonly name: string; readonly version: string };
}

/** HTTP statuses worth another attempt (as for the HTTP node); other refusals fail for good. */
const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);
/** Bytes of a stdio server's stderr kept for error messages. */
const STDERR_TAIL = 2048;

/**
 * Connects to MCP servers with the official SDK: streamable HTTP through the given (guarded)
 * fetch, stdio only for commands in the operator's list. Failures are `NodeError`s:
 * `McpCommandNotAllowed`, `McpUnavailable` (retryable unless the server refused for good),
 * `McpToolNotFound`; a refusal of the fetch guard comes through as the guard threw it.
 * @example const mcp = createMcpConnector({ fetch: createGuardedFetch(), commands: { files: { command: 'mcp-files', args: ['/data'] } } });
 */
export function createMcpConnector(options: McpConnectorOptions): McpConnector {
  const commands = options.commands;
  const clientInfo = options.clientInfo ?? { name: 'weft', version: '0.1.0' };
  return {
    async connect(server, { signal, secret }) {
      const opened = server.transport === 'stdio' ? openStdio(server.command, commands) : await openHttp(server, options.fetch, secret);
      const client = new Client({ ...clientInfo }, { capabilities: {} });
      try {
        await client.connect(opened.transport, { signal });
      } catch (e) {
        await closeQuietly(client, opened.transport);
        throw failure(e, opened, signal);
      }
      return session(client, opened, signal);
    },
  };
}

/** A transport and what error messages say about its server. */
interface Opened {
  readonly transport: Transport;
  /** `MCP server https://host/path` or `MCP command "name"`. */
  readonly label: string;
  /** The last of a stdio server's stderr. */
  readonly stderr?: () => string;
}

function openStdio(name: string, commands: Readonly<Record<string, McpCommand>>): Opened {
  const entry = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!entry) {
    const names = Object.keys(commands).sort();
    const known = names.length ? `the configured ones are ${names.map((n) => `"${n}"`).join(', ')}` : 'none is configured (WEFT_MCP_COMMANDS)';
    throw new NodeError('McpCommandNotAllowed', `MCP command "${name}" is not in the operator's list: ${known}`, false, { command: name, configured: names });
  }
  const transport = new StdioClientTransport({
    command: entry.command,
    ...(entry.args ? { args: entry.args } : {}),
    ...(entry.env ? { env: entry.env } : {}),
    ...(entry.cwd ? { cwd: entry.cwd } : {}),
    // Kept for error messages instead of mixing into the worker's own stderr.
    stderr: 'pipe',
  });
  let tail = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-STDERR_TAIL);
  });
  return { transport, label: `MCP command "${name}"`, stderr: () => tail.trim() };
}

async function openHttp(server: Extract<McpServerParams, { transport: 'http' }>, guarded: typeof fetch, secret: (name: string, destination: URL) => Promise<string>): Promise<Opened> {
  let url: URL;
  try {
    url = new URL(server.url);
  } catch {
    throw new NodeError('InvalidUrl', `"${server.url}" is not a valid URL`, false);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new NodeError('InvalidUrl', `only http and https MCP servers are allowed, not ${url.protocol}`, false);
  const headers = new Headers(server.headers ?? {});
  let doFetch = guarded;
  if (server.auth) {
    const name = server.auth.secret;
    const token = await secret(name, url);
    if (/[\r\n\0]/.test(token)) throw new NodeError('InvalidSecret', `secret "${name}" cannot be sent in a header: it holds a line break or NUL character`, false);
    headers.set('authorization', `Bearer ${token}`);
    // Every request of the session, and every redirect hop, goes only where the secret is bound.
    doFetch = fetchWithSecret(guarded, { allowed: (destination) => secret(name, destination), credentialHeader: 'authorization' });
  }
  // The SDK's default redirect policy keeps requests (and the token) on the server's origin.
  const transport = new StreamableHTTPClientTransport(url, { fetch: doFetch, requestInit: { headers } });
  return { transport, label: `MCP server ${url.origin}${url.pathname}` };
}

function session(client: Client, opened: Opened, signal: AbortSignal): McpSession {
  let closed: Promise<void> | undefined;
  let tools: Promise<McpToolInfo[]> | undefined;
  const listTools = async (): Promise<McpToolInfo[]> => {
    const out: McpToolInfo[] = [];
    let cursor: string | undefined;
    try {
      do {
        const page = await client.listTools(cursor === undefined ? {} : { cursor }, { signal });
        for (const t of page.tools) out.push({ name: t.name, description: t.description ?? t.title ?? '', inputSchema: t.inputSchema as Record<string, unknown> });
        cursor = page.nextCursor;
      } while (cursor !== undefined);
    } catch (e) {
      throw failure(e, opened, signal);
    }
    return out;
  };
  const known = () => (tools ??= listTools());
  const notFound = async (name: string): Promise<NodeError | undefined> => {
    const names = (await known()).map((t) => t.name);
    if (names.includes(name)) return undefined;
    return new NodeError('McpToolNotFound', `${opened.label} has no tool "${name}"; it has ${names.length ? names.map((n) => `"${n}"`).join(', ') : 'none'}`, false, { tool: name, available: names });
  };
  return {
    listTools: known,
    async callTool(name, args, callSignal) {
      const both = AbortSignal.any([signal, callSignal]);
      let result;
      try {
        result = await client.callTool({ name, arguments: { ...args } }, undefined, { signal: both });
      } catch (e) {
        // Servers answer an unknown tool with a protocol error or an error result; both are checked against the list.
        if (e instanceof McpError && (e.code === ErrorCode.InvalidParams || e.code === ErrorCode.MethodNotFound)) {
          const missing = await notFound(name);
          if (missing) throw missing;
          throw new NodeError('McpToolError', `${opened.label} refused the call of "${name}": ${e.message}`, false);
        }
        throw failure(e, opened, both);
      }
      const content = Array.isArray(result.content) ? (result.content as unknown[]) : [];
      const isError = result.isError === true;
      if (isError) {
        const missing = await notFound(name);
        if (missing) throw missing;
      }
      return { content, ...(result.structuredContent === undefined ? {} : { structuredContent: result.structuredContent }), isError };
    },
    close() {
      closed ??= closeQuietly(client, opened.transport);
      return closed;
    },
  };
}

/** Ends an HTTP session on the server (where it has one) and closes the transport, stopping a stdio child. Never throws. */
async function closeQuietly(client: Client, transport: Transport): Promise<void> {
  if (transport instanceof StreamableHTTPClientTransport && transport.sessionId !== undefined) {
    await transport.terminateSession().catch(() => undefined);
  }
  await client.close().catch(() => undefined);
  // A transport the client never took (a failed connect) is closed here; closing twice is harmless.
  await transport.close().catch(() => undefined);
}

/** Turns what the SDK threw into a `NodeError` that says which server and whether a retry could help. */
function failure(e: unknown, opened: Opened, signal: AbortSignal): unknown {
  // The fetch guard's refusal (and any NodeError from below) stays as it was thrown.
  const own = nodeErrorIn(e);
  if (own) return own;
  if (signal.aborted) return e;
  const err = e as Error & { code?: unknown };
  let retryable = true;
  let why = err.message ?? String(e);
  if (e instanceof StreamableHTTPError && typeof e.code === 'number' && e.code > 0) {
    retryable = RETRYABLE_STATUS.has(e.code);
    why = `HTTP ${e.code}: ${e.message}`;
  } else if (err.name === 'UnauthorizedError') {
    retryable = false;
    why = `unauthorized: ${err.message}`;
  } else {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    if (cause) why = `${why} (${cause})`;
  }
  const stderr = opened.stderr?.();
  return new NodeError('McpUnavailable', `${opened.label} is unavailable: ${why}${stderr ? `\nits stderr ends with: ${stderr}` : ''}`, retryable);
}

function nodeErrorIn(e: unknown): NodeError | undefined {
  for (let x: unknown = e, depth = 0; x && depth < 5; x = (x as { cause?: unknown }).cause, depth++) {
    if (x instanceof NodeError) return x;
  }
  return undefined;
}
