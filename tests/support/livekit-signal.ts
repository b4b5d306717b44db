// A bare LiveKit signal connection (protobuf over WebSocket), to get what an attacker keeps: the tokens LiveKit itself
// hands a participant — right after joining, every 5 minutes, and whenever their grants change — valid 10 minutes,
// with the grants of that moment.
import { SignalResponse } from '@livekit/protocol';
import WebSocket from 'ws';

export interface SignalSession {
  /** The next token LiveKit refreshes for this participant. */
  nextToken(timeoutMs?: number): Promise<string>;
  close(): void;
}

export function openSignal(url: string, token: string): SignalSession {
  const ws = new WebSocket(`${url}/rtc?access_token=${encodeURIComponent(token)}&protocol=15&auto_subscribe=0&sdk=js&version=2.0.0`);
  const tokens: string[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data: Buffer) => {
    const response = SignalResponse.fromBinary(new Uint8Array(data));
    if (response.message.case === 'refreshToken') {
      tokens.push(response.message.value);
      waiters.splice(0).forEach((wake) => wake());
    }
  });
  ws.on('error', () => {});
  return {
    nextToken(timeoutMs = 10_000) {
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no refreshed token from LiveKit within ${timeoutMs} ms`)), timeoutMs);
        const take = () => {
          const t = tokens.shift();
          if (t === undefined) return void waiters.push(take);
          clearTimeout(timer);
          resolve(t);
        };
        take();
      });
    },
    close: () => ws.close(),
  };
}

/** The token LiveKit refreshes right after a participant joins with `token`. */
export async function refreshedToken(url: string, token: string, timeoutMs = 10_000): Promise<string> {
  const session = openSignal(url, token);
  try {
    return await session.nextToken(timeoutMs);
  } finally {
    session.close();
  }
}
