import type { NodeCatalog, NodeTypeSpec } from '@weft/schemas';
import type { NodeDefinition } from './define-node.js';
import trigger from './control/trigger/definition.js';
import output from './control/output/definition.js';
import branch from './control/branch/definition.js';
import merge from './control/merge/definition.js';
import wait from './control/wait/definition.js';
import loop from './control/loop/definition.js';
import subworkflow from './control/subworkflow/definition.js';
import approval from './security/approval/definition.js';
import policy from './security/policy/definition.js';
import transform from './analysis/transform/definition.js';
import http from './execution/http/definition.js';
import code from './execution/code/definition.js';
import mcp from './execution/mcp/definition.js';
import llm from './analysis/llm/definition.js';
import plan from './strategy/plan/definition.js';
import route from './strategy/route/definition.js';
import ingest from './retrieval/ingest/definition.js';
import search from './retrieval/search/definition.js';
import agent from './strategy/agent/definition.js';

/** The node types Weft ships. */
export const builtinDefinitions: readonly NodeDefinition[] = [trigger, transform, http, code, branch, merge, wait, approval, policy, loop, subworkflow, output, llm, plan, route, agent, ingest, search, mcp];

/** The node types a server or worker knows, by type id; doubles as the validator's catalog. */
export class NodeRegistry implements NodeCatalog {
  readonly #defs = new Map<string, NodeDefinition>();

  constructor(definitions: readonly NodeDefinition[] = builtinDefinitions) {
    for (const d of definitions) this.add(d);
  }

  /** Adds a type; a second type with the same id is refused. */
  add(def: NodeDefinition): void {
    if (this.#defs.has(def.type)) throw new Error(`node type "${def.type}" is defined twice`);
    this.#defs.set(def.type, def);
  }

  /** The validator's view of a type. */
  get(type: string): NodeTypeSpec | undefined {
    return this.#defs.get(type);
  }

  /** The full definition of a type. */
  definition(type: string): NodeDefinition | undefined {
    return this.#defs.get(type);
  }

  /** Every type, in registration order. */
  all(): NodeDefinition[] {
    return [...this.#defs.values()];
  }
}
