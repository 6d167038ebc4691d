import type { NodeCatalog, NodeTypeSpec, NodeTypeView } from '@weft/schemas';
import { z } from 'zod';

// The editor only has the catalog as JSON (GET /api/node-types); the shared validator wants zod
// schemas. Each type's JSON Schemas are converted once and cached on the view object, so a
// document revalidated on every keystroke never converts the same schema twice.

const specs = new WeakMap<NodeTypeView, NodeTypeSpec>();
const adapters = new WeakMap<ReadonlyMap<string, NodeTypeView>, NodeCatalog>();

/** A JSON Schema as zod; a schema zod cannot read accepts anything (the server still checks on save). */
export function zodFromJsonSchema(schema: Readonly<Record<string, unknown>> | undefined): z.ZodType {
  if (!schema) return z.any();
  try {
    return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch {
    return z.any();
  }
}

/** What the validator needs of one node type, built from its view (cached per view). */
export function specOf(view: NodeTypeView): NodeTypeSpec {
  let spec = specs.get(view);
  if (!spec) {
    const expressionParams = view.expressionParams ?? [];
    spec = {
      params: zodFromJsonSchema(view.params),
      output: zodFromJsonSchema(view.output),
      inputs: view.inputs,
      outputs: view.outputs,
      trigger: view.trigger,
      ...(view.dynamicOutputs ? { dynamicOutputs: view.dynamicOutputs } : {}),
      ...(expressionParams.length ? { expressionParams } : {}),
    };
    specs.set(view, spec);
  }
  return spec;
}

/** The validator's catalog over the editor's node type views (one adapter per map). */
export function catalogAdapter(views: ReadonlyMap<string, NodeTypeView>): NodeCatalog {
  let adapter = adapters.get(views);
  if (!adapter) {
    adapter = {
      get(type) {
        const view = views.get(type);
        return view ? specOf(view) : undefined;
      },
    };
    adapters.set(views, adapter);
  }
  return adapter;
}
