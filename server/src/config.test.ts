import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { resolveSecretKey, secretKeyFile } from '@weft/workers/process';

describe('configuration', () => {
  it('has embedded defaults: PGlite under .weft and a Temporal dev server', () => {
    const c = loadConfig({});
    expect(c.WEFT_PORT).toBe(7300);
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.TEMPORAL_ADDRESS).toBeUndefined();
    expect(c.WEFT_DATA_DIR).toMatch(/\/\.weft$/);
  });

  it('names every bad variable in one message', () => {
    let error: unknown;
    try {
      loadConfig({ WEFT_PORT: 'eighty', DATABASE_URL: 'mysql://x', WEFT_LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['WEFT_PORT', 'DATABASE_URL', 'WEFT_LOG_LEVEL']) expect(message).toContain(name);
  });

  it('parses the LLM providers from JSON and names a bad field', () => {
    expect(loadConfig({}).WEFT_LLM_PROVIDERS).toEqual([]);
    const providers = [{ name: 'local', type: 'openai', baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2' }];
    expect(loadConfig({ WEFT_LLM_PROVIDERS: JSON.stringify(providers) }).WEFT_LLM_PROVIDERS).toEqual([{ ...providers[0], timeoutMs: 60_000, structuredOutput: 'json_schema' }]);
    expect(() => loadConfig({ WEFT_LLM_PROVIDERS: JSON.stringify([{ ...providers[0], baseUrl: 'localhost' }]) })).toThrow(/WEFT_LLM_PROVIDERS\.0\.baseUrl: expected an http:\/\/ or https:\/\/ URL/);
    expect(() => loadConfig({ WEFT_LLM_PROVIDERS: '[{' })).toThrow(/WEFT_LLM_PROVIDERS: expected a JSON array of LLM providers/);
  });

  it('parses the $env allow-list', () => {
    expect(loadConfig({ WEFT_ENV_ALLOW: 'REGION, STAGE,,' }).WEFT_ENV_ALLOW).toEqual(['REGION', 'STAGE']);
  });
});

describe('the secret key', () => {
  const withDir = <T>(f: (dir: string) => T): T => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-key-'));
    try {
      return f(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const problem = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  it('refuses a short, long, weak or malformed WEFT_SECRET_KEY by name, without quoting it', () => {
    for (const [key, why] of [
      [randomBytes(16).toString('base64'), 'too short'],
      [randomBytes(40).toString('hex'), 'too long'],
      [Buffer.alloc(32, 0xab).toString('hex'), 'too weak'],
      ['not a key at all!', 'neither base64 nor hex'],
    ] as const) {
      const message = problem({ WEFT_SECRET_KEY: key });
      expect(message).toContain('WEFT_SECRET_KEY');
      expect(message).toContain(why);
      expect(message).not.toContain(key);
    }
    expect(problem({ WEFT_NEW_SECRET_KEY: 'short' })).toContain('WEFT_NEW_SECRET_KEY');
  });

  it('accepts 32 random bytes as base64 or hex, and treats an empty value as unset', () => {
    const bytes = randomBytes(32);
    expect(loadConfig({ WEFT_SECRET_KEY: bytes.toString('base64') }).WEFT_SECRET_KEY).toBe(bytes.toString('base64'));
    expect(loadConfig({ WEFT_SECRET_KEY: bytes.toString('hex') }).WEFT_SECRET_KEY).toBe(bytes.toString('hex'));
    expect(loadConfig({ WEFT_SECRET_KEY: '  ' }).WEFT_SECRET_KEY).toBeUndefined();
  });

  it('stops separate servers and workers that have no key, saying what to set', () => {
    withDir((dir) => {
      const config = loadConfig({ WEFT_DATA_DIR: dir });
      expect(() => resolveSecretKey(config, { embedded: false })).toThrow(ConfigError);
      expect(() => resolveSecretKey(config, { embedded: false })).toThrow(/WEFT_SECRET_KEY is not set/);
    });
  });

  it('uses WEFT_SECRET_KEY when set, embedded or not, and writes no key file', () => {
    withDir((dir) => {
      const bytes = randomBytes(32);
      const config = loadConfig({ WEFT_DATA_DIR: dir, WEFT_SECRET_KEY: bytes.toString('base64') });
      for (const embedded of [true, false]) {
        const { key, source } = resolveSecretKey(config, { embedded });
        expect(key.bytes.equals(bytes)).toBe(true);
        expect(source).toEqual({ kind: 'env' });
      }
      expect(() => statSync(secretKeyFile(dir))).toThrow();
    });
  });

  it('creates an embedded key file readable by its owner only on first start, and reuses it', () => {
    withDir((dir) => {
      const config = loadConfig({ WEFT_DATA_DIR: join(dir, 'data') });
      const first = resolveSecretKey(config, { embedded: true });
      const path = secretKeyFile(config.WEFT_DATA_DIR);
      expect(first.source).toEqual({ kind: 'file', path, created: true });
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64').equals(first.key.bytes)).toBe(true);
      const second = resolveSecretKey(config, { embedded: true });
      expect(second.source).toEqual({ kind: 'file', path, created: false });
      expect(second.key.id).toBe(first.key.id);
    });
  });

  it('refuses a damaged embedded key file, naming it', () => {
    withDir((dir) => {
      writeFileSync(secretKeyFile(dir), 'AAAA\n', { mode: 0o600 });
      expect(() => resolveSecretKey(loadConfig({ WEFT_DATA_DIR: dir }), { embedded: true })).toThrow(new RegExp(`${secretKeyFile(dir)}: the key is too short`));
    });
  });
});

describe('WEFT_EMBEDDERS', () => {
  const small = { baseUrl: 'http://127.0.0.1:9/v1', model: 'text-embedding-3-small', dimensions: 1536, apiKeyEnv: 'EMBED_KEY' };

  it('has the local embedder alone, as the default, when unset', async () => {
    const { configuredEmbedders } = await import('@weft/workers/process');
    const set = configuredEmbedders(loadConfig({}));
    expect(set.names()).toEqual(['local']);
    expect(set.get().id).toMatch(/^local/);
    expect(set.get().dimensions).toBe(384);
    // Compose files pass unset variables on as empty strings.
    const empty = loadConfig({ WEFT_EMBEDDERS: '', WEFT_LLM_PROVIDERS: ' ' });
    expect([empty.WEFT_EMBEDDERS, empty.WEFT_LLM_PROVIDERS]).toEqual([{}, []]);
  });

  it('adds OpenAI-compatible endpoints, one of them the default, with the key from the named variable', async () => {
    const { configuredEmbedders } = await import('@weft/workers/process');
    const set = configuredEmbedders(loadConfig({ WEFT_EMBEDDERS: JSON.stringify({ default: 'small', openai: { small } }) }), { EMBED_KEY: 'k' });
    expect(set.names()).toEqual(['local', 'small']);
    expect(set.get().dimensions).toBe(1536);
    expect(set.get('local').dimensions).toBe(384);
  });

  it('refuses bad JSON, bad fields, an unknown default and a missing key variable, naming them', async () => {
    const { configuredEmbedders } = await import('@weft/workers/process');
    expect(() => loadConfig({ WEFT_EMBEDDERS: '{nope' })).toThrow(/WEFT_EMBEDDERS: expected a JSON object of embedders/);
    expect(() => loadConfig({ WEFT_EMBEDDERS: JSON.stringify({ openai: { small: { ...small, dimensions: 0 } } }) })).toThrow(/WEFT_EMBEDDERS\.openai\.small\.dimensions/);
    expect(() => configuredEmbedders(loadConfig({ WEFT_EMBEDDERS: JSON.stringify({ default: 'large', openai: { small } }) }), { EMBED_KEY: 'k' })).toThrow(ConfigError);
    expect(() => configuredEmbedders(loadConfig({ WEFT_EMBEDDERS: JSON.stringify({ openai: { small } }) }), {})).toThrow(/EMBED_KEY is not set/);
  });
});
