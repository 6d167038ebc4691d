import type { HttpRequestSent, NodeRunView, PromptSent, RouteChoice } from '@weft/schemas';
import { formatJson } from '../format';
import './runs.css';

/** Values longer than this (as indented JSON) are folded until asked for. */
const INLINE_CHARS = 400;

/** A JSON value: shown at once when short, folded in a `<details>` when long. */
export function JsonValue({ label, value }: { readonly label: string; readonly value: unknown }) {
  const text = formatJson(value);
  const pre = (
    <pre className="json" aria-label={label} tabIndex={0}>
      {text}
    </pre>
  );
  if (text.length <= INLINE_CHARS) return pre;
  return (
    <details className="fold">
      <summary>
        {label} <span className="muted">({sizeOf(text)})</span>
      </summary>
      {pre}
    </details>
  );
}

function sizeOf(text: string): string {
  const bytes = new TextEncoder().encode(text).length;
  return bytes < 1024 ? `${bytes} bytes` : `${Math.round(bytes / 1024)} KB`;
}

/** What a node got next to what it gave (or the answer its failed call got), for one node of a run. */
export function NodeInputOutput({ node }: { readonly node: NodeRunView }) {
  if (!node.startedAt && node.input == null && node.output == null) return null;
  const answer = httpAnswer(node.error?.details);
  return (
    <div className="node-io" data-testid={`io-${node.id}`}>
      <section className="node-io__side" aria-label={`What ${node.id} got`}>
        <h3 className="node-io__title">Got (input)</h3>
        {node.input === null || node.input === undefined ? <p className="muted">Nothing</p> : <JsonValue label={`Input of ${node.id}`} value={node.input} />}
      </section>
      <section className="node-io__side" aria-label={`What ${node.id} gave`}>
        <h3 className="node-io__title">Gave (output)</h3>
        {node.output !== null && node.output !== undefined ? (
          <JsonValue label={`Output of ${node.id}`} value={node.output} />
        ) : answer ? (
          <AnswerView answer={answer} label={`Answer ${node.id} got`} />
        ) : (
          <p className="muted">{node.error ? 'Nothing: it failed' : 'Nothing yet'}</p>
        )}
      </section>
    </div>
  );
}

/** The prompt as the model got it: the system prompt, then the prompt, as text. */
export function PromptView({ nodeId, prompt }: { readonly nodeId: string; readonly prompt: PromptSent }) {
  return (
    <section className="node-sent" aria-label={`Prompt ${nodeId} sent`}>
      <h3 className="node-io__title">Sent to the model</h3>
      {prompt.system && (
        <>
          <p className="node-sent__label">System prompt</p>
          <pre className="json prompt-text" aria-label={`System prompt of ${nodeId}`} tabIndex={0}>
            {prompt.system}
          </pre>
        </>
      )}
      <p className="node-sent__label">Prompt</p>
      <pre className="json prompt-text" aria-label={`Prompt of ${nodeId}`} tabIndex={0}>
        {prompt.prompt}
      </pre>
      {prompt.calls > 1 && <p className="muted">The model was asked {prompt.calls} times (an answer that was not valid is asked for again); this is the first question.</p>}
    </section>
  );
}

/**
 * An HTTP request as sent: method and address, then the body; headers folded (secrets show as
 * `[secret:NAME]`). `label` names its parts for assistive technology, e.g. `Request create sent, body`.
 */
export function RequestView({ label, request }: { readonly label: string; readonly request: HttpRequestSent }) {
  const headers = Object.entries(request.headers);
  return (
    <div className="node-sent__request">
      <p className="node-sent__line">
        <code>
          {request.method} {request.url}
        </code>
      </p>
      {headers.length > 0 && (
        <details className="fold">
          <summary>
            Headers <span className="muted">({headers.length})</span>
          </summary>
          <table className="table table--compact node-sent__headers">
            <tbody>
              {headers.map(([name, value]) => (
                <tr key={name}>
                  <th scope="row">{name}</th>
                  <td>
                    <code>{value}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
      {request.body !== undefined && (
        <>
          <p className="node-sent__label">Body</p>
          <JsonValue label={`${label}, body`} value={request.body} />
        </>
      )}
    </div>
  );
}

/** An HTTP answer: its status and body (headers left out: they rarely help a reader). */
export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** The HTTP answer in a value (an HTTP node's output, or the details of its error), if it is one. */
export function httpAnswer(value: unknown): HttpAnswer | undefined {
  if (value === null || typeof value !== 'object' || !('status' in value) || typeof value.status !== 'number') return undefined;
  return { status: value.status, body: 'body' in value ? value.body : undefined };
}

/** An HTTP answer as its status and its body (folded when long). */
export function AnswerView({ label, answer }: { readonly label: string; readonly answer: HttpAnswer }) {
  return (
    <div>
      <p className="node-sent__line">
        HTTP status <strong data-testid="answer-status">{answer.status}</strong>
      </p>
      {answer.body !== undefined && answer.body !== '' && <JsonValue label={`${label}, body`} value={answer.body} />}
    </div>
  );
}

/** The port a route chose, and why, in words. */
export function RouteView({ nodeId, route }: { readonly nodeId: string; readonly route: RouteChoice }) {
  return (
    <p className="node-route" data-testid={`route-${nodeId}`}>
      Chose port <strong>{route.port}</strong>
      {route.by === 'rule' && (
        <>
          : rule {route.index + 1} held, <code>{route.condition}</code>
        </>
      )}
      {route.by === 'llm' && <>: the model picked it{route.reason ? <>, saying “{route.reason}”</> : null}</>}
      {route.by === 'fallback' && <>: no rule held, so the input went to the fallback port</>}
    </p>
  );
}
