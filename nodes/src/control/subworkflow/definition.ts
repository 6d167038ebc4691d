import { z } from 'zod';
import { defineNode } from '../../define-node.js';

/** Runs another stored workflow, pinned to a version, as a child run. */
export default defineNode({
  type: 'control.subworkflow',
  kind: 'control',
  version: 1,
  title: 'Sub-workflow',
  description: "Runs another stored workflow at a pinned version as a child run; its output is the child's output.",
  icon: 'layers',
  inputs: ['in'],
  outputs: ['out'],
  params: z
    .object({
      workflowId: z.string().regex(/^wf_[a-z0-9]{1,40}$/, 'expected a workflow id such as wf_1a2b3c').meta({ title: 'Workflow' }),
      version: z.number().int().min(1).meta({ title: 'Version', description: 'Pinned: later saves of that workflow do not change this node' }),
      input: z.unknown().default('{{ $input }}').meta({ title: 'Input', description: 'The child run input; expressions allowed' }),
    })
    .strict(),
  output: z.unknown(),
  policy: { timeout: '1h' },
  mode: 'subworkflow',
});
