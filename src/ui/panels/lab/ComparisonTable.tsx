// Every setting computed in this page side by side: one row per completed measurement, sortable by any column
// (a button in each header; aria-sort says which and how), each with a link that restores its settings, and
// exported as CSV (links included).
import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/shallow';
import { encodeView } from '../../../state/hash';
import { labViewPatch } from '../../../state/labSlice';
import { appStore, useStore, type Store } from '../../../state/store';
import { viewOf } from '../../../state/urlSync';
import { downloadBytes } from '../../export/exportPng';
import { toCsv } from '../../export/csv';
import { COLUMNS, comparisonCsv, comparisonRows, rowSettings, sortRows, type ComparisonRow, type SortState } from './labRows';

export const COMPARISON_TITLE = 'Comparison of every setting computed in this page';

/** The page's link (hash, with '#') with the row's view set to the row's settings; everything else as it is now. */
export function rowLink(s: Store, r: ComparisonRow): string {
  const view = viewOf(s);
  return `#${encodeView({ ...view, lab: { ...view.lab, ...labViewPatch(r.view, rowSettings(r)) } })}`;
}

export function ComparisonTable() {
  const { runs, weightings } = useStore(useShallow((s) => ({ runs: s.labRuns, weightings: s.labWeightings })));
  const [sort, setSort] = useState<SortState>(null);
  const rows = useMemo(() => comparisonRows(runs, weightings), [runs, weightings]);
  const sorted = useMemo(() => sortRows(rows, sort), [rows, sort]);
  const onSort = (column: string) => setSort((s) => (s?.column === column && s.direction === 'ascending' ? { column, direction: 'descending' } : { column, direction: 'ascending' }));
  const onCsv = () => downloadBytes(toCsv(comparisonCsv(sorted, (r) => rowLink(appStore.getState(), r))), 'lab-comparison.csv', 'text/csv;charset=utf-8');
  return (
    <section className="lab-comparison" aria-labelledby="lab-comparison-title" data-testid="lab-comparison">
      <div className="lab-comparison-head">
        <h3 id="lab-comparison-title" className="subhead">{COMPARISON_TITLE}</h3>
        <button type="button" className="small-button" onClick={onCsv} disabled={rows.length === 0} aria-label={`Export “${COMPARISON_TITLE}” as CSV`} data-testid="lab-comparison-csv">CSV</button>
      </div>
      {rows.length === 0 ? (
        <p className="hint" data-testid="lab-comparison-empty">Each measurement completed above adds a row here.</p>
      ) : (
        <div className="table-wrap" role="region" aria-label="The comparison table (scrolls sideways on narrow screens)" tabIndex={0}>
          <table className="summary lab-table" data-testid="lab-comparison-table">
            <caption>{COMPARISON_TITLE}: one row per measurement; click a column’s header to sort by it. The transfer column fills in when a transfer was computed for the same model, K and grouping. Each row’s link sets its view to the row’s settings (also in the CSV).</caption>
            <thead>
              <tr>
                {COLUMNS.map((c) => {
                  const dir = sort?.column === c.id ? sort.direction : undefined;
                  return (
                    <th key={c.id} scope="col" aria-sort={dir ?? 'none'} className={c.numeric ? undefined : 'text'}>
                      <button type="button" className="sort-button" onClick={() => onSort(c.id)} data-testid={`lab-sort-${c.id}`}>
                        {c.header}<span aria-hidden="true">{dir === 'ascending' ? ' ▲' : dir === 'descending' ? ' ▼' : ''}</span>
                      </button>
                    </th>
                  );
                })}
                <th scope="col" className="text">Link</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((r) => (
                <tr key={r.id} data-testid="lab-comparison-row">
                  {COLUMNS.map((c, i) => (i === 0
                    ? <th key={c.id} scope="row">{c.cell(r)}</th>
                    : <td key={c.id} className={c.numeric ? undefined : 'text'}>{c.cell(r)}</td>))}
                  <td className="text">
                    <a
                      href={rowLink(appStore.getState(), r)} data-testid="lab-comparison-link"
                      aria-label={`Settings of this row: ${r.decomposition}, ${r.model}, K ${r.k}`}
                      // The rest of the page may have changed since the render: the link is made again as it is followed.
                      onClick={(e) => { e.currentTarget.href = rowLink(appStore.getState(), r); }}
                    >
                      settings
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
