import { randomBytes } from 'node:crypto';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { DefaultLogger } from '@temporalio/worker';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { RunView, WorkflowInput } from '@weft/schemas';
import { listAudit } from './db/repositories/audit.repository.js';
import { quietTemporalLogs } from './runtime.js';
import { BACKENDS } from './testing/databases.js';
import type { Receiver } from './testing/receiver.js';
import type { Stack } from './testing/stack.js';
import { useStack } from './testing/suite.js';

// Everything this process logs, captured before the stack starts: the Temporal runtime's logger
// (activity logs included) at debug level, stdout, stderr and the console.
const temporalLogs: string[] = [];
const printed: string[] = [];
const bigints = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);
const capturing = quietTemporalLogs('ERROR', new DefaultLogger('DEBUG', (entry) => void temporalLogs.push(JSON.stringify(entry, bigints))));
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (...a: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    printed.push(String(chunk));
    return write(chunk, ...rest);
  }) as typeof stream.write;
}
for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  const original = console[level].bind(console);
  console[level] = (...args: unknown[]) => {
    printed.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a, bigints))).join(' '));
    original(...args);
  };
}

// Random per run, with characters that change under URL and base64 encoding.
const rand = () => randomBytes(12).toString('hex');
const SECRETS = {
  BEARER_TOKEN: `tok_${rand()}`,
  BASIC_PASSWORD: `pw:${rand()} w/&=+`,
  HEADER_KEY: `key-${rand()}`,
  QUERY_KEY: `q ${rand()}&x=/?`,
} as const;
const USER = 'ada';

/** Every form a secret could take on the way out: as is, URL-encoded, base64, in basic credentials. */
function formsOf(name: keyof typeof SECRETS): string[] {
  const v = SECRETS[name];
  const forms = [v, encodeURIComponent(v), new URLSearchParams({ v }).toString().slice(2), Buffer.from(v).toString('base64'), Buffer.from(v).toString('base64url')];
  if (name === 'BASIC_PASSWORD') forms.push(Buffer.from(`${USER}:${v}`).toString('base64'));
  return [...new Set(forms)];
}
const NEEDLES = (Object.keys(SECRETS) as (keyof typeof SECRETS)[]).flatMap((name) => formsOf(name).map((form) => ({ name, form })));

function occurrences(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + 1)) n++;
  return n;
}

/** Where each secret form was found, e.g. `BEARER_TOKEN as "tok_…" x2`; empty when none. */
function leaks(text: string): string[] {
  return NEEDLES.filter(({ form }) => text.includes(form)).map(({ name, form }) => `${name} as ${JSON.stringify(form.slice(0, 6))}… x${occurrences(text, form)}`);
}

/** A history as JSON, with every payload decoded: Temporal keeps payload data as base64. */
function historyText(json: string): string {
  const decoded: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o['data'] === 'string' && 'metadata' in o) decoded.push(Buffer.from(o['data'], 'base64').toString('utf8'));
      Object.values(o).forEach(walk);
    }
  };
  walk(JSON.parse(json));
  return `${json}\n${decoded.join('\n')}`;
}

