import { NodePolicy, type NodeTypeView, type Problem } from '@weft/schemas';
import { upstreamOf } from '@weft/schemas/graph';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { z } from 'zod';
import { useDocNode, useDocumentStore, type EditableWorkflow } from '../store/document-store';
import { splitNodePath } from '../validation/problems';
import { useNodeProblems } from '../validation/useProblems';
import type { UpstreamNode } from './completions';
import { Field, Form, ObjectFields, preloadCodeEditor, type FormContext } from './fields';
import { takesTools, toolOwners } from '../canvas/tools';
import { McpToolsSection } from './McpToolsSection';
import { idProblem, renameNode } from './rename';
import { RunInputSection } from './RunInputSection';
import { TestStepSection } from './TestStepSection';
import { AgentToolsSection, ToolSection } from './ToolSection';
import { WorkflowDetails } from './WorkflowDetails';
import { fieldModel, matchField, setIn, type JsonSchema } from './schema-form';
import { TextField } from './TextField';
import './inspector.css';

// The policy form is generated like params, from the document schema's own policy.
const POLICY_SCHEMA = z.toJSONSchema(NodePolicy, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
const policySchemas = new WeakMap<NodeTypeView, JsonSchema>();
/** The node type whose server's tools can be listed and chosen. */
const MCP_TYPE = 'execution.mcp';

/** The policy schema with the node type's defaults filled in, so each field shows what applies when it is empty. */
function policySchema(view: NodeTypeView | undefined): JsonSchema {
  if (!view) return POLICY_SCHEMA;
  let schema = policySchemas.get(view);
  if (!schema) {
    const properties = Object.fromEntries(Object.entries(POLICY_SCHEMA.properties ?? {}).map(([k, s]) => [k, k in view.policy ? { ...s, default: view.policy[k] } : s]));
    schema = { ...POLICY_SCHEMA, properties };
    policySchemas.set(view, schema);
  }
  return schema;
}

/** The selected node's form: id, label, params from its type's JSON Schema, and its policy. */
export function Inspector({ catalog }: { readonly catalog: ReadonlyMap<string, NodeTypeView> }) {
  const selected = useDocumentStore((s) => (s.selectedNodes.length === 1 ? s.selectedNodes[0]! : null));
  const count = useDocumentStore((s) => s.selectedNodes.length);
  // Monaco's script takes up to a second to start. Loaded while the page is idle, it does not
  // stall the canvas when the first node is selected, which is often by starting to drag it.
  useEffect(() => {
    if (typeof requestIdleCallback !== 'function') {
      const timer = setTimeout(preloadCodeEditor, 1000);
      return () => clearTimeout(timer);
    }
    const handle = requestIdleCallback(preloadCodeEditor, { timeout: 5000 });
    return () => cancelIdleCallback(handle);
  }, []);
  return (
    <section className="inspector" aria-label="Inspector">
      {selected ? (
        <NodeInspector key={selected} nodeId={selected} catalog={catalog} />
      ) : (
        count > 1 ? <p className="muted inspector__empty">{`${count} nodes selected: select one to edit it.`}</p> : <WorkflowDetails />
      )}
    </section>
  );
}

/** The nodes `nodeId` may read in expressions, with their output schemas. */
function upstreamNodes(doc: EditableWorkflow, nodeId: string, catalog: ReadonlyMap<string, NodeTypeView>): UpstreamNode[] {
  const ids = upstreamOf(nodeId, doc.edges);
  return doc.nodes
    .filter((n) => ids.has(n.id))
    .map((n) => {
      const view = catalog.get(n.type);
      // A trigger's output is the run input, as the document declares it.
      const output = (view?.trigger && doc.inputSchema ? doc.inputSchema : view?.output) as JsonSchema | undefined;
      return { id: n.id, ...(n.label ? { label: n.label } : {}), ...(output ? { output } : {}) };
    });
}

function NodeInspector({ nodeId, catalog }: { readonly nodeId: string; readonly catalog: ReadonlyMap<string, NodeTypeView> }) {
  const node = useDocNode(nodeId);
  const problems = useNodeProblems(nodeId);
  const focus = useDocumentStore((s) => (s.focus?.nodeId === nodeId ? s.focus : null));
  // The agent this node is a tool of (wired to its tools port), if any.
  const agentId = useDocumentStore((s) => toolOwners(s.doc.edges).get(nodeId) ?? null);
  const root = useRef<HTMLDivElement>(null);
  const [policyOpen, setPolicyOpen] = useState(false);

  const byPath = useMemo(() => {
    const doc = useDocumentStore.getState().doc;
    const index = doc.nodes.findIndex((n) => n.id === nodeId);
    const map = new Map<string, Problem[]>();
    for (const p of problems) {
      const split = splitNodePath(p.path);
      if (!split || split.index !== index || !split.path) continue;
      const list = map.get(split.path);
      if (list) list.push(p);
      else map.set(split.path, [p]);
    }
    return map;
  }, [problems, nodeId]);

  const form = useMemo<FormContext | null>(
    () =>
      node
        ? {
            nodeId,
            nodeType: node.type,
            problems: byPath,
            set(path, value, label) {
              useDocumentStore.getState().edit(
                `edit ${label}`,
                (doc) => {
                  const i = doc.nodes.findIndex((n) => n.id === nodeId);
                  if (i < 0) return doc;
                  const nodes = [...doc.nodes];
                  nodes[i] = setIn(doc.nodes[i], path, value) as (typeof nodes)[number];
                  return { ...doc, nodes };
                },
                // Every keystroke in one field, until it loses focus, is one undo step.
                `${nodeId}:${path.join('.')}`,
              );
            },
            // A tool reads what its agent reads: its expressions are resolved when the agent calls it.
            upstream: () => upstreamNodes(useDocumentStore.getState().doc, agentId ?? nodeId, catalog),
            ...(agentId ? { toolArguments: () => useDocumentStore.getState().nodeById.get(nodeId)?.tool?.arguments ?? [] } : {}),
          }
        : null,
    // The context changes with the node's type, problems and agent, not with every keystroke.
    [nodeId, node?.type, byPath, catalog, agentId],
  );

  // The issues panel asks for a field: open its section, then scroll to it and focus its control.
  useEffect(() => {
    if (!focus || !root.current) return;
    const target = focus.path ?? '';
    const policyField = target.startsWith('$.policy');
    if (policyField && !policyOpen) {
      setPolicyOpen(true);
      return; // runs again once the section is open
    }
    const elements = [...root.current.querySelectorAll<HTMLElement>('[data-field-path]')];
    const best = target ? matchField(elements.map((e) => e.dataset.fieldPath!), target) : undefined;
    const element = elements.find((e) => e.dataset.fieldPath === best) ?? root.current;
    element.scrollIntoView({ block: 'nearest' });
    const control = element.querySelector<HTMLElement>('input, select, textarea, button');
    // Monaco's text area appears when the lazy editor has loaded; until then the fallback takes focus.
    (control ?? element).focus({ preventScroll: true });
    // Reacts to each request (seq), and to the policy section opening; `focus` is read as of then.
  }, [focus?.seq, policyOpen]);

  if (!node || !form) return <p className="muted inspector__empty">The selected node is gone.</p>;
  const view = catalog.get(node.type);
  // Problems not shown beside a field (type, edges, the node as a whole) are listed at the top.
  const nodeProblems = problems.filter((p) => !/^\$\.(params|policy|id|label|tool)\b/.test(splitNodePath(p.path)?.path ?? ''));

  return (
    <div className="inspector__node" ref={root} tabIndex={-1} onBlur={() => useDocumentStore.getState().endGroup()}>
      <header className="inspector__head">
        <h2>{node.label || node.id}</h2>
        <p className="muted">
          {view ? view.title : 'Unknown type'} · <code>{node.type}</code>
        </p>
        {view?.description && <p className="inspector__description">{view.description}</p>}
      </header>
      {nodeProblems.length > 0 && (
        <ul className="inspector__problems" aria-label="Problems of this node">
          {nodeProblems.map((p, i) => (
            <li key={i} data-severity={p.severity}>
              {p.message}
            </li>
          ))}
        </ul>
      )}
      <IdField nodeId={nodeId} />
      <LabelField nodeId={nodeId} label={node.label} />
      <Form.Provider value={form}>
        {/* Before the parameters, which read the arguments declared here. */}
        {agentId && <ToolSection node={node} agentId={agentId} serverTools={node.type === MCP_TYPE} />}
        <section className="inspector__section" aria-labelledby={`${nodeId}-params`}>
          <h3 id={`${nodeId}-params`}>Parameters</h3>
          {view ? (
            Object.keys((view.params as JsonSchema).properties ?? {}).length ? (
              <ObjectFields schema={view.params as JsonSchema} path={['params']} value={node.params} nodeType={node.type} />
            ) : (
              <p className="muted">This node has no parameters.</p>
            )
          ) : (
            <>
              <p className="muted">The server does not know the type {node.type}: its parameters are shown as JSON.</p>
              <Field field={fieldModel('params', { title: 'Parameters' })} path={['params']} value={node.params} />
            </>
          )}
        </section>
        {takesTools(view) && <AgentToolsSection agentId={nodeId} />}
        {node.type === MCP_TYPE && <McpToolsSection node={node} />}
        {view?.trigger && <RunInputSection triggerId={nodeId} />}
        <TestStepSection nodeId={nodeId} />
        <details className="inspector__section inspector__policy" open={policyOpen} onToggle={(e) => setPolicyOpen(e.currentTarget.open)}>
          <summary>
            Retries and errors
            {node.policy && Object.keys(node.policy).length > 0 && <span className="muted"> · {Object.keys(node.policy).length} set</span>}
          </summary>
          <p className="field__help">Empty fields take the node type&apos;s default.</p>
          {policyOpen && <ObjectFields schema={policySchema(view)} path={['policy']} value={node.policy ?? {}} nodeType={node.type} />}
        </details>
      </Form.Provider>
    </div>
  );
}

function IdField({ nodeId }: { readonly nodeId: string }) {
  const id = useId();
  const [draft, setDraft] = useState(nodeId);
  const problem = idProblem(useDocumentStore.getState().doc, nodeId, draft);
  const commit = () => {
    if (draft === nodeId || problem) return;
    const store = useDocumentStore.getState();
    store.edit(`rename ${nodeId} to ${draft}`, (doc) => renameNode(doc, nodeId, draft));
    store.select([draft]);
  };
  return (
    <TextField
      id={id}
      path="$.id"
      label="Id"
      value={draft}
      spellCheck={false}
      problem={problem}
      help="Expressions read this node as $nodes.<id>; renaming updates its edges and those expressions."
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
        if (e.key === 'Escape') setDraft(nodeId);
      }}
    />
  );
}

function LabelField({ nodeId, label }: { readonly nodeId: string; readonly label: string | undefined }) {
  const id = useId();
  return (
    <TextField
      id={id}
      path="$.label"
      label="Label"
      value={label ?? ''}
      placeholder={nodeId}
      onChange={(e) => {
        const next = e.target.value;
        useDocumentStore.getState().edit(
          'edit label',
          (doc) => ({
            ...doc,
            nodes: doc.nodes.map((n) => {
              if (n.id !== nodeId) return n;
              const { label: _old, ...rest } = n;
              return next ? { ...rest, label: next } : rest;
            }),
          }),
          `${nodeId}:label`,
        );
      }}
    />
  );
}
