// Tables as CSV files (RFC 4180): a header row, then one row per record; fields with a comma, quote or line break
// are quoted, numbers are written in full (NaN and ±∞ as empty fields: no value).

/** A figure's numbers as a table: the header names each column with its unit. */
export interface CsvTable {
  header: string[];
  rows: (string | number)[][];
}

function field(v: string | number): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** The table as CSV text, lines ended by CRLF. */
export function toCsv({ header, rows }: CsvTable): string {
  for (const [i, row] of rows.entries()) {
    if (row.length !== header.length) throw new RangeError(`row ${i} has ${row.length} fields, the header ${header.length}`);
  }
  return [header, ...rows].map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}
