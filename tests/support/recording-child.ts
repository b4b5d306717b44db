// A studio process that records and is then killed by the test (tests/integration/recording-crash.test.ts): it runs
// the real recorder host (worker thread and all) and feeds it a 440 Hz tone in real time, 100 ms per frame, printing
// how much it has handed over after each frame, as a live studio's taps would.
import { encodePcmFrame, RECORDING_SAMPLE_RATE as RATE } from '../../common/recording';
import { startRecordingHost } from '../../main/services/recording/host';

const [directory, dataDir] = process.argv.slice(2) as [string, string];
const host = await startRecordingHost({ directory, dataDir, log: (line) => console.error(line) });
const active = await host.call('start', { spaceId: 'abcde12345', title: 'Crash test' });
await host.call('addTrack', { id: active.id, track: { index: 0, kind: 'mix', participantId: '', name: 'Mix' } });
await host.call('addTrack', { id: active.id, track: { index: 1, kind: 'host', participantId: 'p0000000000000001', name: 'Ann' } });
console.log(`started ${active.id} ${active.folder}`);

const FRAME = RATE / 10;
let fed = 0;
const began = Date.now();
for (;;) {
  const samples = Float32Array.from({ length: FRAME }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * (fed + i)) / RATE));
  for (const track of [0, 1]) host.ingest(new Uint8Array(encodePcmFrame({ track, serial: active.serial, startFrame: fed, samples })));
  fed += FRAME;
  console.log(`fed ${fed}`);
  // Real time: the next frame when the clock says so, as audio arrives.
  const wait = began + (fed / RATE) * 1000 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
