export * from './workflow.js';
export * from './validate.js';
export * from './expressions.js';
export * from './graph.js';
export * from './run.js';
export * from './canonical.js';
export * from './api.js';
export * from './plan.js';
