import type { ReactNode, TableHTMLAttributes } from 'react';

/** A column heading: its words, or words with how the column reads. */
export type Column = string | { readonly label: string; /** Right-aligned figures. */ readonly num?: boolean; /** Read by screen readers only. */ readonly hidden?: boolean };

type DataTableProps = Omit<TableHTMLAttributes<HTMLTableElement>, 'className'> & {
  /** The headings; `false` leaves a column out (e.g. `mayOperate && 'Actions'`). */
  readonly columns: readonly (Column | false)[];
  /** The rows. */
  readonly children: ReactNode;
};

/** The operator pages' table: in a card that scrolls sideways when narrow, one heading per column, then the rows. */
export function DataTable({ columns, children, ...table }: DataTableProps) {
  return (
    <div className="table-wrap card">
      <table className="table" {...table}>
        <thead>
          <tr>
            {columns.map((column) => {
              if (column === false) return null;
              const { label, num = false, hidden = false } = typeof column === 'string' ? { label: column } : column;
              return (
                <th key={label} scope="col" className={num ? 'num' : undefined}>
                  {hidden ? <span className="visually-hidden">{label}</span> : label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
