// The studio window's inbox for podium:// links (used by the preload). Imports nothing: a sandboxed preload can load
// no module but electron's, so everything it uses is bundled in, and this stays small.
/**
 * Holds the links main hands to the studio window until the studio listens for them. Main sends a link as soon as the
 * page has loaded (a cold start from a clicked podium:// link), but the studio subscribes only once it has started
 * (after its services answer); an IPC message with no listener is dropped, so without this the link that launched
 * Podium did nothing. Links wait here, are delivered in order to the first listener, and go straight through after.
 * At most `limit` wait (the newest are kept): a person clicking one link many times needs it opened once, not a pile.
 */
export function createLinkInbox(limit = 5): { deliver(url: string): void; listen(callback: (url: string) => void): () => void } {
  const waiting: string[] = [];
  let listener: ((url: string) => void) | null = null;
  return {
    deliver(url) {
      if (listener) return listener(url);
      if (waiting.at(-1) === url) return;
      waiting.push(url);
      if (waiting.length > limit) waiting.shift();
    },
    listen(callback) {
      listener = callback;
      for (const url of waiting.splice(0)) callback(url);
      return () => {
        if (listener === callback) listener = null;
      };
    },
  };
}
