import { useEffect, useRef, useState } from 'react';
import { NO_CANVAS_KEYS } from '../canvas/shortcuts';
import type { ToolArgumentHint, UpstreamNode } from './completions';
import { checkModel, JSONATA, monaco, provideJsonSchema, provideScope, TEMPLATE } from './monaco';
import './inspector.css';

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
  /** For a tool of an agent: the arguments it declares, offered after `$tool.`. */
  readonly toolArguments?: () => readonly ToolArgumentHint[] | undefined;
  /** The fewest lines shown, however short the value (long text such as a prompt starts tall). */
  readonly minLines?: number;
}

const LANGUAGE: Record<CodeLanguage, string> = { javascript: 'javascript', json: 'json', jsonata: JSONATA, template: TEMPLATE };
const LINE_HEIGHT = 19;
/** The most texts remembered as the editor's own edits (see `reported`). */
const MAX_REPORTED = 200;

/** Whether the app shows its dark theme (chosen, or by the system when none is chosen). */
function prefersDark(): boolean {
  const chosen = document.documentElement.dataset.theme;
  return chosen ? chosen === 'dark' : window.matchMedia('(prefers-color-scheme: dark)').matches;
}

/** Monaco for code, JSON and JSONata fields: highlighting, parse errors as markers and `$nodes` completions. */
export default function CodeEditor({ value, onChange, language, ariaLabel, id, schema, describedBy, upstream, toolArguments, minLines }: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  // The latest callbacks are read through refs, so the editor is created once per language.
  const latest = useRef({ onChange, upstream, toolArguments });
  // Texts this editor reported since the value last came from outside. Keys are typed faster than
  // React renders, so `value` may come back as any of them, behind what the model already holds:
  // that is the editor's own edit, never a reason to reset the text under the cursor.
  const reported = useRef(new Set<string>());
  useEffect(() => {
    latest.current = { onChange, upstream, toolArguments };
  });

  useEffect(() => {
    const model = monaco.editor.createModel(value, LANGUAGE[language]);
    const stopSchema = language === 'json' && schema ? provideJsonSchema(model, schema) : () => {};
    const multiline = language === 'javascript' || language === 'json';
    const fewest = minLines ?? (multiline ? 5 : 2);
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
    const [min, max] = [fewest * LINE_HEIGHT + 8, Math.max(14, fewest) * LINE_HEIGHT + 8];
    const fit = () => {
      if (host.current) host.current.style.height = `${Math.min(max, Math.max(min, editor.getContentHeight() + 8))}px`;
    };
    const sizes = editor.onDidContentSizeChange(fit);
    fit();
    // Monaco's input: a textarea, or where the browser has EditContext a `div.native-edit-context`.
    const textarea = editor.getDomNode()?.querySelector<HTMLElement>('.native-edit-context, textarea');
    if (textarea && describedBy) textarea.setAttribute('aria-describedby', describedBy);
    if (textarea && id) textarea.id = id;
    const stopScope = provideScope(model, () => latest.current.upstream(), () => latest.current.toolArguments?.());
    const expression = language === 'jsonata' || language === 'template';
    if (expression) checkModel(model);
    const changes = model.onDidChangeContent((e) => {
      if (expression) checkModel(model);
      // Changes pushed from the document (undo, another control) are not edits of this field.
      if (e.isFlush) return;
      const text = model.getValue();
      const own = reported.current;
      own.add(text);
      // Bounded: a parent that reshapes the text never hands back exactly what was typed.
      if (own.size > MAX_REPORTED) own.delete(own.values().next().value!);
      latest.current.onChange(text);
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

  // The document changed under the editor (undo, redo, another control): show it without
  // reporting an edit. A value this editor reported itself is already in the model, or behind it.
  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model) return;
    const own = reported.current;
    if (own.has(value)) {
      // Caught up with the typing: older texts cannot come back any more.
      if (value === model.getValue()) own.clear();
      return;
    }
    own.clear();
    if (model.getValue() !== value) model.setValue(value);
  }, [value]);

  // First height before Monaco measures its content; the editor sets it from then on.
  // (kept in state so that re-renders never reset what the editor set).
  const [height] = useState(() => Math.min(14, Math.max(minLines ?? (language === 'javascript' || language === 'json' ? 5 : 2), value.split('\n').length + 1)) * LINE_HEIGHT + 8);
  return <div ref={host} className={`code-field ${NO_CANVAS_KEYS}`} data-language={language} style={{ height }} />;
}
