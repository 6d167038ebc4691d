import { NodeError, type Execute, type NodeContext, type NodeExecutor } from '../../context.js';
import type { McpSession, ToolSpec } from '../../services.js';
import type definition from './definition.js';
import type { McpCallOutput } from './definition.js';

type Params = Parameters<Execute<typeof definition>>[1];

/**
 * Calls one tool: the one an agent chose (`ctx.toolCall`) with its arguments, else the node's
 * `tool` with its `arguments`. A tool that reports an error fails with `McpToolError`, not retried.
 */
export const execute = (async (ctx, params, _input): Promise<McpCallOutput> => {
  const name = ctx.toolCall?.name ?? params.tool;
  if (name === undefined) throw new NodeError('InvalidParams', 'tool: name the MCP tool this node calls when it runs in the flow', false);
  const args = ctx.toolCall?.arguments ?? params.arguments ?? {};
  return withSession(ctx, params, async (session) => {
    const result = await session.callTool(name, args, ctx.signal);
    const text = textOf(result.content);
    if (result.isError) throw new NodeError('McpToolError', `MCP tool "${name}" failed${text ? `: ${text}` : ''}`, false, { content: result.content });
    return { tool: name, content: result.content, text, ...(result.structuredContent === undefined ? {} : { structuredContent: result.structuredContent }) };
  });
}) satisfies Execute<typeof definition>;

/** The server's tools an agent sees: all of them, or the ones `params.tools` names (each must exist). */
export const tools = (async (ctx, params): Promise<readonly ToolSpec[]> =>
  withSession(ctx, params, async (session) => {
    const offered = await session.listTools();
    const chosen = params.tools === 'all' ? offered : params.tools.map((name) => {
      const tool = offered.find((t) => t.name === name);
      if (!tool) {
        const names = offered.map((t) => `"${t.name}"`).join(', ') || 'none';
        throw new NodeError('McpToolNotFound', `tools: the MCP server has no tool "${name}"; it has ${names}`, false, { tool: name, available: offered.map((t) => t.name) });
      }
      return tool;
    });
    return chosen.map((t) => ({ name: t.name, description: t.description, parameters: { ...t.inputSchema } }));
  })) satisfies NonNullable<NodeExecutor<typeof definition>['tools']>;

/** Opens a session for one piece of work and always closes it (a stdio server's process with it). */
async function withSession<T>(ctx: NodeContext, params: Params, work: (session: McpSession) => Promise<T>): Promise<T> {
  const session = await ctx.mcp.connect(params.server, { signal: ctx.signal, secret: (name, destination) => ctx.secret(name, destination) });
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}

/** The text blocks of a result, joined by new lines. */
function textOf(content: readonly unknown[]): string {
  return content
    .filter((b): b is { type: 'text'; text: string } => typeof b === 'object' && b !== null && (b as { type?: unknown }).type === 'text' && typeof (b as { text?: unknown }).text === 'string')
    .map((b) => b.text)
    .join('\n');
}
