import { afterAll, beforeAll, beforeEach } from 'vitest';
import { FakeLlm } from './fake-llm.js';

/**
 * One {@link FakeLlm} for the calling test file: listening from before its first test, closed
 * after its last, and reset (queue, script, recorded requests) before each test.
 * @example const fake = useFakeLlm(); it('…', async () => { fake.reply({ text: 'hi' }); … });
 */
export function useFakeLlm(): FakeLlm {
  const fake = new FakeLlm();
  beforeAll(async () => {
    await fake.start();
  });
  afterAll(() => fake.close());
  beforeEach(() => void fake.reset());
  return fake;
}
