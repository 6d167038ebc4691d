export * from './define-node.js';
export * from './registry.js';
export * from './plan.js';
export * from './plugins.js';
export type * from './context.js';
export { NodeError } from './context.js';
export { Routed, routed } from './define-node.js';
export type * from './services.js';
export type { KnowledgeStore } from './retrieval/knowledge.js';
