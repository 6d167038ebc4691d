export { runGraph } from './run-graph.js';
export { runLoop } from './run-loop.js';
