import type { WorkflowNode } from '@weft/schemas';
import { useContext, useId, useState } from 'react';
import { listMcpTools, type McpServer, type McpToolInfo } from '../api/agents';
import { describeError } from '../api/useResource';
import { Form } from './fields';
import '../agents.css';

/** The server an `execution.mcp` node names, when it names one the API can ask (no expression in its address). */
function askableServer(params: Record<string, unknown>): { server: McpServer } | { why: string } {
  const server = params['server'] as Partial<McpServer> | undefined;
  if (!server || typeof server !== 'object' || !server.transport) return { why: 'Choose the server first (Parameters → Server).' };
  if (server.transport === 'http') {
    if (typeof server.url !== 'string' || server.url === '') return { why: 'Give the server\'s URL first.' };
    if (server.url.includes('{{')) return { why: 'The URL holds an expression, resolved only when a run reaches the node: give the address itself to list its tools.' };
  }
  if (server.transport === 'stdio' && !server.command) return { why: 'Give the command\'s name first.' };
  return { server: server as McpServer };
}

/**
 * For an `execution.mcp` node: asks the server for its tools (`POST /api/mcp/tools`) and lets the
 * person offer an agent all of them or only some (the `tools` param).
 */
export function McpToolsSection({ node }: { readonly node: WorkflowNode }) {
  const form = useContext(Form);
  const headingId = useId();
  const [state, setState] = useState<{ readonly loading: boolean; readonly tools: readonly McpToolInfo[] | null; readonly error: string | null }>({ loading: false, tools: null, error: null });
  if (!form) return null;
  const askable = askableServer(node.params);
  const chosen = node.params['tools'];
  const all = chosen === undefined || chosen === 'all';
  const names = Array.isArray(chosen) ? (chosen as string[]) : [];
  const setTools = (value: 'all' | string[]) => form.set(['params', 'tools'], value, 'tools offered');

  const list = async () => {
    if (!('server' in askable)) return;
    setState({ loading: true, tools: state.tools, error: null });
    try {
      setState({ loading: false, tools: await listMcpTools(askable.server), error: null });
    } catch (e) {
      setState({ loading: false, tools: null, error: describeError(e) });
    }
  };

  return (
    <section className="inspector__section" aria-labelledby={headingId} data-testid="mcp-tools">
      <h3 id={headingId}>Server tools</h3>
      <p className="field__help">
        {all ? 'An agent this node is wired to sees every tool of the server.' : `An agent sees ${names.length === 1 ? 'one tool' : `${names.length} tools`}: ${names.join(', ')}.`}
      </p>
      <button type="button" className="button button--small" disabled={!('server' in askable) || state.loading} onClick={() => void list()} title={'why' in askable ? askable.why : 'Connect to the server and list its tools'}>
        {state.loading ? 'Listing…' : 'List tools'}
      </button>
      {'why' in askable && <p className="field__help">{askable.why}</p>}
      {state.error && (
        <p className="notice notice--danger" role="alert">
          Could not list the tools: {state.error}
        </p>
      )}
      {state.tools && (
        <fieldset className="field" aria-label="Tools offered to an agent">
          {state.tools.length === 0 && <p className="muted">The server offers no tools.</p>}
          <ul className="tool-list">
            <li>
              <label>
                <input type="radio" name={`${headingId}-which`} checked={all} onChange={() => setTools('all')} />
                <span>All tools, also those the server adds later</span>
              </label>
            </li>
            <li>
              <label>
                <input type="radio" name={`${headingId}-which`} checked={!all} onChange={() => setTools(state.tools!.map((t) => t.name))} disabled={state.tools.length === 0} />
                <span>Only the ones checked below</span>
              </label>
            </li>
          </ul>
          <ul className="tool-list">
            {state.tools.map((t) => {
              const on = all || names.includes(t.name);
              return (
                <li key={t.name}>
                  <label>
                    <input
                      type="checkbox"
                      checked={on}
                      disabled={all}
                      onChange={() => {
                        const next = state.tools!.map((x) => x.name).filter((n) => (n === t.name ? !on : names.includes(n)));
                        // An empty choice is not a choice the node takes: at least one tool stays.
                        if (next.length > 0) setTools(next);
                      }}
                    />
                    <span>
                      <code>{t.name}</code>
                      {t.description && <span className="tool-list__description">{t.description}</span>}
                    </span>
                  </label>
                </li>
              );
            })}
          </ul>
        </fieldset>
      )}
    </section>
  );
}
