// Reaps dead WebSocket peers: a laptop that slept or a link that vanished never sends a close frame, and without a
// probe its socket (and the seat it holds in a space) would linger until the kernel gives up, hours later.
import type { WebSocket, WebSocketServer } from 'ws';

/** Pings every client of `wss` each `intervalMs`; one that has not answered the previous ping is terminated. */
export function startHeartbeat(wss: WebSocketServer, intervalMs: number): () => void {
  const answered = new WeakMap<WebSocket, boolean>();
  const onPong = new WeakMap<WebSocket, () => void>();
  const timer = setInterval(() => {
    for (const ws of wss.clients) {
      if (!onPong.has(ws)) {
        // First sweep since this client connected: it gets one full interval to answer.
        const pong = () => answered.set(ws, true);
        onPong.set(ws, pong);
        ws.on('pong', pong);
      } else if (answered.get(ws) !== true) {
        ws.terminate();
        continue;
      }
      answered.set(ws, false);
      // ping() throws if the socket is not open yet or already closing; that one is on its way out anyway.
      if (ws.readyState === ws.OPEN) ws.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    for (const ws of wss.clients) {
      const pong = onPong.get(ws);
      if (pong) ws.off('pong', pong);
    }
  };
}
