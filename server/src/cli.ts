#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { createApp } from './app.js';
import { createToken, ROLES, type Role } from './auth/tokens.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { log } from './log.js';
import { createRunStarter } from './runs.js';
import { loadNodeTypes } from './services.js';
import { buildWorker, EDITOR_DIR, listen, openConfiguredDatabase, quietTemporalLogs, runningInstance, startEmbedded } from './runtime.js';
import { connectTemporal } from './temporal/connect.js';

const HELP = `weft — durable agent workflows

Usage: weft <command> [options]   (from the repo: npm run weft -- <command>)

Commands:
  start                         everything on this machine: Temporal dev server, database, worker, API, editor
  server                        the API and editor only (needs DATABASE_URL and TEMPORAL_ADDRESS)
  worker                        a worker only (needs DATABASE_URL and TEMPORAL_ADDRESS)
  migrate                       apply database migrations and exit
  token create --role <role> [--name <name>]
                                create an API token and print it (alone, on stdout); roles: ${ROLES.join(', ')}
  help                          this text
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return start(loadConfig());
    case 'server':
      return server(requireServices(loadConfig()));
    case 'worker':
      return worker(requireServices(loadConfig()));
    case 'migrate': {
      const database = await openConfiguredDatabase(loadConfig());
      await database.close();
      log.info('database is up to date');
      return 0;
    }
    case 'token':
      return token(rest);
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

function requireServices(config: Config): Config {
  const missing = (['DATABASE_URL', 'TEMPORAL_ADDRESS'] as const).filter((k) => !config[k]);
  if (missing.length) throw new ConfigError(`this command needs ${missing.join(' and ')} (use \`weft start\` for the embedded setup)`);
  return config;
}

async function start(config: Config): Promise<number> {
  const weft = await startEmbedded(config);
  process.stdout.write(`${weft.url}\n`);
  if (weft.devServer) log.info(`Temporal dev server at ${weft.temporalAddress}`);
  if (weft.temporalUiUrl) log.info(`Temporal Web UI: ${weft.temporalUiUrl}`);
  await untilSignal();
  log.info('stopping…');
  await weft.stop();
  return 0;
}

async function server(config: Config): Promise<number> {
  quietTemporalLogs();
  const database = await openConfiguredDatabase(config);
  const temporal = await connectTemporal(config.TEMPORAL_ADDRESS!, config.TEMPORAL_NAMESPACE, { worker: false });
  const { registry } = await loadNodeTypes(config);
  const runs = createRunStarter({ db: database.db, client: temporal.client, taskQueue: config.WEFT_TASK_QUEUE, registry });
  const app = createApp({ db: database.db, registry, runs, editorDir: EDITOR_DIR });
  const http = await listen(app.fetch, config.WEFT_HOST, config.WEFT_PORT);
  process.stdout.write(`${http.url}\n`);
  await untilSignal();
  await http.close();
  await temporal.close();
  await database.close();
  return 0;
}

async function worker(config: Config): Promise<number> {
  quietTemporalLogs();
  const database = await openConfiguredDatabase(config);
  const temporal = await connectTemporal(config.TEMPORAL_ADDRESS!, config.TEMPORAL_NAMESPACE, { worker: true });
  const w = await buildWorker(config, database.db, temporal.native!, await loadNodeTypes(config));
  const done = w.run();
  log.info(`worker polling task queue "${config.WEFT_TASK_QUEUE}" (pid ${process.pid})`);
  await Promise.race([untilSignal(), done]);
  if (w.getState() === 'RUNNING') w.shutdown();
  await done;
  await temporal.close();
  await database.close();
  return 0;
}

async function token(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'create') throw new ConfigError('usage: weft token create --role <role> [--name <name>]');
  const { values } = parseArgs({ args: rest, options: { role: { type: 'string' }, name: { type: 'string' } }, strict: true });
  const role = values.role as Role | undefined;
  if (!role || !ROLES.includes(role)) throw new ConfigError(`--role must be one of: ${ROLES.join(', ')}`);
  const config = loadConfig();
  const running = config.DATABASE_URL ? undefined : runningInstance(config.WEFT_DATA_DIR);
  let created: { token: string };
  if (running) {
    // The running instance holds the embedded database; ask it rather than open it twice.
    const res = await fetch(`${running.url}/api/_local/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-weft-control-key': running.key },
      body: JSON.stringify({ role, ...(values.name ? { name: values.name } : {}) }),
    });
    if (!res.ok) throw new Error(`the running Weft refused to create a token: ${res.status} ${await res.text()}`);
    created = (await res.json()) as { token: string };
  } else {
    const database = await openConfiguredDatabase(config);
    try {
      created = await createToken(database.db, { role, ...(values.name ? { name: values.name } : {}) });
    } finally {
      await database.close();
    }
  }
  process.stdout.write(`${created.token}\n`);
  return 0;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof ConfigError || (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') log.error((e as Error).message);
    else log.error((e as Error).stack ?? String(e));
    process.exit(1);
  },
);
