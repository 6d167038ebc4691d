/** Asks for a run's input (a form from the workflow's input schema) and starts the run. (Placeholder until the runs work lands.) */
export function RunDialog(_props: { readonly workflowId: string; readonly inputSchema?: Readonly<Record<string, unknown>>; readonly onClose: () => void; readonly onStarted: (runId: string) => void }) {
  return null;
}
