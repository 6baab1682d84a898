import { useEffect, useRef, useState } from 'react';
import { cellText, toCsv, type CsvTable } from '../export/csv';

interface DataTableProps {
  id: string;
  title: string;
  /** The figure's numbers, as its CSV export writes them; null while it has nothing to show yet. */
  csv(): CsvTable | null;
}

/**
 * A figure's numbers as an HTML table, row for row what its CSV export writes, for screen readers and anyone who
 * wants the values. Shown on demand (the figure's "Table" button), so it costs nothing while closed; while open it
 * follows the figure (a chart updated in place is read again after every render of its figure).
 */
export function DataTable({ id, title, csv }: DataTableProps) {
  const [table, setTable] = useState<CsvTable | null>(csv);
  const shown = useRef<string | null>(null);
  useEffect(() => {
    const next = csv();
    const key = next ? toCsv(next) : '';
    if (key === shown.current) return;
    shown.current = key;
    setTable(next);
  }, [csv]); // a new function each time the figure renders: read again after each
  const label = `Data of “${title}”`;
  if (!table) return <p className="figure-note" id={id}>{label}: still being computed.</p>;
  return (
    <div className="table-wrap data-table" id={id} role="region" aria-label={`${label} (scrolls)`} tabIndex={0} data-testid={id}>
      <table className="summary">
        <caption>{label}, as in its CSV export</caption>
        <thead>
          <tr>{table.header.map((h, j) => <th key={j} scope="col">{h}</th>)}</tr>
        </thead>
        <tbody>
          {table.rows.map((row, i) => (
            <tr key={i}>
              {row.map((v, j) => (j === 0 ? <th key={j} scope="row">{cellText(v)}</th> : <td key={j}>{cellText(v)}</td>))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
