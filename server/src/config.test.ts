import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

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

  it('parses the $env allow-list', () => {
    expect(loadConfig({ WEFT_ENV_ALLOW: 'REGION, STAGE,,' }).WEFT_ENV_ALLOW).toEqual(['REGION', 'STAGE']);
  });
});
