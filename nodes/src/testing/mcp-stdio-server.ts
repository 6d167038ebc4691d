/**
 * Serves the test MCP tools (`add`, `echo`, `fail`, `count`) over stdio, for tests of stdio
 * servers: `node --import tsx nodes/src/testing/mcp-stdio-server.ts` (or the compiled `.js`).
 * Exits when its stdin closes, as a client's close asks.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createTestMcpServer } from './mcp-server.js';

const transport = new StdioServerTransport();
process.stdin.on('end', () => process.exit(0));
await createTestMcpServer().connect(transport);
