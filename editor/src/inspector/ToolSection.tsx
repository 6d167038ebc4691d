import { ToolArgument, type Problem, type ToolApproval, type ToolSettings, type WorkflowNode } from '@weft/schemas';
import { useContext, useEffect, useId, useMemo, useRef, useState } from 'react';
import { toolsOf } from '../canvas/tools';
import { useDocumentStore } from '../store/document-store';
import { Form } from './fields';
import '../agents.css';

// How a node wired to an agent's tools port is offered to the model: its name, what it does, the
// arguments the model passes (read in params as `$tool.<name>`) and when a call waits for a person.

type ArgumentType = ToolArgument['type'];
const ARGUMENT_TYPES: readonly ArgumentType[] = ToolArgument.shape.type.unwrap().options;
const DETECTORS: readonly { readonly value: NonNullable<ToolApproval['detectors']>[number]; readonly label: string }[] = [
  { value: 'email', label: 'Email addresses' },
  { value: 'phone', label: 'Phone numbers' },
  { value: 'card', label: 'Card numbers' },
  { value: 'secret', label: 'Secrets (keys, tokens)' },
];
const DEFAULT_TIMEOUT = '24h';

/** A tool's settings as stored, or the defaults of a node that has none yet. */
function settingsOf(node: WorkflowNode): ToolSettings {
  return { description: '', arguments: [], ...node.tool };
}

/** Problems of the node under `$.tool…` at `path` (exactly), as messages. */
function messagesAt(problems: ReadonlyMap<string, readonly Problem[]>, path: string): readonly Problem[] {
  return problems.get(path) ?? [];
}

function Problems({ id, problems }: { readonly id: string; readonly problems: readonly Problem[] }) {
  if (problems.length === 0) return null;
  return (
    <ul id={id} className="field__problems">
      {problems.map((p, i) => (
        <li key={i} data-severity={p.severity}>
          {p.message}
        </li>
      ))}
    </ul>
  );
}

/**
 * The "As a tool" section of a node wired to `agentId`'s tools port. A node that offers tools of
 * its own (an MCP server's, `serverTools`) is described by them: only its approval is set here.
 */
