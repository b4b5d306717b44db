// The quiet build of npm start and npm run server: one line when the build works, every line it printed (and why it
// stopped) when it does not. The decision is pure; the capture is checked against real processes.
import { describe, expect, it } from 'vitest';
import { buildReport, runCaptured, seconds } from '../../../scripts/build';

describe('buildReport', () => {
  it('prints one line on success, whatever the build printed', () => {
    const report = buildReport({ code: 0, signal: null, output: 'vite v8\n'.repeat(30), ms: 4_240 });
    expect(report).toEqual({ ok: true, exitCode: 0, text: '  Built in 4.2 s\n' });
  });

  it('prints the whole output on failure, then why, and keeps the exit code', () => {
    const output = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n');
    const report = buildReport({ code: 3, signal: null, output: `${output}\n`, ms: 12_050 });
    expect(report.ok).toBe(false);
    expect(report.exitCode).toBe(3);
    expect(report.text).toBe(`${output}\n\n  The build failed (exit code 3) after 12.1 s; its output is above.\n`);
  });

  it('says when the build was stopped by a signal or printed nothing, and still fails', () => {
    expect(buildReport({ code: null, signal: 'SIGTERM', output: '', ms: 900 })).toEqual({
      ok: false,
      exitCode: 1,
      text: '  The build was stopped (SIGTERM) after 0.9 s, and printed nothing.\n',
    });
  });

  it('says when the build could not start at all', () => {
    const report = buildReport({ code: null, signal: null, output: '', ms: 0, startError: "Cannot find module 'electron-vite/package.json'" });
    expect(report).toEqual({
      ok: false,
      exitCode: 1,
      text: "  The build could not start: Cannot find module 'electron-vite/package.json'. Has npm install run?\n",
    });
  });

  it('formats durations to a tenth of a second', () => {
    expect(seconds(0)).toBe('0.0 s');
    expect(seconds(61_449)).toBe('61.4 s');
  });
});

describe('runCaptured', () => {
  it('collects stdout and stderr without showing them, with the exit code', async () => {
    const outcome = await runCaptured(process.execPath, ['-e', 'console.log("to stdout"); console.error("to stderr"); process.exit(4)']);
    expect(outcome.code).toBe(4);
    expect(outcome.output).toContain('to stdout\n');
    expect(outcome.output).toContain('to stderr\n');
    expect(outcome.ms).toBeGreaterThan(0);
    expect(buildReport(outcome).text).toMatch(/to stderr\n[\s\S]*The build failed \(exit code 4\)/);
  });

  it('reports a command that cannot start instead of throwing', async () => {
    const outcome = await runCaptured('/nonexistent/electron-vite', ['build']);
    expect(outcome.startError).toMatch(/ENOENT/);
    expect(buildReport(outcome).ok).toBe(false);
  });
});
