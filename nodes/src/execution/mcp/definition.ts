import { z } from 'zod';
import { SecretName } from '@weft/schemas';
import { defineNode } from '../../define-node.js';

/** A command name from the operator's list (`WEFT_MCP_COMMANDS`): a name, never a shell line. */
export const McpCommandName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'the name of a configured MCP command: letters, digits, _ . - (at most 64)')
  .meta({ title: 'Command', description: 'Name of an MCP server command the operator configured (WEFT_MCP_COMMANDS); never a shell line' });

/** Where an MCP server is: a streamable HTTP endpoint, or a command the operator configured, spoken to over stdio. */
export const McpServerParams = z
  .discriminatedUnion('transport', [
    z
      .object({
        transport: z.literal('http'),
        url: z
          .string()
          .min(1)
          .refine((s) => /^https?:\/\//i.test(s) || s.includes('{{'), 'an http:// or https:// URL')
          .meta({ title: 'URL', description: 'The server\'s streamable HTTP endpoint, http:// or https://; expressions allowed' }),
        headers: z.record(z.string(), z.string()).optional().meta({ title: 'Headers', description: 'Sent with every request to the server' }),
        // A union of one kind (more may come), so the form offers "None" until a person picks it.
        auth: z
          .discriminatedUnion('type', [z.object({ type: z.literal('bearer'), secret: SecretName }).strict().meta({ title: 'Bearer token', description: 'Authorization: Bearer <secret>' })])
          .optional()
          .meta({ title: 'Authentication', description: 'Sent with every request to the server' }),
      })
      .strict()
      .meta({ title: 'HTTP', description: 'A remote server over streamable HTTP, reached through the SSRF guard' }),
    z
      .object({ transport: z.literal('stdio'), command: McpCommandName })
      .strict()
      .meta({ title: 'Local command', description: 'A server the operator configured, started as a child process and spoken to over stdio' }),
  ])
  .meta({ title: 'Server', description: 'The MCP server whose tools this node calls' });
/** Where an MCP server is; what `McpConnector.connect` takes. */
export type McpServerParams = z.infer<typeof McpServerParams>;

/** An MCP tool call's result, as the node outputs it. */
export const McpCallOutput = z.object({
  tool: z.string().meta({ description: 'The tool that was called' }),
  content: z.array(z.unknown()).meta({ description: 'The MCP content blocks of the result (text, image, resource, …)' }),
  text: z.string().meta({ description: 'The text blocks, joined by new lines' }),
  structuredContent: z.unknown().optional().meta({ description: 'The structured result, when the tool returns one' }),
});
export type McpCallOutput = z.infer<typeof McpCallOutput>;

/** Calls a tool of an MCP server; wired to an agent's tools port, offers the server's tools to the agent. */
export default defineNode({
  type: 'execution.mcp',
  kind: 'execution',
  version: 1,
  title: 'MCP tool',
  description:
    'Calls a tool of a Model Context Protocol server (streamable HTTP, or a local command the operator configured). Wired to an agent\'s tools port, it offers the server\'s tools — all, or the ones listed — to the agent.',
  icon: 'plug',
  inputs: ['in'],
  outputs: ['out'],
  params: z
    .object({
      server: McpServerParams,
      tools: z
        .union([z.literal('all'), z.array(z.string().min(1).max(128)).min(1)])
        .default('all')
        .meta({ title: 'Tools offered to an agent', description: '"all", or the names of the server\'s tools an agent sees when this node is wired to its tools port' }),
      tool: z.string().min(1).max(128).optional().meta({ title: 'Tool', description: 'The tool to call when the node runs in the flow' }),
      arguments: z
        .record(z.string(), z.unknown())
        .optional()
        .meta({ title: 'Arguments', description: 'The tool\'s arguments; {{ }} expressions inside are resolved before the call' }),
    })
    .strict(),
  output: McpCallOutput,
  policy: { timeout: '1m', maxAttempts: 3, initialInterval: '1s', backoff: 2 },
});
