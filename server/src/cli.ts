#!/usr/bin/env node
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { NODE_KINDS } from '@weft/nodes';
import { CLIENT_HELP, clientCommand } from './cli/commands.js';
import { createToken, ROLES, type Role } from './auth/tokens.js';
import { appendAudit, verifyAuditChain, type AuditChainResult } from '@weft/store/repositories/audit.repository';
import { listTokens, revokeToken } from '@weft/store/repositories/token.repository';
import { ConfigError, loadConfig, type Config } from './config.js';
import { scaffoldPlugin } from './scaffold.js';
import { formatSecretKey, SecretDecryptError } from '@weft/store';
import { planRotation, rotateSecrets } from './secrets/rotate.js';
import { runningInstance } from './runtime/control-file.js';
import { exitWhenDone, log, openConfiguredDatabase, requireServices, untilSignal, withSecretKey } from '@weft/workers/process';

const HELP = `weft — durable agent workflows

Usage: weft <command> [options]   (from the repo: npm run weft -- <command>)

Commands:
  start                         everything on this machine: Temporal dev server, database, worker, API, editor
  server                        the API and editor only (needs DATABASE_URL and TEMPORAL_ADDRESS)
  worker                        a worker only (needs DATABASE_URL and TEMPORAL_ADDRESS)
  migrate                       apply database migrations and exit
  token create --role <role> [--name <name>]
                                create an API token and print it (alone, on stdout); roles: ${ROLES.join(', ')}
  token list | token revoke <id>
                                list API tokens (never the tokens themselves), or revoke one
  audit verify                  recompute the audit log's hash chain; exits 1 naming the first broken link
  node new <name> [--kind <kind>] [--dir <dir>]
                                write a plugin package with one node type, <kind>.<name> (default kind
                                analysis, default folder ./plugins/<name>); kinds: ${NODE_KINDS.join(', ')}
  secrets rotate [--new-key <key>]
                                re-encrypt every stored secret with a new key (given, WEFT_NEW_SECRET_KEY, or
                                generated); embedded Weft must be stopped; prefer the variable over --new-key
  help                          this text

${CLIENT_HELP}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return start(loadConfig());
    // Each process's modules are loaded for its command only: `weft server` never loads the worker.
    case 'server': {
      const config = withSecretKey(requireServices(loadConfig()), { embedded: false });
      const { runServer } = await import('./runtime/http.js');
      return runServer(config, untilSignal);
    }
    case 'worker': {
      const { workerMain } = await import('@weft/workers');
      return workerMain(untilSignal);
    }
    case 'migrate': {
      const database = await openConfiguredDatabase(loadConfig());
      await database.close();
      log.info('database is up to date');
      return 0;
    }
    case 'token':
      return token(rest);
    case 'audit':
      return audit(rest);
    case 'secrets':
      return secrets(rest);
    case 'node':
      return node(rest);
    case 'validate':
    case 'push':
    case 'run':
    case 'runs':
    case 'cancel':
    case 'approve':
    case 'reject':
    case 'rerun':
    case 'export':
    case 'import':
    case 'test':
      return clientCommand(command, rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return 0;
    default:
      process.stderr.write(`weft: unknown command "${command}"\n\n${HELP}`);
      return 2;
  }
}


async function start(config: Config): Promise<number> {
  const { startEmbedded } = await import('./runtime/embedded.js');
  const weft = await startEmbedded(config);
  process.stdout.write(`${weft.url}\n`);
  if (weft.devServer) log.info(`Temporal dev server at ${weft.temporalAddress}`);
  if (weft.temporalUiUrl) log.info(`Temporal Web UI: ${weft.temporalUiUrl}`);
  const fatal = await Promise.race([untilSignal().then(() => undefined), weft.fatal]);
  if (fatal) log.error(fatal.message);
  // In this order: HTTP (no new requests), the worker (running node attempts finish), then Temporal.
  log.info('stopping…');
  await weft.stop();
  log.info('stopped');
  return fatal ? 1 : 0;
}

async function token(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'list' || sub === 'revoke') return tokenAdmin(sub, rest);
  if (sub !== 'create') throw new ConfigError('usage: weft token create --role <role> [--name <name>] | token list | token revoke <id>');
  const { values } = parseArgs({ args: rest, options: { role: { type: 'string' }, name: { type: 'string' } }, strict: true });
  const role = values.role as Role | undefined;
  if (!role || !ROLES.includes(role)) throw new ConfigError(`--role must be one of: ${ROLES.join(', ')}`);
  const config = loadConfig();
  const running = config.DATABASE_URL ? undefined : runningInstance(config.WEFT_DATA_DIR);
  let created: { id: string; token: string };
  if (running) {
    // The running instance holds the embedded database; ask it rather than open it twice.
    const res = await fetch(`${running.url}/api/_local/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-weft-control-key': running.key },
      body: JSON.stringify({ role, ...(values.name ? { name: values.name } : {}) }),
    });
    if (!res.ok) throw new Error(`the running Weft refused to create a token: ${res.status} ${await res.text()}`);
    created = (await res.json()) as { id: string; token: string };
  } else {
    const database = await openConfiguredDatabase(config);
    try {
      created = await createToken(database.db, { role, ...(values.name ? { name: values.name } : {}) });
      await appendAudit(database.db, { actor: cliActor(), action: 'token.create', target: created.id, details: { role, name: values.name || `${role} token`, expiresAt: null } });
    } finally {
      await database.close();
    }
  }
  process.stdout.write(`${created.token}\n`);
  return 0;
}

