// What every Weft process that runs nodes shares with the API process: the configuration, the
// log, node metrics, plugins and the node activities' services. Nothing here loads the Temporal
// worker, so the API process may import it.
export * from './config.js';
export * from './database.js';
export * from './log.js';
export * from './metrics.js';
export * from './plugins.js';
export * from './secret-key.js';
export * from './secret-reader.js';
export * from './services.js';
export * from './signals.js';