describe.each(BACKENDS)('stored secrets on %s', (backend) => {
  let stack: Stack;
  let receiver: Receiver;
  useStack(backend, (s, r) => ((stack = s), (receiver = r)), { receiver: true });

  it('never appear in run histories, database rows, logs or API responses, though the calls used them', async () => {
    expect(capturing).toBe(true);
    const responses: string[] = [];
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await stack.api(method, path, body);
      responses.push(JSON.stringify(res.json) ?? '');
      return res;
    };

    for (const [name, value] of Object.entries(SECRETS)) expect((await api('PUT', `/api/secrets/${name}`, { value })).status).toBe(201);

    const r = receiver.url;
    const fast = { initialInterval: '100ms', maxInterval: '200ms' };
    const call = (id: string, auth: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ id, type: 'execution.http', params: { url: `${r}/echo/${id}`, auth, ...extra }, policy: fast });
    const canary = `canary-${rand()}`;
    const calls: WorkflowInput = {
      schemaVersion: 1,
      name: 'authenticated calls',
      nodes: [
        { id: 'start', type: 'control.trigger' },
        { id: 'guard', type: 'security.policy', params: { rules: [{ id: 'no-canary', when: '$not($exists(canary))', outcome: 'deny', reason: 'the input has no canary' }], detectors: { urls: { enabled: true, allowHosts: ['127.0.0.1'] } } } },
        call('bearer', { type: 'bearer', secret: 'BEARER_TOKEN' }),
        call('basic', { type: 'basic', username: USER, secret: 'BASIC_PASSWORD' }),
        call('header', { type: 'header', name: 'X-Api-Key', secret: 'HEADER_KEY' }),
        call('query', { type: 'query', name: 'api_key', secret: 'QUERY_KEY' }, { query: { page: '1' } }),
        { id: 'join', type: 'control.merge' },
        { id: 'out', type: 'control.output' },
      ],
      edges: [
        { id: 'e0', source: 'start', target: 'guard' },
        ...['bearer', 'basic', 'header', 'query'].flatMap((id) => [
          { id: `in-${id}`, source: 'guard', sourcePort: 'allow', target: id },
          { id: `out-${id}`, source: id, target: 'join' },
        ]),
        { id: 'e9', source: 'join', target: 'out' },
      ],
    };
    // Creates something with a bearer token, then a call with the key in its query fails: the
    // failure is recorded and the first call is undone, with the same token.
    const failing: WorkflowInput = {
      schemaVersion: 1,
      name: 'failing authenticated call',
      nodes: [
        { id: 'start', type: 'control.trigger' },
        call('create', { type: 'bearer', secret: 'BEARER_TOKEN' }, { method: 'POST', body: { item: 1 }, compensation: { method: 'DELETE', url: `${r}/echo/undo` } }),
        call('missing', { type: 'query', name: 'api_key', secret: 'QUERY_KEY' }, { url: `${r}/echo/missing`, query: { status: '404' } }),
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'create' },
        { id: 'e2', source: 'create', target: 'missing' },
      ],
    };

    const callsRun = await stack.startRun(await stack.createWorkflow(calls), { canary });
    const failingRun = await stack.startRun(await stack.createWorkflow(failing), { canary });
    await stack.waitForRun(callsRun);
    await stack.waitForRun(failingRun);

    // What the API shows: run details, their event streams, the secrets list.
    const views: RunView[] = [];
    for (const id of [callsRun, failingRun]) {
      views.push((await api('GET', `/api/runs/${id}`)).json as RunView);
      const events = await stack.app.request(`/api/runs/${id}/events`, { headers: { authorization: `Bearer ${stack.token}` } });
      expect(events.status).toBe(200);
      responses.push(await events.text());
    }
    const list = await api('GET', '/api/secrets');
    expect(list.json.items.map((i: { name: string }) => i.name)).toEqual(Object.keys(SECRETS).sort());

    // The calls did authenticate: the receiver got every secret, in its wire form.
    const seen = JSON.stringify([receiver.headers, receiver.log]);
    expect(seen).toContain(`Bearer ${SECRETS.BEARER_TOKEN}`);
    expect(seen).toContain(`Basic ${Buffer.from(`${USER}:${SECRETS.BASIC_PASSWORD}`).toString('base64')}`);
    expect(seen).toContain(SECRETS.HEADER_KEY);
    const queries = receiver.log.filter((l) => l.path === '/echo/query' || l.path === '/echo/missing').map((l) => new URLSearchParams(l.query).get('api_key'));
    expect(queries).toEqual([SECRETS.QUERY_KEY, SECRETS.QUERY_KEY]);
    expect(receiver.log.filter((l) => l.path === '/echo/undo' && l.method === 'DELETE')).toHaveLength(1);

    // ...and the answers that echoed them were recorded with placeholders.
    const [callsView, failingView] = views as [RunView, RunView];
    expect(callsView.status).toBe('completed');
    const output = (id: string) => callsView.nodes.find((n) => n.id === id)!.output as { body: { headers: Record<string, string>; query: Record<string, string> } };
    expect(output('bearer').body.headers['authorization']).toBe('Bearer [secret:BEARER_TOKEN]');
    expect(output('basic').body.headers['authorization']).toBe('Basic [secret:BASIC_PASSWORD]');
    expect(output('header').body.headers['x-api-key']).toBe('[secret:HEADER_KEY]');
    expect(output('query').body.query).toEqual({ page: '1', api_key: '[secret:QUERY_KEY]' });
    expect(failingView.status).toBe('rolled_back');
    expect(failingView.error).toMatchObject({ type: 'HttpStatusError', nodeId: 'missing', compensated: ['create'] });
    expect(failingView.error!.message).toBe(`GET ${r}/echo/missing answered 404`);
    expect(failingView.nodes.find((n) => n.id === 'create')).toMatchObject({ status: 'compensated' });

    // Histories, payloads decoded.
    let historyBytes = 0;
    let historyEvents = 0;
    const histories: string[] = [];
    for (const id of [callsRun, failingRun]) {
      const history = await stack.temporal.client.workflow.getHandle(id).fetchHistory();
      historyEvents += history.events?.length ?? 0;
      const text = historyText(historyToJSON(history));
      historyBytes += Buffer.byteLength(text);
      histories.push(text);
    }

    // Every row of every table, as JSON text.
    const db = stack.db.db;
    const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]!.s;
    const tables = (await db.introspection.getTables({ withInternalKyselyTables: true })).filter((t) => t.schema === schema && !t.isView);
    const dump: string[] = [];
    let rows = 0;
    for (const t of tables) {
      const result = await sql<{ row: string }>`select to_jsonb(x)::text as row from ${sql.table(`${schema}.${t.name}`)} x`.execute(db);
      rows += result.rows.length;
      dump.push(...result.rows.map((x) => `${t.name} ${x.row}`));
    }
    const dumpText = dump.join('\n');
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['secret', 'run', 'node_run', 'run_event', 'audit_event', 'blob']));

    // The secret table holds ciphertext only.
    const stored = await db.selectFrom('secret').selectAll().execute();
    expect(stored).toHaveLength(4);
    for (const s of stored) expect(s.value).toMatch(/^v1:[0-9a-f]{16}:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(leaks(JSON.stringify(stored))).toEqual([]);

    const logText = [...temporalLogs, ...printed].join('\n');
    const responseText = responses.join('\n');

    // The scan can find things: the canary went everywhere a secret could have gone.
    expect(histories.join('\n')).toContain(canary);
    expect(dumpText).toContain(canary);
    expect(responseText).toContain(canary);
    expect(temporalLogs.length).toBeGreaterThan(0);
    expect(logText).toContain('runNode');
    expect(leaks(`a ${SECRETS.QUERY_KEY} b ${Buffer.from(`${USER}:${SECRETS.BASIC_PASSWORD}`).toString('base64')}`)).toHaveLength(2);

    expect({
      histories: leaks(histories.join('\n')),
      database: leaks(dumpText),
      logs: leaks(logText),
      responses: leaks(responseText),
    }).toEqual({ histories: [], database: [], logs: [], responses: [] });

    // Secret writes are audited by name, without the value; the policy decision too.
    const written = await listAudit(db, { action: 'secret.written' });
    expect(written.map((e) => (e.details as { name: string }).name).sort()).toEqual(Object.keys(SECRETS).sort());
    expect(leaks(JSON.stringify(written))).toEqual([]);
    expect(await listAudit(db, { action: 'policy.decision', target: `${callsRun}:guard` })).toMatchObject([{ actor: `run:${callsRun}`, details: { outcome: 'allow', reasons: [] } }]);

    console.info(
      `secret scan (${backend}): ${NEEDLES.length} forms of ${Object.keys(SECRETS).length} secrets; ` +
        `${historyEvents} history events (${historyBytes} bytes with payloads decoded), ${rows} rows of ${tables.length} tables (${Buffer.byteLength(dumpText)} bytes), ` +
        `${temporalLogs.length} Temporal log entries + ${printed.length} printed lines (${Buffer.byteLength(logText)} bytes), ${responses.length} API responses (${Buffer.byteLength(responseText)} bytes): 0 occurrences`,
    );
  });
});
