import { useEffect, useRef, useState } from 'react';
import type { UpstreamNode } from './completions';
import { checkModel, JSONATA, monaco, provideJsonSchema, provideScope, TEMPLATE } from './monaco';

/** Which language a code field holds. */
export type CodeLanguage = 'javascript' | 'json' | 'jsonata' | 'template';

/** Props of the Monaco field; loaded lazily (see fields.tsx). */
export interface CodeEditorProps {
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly language: CodeLanguage;
  /** Accessible name of the editor's text area (the field's label). */
  readonly ariaLabel: string;
  /** Id given to the editor's text area, so the field's `<label for>` names and focuses it. */
  readonly id?: string;
  /** JSON Schema the value must match (JSON fields), checked by Monaco's JSON diagnostics. */
  readonly schema?: object;
  /** Id of the element that describes the field (help text, problems), for screen readers. */
  readonly describedBy?: string;
  /** Nodes the expression may read, for completions. */
  readonly upstream: () => readonly UpstreamNode[];
}

const LANGUAGE: Record<CodeLanguage, string> = { javascript: 'javascript', json: 'json', jsonata: JSONATA, template: TEMPLATE };
const LINE_HEIGHT = 19;

/** Whether the app shows its dark theme (chosen, or by the system when none is chosen). */
function prefersDark(): boolean {
  const chosen = document.documentElement.dataset.theme;
  return chosen ? chosen === 'dark' : window.matchMedia('(prefers-color-scheme: dark)').matches;
}

/** Monaco for code, JSON and JSONata fields: highlighting, parse errors as markers and `$nodes` completions. */
export default function CodeEditor({ value, onChange, language, ariaLabel, id, schema, describedBy, upstream }: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  // The latest callbacks are read through refs, so the editor is created once per language.
  const latest = useRef({ onChange, upstream });
  useEffect(() => {
    latest.current = { onChange, upstream };
  });

  useEffect(() => {
    const model = monaco.editor.createModel(value, LANGUAGE[language]);
    const stopSchema = language === 'json' && schema ? provideJsonSchema(model, schema) : () => {};
    const multiline = language === 'javascript' || language === 'json';
    const editor = monaco.editor.create(host.current!, {
      model,
      ariaLabel,
      minimap: { enabled: false },
      lineNumbers: multiline ? 'on' : 'off',
      lineHeight: LINE_HEIGHT,
      scrollBeyondLastLine: false,
      wordWrap: 'on',
      fontSize: 13,
      tabSize: 2,
      automaticLayout: true,
      fixedOverflowWidgets: true,
      renderLineHighlight: 'none',
      glyphMargin: false,
      folding: false,
      overviewRulerLanes: 0,
      lineDecorationsWidth: multiline ? 6 : 2,
      // What is typed or pasted is what the field holds: no closing quotes or brackets appear
      // behind the cursor (a stray one would silently change an expression).
      autoClosingQuotes: 'never',
      autoClosingBrackets: 'never',
      autoSurround: 'never',
      theme: prefersDark() ? 'vs-dark' : 'vs',
    });
    editorRef.current = editor;
    // The field grows with its content (wrapped lines included), between a few lines and a screenful.
    const [min, max] = [(multiline ? 5 : 2) * LINE_HEIGHT + 8, 14 * LINE_HEIGHT + 8];
    const fit = () => {
      if (host.current) host.current.style.height = `${Math.min(max, Math.max(min, editor.getContentHeight() + 8))}px`;
    };
    const sizes = editor.onDidContentSizeChange(fit);
    fit();
    const textarea = editor.getDomNode()?.querySelector('textarea');
    if (textarea && describedBy) textarea.setAttribute('aria-describedby', describedBy);
    if (textarea && id) textarea.id = id;
    const stopScope = provideScope(model, () => latest.current.upstream());
    const expression = language === 'jsonata' || language === 'template';
    if (expression) checkModel(model);
    const changes = model.onDidChangeContent((e) => {
      if (expression) checkModel(model);
      // Changes pushed from the document (undo, another control) are not edits of this field.
      if (!e.isFlush) latest.current.onChange(model.getValue());
    });
    return () => {
      changes.dispose();
      sizes.dispose();
      stopScope();
      stopSchema();
      editor.dispose();
      model.dispose();
      editorRef.current = null;
    };
    // Created once per language; value and labels later flow in through the effects below.
  }, [language]);

  // The document changed under the editor (undo, redo): show it without reporting an edit.
  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (model && model.getValue() !== value) model.setValue(value);
  }, [value]);

  // First height before Monaco measures its content; the editor sets it from then on.
  // (kept in state so that re-renders never reset what the editor set).
  const [height] = useState(() => Math.min(14, Math.max(language === 'javascript' || language === 'json' ? 5 : 2, value.split('\n').length + 1)) * LINE_HEIGHT + 8);
  return <div ref={host} className="code-field" data-language={language} style={{ height }} />;
}
