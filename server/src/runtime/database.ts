import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodeRegistry } from '@weft/nodes';
import { validateWorkflow } from '@weft/schemas';
import type { Db } from '@weft/store';
import { createWorkflow, findWorkflowIdByName, workflowHash } from '@weft/store/repositories/workflow.repository';
import { log } from '@weft/workers/process';

/** Example workflows shipped with Weft. */
export const EXAMPLES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples');

/** Imports the shipped examples that are not stored yet (matched by name). */
export async function seedExamples(db: Db, registry: NodeRegistry, dir = EXAMPLES_DIR): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const added: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const result = validateWorkflow(JSON.parse(readFileSync(join(dir, file), 'utf8')), registry);
    if (!result.ok) {
      log.warn(`example ${file} is not valid and was not loaded: ${result.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
      continue;
    }
    if (await findWorkflowIdByName(db, result.document.name)) continue;
    const id = `wf_${randomBytes(8).toString('hex')}`;
    await createWorkflow(db, { id, document: result.document, hash: workflowHash(result.document), createdBy: null });
    added.push(result.document.name);
  }
  return added;
}
