import { describe, expect, it } from 'vitest';
import { testContext } from '@weft/nodes/testing';
import definition from './definition.js';
import { execute } from './executor.js';

// Params as the engine hands them over: validated, defaults applied.
const params = (p: Record<string, unknown>) => definition.params.parse(p);

describe('analysis.greet', () => {
  it('greets the name with the default greeting', async () => {
    expect(await execute(testContext(), params({ name: 'Ada' }), null)).toEqual({ text: 'Hello, Ada!' });
  });

  it('uses the greeting it is given, trimmed', async () => {
    expect(await execute(testContext(), params({ name: ' Grace ', greeting: 'Good morning' }), null)).toEqual({ text: 'Good morning, Grace!' });
  });

  it('returns what its output schema accepts', async () => {
    const out = await execute(testContext(), params({ name: 'Linus' }), null);
    expect(definition.output.safeParse(out).success).toBe(true);
  });

  it('refuses an empty name and unknown params', () => {
    expect(definition.params.safeParse({ name: '  ' }).success).toBe(false);
    expect(definition.params.safeParse({ name: 'Ada', shout: true }).success).toBe(false);
  });
});