export function ToolSection({ node, agentId, serverTools = false }: { readonly node: WorkflowNode; readonly agentId: string; readonly serverTools?: boolean }) {
  const form = useContext(Form);
  const headingId = useId();
  const id = useId();
  const [focusRow, setFocusRow] = useState<number | null>(null);
  if (!form) return null;
  const settings = settingsOf(node);
  const set = (path: readonly (string | number)[], value: unknown, label: string) => form.set(['tool', ...path], value, label);
  const args = settings.arguments;
  const approval = settings.approval;
  const require = approval?.require ?? 'never';
  const setApproval = (change: Partial<ToolApproval>, label: string) => set(['approval'], { timeout: DEFAULT_TIMEOUT, ...approval, require, ...change }, label);
  const example = args[0]?.name ?? 'name';

  return (
    <section className="inspector__section tool-section" aria-labelledby={headingId} data-testid="tool-section">
      <h3 id={headingId}>As a tool</h3>
      {serverTools ? (
        <p className="field__help">
          <button type="button" className="button button--quiet button--small" onClick={() => useDocumentStore.getState().select([agentId])}>
            {agentId}
          </button>{' '}
          is offered the server&apos;s tools (see Server tools below), each with the server&apos;s own name, description and arguments. Calls run only when the agent makes them.
        </p>
      ) : (
        <p className="field__help">
          <button type="button" className="button button--quiet button--small" onClick={() => useDocumentStore.getState().select([agentId])}>
            {agentId}
          </button>{' '}
          calls this node as a tool: it runs only then, with the arguments the model passes. Its parameters read them as <code>{`{{ $tool.${example} }}`}</code> (in an expression field: <code>{`$tool.${example}`}</code>).
        </p>
      )}

      {!serverTools && (
        <>
          <div className="field" data-field-path="$.tool.name">
            <label htmlFor={`${id}-name`}>Tool name</label>
            <input
              id={`${id}-name`}
              type="text"
              value={settings.name ?? ''}
              placeholder={node.id}
              spellCheck={false}
              aria-invalid={messagesAt(form.problems, '$.tool.name').length > 0 || undefined}
              aria-describedby={`${id}-name-help`}
              onChange={(e) => set(['name'], e.target.value === '' ? undefined : e.target.value, 'tool name')}
            />
            <p id={`${id}-name-help`} className="field__help">
              What the model calls it by; empty: <code>{node.id}</code>.
            </p>
            <Problems id={`${id}-name-problems`} problems={messagesAt(form.problems, '$.tool.name')} />
          </div>

          <div className="field" data-field-path="$.tool.description">
            <label htmlFor={`${id}-description`}>Description</label>
            <textarea
              id={`${id}-description`}
              rows={3}
              value={settings.description}
              aria-describedby={`${id}-description-help`}
              onChange={(e) => set(['description'], e.target.value, 'tool description')}
            />
            <p id={`${id}-description-help`} className="field__help">
              What it does and when to use it: the model reads this to decide.
            </p>
            <Problems id={`${id}-description-problems`} problems={messagesAt(form.problems, '$.tool.description')} />
          </div>

          <fieldset className="field field--group" data-field-path="$.tool.arguments">
            <legend>Arguments</legend>
            {args.length === 0 && <p className="field__help">None: the model calls it without arguments.</p>}
            <ol className="tool-args">
              {args.map((a, i) => (
                // Keyed by position and name, so a removal starts the rows below from what is stored.
                <li key={`${i}:${a.name}`} className="tool-args__row" data-testid={`tool-argument-${i}`}>
                  <ArgumentRow argument={a} index={i} all={args} problems={form.problems} autoFocus={focusRow === i} set={set} />
                </li>
              ))}
            </ol>
            <button
              type="button"
              className="button button--small"
              onClick={() => {
                set(['arguments'], [...args, { name: '', type: 'string', description: '', required: true }], 'add a tool argument');
                setFocusRow(args.length);
              }}
            >
              Add argument
            </button>
          </fieldset>
        </>
      )}

      <div className="field" data-field-path="$.tool.approval.require">
        <label htmlFor={`${id}-approval`}>Needs approval</label>
        <select
          id={`${id}-approval`}
          value={require}
          onChange={(e) => {
            const next = e.target.value as ToolApproval['require'];
            if (next === 'never') set(['approval'], undefined, 'tool approval');
            else setApproval({ require: next }, 'tool approval');
          }}
        >
          <option value="never">Never: calls run at once</option>
          <option value="always">Always: a person approves each call</option>
          <option value="when">By a rule, or when personal data is passed</option>
        </select>
        <p className="field__help">A waiting call appears in Approvals, where a person approves it (as is or with edited arguments) or rejects it with a message the model reads.</p>
      </div>

      {require === 'when' && (
        <>
          <div className="field" data-field-path="$.tool.approval.when">
            <label htmlFor={`${id}-rule`}>Rule</label>
            <input
              id={`${id}-rule`}
              type="text"
              className="mono"
              value={approval?.when ?? ''}
              placeholder="amount > 100"
              spellCheck={false}
              aria-describedby={`${id}-rule-help`}
              onChange={(e) => setApproval({ when: e.target.value === '' ? undefined : e.target.value }, 'approval rule')}
            />
            <p id={`${id}-rule-help`} className="field__help">
              JSONata over the call&apos;s arguments (also <code>$tool.&lt;name&gt;</code>, <code>$run</code>, <code>$nodes</code>): the call waits when it is true.
            </p>
            <Problems id={`${id}-rule-problems`} problems={messagesAt(form.problems, '$.tool.approval.when')} />
          </div>
          <fieldset className="checks" data-field-path="$.tool.approval.detectors">
            <legend>Also ask when the arguments contain</legend>
            {DETECTORS.map((d) => {
              const on = approval?.detectors?.includes(d.value) ?? false;
              return (
                <label key={d.value}>
                  <input
                    type="checkbox"
                    checked={on}
                    onChange={() => {
                      const next = DETECTORS.map((x) => x.value).filter((v) => (v === d.value ? !on : (approval?.detectors?.includes(v) ?? false)));
                      setApproval({ detectors: next.length ? next : undefined }, 'approval detectors');
                    }}
                  />
                  {d.label}
                </label>
              );
            })}
          </fieldset>
        </>
      )}

      {require !== 'never' && (
        <div className="field" data-field-path="$.tool.approval.timeout">
          <label htmlFor={`${id}-timeout`}>Decide within</label>
          <input
            id={`${id}-timeout`}
            type="text"
            value={approval?.timeout ?? DEFAULT_TIMEOUT}
            spellCheck={false}
            aria-describedby={`${id}-timeout-help`}
            onChange={(e) => setApproval({ timeout: e.target.value }, 'approval time limit')}
          />
          <p id={`${id}-timeout-help`} className="field__help">
            Like 30m, 24h or 7d. A call nobody decides on in time is refused, and the model is told.
          </p>
          <Problems id={`${id}-timeout-problems`} problems={messagesAt(form.problems, '$.tool.approval.timeout')} />
        </div>
      )}
    </section>
  );
}

