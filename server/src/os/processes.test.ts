import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { controlFilePath, runningInstance } from '../runtime/control-file.js';
import { hasProcessTable, isRunning, ownStartTime, readProcess } from './processes.js';

/** A zombie: `sleep 0` exits and its parent, `exec`'d into a long sleep, never collects it. */
async function withZombie(use: (pid: number) => void): Promise<void> {
  const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (b: Buffer) => resolve(Number(b.toString().trim()))));
    for (let i = 0; i < 100 && readProcess(pid)?.state !== 'Z'; i++) await new Promise((r) => setTimeout(r, 20));
    use(pid);
  } finally {
    parent.kill('SIGKILL');
  }
}

describe.skipIf(!hasProcessTable())('the process table', () => {
  it('tells a live process from a zombie and from another process given the same pid', async () => {
    expect(isRunning(process.pid)).toBe(true);
    expect(isRunning(process.pid, ownStartTime())).toBe(true);
    expect(isRunning(process.pid, ownStartTime()! + 1)).toBe(false);
    await withZombie((pid) => {
      expect(readProcess(pid)?.state).toBe('Z');
      expect(isRunning(pid)).toBe(false);
    });
  });

  it('does not take a control file naming a zombie or a reused pid for a running Weft', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-control-'));
    try {
      const write = (pid: number, startTime?: number) =>
        writeFileSync(controlFilePath(dir), JSON.stringify({ pid, url: 'http://127.0.0.1:1', key: 'k', ...(startTime === undefined ? {} : { startTime }) }));
      write(process.pid, ownStartTime());
      expect(runningInstance(dir)?.pid).toBe(process.pid);
      write(process.pid, ownStartTime()! - 1);
      expect(runningInstance(dir)).toBeUndefined();
      await withZombie((pid) => {
        write(pid);
        expect(runningInstance(dir)).toBeUndefined();
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
