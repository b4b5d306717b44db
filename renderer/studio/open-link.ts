// What the desktop studio does with a clicked podium:// link (main has already turned it into a space's web link):
// a co-host invite joins as co-host — never silently on a server this studio has not used (joinAsCohost asks
// first); a link to one of this studio's own spaces opens it; any other space is a listener's link, which belongs
// in a browser.
import { joinAsCohost, openSpace, studio } from './controller';

declare global {
  interface Window {
    podiumLinks?: { onOpen(callback: (webUrl: string) => void): () => void };
  }
}

export function openLinkInStudio(webUrl: string): void {
  if (studio.get().target) {
    studio.set({ error: 'Leave the space you are in before opening another one from a link.' });
    return;
  }
  if (webUrl.includes('#cohost=')) {
    const problem = joinAsCohost(webUrl);
    if (problem) studio.set({ error: problem });
    return;
  }
  const id = /\/s\/([a-z0-9]{10})$/.exec(new URL(webUrl).pathname)?.[1];
  const own = studio.get().info?.spaceServerUrl;
  if (id && own && webUrl.startsWith(`${own}/s/`)) {
    void openSpace(id);
    return;
  }
  studio.set({ error: `That is a listener's link. Open it in a browser to listen: ${webUrl}` });
}

/** Subscribes to podium:// links when the studio runs in Electron; the web studio has none. */
export function listenForLinks(): () => void {
  return window.podiumLinks?.onOpen(openLinkInStudio) ?? (() => {});
}
