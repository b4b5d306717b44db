// Runs the studio's main services plus the web studio host in this Node process — what `npm start` falls back to
// when Electron is unavailable, and what the e2e tests drive.
import { startStudioServices, type StudioOptions, type StudioServices } from '../services/studio';
import { startWebStudioHost, type WebStudioHost } from './host';

export interface WebStudio {
  services: StudioServices;
  host: WebStudioHost;
  close(): Promise<void>;
}

export async function runWebStudio(
  options: Omit<StudioOptions, 'shell'> & { studioPort?: number },
): Promise<WebStudio> {
  const services = await startStudioServices({ ...options, shell: 'web' });
  try {
    const host = await startWebStudioHost({
      handlers: services.handlers,
      audio: (bytes) => services.ingestAudio(bytes),
      media: (token) => services.mediaFile(token),
      assetsDir: options.assetsDir,
      port: options.studioPort,
      log: options.log,
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
