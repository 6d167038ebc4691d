import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { WorkflowNode } from './workflow.js';

const message = (schema: z.ZodType, value: unknown) => schema.safeParse(value).error?.issues[0]?.message;

describe('validation messages', () => {
  it('say in plain words what a value lacks', () => {
    expect(message(z.object({ a: z.string() }), {})).toBe('Required');
    expect(message(z.string().min(1), '')).toBe('Required');
    expect(message(z.string().min(3), 'ab')).toBe('At least 3 characters');
    expect(message(z.string().max(2), 'abc')).toBe('At most 2 characters');
    expect(message(z.number().min(1), 0)).toBe('At least 1');
    expect(message(z.number().int(), 'x')).toBe('Expected a number, got text');
    expect(message(z.array(z.string()).min(1), [])).toBe('At least 1 item');
    expect(message(z.enum(['GET', 'POST']), 'PUT')).toBe('One of: "GET", "POST"');
    expect(message(z.object({}).strict(), { extra: 1 })).toBe('Unknown field: extra');
    expect(message(z.string().regex(/^a$/), 'b')).toBe('Not in the expected form');
  });

  it('keep a schema\'s own message', () => {
    expect(message(WorkflowNode, { id: '1x', type: 'control.trigger' })).toBe('Letters, digits, _ and -, starting with a letter (at most 64)');
  });
});
