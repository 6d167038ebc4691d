import { Hono } from 'hono';
import { z } from 'zod';
import { describeDestination, McpServerParams, NodeError, secretNotAllowed, type McpConnector, type McpSession } from '@weft/nodes/executors';
import { requireRole, type AuthEnv } from '../auth/bearer-auth.js';
import { hasRole } from '../auth/tokens.js';
import type { Db } from '@weft/store';
import { appendAudit } from '@weft/store/repositories/audit.repository';
import { apiError } from '../errors.js';
import { describe, errorDoc } from '../openapi.js';
import type { SecretKey } from '@weft/store';
import { valid } from '../validation.js';
import { createSecretReader } from '@weft/workers/process';
import { errorName } from '@weft/schemas';

const ToolsBody = z.object({ server: McpServerParams }).strict();
const ToolInfo = z.object({
  name: z.string(),
  description: z.string(),
  inputSchema: z.record(z.string(), z.unknown()).meta({ description: 'JSON Schema of the tool\'s arguments' }),
});

/** How long listing a server's tools may take, connection included. */
const LIST_TIMEOUT_MS = 30_000;

/**
 * MCP servers, for the editor: the tools a server offers (to fill an `execution.mcp` node's
 * tool choices). Editors; a server that authenticates with a stored secret needs an operator, who
 * could send that secret to the same URL by running a workflow anyway.
 */
export function mcpRoutes(deps: { db: Db; mcp: McpConnector; secretKey?: SecretKey }) {
  const { db, mcp } = deps;
  const secrets = createSecretReader(db, deps.secretKey);
  return new Hono<AuthEnv>()
    .use(requireRole('editor'))
    .post(
      '/tools',
      describe({
        summary: 'List the tools of an MCP server',
        description: 'Connects to the server as a worker would (HTTP through the SSRF guard, stdio only for configured commands) and lists its tools.',
        tags: ['mcp'],
        responses: { 200: { description: 'The server\'s tools', schema: z.object({ tools: z.array(ToolInfo) }) }, 502: errorDoc('The server could not be reached or answered wrongly') },
      }),
      valid('json', ToolsBody),
      async (c) => {
        const { server } = c.req.valid('json');
        const caller = c.get('caller');
        if (server.transport === 'http' && server.url.includes('{{')) {
          return apiError(c, 400, 'invalid_request', 'expressions are resolved when a run reaches the node; give the server\'s URL itself', [{ path: '$.server.url', message: 'holds an expression' }]);
        }
        if (server.transport === 'http' && server.auth) {
          if (!hasRole(caller.role, 'operator')) return apiError(c, 403, 'forbidden', `a server reached with a stored secret needs the operator role; the token has ${caller.role}`);
          await appendAudit(db, { actor: caller.tokenId, action: 'secret.used', target: `secret:${server.auth.secret}`, details: { name: server.auth.secret, for: 'mcp.tools', url: server.url } });
        }
        // Bound like a worker's: every request and redirect hop is checked against the secret's hosts.
        const secret = async (name: string, destination: URL) => {
          const stored = await secrets.get(name);
          if (stored === undefined) throw new NodeError('SecretNotFound', `there is no secret named "${name}"`, false);
          const refused = secretNotAllowed(name, stored.hosts, destination);
          if (refused) {
            await appendAudit(db, { actor: caller.tokenId, action: 'secret.refused', target: `secret:${name}`, details: { for: 'mcp.tools', host: destination.host, destination: describeDestination(destination) } });
            throw refused;
          }
          return stored.value;
        };
        let session: McpSession | undefined;
        try {
          session = await mcp.connect(server, { signal: AbortSignal.any([c.req.raw.signal, AbortSignal.timeout(LIST_TIMEOUT_MS)]), secret });
          return c.json({ tools: await session.listTools() }, 200);
        } catch (e) {
          if (!(e instanceof NodeError)) {
            if (errorName(e) === 'TimeoutError' || errorName(e) === 'AbortError') return apiError(c, 502, 'mcp_unavailable', `the MCP server did not answer within ${LIST_TIMEOUT_MS / 1000} s`);
            throw e;
          }
          switch (e.type) {
            case 'McpUnavailable':
            case 'SsrfBlocked':
            case 'TooManyRedirects':
              return apiError(c, 502, 'mcp_unavailable', e.message);
            case 'McpCommandNotAllowed':
              return apiError(c, 422, 'mcp_command_not_allowed', e.message, [{ path: '$.server.command', message: 'not a configured MCP command' }]);
            case 'InvalidUrl':
              return apiError(c, 400, 'invalid_request', e.message, [{ path: '$.server.url', message: e.message }]);
            case 'SecretNotFound':
            case 'SecretNotAllowed':
            case 'InvalidSecret':
            case 'SecretUnreadable':
              return apiError(c, 422, 'secret_unusable', e.message, [{ path: '$.server.auth.secret', message: e.message }]);
            case 'NotConfigured':
              return apiError(c, 503, 'secrets_unavailable', e.message);
            default:
              return apiError(c, 502, 'mcp_unavailable', e.message);
          }
        } finally {
          await session?.close();
        }
      },
    );
}
