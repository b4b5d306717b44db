// The listener page's state: the space (over the space protocol) and its audio (over the SFU adapter).
import { PROTOCOL_PATH, type ServerMessage } from '../../common/protocol';
import { SPACE_ID_PATTERN, type PublicSpace } from '../../common/space';
import { INITIAL_SFU_SNAPSHOT, type SfuAdapter, type SfuSnapshot } from '../sfu/adapter';
import { createLivekitAdapter } from '../sfu/livekit';
import { connectSpace, type ConnectionStatus } from '../state/space-connection';
import { createStore } from '../state/store';

export type ListenerPhase = 'loading' | 'not_found' | 'waiting' | 'live' | 'ended';

export interface ListenerState {
  phase: ListenerPhase;
  space: PublicSpace | null;
  listenerCount: number;
  protocol: ConnectionStatus;
  attempt: number;
  sfu: SfuSnapshot;
  listening: boolean;
  error: string | null;
}

export const listener = createStore<ListenerState>({
  phase: 'loading',
  space: null,
  listenerCount: 0,
  protocol: 'connecting',
  attempt: 0,
  sfu: INITIAL_SFU_SNAPSHOT,
  listening: false,
  error: null,
});

let sfu: SfuAdapter | null = null;

function phaseOf(space: PublicSpace): ListenerPhase {
  return space.status === 'scheduled' ? 'waiting' : space.status;
}

function handle(message: ServerMessage): void {
  switch (message.type) {
    case 'joined':
    case 'space':
      listener.set({ space: message.space, listenerCount: message.listenerCount, phase: phaseOf(message.space) });
      if (message.space.status === 'ended') void sfu?.disconnect();
      return;
    case 'media':
      void sfu?.connect(message.media).then(
        () => (listener.get().listening ? sfu?.startAudio() : undefined),
        (error: unknown) => listener.set({ error: `Could not connect to the audio: ${(error as Error).message}` }),
      );
      return;
    case 'error':
      if (message.code === 'not_found') listener.set({ phase: 'not_found' });
      else listener.set({ error: message.message });
      return;
    case 'pong':
      return;
    default:
      return;
  }
}

export function initListener(audioSink: HTMLElement): void {
  const id = /^\/s\/([^/]+)/.exec(location.pathname)?.[1] ?? '';
  if (!SPACE_ID_PATTERN.test(id)) {
    listener.set({ phase: 'not_found' });
    return;
  }
  sfu = createLivekitAdapter(audioSink);
  sfu.subscribe((snap) => listener.set({ sfu: snap }));
  connectSpace({
    url: `${location.origin.replace(/^http/, 'ws')}${PROTOCOL_PATH}`,
    join: { type: 'join', spaceId: id },
    onMessage: handle,
    onStatus: (protocol, attempt) => listener.set({ protocol, attempt }),
    isFinal: (m) => m.type === 'error' && m.code === 'not_found',
  });
}

/** Called from the Listen button: the click is what lets the browser play audio. */
export async function listen(): Promise<void> {
  listener.set({ listening: true });
  await sfu?.startAudio();
}
