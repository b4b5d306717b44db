// Runs the web studio: the studio's services in a process of their own (main/services/process), and in this process
// only the web studio host that serves the renderer and carries the contract to them — what `npm start` falls back
// to when Electron is unavailable, and what the e2e tests drive. This process's event loop stays free for the page.
import { startServicesProcess, type ServicesHandle } from '../services/process/parent';
import type { ServicesStartOptions } from '../services/process/protocol';
import type { RestartPolicy } from '../services/process/supervision';
import { createSecretStore } from '../services/secrets';
import { startWebStudioHost, type WebStudioHost } from './host';

export interface WebStudio {
  services: ServicesHandle;
  host: WebStudioHost;
  close(): Promise<void>;
}

export async function runWebStudio(
  options: Omit<ServicesStartOptions, 'shell'> & { studioPort?: number; log?: (line: string) => void; restartPolicy?: RestartPolicy },
): Promise<WebStudio> {
  const log = options.log ?? (() => {});
  const services = await startServicesProcess({ ...options, shell: 'web', secrets: createSecretStore(options.dataDir, log), log });
  try {
    const host = await startWebStudioHost({
      call: (channel, request) => services.call(channel, request),
      audio: (bytes) => services.ingestAudio(bytes),
      media: (token) => services.mediaFile(token),
      services: { status: () => services.status(), onStatus: (listener) => services.onStatus(listener) },
      assetsDir: options.assetsDir,
      port: options.studioPort,
      log,
    });
    return {
      services,
      host,
      async close() {
        await host.close();
        await services.close();
      },
    };
  } catch (error) {
    await services.close();
    throw error;
  }
}
