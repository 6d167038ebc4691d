export * from './errors.js';
export { launchRun, type RunLaunch } from './launch.js';
export { type Decision } from './decide.js';
export { type RerunPlan } from './rerun.js';
export { createRunStarter, type Actor, type RunStarter, type RunStarterDeps } from './service.js';
export { newRunId } from '@weft/nodes';