/** One declared argument: its name (committed on Enter or leaving the field), type, whether required, and what it means. */
function ArgumentRow({
  argument,
  index,
  all,
  problems,
  autoFocus,
  set,
}: {
  readonly argument: ToolArgument;
  readonly index: number;
  readonly all: readonly ToolArgument[];
  readonly problems: ReadonlyMap<string, readonly Problem[]>;
  readonly autoFocus: boolean;
  readonly set: (path: readonly (string | number)[], value: unknown, label: string) => void;
}) {
  const id = useId();
  const n = index + 1;
  const nameInput = useRef<HTMLInputElement>(null);
  // The name is written when the person is done with it, so `$tool.<name>` references never see half a name.
  const [name, setName] = useState(argument.name);
  // An empty name is not called wrong while the person is about to type it.
  const [touched, setTouched] = useState(argument.name !== '');
  const taken = all.some((a, j) => j !== index && a.name === name);
  useEffect(() => {
    if (autoFocus) nameInput.current?.focus();
  }, [autoFocus]);
  const commit = () => {
    if (name !== argument.name && !taken) set(['arguments', index, 'name'], name, 'rename a tool argument');
  };
  const base = `$.tool.arguments[${index}]`;
  const nameProblems = [...(taken ? [{ severity: 'error' as const, code: 'duplicate', path: `${base}.name`, message: `another argument is already called ${name}` }] : []), ...(name === argument.name && touched ? messagesAt(problems, `${base}.name`) : [])];
  return (
    <>
      <div className="field" data-field-path={`${base}.name`}>
        <label htmlFor={`${id}-name`}>
          Name<span className="visually-hidden"> of argument {n}</span>
        </label>
        <input
          ref={nameInput}
          id={`${id}-name`}
          type="text"
          className="mono"
          value={name}
          placeholder="city"
          spellCheck={false}
         
          aria-invalid={nameProblems.length > 0 || undefined}
          aria-describedby={nameProblems.length ? `${id}-name-problems` : undefined}
          onChange={(e) => setName(e.target.value)}
          onBlur={() => {
            setTouched(true);
            commit();
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
            if (e.key === 'Escape') setName(argument.name);
          }}
        />
        <Problems id={`${id}-name-problems`} problems={nameProblems} />
      </div>
      <div className="field" data-field-path={`${base}.type`}>
        <label htmlFor={`${id}-type`}>
          Type<span className="visually-hidden"> of argument {n}</span>
        </label>
        <select id={`${id}-type`} value={argument.type} onChange={(e) => set(['arguments', index, 'type'], e.target.value as ArgumentType, 'tool argument type')}>
          {ARGUMENT_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </div>
      <div className="field field--check">
        <input id={`${id}-required`} type="checkbox" checked={argument.required} onChange={(e) => set(['arguments', index, 'required'], e.target.checked, 'tool argument required')} />
        <label htmlFor={`${id}-required`}>
          Required<span className="visually-hidden"> (argument {n})</span>
        </label>
      </div>
      <div className="field tool-args__description" data-field-path={`${base}.description`}>
        <label htmlFor={`${id}-description`}>
          Description<span className="visually-hidden"> of argument {n}</span>
        </label>
        <input
          id={`${id}-description`}
          type="text"
          value={argument.description}
          placeholder="What the model should pass"
         
          onChange={(e) => set(['arguments', index, 'description'], e.target.value, 'tool argument description')}
        />
      </div>
      {argument.type === 'string' && (
        <div className="field tool-args__description" data-field-path={`${base}.enum`}>
          <label htmlFor={`${id}-enum`}>
            Allowed values<span className="visually-hidden"> of argument {n}</span> (optional)
          </label>
          <input
            id={`${id}-enum`}
            type="text"
            value={argument.enum?.join(', ') ?? ''}
            placeholder="small, medium, large"
           
            onChange={(e) => {
              const values = e.target.value.split(',').map((v) => v.trim()).filter(Boolean);
              set(['arguments', index, 'enum'], values.length ? values : undefined, 'tool argument values');
            }}
          />
        </div>
      )}
      <button type="button" className="button button--quiet button--small" aria-label={`Remove argument ${n}`} onClick={() => set(['arguments'], all.filter((_, j) => j !== index), 'remove a tool argument')}>
        Remove
      </button>
    </>
  );
}

/** On an agent: the nodes wired to its tools port, each a button that selects it. */
export function AgentToolsSection({ agentId }: { readonly agentId: string }) {
  const headingId = useId();
  const edges = useDocumentStore((s) => s.doc.edges);
  const tools = useMemo(() => toolsOf(agentId, edges), [agentId, edges]);
  const nodes = useDocumentStore((s) => s.nodeById);
  return (
    <section className="inspector__section" aria-labelledby={headingId} data-testid="agent-tools">
      <h3 id={headingId}>Tools</h3>
      {tools.length === 0 ? (
        <p className="field__help">No tools yet. Drag from the output of a node (an HTTP request, a transform, code, a search, an MCP server, another agent) to the tools handle at the bottom of this card: the agent may then call it.</p>
      ) : (
        <ul className="tool-list">
          {tools.map((t) => {
            const node = nodes.get(t);
            const approval = node?.tool?.approval?.require ?? 'never';
            return (
              <li key={t}>
                <button type="button" className="button button--quiet button--small" onClick={() => useDocumentStore.getState().select([t])}>
                  {node?.tool?.name ?? t}
                </button>
                {approval !== 'never' && <span className="badge badge--warning badge--small">{approval === 'always' ? 'needs approval' : 'approval by rule'}</span>}
                {!node?.tool?.description && <span className="tool-list__description">No description: the model sees only its label.</span>}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
