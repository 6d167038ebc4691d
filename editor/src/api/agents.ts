import type { AgentStep } from '@weft/schemas';
import { api, call, type CallOptions, type Ok } from './client';

// Calls about agents: their transcripts, and the tools of MCP servers.

/** `GET /api/runs/:id/transcript`: the steps of the run's agents (or of one conversation), in order. */
export async function getTranscript(runId: string, agent?: string, options?: CallOptions): Promise<AgentStep[]> {
  const { steps } = await call((o) => api.api.runs[':id'].transcript.$get({ param: { id: runId }, query: agent === undefined ? {} : { agent } }, o), options);
  // The wire type of `data` is the JSON form of the same union.
  return steps as unknown as AgentStep[];
}

/** Where an MCP server is, as an `execution.mcp` node's `server` param says. */
export type McpServer = Parameters<typeof api.api.mcp.tools.$post>[0]['json']['server'];
/** One tool of an MCP server. */
export type McpToolInfo = Ok<Awaited<ReturnType<typeof api.api.mcp.tools.$post>>>['tools'][number];

/** `POST /api/mcp/tools`: the tools the server offers. */
export async function listMcpTools(server: McpServer, options?: CallOptions): Promise<McpToolInfo[]> {
  const { tools } = await call((o) => api.api.mcp.tools.$post({ json: { server } }, o), options);
  return tools;
}
