import type { InputHTMLAttributes } from 'react';

type TextFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'type'> & {
  readonly id: string;
  /** The document path the field edits (`$.label`), which an issue's "show me" finds it by. */
  readonly path: string;
  readonly label: string;
  /** What is wrong with the value; shown instead of the help. */
  readonly problem?: string | null;
  readonly help?: string;
};

/** A one-line text field of the inspector: its label, the input and a help line that a problem replaces. */
export function TextField({ id, path, label, problem, help, ...input }: TextFieldProps) {
  const described = problem || help ? `${id}-help` : undefined;
  return (
    <div className="field" data-field-path={path}>
      <label htmlFor={id}>{label}</label>
      <input id={id} type="text" aria-invalid={problem ? true : undefined} aria-describedby={described} {...input} />
      {described && (
        <p id={described} className={problem ? 'field__problems' : 'field__help'}>
          {problem || help}
        </p>
      )}
    </div>
  );
}
