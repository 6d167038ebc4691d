import { spawnSync } from 'node:child_process';
import { pino } from 'pino';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
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

describe('the process log', () => {
  it('writes the request lines of one event-loop turn together, in order, when the turn ends', async () => {
    log.request({ n: 1 });
    log.request({ n: 2 });
    expect(writes).toEqual([]);
    await new Promise((turnEnded) => setImmediate(turnEnded));
    expect(writes).toHaveLength(1);
    const lines = writes[0]!.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toMatchObject([
      { level: 'info', msg: 'request', n: 1, pid: process.pid },
      { level: 'info', msg: 'request', n: 2, pid: process.pid },
    ]);
    for (const { time } of lines) {
      expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Math.abs(Date.parse(time as string) - Date.now())).toBeLessThan(5_000);
    }
  });

  it('writes any other line at once, after the request lines before it', () => {
    log.request({ n: 1 });
    log.warn('now', { n: 2 });
    expect(writes.map((w) => (JSON.parse(w) as { n: number }).n)).toEqual([1, 2]);
  });

  it('writes the request lines logged just before process.exit', () => {
    const code = `import { log } from ${JSON.stringify(new URL('./log.ts', import.meta.url).href)}; log.request({ n: 3 }); process.exit(3);`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', env: { ...process.env, WEFT_LOG_LEVEL: 'info' } });
    expect(child.status).toBe(3);
    expect(JSON.parse(child.stderr.trim())).toMatchObject({ level: 'info', msg: 'request', n: 3 });
  });
});
