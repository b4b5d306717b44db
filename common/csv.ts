// CSV cells for the files the studio hands out (the report export, a batch of tickets): RFC 4180 quoting, and no cell
// a spreadsheet would run.

/**
 * One cell: quoted when it holds a comma, quote or line break; and a cell a spreadsheet would run as a formula
 * (=, +, -, @, a tab or a carriage return first) starts with an apostrophe instead, so what a person typed is never code.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  // A semicolon too: in locales whose spreadsheets split on it, an unquoted one would start a new (formula) cell.
  return /[",;\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
