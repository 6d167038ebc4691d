import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EDITOR_DIR } from './runtime/http.js';
import { DEV_SERVER_DYNAMIC_CONFIG } from './temporal/dev-server.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string; target?: string };
  command?: string[];
  environment?: Record<string, string | number>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, unknown> | string[];
  deploy?: { replicas?: number };
}

// `docker compose config` needs the compose plugin and an engine; the file is checked as YAML instead.
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const dependsOn = (s: Service) => (Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {}));

describe('docker-compose.yml', () => {
  it('runs PostgreSQL from the pgvector image', () => {
    expect(services['postgres']?.image).toBe('pgvector/pgvector:pg16');
  });

  it('runs Temporal on that PostgreSQL with temporal.yaml as its dynamic config', () => {
    const t = services['temporal']!;
    expect(dependsOn(t)).toContain('postgres');
    expect(t.environment?.['POSTGRES_SEEDS']).toBe('postgres');
    const path = String(t.environment?.['DYNAMIC_CONFIG_FILE_PATH']);
    const mount = t.volumes?.find((v) => v.startsWith('./temporal.yaml:'));
    expect(mount, 'temporal.yaml is mounted').toBeDefined();
    const target = mount!.split(':')[1]!;
    // A relative path is resolved from /etc/temporal in the Temporal image.
    expect(path.startsWith('/') ? path : `/etc/temporal/${path}`).toBe(target);
  });

  it('has the Temporal UI pointed at the Temporal service', () => {
    expect(services['temporal-ui']?.image).toMatch(/^temporalio\/ui:/);
    expect(services['temporal-ui']?.environment?.['TEMPORAL_ADDRESS']).toBe('temporal:7233');
  });

  it('runs the Weft server on port 7300, serving the editor, against postgres and temporal', () => {
    const s = services['weft-server']!;
    expect(s.command).toEqual(['node', 'server/dist/cli.js', 'server']);
    expect(s.ports).toContain('7300:7300');
    expect(String(s.environment?.['WEFT_PORT'])).toBe('7300');
    expect(s.environment?.['DATABASE_URL']).toMatch(/^postgres:\/\/.*@postgres:5432\//);
    expect(s.environment?.['TEMPORAL_ADDRESS']).toBe('temporal:7233');
    expect(dependsOn(s)).toEqual(expect.arrayContaining(['postgres', 'temporal']));
    // The server serves editor/dist, which the image builds (`npm run build` there) and keeps.
    expect(EDITOR_DIR).toBe(join(ROOT, 'editor', 'dist'));
    expect((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts['build']).toContain('--workspace editor');
    expect(read('.dockerignore')).not.toMatch(/^editor\b/m);
  });

  it('runs a scalable worker service with several replicas', () => {
    const w = services['weft-worker']!;
    // The worker's own entry, as its package declares it (`weft-worker`).
    const bin = (JSON.parse(read('workers/package.json')) as { bin?: Record<string, string> }).bin?.['weft-worker'];
    expect(w.command).toEqual(['node', join('workers', bin ?? 'no bin')]);
    expect(existsSync(join(ROOT, 'workers', 'src', 'bin.ts'))).toBe(true);
    expect(w.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(w.ports ?? []).toEqual([]); // fixed host ports would stop it from scaling
    expect(w.environment?.['WEFT_SECRET_KEY']).toBe(services['weft-server']!.environment?.['WEFT_SECRET_KEY']);
  });

  it('builds every Weft image from an existing Dockerfile and target', () => {
    for (const name of ['weft-server', 'weft-worker']) {
      const build = services[name]!.build!;
      const file = join(ROOT, build.context, build.dockerfile);
      expect(existsSync(file), `${name}: ${build.dockerfile}`).toBe(true);
      const stages = [...readFileSync(file, 'utf8').matchAll(/^FROM\s+\S+\s+AS\s+(\S+)/gim)].map((m) => m[1]);
      expect(stages, `${name}: target ${build.target}`).toContain(build.target);
    }
    expect(services['weft-server']!.build!.target).toBe('server');
    expect(services['weft-worker']!.build!.target).toBe('worker');
  });

  it('documents in README every variable it reads from the environment', () => {
    const vars = new Set([...read('docker-compose.yml').matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!));
    expect(vars.size).toBeGreaterThan(0);
    const readme = read('README.md');
    const undocumented = [...vars].filter((v) => !readme.includes(`\`${v}\``));
    expect(undocumented).toEqual([]);
  });
});

describe('temporal.yaml', () => {
  const config = parse(read('temporal.yaml')) as Record<string, { value: unknown; constraints?: unknown }[]>;
  const value = (key: string) => config[key]?.[0]?.value;

  it('lifts the transfer-task, matching and frontend throttles with numeric values', () => {
    for (const key of ['history.transferProcessorMaxPollRPS', 'matching.numTaskqueueReadPartitions', 'matching.numTaskqueueWritePartitions', 'matching.maxTaskBatchSize', 'frontend.rps', 'frontend.namespaceRPS']) {
      expect(typeof value(key), key).toBe('number');
    }
    expect(value('history.transferProcessorMaxPollRPS')).toBeGreaterThanOrEqual(1000);
    expect(value('matching.numTaskqueueReadPartitions')).toBe(value('matching.numTaskqueueWritePartitions'));
    expect(value('frontend.rps')).toBeGreaterThan(2400);
  });

  it('holds every value the embedded dev server starts with, so the two cannot drift apart', () => {
    for (const [key, v] of Object.entries(DEV_SERVER_DYNAMIC_CONFIG)) expect(value(key), key).toBe(v);
  });

  it('gives every key a list of { value } entries, the dynamic config format', () => {
    for (const [key, entries] of Object.entries(config)) {
      expect(Array.isArray(entries), key).toBe(true);
      for (const e of entries) expect(e, key).toHaveProperty('value');
    }
  });
});
