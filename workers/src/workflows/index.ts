export { runGraph } from './run-graph.js';
export { runLoop } from './run-loop.js';
export { scheduledRun } from './scheduled-run.js';
export { runAgent } from './run-agent.js';
