// Quitting holds Electron's will-quit until the services have closed, then exits; a hung close does not keep
// the app alive forever.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createQuitGuard } from '../../../../main/shell/quit';

const event = () => ({ preventDefault: vi.fn() });

afterEach(() => {
  vi.useRealTimers();
});

describe('createQuitGuard', () => {
  it('holds the quit, closes the services, and only then exits', async () => {
    const order: string[] = [];
    let finish!: () => void;
    const close = vi.fn(() => new Promise<void>((resolve) => (finish = () => (order.push('closed'), resolve()))));
    const exit = vi.fn((code: number) => void order.push(`exit ${code}`));
    const guard = createQuitGuard({ close, exit });
    const first = event();
    guard.onWillQuit(first);
    expect(first.preventDefault).toHaveBeenCalled();
    expect(close).toHaveBeenCalledTimes(1);
    await Promise.resolve();
    expect(exit).not.toHaveBeenCalled();
    // A second quit while closing is held too, and does not close twice.
    const second = event();
    guard.onWillQuit(second);
    expect(second.preventDefault).toHaveBeenCalled();
    expect(close).toHaveBeenCalledTimes(1);
    finish();
    await guard.done;
    expect(order).toEqual(['closed', 'exit 0']);
    // Once exit was called, nothing is held any more.
    const late = event();
    guard.onWillQuit(late);
    expect(late.preventDefault).not.toHaveBeenCalled();
  });

  it('exits with 1 and a log line when closing fails', async () => {
    const log = vi.fn();
    const exit = vi.fn();
    const guard = createQuitGuard({ close: () => Promise.reject(new Error('disk gone')), exit, log });
    guard.onWillQuit(event());
    await guard.done;
    expect(exit).toHaveBeenCalledWith(1);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('disk gone'));
  });

  it('gives up on a close that never ends', async () => {
    vi.useFakeTimers();
    const exit = vi.fn();
    const log = vi.fn();
    const guard = createQuitGuard({ close: () => new Promise(() => {}), exit, log, timeoutMs: 5_000 });
    guard.onWillQuit(event());
    await vi.advanceTimersByTimeAsync(4_999);
    expect(exit).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await guard.done;
    expect(exit).toHaveBeenCalledWith(1);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('did not close in time'));
  });

  it('has nothing to wait for before a quit', () => {
    expect(createQuitGuard({ close: async () => {}, exit: () => {} }).done).toBeNull();
  });
});