/** Who an offline command acts as, for the audit log: `cli:` and the operating-system user. */
function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    // A uid without a passwd entry (some containers).
    return `cli:${process.env['USER'] ?? `uid ${process.getuid?.() ?? 'unknown'}`}`;
  }
}

/** `token list` / `token revoke <id>`, on the configured database. */
async function tokenAdmin(sub: 'list' | 'revoke', args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true });
  if (sub === 'revoke' && positionals.length !== 1) throw new ConfigError('usage: weft token revoke <id>');
  const config = loadConfig();
  const running = config.DATABASE_URL ? undefined : runningInstance(config.WEFT_DATA_DIR);
  if (running) throw new ConfigError(`Weft is running from ${config.WEFT_DATA_DIR} (pid ${running.pid}): use GET /api/tokens or DELETE /api/tokens/<id> with an admin token, or stop it`);
  const database = await openConfiguredDatabase(config);
  try {
    if (sub === 'list') {
      for (const t of await listTokens(database.db, { limit: 100_000 })) {
        const state = t.revoked_at ? `revoked ${t.revoked_at.toISOString()}` : t.expires_at && t.expires_at.getTime() <= Date.now() ? 'expired' : 'active';
        process.stdout.write(`${t.id}\t${t.role}\t${state}\t${t.name}\tcreated ${t.created_at.toISOString()}\tlast used ${t.last_used_at?.toISOString() ?? 'never'}\n`);
      }
      return 0;
    }
    const id = positionals[0]!;
    const revoked = await revokeToken(database.db, id);
    if (revoked === undefined) throw new ConfigError(`no token ${id}`);
    if (revoked) await appendAudit(database.db, { actor: cliActor(), action: 'token.revoke', target: id, details: {} });
    log.info(revoked ? `revoked ${id}` : `${id} was already revoked`);
    return 0;
  } finally {
    await database.close();
  }
}

