// The report queue's export: the server's answer (reportsExport) made into a file a person can open — CSV for a
// spreadsheet, JSON for tools — and handed to the browser (or Electron) as a download. Pure parts tested in Node.
import type { ServerMessage } from '../../../common/protocol';
import { reportsToCsv } from '../../../common/reports';

export type ExportFormat = 'csv' | 'json';
type Answer = Extract<ServerMessage, { type: 'reportsExport' }>;

/** "podium-reports-town-hall-2026-12-01.csv": the space's title as letters and digits, and the day of the export. */
export function exportFileName(answer: Answer, format: ExportFormat): string {
  const slug = answer.space.title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  const day = new Date(answer.exportedAt).toISOString().slice(0, 10);
  return `podium-reports-${slug || answer.space.id}-${day}.${format}`;
}

export function exportContents(answer: Answer, format: ExportFormat): { text: string; type: string } {
  if (format === 'csv') return { text: reportsToCsv(answer.reports), type: 'text/csv;charset=utf-8' };
  const json = { space: answer.space, exportedAt: new Date(answer.exportedAt).toISOString(), reports: answer.reports };
  return { text: `${JSON.stringify(json, null, 2)}\n`, type: 'application/json' };
}

/** Starts the download (a link to a Blob, clicked, then let go). */
export function download(name: string, contents: { text: string; type: string }): void {
  const url = URL.createObjectURL(new Blob([contents.text], { type: contents.type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
