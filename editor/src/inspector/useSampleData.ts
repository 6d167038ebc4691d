import { useMemo } from 'react';
import { useDocumentStore } from '../store/document-store';
import { useRunStore } from '../store/run-store';
import { usePins, useTypedInput } from './sample-store';
import type { SampleData } from './test-step';

/** The sample data of one node: the latest run, the workflow's pins and the input typed for the node. */
export interface NodeSamples {
  readonly workflowId: string | null;
  readonly data: SampleData;
  /** The typed input as text, or null when none was typed. */
  readonly typedText: string | null;
  /** Why the typed input is not used: it is not JSON. */
  readonly typedError: string | null;
}

/** Reads a typed sample input: its value, or why it is not JSON. */
export function parseTyped(text: string | null): { value?: { readonly value: unknown }; error: string | null } {
  if (text === null) return { error: null };
  try {
    return { value: { value: JSON.parse(text) as unknown }, error: null };
  } catch (e) {
    return { error: `Not JSON: ${(e as Error).message}` };
  }
}

/** The sample data a node's test step and previews use; re-renders when the run, a pin or the typed input changes. */
export function useSampleData(nodeId: string): NodeSamples {
  const workflowId = useDocumentStore((s) => s.workflowId);
  const run = useRunStore((s) => s.run);
  const pins = usePins(workflowId);
  const typedText = useTypedInput(workflowId, nodeId);
  return useMemo(() => {
    const typed = parseTyped(typedText);
    const data: SampleData = { run, pins, ...(typed.value ? { typedInput: typed.value } : {}) };
    return { workflowId, data, typedText, typedError: typed.error };
  }, [workflowId, run, pins, typedText]);
}
