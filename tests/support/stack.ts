// A real livekit-server and a real space server wired as in production: LiveKit posts its webhooks to the space
// server, so SFU enforcement runs on LiveKit's own events. The space server's port is chosen first, because
// LiveKit needs the webhook URL when it starts.
import { dispose, type Room } from '@livekit/rtc-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLivekit, type LivekitServer } from '../../scripts/livekit';
import { startSpaceServer, type SpaceServer, type SpaceServerConfig } from '../../server/index';
import { localWebhook } from '../../server/local-webhook';
import type { TestClient } from './ws-client';

export interface Stack {
  lk: LivekitServer;
  server: SpaceServer;
  dir: string;
  close(): Promise<void>;
}

export async function startStack(extra: Partial<SpaceServerConfig> = {}): Promise<Stack> {
  const { port, url } = await localWebhook('127.0.0.1', 0);
  const lk = await startLivekit({ webhookUrls: [url] });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-stack-'));
  fs.mkdirSync(path.join(dir, 'assets', 'listener'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'assets', 'listener', 'index.html'), '<!doctype html>');
  let server: SpaceServer;
  try {
    server = await startSpaceServer({ dbFile: path.join(dir, 'db.sqlite'), assetsDir: path.join(dir, 'assets'), livekit: lk, port, ...extra });
  } catch (error) {
    await lk.stop();
    throw error;
  }
  return {
    lk,
    server,
    dir,
    async close() {
      await server.close();
      await lk.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Ends what a test on the stack opened: rtc-node rooms (and rtc-node itself), protocol clients, then the stack. */
export async function closeAll(rooms: Room[], clients: TestClient[], stack: Stack | undefined): Promise<void> {
  for (const room of rooms) await room.disconnect().catch(() => {});
  await dispose();
  await Promise.all(clients.map((c) => c.close()));
  await stack?.close();
}
