import type { Meta, StoryObj } from '@storybook/react-vite';
import type { Problem } from '@weft/schemas';
import { useMemo, useState } from 'react';
import { Form, ObjectFields, type FormContext } from './fields';
import type { JsonSchema } from './schema-form';

// Plain fields only: code and secret fields load Monaco or ask the API, which a story has neither of.
const schema: JsonSchema = {
  type: 'object',
  required: ['url', 'method'],
  properties: {
    url: { type: 'string', title: 'URL', description: 'Where to send the request; expressions allowed.' },
    method: { type: 'string', title: 'Method', enum: ['GET', 'POST', 'PUT', 'DELETE'], default: 'GET' },
    timeoutMs: { type: 'number', title: 'Timeout (ms)', default: 10_000 },
    followRedirects: { type: 'boolean', title: 'Follow redirects', default: true },
    headers: { type: 'object', title: 'Headers', additionalProperties: { type: 'string' } },
    tags: { type: 'array', title: 'Tags', items: { type: 'string' } },
  },
};

const urlProblem: Problem = { path: '$.params.url', code: 'required', message: 'URL is required', severity: 'error', nodeId: 'fetch' };

/** The fields of one node's params, editable: every change is kept in story state. */
function ParamsForm({ initial, problems }: { readonly initial: Record<string, unknown>; readonly problems: readonly Problem[] }) {
  const [params, setParams] = useState<Record<string, unknown>>(initial);
  const form = useMemo<FormContext>(
    () => ({
      nodeId: 'fetch',
      nodeType: 'execution.http',
      set: (path, value) => {
        const [, key] = path;
        if (typeof key !== 'string') return;
        setParams((p) => {
          const next = { ...p };
          if (value === undefined) delete next[key];
          else next[key] = value;
          return next;
        });
      },
      // Keyed by the path relative to the node, as the inspector does.
      problems: new Map(problems.map((p) => [p.path, [p]])),
      upstream: () => [],
    }),
    [problems],
  );
  return (
    <Form.Provider value={form}>
      <div className="inspector" style={{ maxWidth: 360 }}>
        <ObjectFields schema={schema} path={['params']} value={params} nodeType="execution.http" />
      </div>
    </Form.Provider>
  );
}

const meta = {
  title: 'Inspector/Fields',
  component: ParamsForm,
  args: { initial: { url: 'https://example.org/invoices', method: 'POST', headers: { accept: 'application/json' }, tags: ['billing'] }, problems: [] },
} satisfies Meta<typeof ParamsForm>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Filled: Story = {};
export const Empty: Story = { args: { initial: {} } };
/** A problem from the validator, shown at its field. */
export const WithProblem: Story = { args: { initial: { method: 'GET' }, problems: [urlProblem] } };
