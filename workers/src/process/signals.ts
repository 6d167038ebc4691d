import { ConfigError } from './config.js';
import { log } from './log.js';
import { errorMessage, errorCode } from '@weft/schemas';

/** Resolves on the first SIGINT or SIGTERM; a second one while shutting down exits at once. */
export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      const force = () => {
        log.warn('second signal: exiting without finishing');
        process.exit(130);
      };
      process.once('SIGINT', force);
      process.once('SIGTERM', force);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

/**
 * Exits with the code `main` settles with; a failure is logged first (a configuration or usage
 * problem as its message alone, anything else with its stack) and exits 1.
 */
export function exitWhenDone(main: Promise<number>): void {
  main.then(
    (code) => process.exit(code),
    (e: unknown) => {
      if (e instanceof ConfigError || errorCode(e)?.startsWith('ERR_PARSE_ARGS_')) log.error(errorMessage(e));
      else log.error(e instanceof Error && e.stack ? e.stack : String(e));
      process.exit(1);
    },
  );
}
