import { analyseExpression } from '@weft/schemas';
import * as monaco from 'monaco-editor';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/language/json/json.worker?worker';
import TsWorker from 'monaco-editor/language/typescript/ts.worker?worker';
import { completionsAt, markerRange, templateParts, type ToolArgumentHint, type UpstreamNode } from './completions';

// Monaco is bundled with the editor and its workers are built by Vite: nothing is fetched from a
// CDN. (@monaco-editor/react's loader is not used: even when pointed at this copy it carries a
// CDN address as its default.) This module is only reached through a lazy import, so the canvas
// never waits for it.

self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string) {
    if (label === 'json') return new JsonWorker();
    if (label === 'typescript' || label === 'javascript') return new TsWorker();
    return new EditorWorker();
  },
};

/** Language ids of our own. */
export const JSONATA = 'jsonata';
export const TEMPLATE = 'weft-template';

const jsonataTokens: monaco.languages.IMonarchLanguage = {
  keywords: ['and', 'or', 'in', 'true', 'false', 'null', 'function'],
  tokenizer: {
    root: [
      [/\$[A-Za-z_]\w*/, 'variable'],
      [/\$/, 'variable'],
      [/[A-Za-z_][\w]*(?=\s*\()/, 'identifier'],
      [/[A-Za-z_][\w]*/, { cases: { '@keywords': 'keyword', '@default': 'identifier' } }],
      [/`[^`]*`/, 'identifier'],
      [/\d+(\.\d+)?([eE][-+]?\d+)?/, 'number'],
      [/"([^"\\]|\\.)*"/, 'string'],
      [/'([^'\\]|\\.)*'/, 'string'],
      [/\/\*/, 'comment', '@comment'],
      [/[{}()[\]]/, '@brackets'],
      [/:=|!=|<=|>=|~>|\?\?|\?:|\.\.|[-+*/%=<>&?:.,;^|#@!]/, 'operator'],
    ],
    comment: [
      [/\*\//, 'comment', '@pop'],
      [/[^*]+/, 'comment'],
      [/\*/, 'comment'],
    ],
  },
};

const templateTokens: monaco.languages.IMonarchLanguage = {
  tokenizer: {
    root: [
      [/\{\{/, { token: 'delimiter.bracket', next: '@expression' }],
      [/[^{]+/, 'string'],
      [/\{/, 'string'],
    ],
    expression: [
      [/\}\}/, { token: 'delimiter.bracket', next: '@pop' }],
      [/\$[A-Za-z_]\w*/, 'variable'],
      [/\d+(\.\d+)?/, 'number'],
      [/"([^"\\]|\\.)*"/, 'string'],
      [/[A-Za-z_]\w*/, 'identifier'],
      [/[-+*/%=<>&?:.,;!]+/, 'operator'],
      [/./, ''],
    ],
  },
};

/** What the expression in each open model may read, registered by the field that owns it. */
const scopes = new Map<string, { readonly upstream: () => readonly UpstreamNode[]; readonly tool?: () => readonly ToolArgumentHint[] | undefined }>();

/**
 * Tells completions which nodes the expression in `model` may read, and for a tool the arguments
 * it declares (`$tool.<name>`); returns the unregistration.
 */
export function provideScope(model: monaco.editor.ITextModel, upstream: () => readonly UpstreamNode[], tool?: () => readonly ToolArgumentHint[] | undefined): () => void {
  const key = model.uri.toString();
  scopes.set(key, { upstream, ...(tool ? { tool } : {}) });
  return () => {
    scopes.delete(key);
  };
}

const provider: monaco.languages.CompletionItemProvider = {
  triggerCharacters: ['$', '.'],
  provideCompletionItems(model, position) {
    const before = model.getValueInRange({ startLineNumber: position.lineNumber, startColumn: 1, endLineNumber: position.lineNumber, endColumn: position.column });
    const scope = scopes.get(model.uri.toString());
    const { items, replace } = completionsAt(before, scope?.upstream() ?? [], scope?.tool?.());
    const range = { startLineNumber: position.lineNumber, startColumn: position.column - replace, endLineNumber: position.lineNumber, endColumn: position.column };
    const kinds = { variable: monaco.languages.CompletionItemKind.Variable, field: monaco.languages.CompletionItemKind.Field, node: monaco.languages.CompletionItemKind.Module, function: monaco.languages.CompletionItemKind.Function };
    return { suggestions: items.map((c) => ({ label: c.label, insertText: c.insertText, kind: kinds[c.kind], range, ...(c.detail ? { detail: c.detail } : {}) })) };
  },
};

for (const [id, tokens] of [
  [JSONATA, jsonataTokens],
  [TEMPLATE, templateTokens],
] as const) {
  monaco.languages.register({ id });
  monaco.languages.setMonarchTokensProvider(id, tokens);
  monaco.languages.setLanguageConfiguration(id, { brackets: [['{', '}'], ['[', ']'], ['(', ')']], autoClosingPairs: [{ open: '(', close: ')' }, { open: '[', close: ']' }, { open: '"', close: '"' }] });
  monaco.languages.registerCompletionItemProvider(id, provider);
}

// Code nodes are function bodies with these names in scope; a top-level `return` is what they do.
monaco.typescript.javascriptDefaults.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false, diagnosticCodesToIgnore: [1108] });
monaco.typescript.javascriptDefaults.addExtraLib('declare const input: any;\ndeclare const nodes: Record<string, any>;\ndeclare const run: { id: string; workflowId: string; startedAt: string };\n', 'weft-code-scope.d.ts');

const jsonSchemas = new Map<string, object>();

function applyJsonSchemas(): void {
  monaco.json.jsonDefaults.setDiagnosticsOptions({
    validate: true,
    allowComments: false,
    schemas: [...jsonSchemas].map(([uri, schema]) => ({ uri: `${uri}#schema`, fileMatch: [uri], schema })),
  });
}

/** Checks the JSON in `model` against `schema` (a field's JSON Schema); returns the unregistration. */
export function provideJsonSchema(model: monaco.editor.ITextModel, schema: object): () => void {
  const key = model.uri.toString();
  jsonSchemas.set(key, schema);
  applyJsonSchemas();
  return () => {
    jsonSchemas.delete(key);
    applyJsonSchemas();
  };
}

/** Shows JSONata parse errors of a bare expression or of each `{{ }}` part of a template as markers. */
export function checkModel(model: monaco.editor.ITextModel): void {
  const text = model.getValue();
  const markers: monaco.editor.IMarkerData[] = [];
  const parts = model.getLanguageId() === JSONATA ? (text.trim() ? [{ source: text, offset: 0 }] : []) : templateParts(text);
  for (const part of parts) {
    const error = analyseExpression(part.source).error;
    if (!error) continue;
    const r = markerRange(part.source, error.position);
    // Offsets within the part map to the model by adding the part's offset.
    const at = model.getPositionAt(part.offset + offsetOf(part.source, r.startLine, r.startColumn));
    markers.push({ severity: monaco.MarkerSeverity.Error, message: error.message, startLineNumber: at.lineNumber, startColumn: at.column, endLineNumber: at.lineNumber, endColumn: at.column + 1 });
  }
  monaco.editor.setModelMarkers(model, 'weft', markers);
}

function offsetOf(text: string, line: number, column: number): number {
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1; i++) offset += lines[i]!.length + 1;
  return offset + column - 1;
}

export { monaco };
