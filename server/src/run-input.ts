// The server's check of a run input against the workflow's `inputSchema` (a JSON Schema), so a
// run never starts with an input its workflow says it cannot take, whichever way it starts. The
// schema is read by zod's own JSON Schema reader; the input itself is never changed (no defaults
// filled in), only judged.
import type { Context } from 'hono';
import { z } from 'zod';
import { jsonPath, type ApiIssue, type Workflow, errorMessage } from '@weft/schemas';
import { apiError } from './errors.js';

/** Compiled input schemas by their JSON text: documents are read fresh on every request. */
const compiled = new Map<string, z.ZodType | string>();
const MAX_COMPILED = 200;

/** The zod schema of a JSON Schema, or the reason zod cannot read it. */
function compile(schema: Readonly<Record<string, unknown>>): z.ZodType | string {
  const key = JSON.stringify(schema);
  let found = compiled.get(key);
  if (found === undefined) {
    try {
      found = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
    } catch (e) {
      found = errorMessage(e);
    }
    if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, found);
  }
  return found;
}

/**
 * Every problem of `input` against the workflow's input schema, each with its JSON path inside
 * the request (`at` is where the input sits in it: `['input']` for `{ input }` bodies). None when
 * the workflow declares no input schema.
 */
export function runInputIssues(doc: Pick<Workflow, 'inputSchema'>, input: unknown, at: readonly (string | number)[] = []): ApiIssue[] {
  if (!doc.inputSchema) return [];
  const schema = compile(doc.inputSchema);
  // A schema zod cannot read (saved before the server checked inputs) is not enforced: refusing
  // every run of its workflow would be worse than the editor-only check it had.
  if (typeof schema === 'string') return [];
  const result = schema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((i) => ({ path: jsonPath([...at, ...i.path]), message: i.message, code: i.code }));
}

/**
 * The 422 answer for an input the workflow's input schema refuses, listing every problem by its
 * JSON path; undefined when the input fits and the run may start.
 */
export function refuseRunInput(c: Context, doc: Pick<Workflow, 'inputSchema'>, input: unknown, at: readonly (string | number)[] = []): ReturnType<typeof apiError> | undefined {
  const issues = runInputIssues(doc, input, at);
  return issues.length ? apiError(c, 422, 'invalid_input', 'the run input does not match the workflow\'s input schema', issues) : undefined;
}
