export * from './activities.js';
export * from './node-requests.js';
export * from './task-queues.js';
export * from './worker.js';
export * from './workflows/definitions.js';
export * from './main.js';
