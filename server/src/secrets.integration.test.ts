import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { DefaultLogger } from '@temporalio/worker';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunView, WorkflowInput } from '@weft/schemas';
import { listAudit } from '@weft/store/repositories/audit.repository';
import { BACKENDS } from '@weft/store/testing';
import { closeServer, listenOnLoopback } from './testing/loopback.js';
import type { Receiver } from './testing/receiver.js';
import type { Stack } from './testing/stack.js';
import { useStack } from './testing/suite.js';
import { chain } from './testing/workflows.js';
import { quietTemporalLogs } from '@weft/workers';

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
  // Sent in a query, echoed back escaped and encoded: quotes, backslashes, non-ASCII and a control character.
  ECHO_KEY: `e"c\\h/o é ${rand()} ✓\t+&=`,
} as const;
const USER = 'ada';

/** JSON-escaped as `JSON.stringify` writes it, and as ASCII-only encoders do (`\u00e9`). */
const jsonEscaped = (v: string) => JSON.stringify(v).slice(1, -1);
const asciiJson = (v: string) => jsonEscaped(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Every form a secret could take on the way out or in an echo: as is, URL-encoded, base64, hex, JSON-escaped, in basic credentials. */
function formsOf(name: keyof typeof SECRETS): string[] {
  const v = SECRETS[name];
  const hex = Buffer.from(v).toString('hex');
  const forms = [
    v,
    encodeURIComponent(v),
    new URLSearchParams({ v }).toString().slice(2),
    Buffer.from(v).toString('base64'),
    Buffer.from(v).toString('base64url'),
    hex,
    hex.toUpperCase(),
    jsonEscaped(v),
    asciiJson(v),
  ];
  if (name === 'BASIC_PASSWORD') forms.push(Buffer.from(`${USER}:${v}`).toString('base64'));
  return [...new Set(forms)];
}

/** A local HTTP service: records what it gets; `/encodings` echoes the `key` query parameter in many encodings; `/hop` redirects to `location`. */
class Echoer {
  readonly got: { url: string; headers: IncomingHttpHeaders }[] = [];
  url = '';
  location = '';
  #server: Server = createServer((req, res) => {
    this.got.push({ url: req.url ?? '', headers: req.headers });
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/hop') return void res.writeHead(302, { location: this.location }).end();
    if (url.pathname === '/encodings') {
      const v = url.searchParams.get('key') ?? '';
      const lines = [
        `json: ${JSON.stringify({ key: v })}`,
        `ascii json: ${asciiJson(v)}`,
        `base64: ${Buffer.from(v).toString('base64')}`,
        `base64url: ${Buffer.from(v).toString('base64url')}`,
        `hex: ${Buffer.from(v).toString('hex')}`,
        `HEX: ${Buffer.from(v).toString('hex').toUpperCase()}`,
        `url: ${encodeURIComponent(v)}`,
        `inside base64: ${Buffer.from(`{"token":"${v}"}`).toString('base64')}`,
      ];
      const status = Number(url.searchParams.get('status') ?? 200);
      return void res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(lines.join('\n'));
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
  });

  async start(): Promise<this> {
    this.url = await listenOnLoopback(this.#server);
    return this;
  }

  async close(): Promise<void> {
    await closeServer(this.#server);
  }
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
  // One service that echoes and redirects, one that should never hear a secret.
  const echoer = new Echoer();
  const elsewhere = new Echoer();
  beforeAll(async () => {
    await echoer.start();
    await elsewhere.start();
  });
  afterAll(async () => {
    await echoer.close();
    await elsewhere.close();
  });

  it('never appear in run histories, database rows, logs or API responses, though the calls used them', async () => {
    expect(capturing).toBe(true);
    const responses: string[] = [];
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await stack.api(method, path, body);
      responses.push(JSON.stringify(res.json) ?? '');
      return res;
    };

    // Each bound to the one local service it is sent to.
    for (const [name, value] of Object.entries(SECRETS)) {
      expect((await api('PUT', `/api/secrets/${name}`, { value, hosts: [name === 'ECHO_KEY' ? echoer.url : receiver.url] })).status).toBe(201);
    }

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
        call('echo', { type: 'query', name: 'key', secret: 'ECHO_KEY' }, { url: `${echoer.url}/encodings` }),
        { id: 'join', type: 'control.merge' },
        { id: 'out', type: 'control.output' },
      ],
      edges: [
        { id: 'e0', source: 'start', target: 'guard' },
        ...['bearer', 'basic', 'header', 'query', 'echo'].flatMap((id) => [
          { id: `in-${id}`, source: 'guard', sourcePort: 'allow', target: id },
          { id: `out-${id}`, source: id, target: 'join' },
        ]),
        { id: 'e9', source: 'join', target: 'out' },
      ],
    };
    // Creates something with a bearer token, then a call with the key in its query fails: the
    // failure is recorded and the first call is undone, with the same token.
    const failing = chain('failing authenticated call', [
      { id: 'start', type: 'control.trigger' },
      call('create', { type: 'bearer', secret: 'BEARER_TOKEN' }, { method: 'POST', body: { item: 1 }, compensation: { method: 'DELETE', url: `${r}/echo/undo` } }),
      call('missing', { type: 'query', name: 'api_key', secret: 'QUERY_KEY' }, { url: `${r}/echo/missing`, query: { status: '404' } }),
    ]);
    // The echo of every encoding comes back with an error status: it lands in the node's error.
    const echoFailing = chain('echo in an error', [{ id: 'start', type: 'control.trigger' }, call('echoed', { type: 'query', name: 'key', secret: 'ECHO_KEY' }, { url: `${echoer.url}/encodings`, query: { status: '422' } })]);

    const callsRun = await stack.startRun(await stack.createWorkflow(calls), { canary });
    const failingRun = await stack.startRun(await stack.createWorkflow(failing), { canary });
    const echoRun = await stack.startRun(await stack.createWorkflow(echoFailing), { canary });
    await stack.waitForRun(callsRun);
    await stack.waitForRun(failingRun);
    await stack.waitForRun(echoRun);
    const runs = [callsRun, failingRun, echoRun];

    // What the API shows: run details, their event streams, the secrets list.
    const views: RunView[] = [];
    for (const id of runs) {
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
    expect(echoer.got.map((g) => new URL(g.url, 'http://x').searchParams.get('key'))).toEqual([SECRETS.ECHO_KEY, SECRETS.ECHO_KEY]);
    expect(receiver.log.filter((l) => l.path === '/echo/undo' && l.method === 'DELETE')).toHaveLength(1);

    // ...and the answers that echoed them were recorded with placeholders.
    const [callsView, failingView, echoView] = views as [RunView, RunView, RunView];
    expect(callsView.status).toBe('completed');
    const output = (id: string) => callsView.nodes.find((n) => n.id === id)!.output as { body: { headers: Record<string, string>; query: Record<string, string> } };
    expect(output('bearer').body.headers['authorization']).toBe('Bearer [secret:BEARER_TOKEN]');
    expect(output('basic').body.headers['authorization']).toBe('Basic [secret:BASIC_PASSWORD]');
    expect(output('header').body.headers['x-api-key']).toBe('[secret:HEADER_KEY]');
    expect(output('query').body.query).toEqual({ page: '1', api_key: '[secret:QUERY_KEY]' });
    // Every encoding of the echo was masked, in the output and in the error that carried the answer.
    const echoed = (callsView.nodes.find((n) => n.id === 'echo')!.output as { body: string }).body;
    expect(echoed.split('\n').map((l) => l.replace(/^[^:]+: /, ''))).toEqual([
      '{"key":"[secret:ECHO_KEY]"}',
      ...Array(6).fill('[secret:ECHO_KEY]'),
      expect.stringContaining('[secret:ECHO_KEY]'),
    ]);
    expect(echoView.status).toBe('failed');
    expect(echoView.error).toMatchObject({ type: 'HttpStatusError', nodeId: 'echoed' });
    const echoError = echoView.nodes.find((n) => n.id === 'echoed')!.error!;
    expect(JSON.stringify(echoError.details)).toContain('[secret:ECHO_KEY]');
    expect(failingView.status).toBe('rolled_back');
    expect(failingView.error).toMatchObject({ type: 'HttpStatusError', nodeId: 'missing', compensated: ['create'] });
    expect(failingView.error!.message).toBe(`GET ${r}/echo/missing answered 404`);
    expect(failingView.nodes.find((n) => n.id === 'create')).toMatchObject({ status: 'compensated' });

    // Histories, payloads decoded.
    let historyBytes = 0;
    let historyEvents = 0;
    const histories: string[] = [];
    for (const id of runs) {
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
    expect(stored).toHaveLength(Object.keys(SECRETS).length);
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
    expect(leaks(`a ${SECRETS.QUERY_KEY} b ${Buffer.from(`${USER}:${SECRETS.BASIC_PASSWORD}`).toString('base64')} c ${Buffer.from(SECRETS.ECHO_KEY).toString('hex')} d ${jsonEscaped(SECRETS.ECHO_KEY)}`)).toHaveLength(4);

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

  it('goes only to the hosts it is bound to: another host, a redirect to one, and a secret bound nowhere fail the node, audited, with nothing sent', async () => {
    const value = `bound_${rand()}`;
    expect((await stack.api('PUT', '/api/secrets/BOUND_TOKEN', { value, hosts: [echoer.url] })).status).toBe(201);
    expect((await stack.api('PUT', '/api/secrets/OLD_TOKEN', { value: `old_${rand()}`, hosts: [echoer.url] })).status).toBe(201);
    // As the migration leaves a secret stored before bindings.
    await stack.db.db.updateTable('secret').set({ hosts: null }).where('name', '=', 'OLD_TOKEN').execute();
    echoer.location = `${elsewhere.url}/landing`;
    const once = { maxAttempts: 3, initialInterval: '100ms' };
    const node = (id: string, url: string, auth: Record<string, unknown>) => ({ id, type: 'execution.http', params: { url, auth }, policy: once });
    const single = (name: string, n: ReturnType<typeof node>) => chain(name, [{ id: 'start', type: 'control.trigger' }, n]);
    const bearer = { type: 'bearer', secret: 'BOUND_TOKEN' };
    const runOf = async (doc: WorkflowInput) => stack.waitForRun(await stack.startRun(await stack.createWorkflow(doc), {}));

    // Its own host: sent.
    const ok = await runOf(single('bound host', node('call', `${echoer.url}/plain`, bearer)));
    expect(ok.status).toBe('completed');
    expect(echoer.got.at(-1)).toMatchObject({ url: '/plain', headers: { authorization: `Bearer ${value}` } });

    // Another host: refused before any request, for good.
    const other = await runOf(single('other host', node('steal', `${elsewhere.url}/steal`, bearer)));
    expect(other.status).toBe('failed');
    const host = new URL(elsewhere.url).host;
    expect(other.error).toMatchObject({ type: 'SecretNotAllowed', nodeId: 'steal', retryable: false });
    expect(other.error!.message).toContain(`secret "BOUND_TOKEN" may not be sent to ${elsewhere.url}/steal: it is bound to ${echoer.url.replace(/\/$/, '')}`);
    expect(other.nodes.find((n) => n.id === 'steal')).toMatchObject({ status: 'failed', attempts: 1 });

    // A redirect from its host to another: the hop is refused, the header and the query never get there.
    const hopBearer = await runOf(single('redirected bearer', node('hop', `${echoer.url}/hop`, bearer)));
    const hopQuery = await runOf(single('redirected query', node('hop', `${echoer.url}/hop`, { type: 'query', name: 'token', secret: 'BOUND_TOKEN' })));
    for (const hop of [hopBearer, hopQuery]) {
      expect(hop.status).toBe('failed');
      expect(hop.error).toMatchObject({ type: 'SecretNotAllowed', nodeId: 'hop' });
      expect(hop.error!.message).toContain(`may not be sent to ${elsewhere.url}/landing`);
    }
    expect(echoer.got.filter((g) => g.url.startsWith('/hop'))).toHaveLength(2);

    // Stored before bindings: sent nowhere, and the error says how to bind it.
    const old = await runOf(single('unbound secret', node('legacy', `${echoer.url}/plain`, { type: 'bearer', secret: 'OLD_TOKEN' })));
    expect(old.error).toMatchObject({ type: 'SecretNotAllowed', nodeId: 'legacy' });
    expect(old.error!.message).toContain('secret "OLD_TOKEN" is not bound to any host');
    expect(old.error!.message).toContain('PUT /api/secrets/OLD_TOKEN {"hosts": ["<host>"]}');

    // What the other service received: nothing at all.
    expect(elsewhere.got).toEqual([]);

    // Each refusal is audited by the run, naming the secret and the host, never the value.
    const refused = await listAudit(stack.db.db, { action: 'secret.refused' });
    expect(refused.map((e) => [e.target, e.actor, (e.details as { host: string }).host]).reverse()).toEqual([
      ['secret:BOUND_TOKEN', `run:${other.id}`, host],
      ['secret:BOUND_TOKEN', `run:${hopBearer.id}`, host],
      ['secret:BOUND_TOKEN', `run:${hopQuery.id}`, host],
      ['secret:OLD_TOKEN', `run:${old.id}`, new URL(echoer.url).host],
    ]);
    expect(refused[refused.length - 1]!.details).toEqual({ runId: other.id, nodeId: 'steal', host, destination: `${elsewhere.url}/steal` });
    expect(JSON.stringify(refused)).not.toContain(value);
    expect(JSON.stringify([other, hopBearer, hopQuery])).not.toContain(value);
  });
});
