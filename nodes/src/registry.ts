import type { NodeCatalog, NodeTypeSpec } from '@weft/schemas';
import type { NodeDefinition } from './define-node.js';

/** The node types a server or worker knows, by type id; doubles as the validator's catalog. */
export class NodeRegistry implements NodeCatalog {
  readonly #defs = new Map<string, NodeDefinition>();

  constructor(definitions: readonly NodeDefinition[]) {
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
