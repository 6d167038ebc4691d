import { describe, expect, it } from 'vitest';
import type { ApiClient } from './client.js';
import { UsageError } from './client.js';
import { secretsCommand } from './secret-commands.js';

/** A client that records what it was asked and answers as the API would. */
function fakeApi(answer: unknown = { created: true, hosts: ['api.example.com'] }) {
  const calls: { method: string; path: string; body?: unknown }[] = [];
  const api = {
    request: async (method: string, path: string, body?: unknown) => {
      calls.push({ method, path, ...(body === undefined ? {} : { body }) });
      return answer;
    },
    listAll: async (path: string) => {
      calls.push({ method: 'GET', path });
      return [
        { name: 'PAYMENTS_KEY', hosts: ['payments.example.com/v1/', '*.example.org'] },
        { name: 'OLD', hosts: null },
      ];
    },
  } as unknown as ApiClient;
  return { calls, api };
}

function run(args: string[], o: { stdin?: string; answer?: unknown } = {}) {
  const { calls, api } = fakeApi(o.answer);
  const lines: string[] = [];
  const result = secretsCommand(args, { api: () => api, stdin: () => o.stdin, out: (l) => void lines.push(l) });
  return { calls, lines, result };
}

describe('weft secrets', () => {
  it('stores a piped value with every --host given', async () => {
    const { calls, lines, result } = run(['set', 'PAYMENTS_KEY', '--host', 'payments.example.com', '--host', 'http://127.0.0.1:8080'], { stdin: 'sk-123' });
    expect(await result).toBe(0);
    expect(calls).toEqual([{ method: 'PUT', path: '/api/secrets/PAYMENTS_KEY', body: { value: 'sk-123', hosts: ['payments.example.com', 'http://127.0.0.1:8080'] } }]);
    expect(lines).toEqual(['stored PAYMENTS_KEY; it may be sent to api.example.com']);
  });

  it('keeps the stored hosts when none is given', async () => {
    const { calls, result } = run(['set', 'PAYMENTS_KEY'], { stdin: 'sk-456', answer: { created: false, hosts: ['payments.example.com'] } });
    expect(await result).toBe(0);
    expect(calls[0]!.body).toEqual({ value: 'sk-456' });
  });

  it('never takes the value from the command line: stdin must be piped', async () => {
    await expect(run(['set', 'PAYMENTS_KEY', '--host', 'payments.example.com']).result).rejects.toThrow(UsageError);
    await expect(run(['set', 'PAYMENTS_KEY', '--host', 'payments.example.com']).result).rejects.toThrow('printf %s "$VALUE" | weft secrets set PAYMENTS_KEY');
    await expect(run(['set', 'PAYMENTS_KEY', 'sk-on-the-command-line']).result).rejects.toThrow('usage: weft secrets set');
  });

  it('rebinds a secret to new hosts, keeping its value', async () => {
    const { calls, lines, result } = run(['hosts', 'OLD', '--host', 'api.example.com'], { answer: { created: false, hosts: ['api.example.com'] } });
    expect(await result).toBe(0);
    expect(calls).toEqual([{ method: 'PUT', path: '/api/secrets/OLD', body: { hosts: ['api.example.com'] } }]);
    expect(lines).toEqual(['OLD may be sent to api.example.com']);
    await expect(run(['hosts', 'OLD']).result).rejects.toThrow('give at least one --host');
  });

  it('lists secrets with their hosts, marking one bound nowhere', async () => {
    const { lines, result } = run(['list']);
    expect(await result).toBe(0);
    expect(lines).toEqual([
      'NAME          HOSTS',
      'PAYMENTS_KEY  payments.example.com/v1/, *.example.org',
      'OLD           (none: sent nowhere until bound with weft secrets hosts)',
    ]);
  });
});
