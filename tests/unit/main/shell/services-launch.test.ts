// The utility-process transport holds what is sent before the process spawned, and drops what is sent after it died.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { utilityTransport } from '../../../../main/shell/services-launch';

class FakeUtility extends EventEmitter {
  pid: number | undefined = undefined;
  posted: unknown[] = [];
  killed = false;
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  kill(): boolean {
    this.killed = true;
    return true;
  }
}

describe('utilityTransport', () => {
  it('sends the start message only once the process has spawned, in order', () => {
    const child = new FakeUtility();
    const transport = utilityTransport(child);
    transport.send({ kind: 'close' });
    transport.send({ kind: 'media', id: 1, token: 't' });
    expect(child.posted).toEqual([]);
    child.pid = 42;
    child.emit('spawn');
    expect(child.posted).toEqual([{ kind: 'close' }, { kind: 'media', id: 1, token: 't' }]);
    expect(transport.pid).toBe(42);
    transport.send({ kind: 'audio', bytes: new Uint8Array([1]) });
    expect(child.posted).toHaveLength(3);
  });

  it('passes messages and the exit code up, and kills', () => {
    const child = new FakeUtility();
    const transport = utilityTransport(child);
    const messages: unknown[] = [];
    const exits: (number | null)[] = [];
    transport.onMessage((m) => messages.push(m));
    transport.onExit((code) => exits.push(code));
    child.emit('message', { kind: 'closed' });
    child.emit('exit', 3);
    expect(messages).toEqual([{ kind: 'closed' }]);
    expect(exits).toEqual([3]);
    transport.kill();
    expect(child.killed).toBe(true);
  });

  it('forgets what it held when the process dies before spawning', () => {
    const child = new FakeUtility();
    const transport = utilityTransport(child);
    transport.send({ kind: 'close' });
    child.emit('exit', 1);
    child.emit('spawn');
    transport.send({ kind: 'close' });
    expect(child.posted).toEqual([]);
  });

  it('a send that races the process dying does not throw into the call that made it', () => {
    const child = new FakeUtility();
    const transport = utilityTransport(child);
    child.emit('spawn');
    child.postMessage = () => {
      throw new Error('the process is gone');
    };
    expect(() => transport.send({ kind: 'close' })).not.toThrow();
  });
});