/** `audit verify`: recomputes the hash chain, asking a running embedded instance if there is one. */
async function audit(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'verify' || rest.length) throw new ConfigError('usage: weft audit verify');
  const config = loadConfig();
  const running = config.DATABASE_URL ? undefined : runningInstance(config.WEFT_DATA_DIR);
  let result: AuditChainResult;
  if (running) {
    const res = await fetch(`${running.url}/api/_local/audit/verify`, { method: 'POST', headers: { 'x-weft-control-key': running.key } });
    if (!res.ok) throw new Error(`the running Weft refused to verify the audit log: ${res.status} ${await res.text()}`);
    result = (await res.json()) as AuditChainResult;
  } else {
    const database = await openConfiguredDatabase(config);
    try {
      result = await verifyAuditChain(database.db);
    } finally {
      await database.close();
    }
  }
  if (result.ok) {
    process.stdout.write(`audit log intact: ${result.count} event(s)\n`);
    return 0;
  }
  process.stderr.write(`audit log broken at event ${result.id}: ${result.reason}\n`);
  return 1;
}

function node(args: string[]): number {
  const [sub, ...rest] = args;
  const usage = 'usage: weft node new <name> [--kind <kind>] [--dir <dir>]';
  if (sub !== 'new') throw new ConfigError(usage);
  const { values, positionals } = parseArgs({ args: rest, options: { kind: { type: 'string' }, dir: { type: 'string' } }, allowPositionals: true, strict: true });
  const [name, ...extra] = positionals;
  if (!name || extra.length) throw new ConfigError(usage);
  const made = scaffoldPlugin({ name, ...(values.kind ? { kind: values.kind } : {}), ...(values.dir ? { dir: values.dir } : {}) });
  const steps = made.needsInstall ? 'npm install && npm run build && npm test' : 'npm run build && npm test';
  process.stdout.write(
    [
      `Created ${made.packageName} with node type ${made.type} in ${made.loadAs}:`,
      ...made.files.map((f) => `  ${f}`),
      '',
      'Next steps:',
      `  (cd ${made.loadAs} && ${steps})`,
      `  WEFT_PLUGINS=${made.loadAs} npm start      (from ${process.cwd()}; weft server and weft worker both need WEFT_PLUGINS)`,
      ...(made.needsInstall
        ? ['', `Outside a Weft checkout, the plugin links @weft/nodes from this one (see its package.json); npm install fetches TypeScript, Vitest and zod from the npm registry.`]
        : []),
      '',
    ].join('\n'),
  );
  return 0;
}

async function secrets(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  // Storing, binding and listing go through the API, as an admin token.
  if (sub === 'set' || sub === 'hosts' || sub === 'list') return clientCommand('secrets', args);
  if (sub !== 'rotate') throw new ConfigError('usage: weft secrets set|hosts|list … | weft secrets rotate [--new-key <key>]');
  const { values } = parseArgs({ args: rest, options: { 'new-key': { type: 'string' } }, strict: true });
  const config = loadConfig();
  const running = config.DATABASE_URL ? undefined : runningInstance(config.WEFT_DATA_DIR);
  if (running) throw new ConfigError(`Weft is running from ${config.WEFT_DATA_DIR} (pid ${running.pid}): stop it, then rotate`);
  const plan = planRotation(config, values['new-key']);
  const database = await openConfiguredDatabase(config);
  let count: number;
  try {
    ({ count } = await rotateSecrets(database.db, plan.from, plan.to, plan.keyFile ? { keyFile: plan.keyFile } : {}));
  } catch (e) {
    if (e instanceof SecretDecryptError) throw new ConfigError(`nothing was changed: ${e.message}`);
    throw e;
  } finally {
    await database.close();
  }
  log.info(`re-encrypted ${count} secret(s) from key ${plan.from.id} to key ${plan.to.id}${plan.keyFile ? `; the new key is in ${plan.keyFile} (back it up)` : ''}`);
  if (plan.source === 'file') return 0;
  // Printed once, for whoever sets WEFT_SECRET_KEY on the servers and workers.
  if (plan.generated) process.stdout.write(`${formatSecretKey(plan.to)}\n`);
  const shown = plan.generated ? ` (printed above${plan.keyFile ? '' : ', only this once'})` : '';
  log.info(`set WEFT_SECRET_KEY to the new key${shown} on every server and worker and restart them: until then they cannot read secrets`);
  return 0;
}

exitWhenDone(main(process.argv.slice(2)));
