// Tables as CSV files (RFC 4180): a header row, then one row per record; fields with a comma, quote or line break
// are quoted, numbers are written in full (NaN and ±∞ as empty fields: no value).

/** A figure's numbers as a table: the header names each column with its unit. */
export interface CsvTable {
  header: string[];
  rows: (string | number)[][];
}

/** A value as its CSV field reads once unquoted: numbers in full, NaN and ±∞ empty. */
export function cellText(v: string | number): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return v;
}

function field(v: string | number): string {
  const text = cellText(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The table as CSV text, lines ended by CRLF. */
export function toCsv({ header, rows }: CsvTable): string {
  for (const [i, row] of rows.entries()) {
    if (row.length !== header.length) throw new RangeError(`row ${i} has ${row.length} fields, the header ${header.length}`);
  }
  return [header, ...rows].map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}

/**
 * Several figures' tables in one, for "Export all": one row per value (long form), naming its panel, figure,
 * record (1-based row of the figure's own table) and column (the figure's header, with its unit).
 */
export function combinedCsv(figures: { panel: string; title: string; table: CsvTable }[]): CsvTable {
  const rows = figures.flatMap(({ panel, title, table }) =>
    table.rows.flatMap((row, r) => row.map((value, c) => [panel, title, r + 1, table.header[c], value])));
  return { header: ['panel', 'figure', 'record', 'column (unit)', 'value'], rows };
}
