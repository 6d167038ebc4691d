import { logger } from '@weft/workers/process';
// Test setup: the process log at `warn`, as `WEFT_LOG_LEVEL=warn` (vitest's env) makes it in a
// process that parses its configuration; request lines would bury the test output. Tests that
// read the log set their own level.

logger.level = 'warn';
