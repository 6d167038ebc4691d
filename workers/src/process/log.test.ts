import { spawnSync } from 'node:child_process';
import { pino } from 'pino';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadWorkerConfig } from './config.js';
import { log, logger, setLogDestination } from './log.js';

const writes: string[] = [];
const level = logger.level;
beforeEach(() => {
  writes.length = 0;
  logger.level = 'info';
  setLogDestination({ write: (s: string) => writes.push(s) });
});
afterEach(() => {
  logger.level = level;
});
afterAll(() => setLogDestination(pino.destination({ fd: 2, sync: true })));

const lines = () => writes.join('').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('the process log', () => {
  it('writes one JSON line per message, in order, with the level name, pid and an ISO time', () => {
    log.request({ n: 1 });
    log.warn('now', { n: 2 });
    expect(lines()).toMatchObject([
      { level: 'info', msg: 'request', n: 1, pid: process.pid },
      { level: 'warn', msg: 'now', n: 2, pid: process.pid },
    ]);
    for (const { time } of lines()) {
      expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Math.abs(Date.parse(time as string) - Date.now())).toBeLessThan(5_000);
    }
  });

  it('takes its level from the parsed configuration', () => {
    loadWorkerConfig({ WEFT_LOG_LEVEL: 'error' });
    log.warn('hidden');
    log.error('shown');
    expect(lines().map((l) => l['msg'])).toEqual(['shown']);
  });

  it('writes every line logged just before process.exit, though it writes to stderr asynchronously', () => {
    const code = `import { log } from ${JSON.stringify(new URL('./log.ts', import.meta.url).href)}; for (let n = 0; n < 2000; n++) log.request({ n }); process.exit(3);`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' });
    expect(child.status).toBe(3);
    const logged = child.stderr.trim().split('\n').map((l) => JSON.parse(l) as { n: number; msg: string });
    expect(logged).toHaveLength(2000);
    expect(logged[1999]).toMatchObject({ msg: 'request', n: 1999 });
  });
});
