// Starts the whole studio as `npm start` does in a browser-only machine: main services + web studio host, against
// a real livekit-server, with its data in a temp folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostedSpace, IpcChannel, IpcRequest, IpcResponse } from '../../common/ipc';
import { runWebStudio, type WebStudio } from '../../main/web/run';
import type { LivekitServer } from '../../server/livekit/runtime';
import type { TestSfu } from './sfus';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ASSETS_DIR = path.join(ROOT, 'out', 'renderer');
export const SCREENSHOT_DIR = path.join(ROOT, 'screenshots');

export function requireBuild(): void {
  if (!fs.existsSync(path.join(ASSETS_DIR, 'studio', 'index.html'))) {
    throw new Error('The renderer is not built; run `npm run build` (npm test does it first).');
  }
}

/** A LiveKit the test runs, or a TestSfu (tests/support/sfus.ts): on mediasoup the studio's space server runs the SFU. */
export async function startTestStudio(sfu: LivekitServer | TestSfu, dataDir?: string): Promise<WebStudio & { dataDir: string }> {
  requireBuild();
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'podium-studio-'));
  const livekit = 'kind' in sfu ? sfu.livekit : sfu;
  const studio = await runWebStudio({
    dataDir: dir,
    assetsDir: ASSETS_DIR,
    version: 'test',
    // The test owns the LiveKit server (shared by every studio of the test); the studio must not stop it. It was
    // started before the studio, so that LiveKit sends no webhooks to this studio's space server.
    ...(livekit ? { livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret } } : { sfu: 'mediasoup' as const }),
  });
  // A studio asked for one SFU must not quietly run another (the shell once dropped the choice and started LiveKit).
  if ('kind' in sfu) {
    const info = await studio.services.call('app:info', undefined);
    const running = info.ok ? (info.value as { sfu?: string }).sfu : undefined;
    if (running !== sfu.kind) {
      await studio.close();
      throw new Error(`the test studio was asked for ${sfu.kind} but runs ${running ?? 'an unknown SFU'}`);
    }
  }
  return Object.assign(studio, { dataDir: dir });
}

/** One contract call to a test studio's services (through the services process, as the page's calls go). */
export async function ask<C extends IpcChannel>(
  studio: WebStudio,
  channel: C,
  ...request: IpcRequest<C> extends undefined ? [] : [IpcRequest<C>]
): Promise<IpcResponse<C>> {
  const result = await studio.services.call(channel, request[0]);
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.value as IpcResponse<C>;
}

/** A space made as the studio makes it (the host key comes back as `credential`), with the host's name set first. */
export async function createTestSpace(studio: WebStudio, title: string, hostName?: string): Promise<HostedSpace> {
  if (hostName) await ask(studio, 'settings:setHostName', { hostName });
  return ask(studio, 'spaces:create', { title });
}
