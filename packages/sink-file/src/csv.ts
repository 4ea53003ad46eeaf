/** RFC 4180 cell encoding. Cells that contain the delimiter, a quote, CR or LF are quoted, quotes doubled. */
export function csvCell(value: unknown, delimiter: string, escapeFormulas: boolean): string {
  if (value === undefined || value === null) return '';
  let s: string;
  if (typeof value === 'string') {
    s = escapeFormulas && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  } else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  } else {
    s = JSON.stringify(value);
  }
  if (s.includes(delimiter) || s.includes('"') || s.includes('\n') || s.includes('\r')) return `"${s.replace(/"/g, '""')}"`;
  return s;
}

export function csvLine(cells: readonly unknown[], delimiter: string, escapeFormulas: boolean): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) {
    if (i > 0) line += delimiter;
    line += csvCell(cells[i], delimiter, escapeFormulas);
  }
  return `${line}\n`;
}
