// The studio's IPC contract: every call from the renderer to the main process, with runtime-checked request and
// response schemas. Electron's preload and the web studio's WebSocket bridge are both generated from this table,
// and main's handlers are typed as a mapped type over it, so a missing handler does not compile.
import { z } from 'zod';
import { DESKTOP_LINKS } from './desktop';
import type { IpcChannel } from './ipc-channels';
import type { Result } from './result';
import {
  activeRecordingSchema,
  addTrackSchema,
  loudnessSchema,
  markSchema,
  recorderStatusSchema,
  recordingEntrySchema,
  recordingRefSchema,
  stageSnapshotSchema,
  startRecordingSchema,
} from './recording';
import { createSpaceSchema, displayNameSchema, publicSpaceSchema, spaceIdSchema } from './space';
import { EVIDENCE_PART_BYTES } from './evidence';
import { reportKeySchema } from './reports';
import { cancelSpaceSchema, rescheduleSpaceSchema, scheduleSpaceSchema } from './schedule';

/** The host's announced spaces, followers and calendar feed, for the studio's lobby. */
export const hostOverviewSchema = z.object({
  upcoming: z.array(publicSpaceSchema),
  followers: z.number().int().nonnegative(),
  feedUrl: z.string(),
  webcalUrl: z.string(),
});
export type HostOverview = z.infer<typeof hostOverviewSchema>;

/** An evidence clip as the studio lists it. */
export const evidenceClipSchema = z.object({
  /** The file's name in the space's evidence folder: <key with _ for :>-<at>.wav. */
  file: z.string().regex(/^(person|pin)_[A-Za-z0-9_-]{1,40}-\d{1,16}\.wav$/),
  key: z.string(),
  at: z.number().int(),
  name: z.string(),
  durationMs: z.number().int().nonnegative(),
  peaks: z.array(z.number().min(0).max(1)),
});
export type EvidenceClip = z.infer<typeof evidenceClipSchema>;

export { IPC_CHANNELS, type IpcChannel } from './ipc-channels';

/** A URL the SDKs and `new URL()` accept, with a ws(s) scheme: a bad one would stop the studio at its next start. */
export const livekitUrlSchema = z
  .string()
  .max(500)
  .refine((u) => /^wss?:\/\/\S+$/.test(u) && URL.canParse(u), 'the LiveKit URL starts with wss:// (or ws:// for a local server)');

export const livekitSettingsSchema = z.discriminatedUnion('mode', [
  /** A livekit-server started on loopback by the studio itself. */
  z.object({ mode: z.literal('embedded') }),
  /** No LiveKit: the embedded space server runs mediasoup itself (server/sfu/mediasoup), so no Go toolchain is needed. */
  z.object({ mode: z.literal('mediasoup') }),
  /** LiveKit Cloud or a self-hosted node/cluster. */
  z.object({
    mode: z.literal('custom'),
    url: livekitUrlSchema,
    apiKey: z.string().min(1).max(200),
  }),
]);

/** How the host's microphone is processed before publishing; remembered per input device. */
export const processingSettingsSchema = z.object({
  noiseSuppression: z.boolean(),
  model: z.enum(['quality', 'lowCpu']),
  /** 0..1: how much of the suppressed signal replaces the original. */
  strength: z.number().min(0).max(1),
  gate: z.object({ enabled: z.boolean(), threshold: z.number().min(0).max(1) }),
  /** Off is right with headphones; on when speakers are in the room. */
  echoCancellation: z.boolean(),
});
export type ProcessingSettings = z.infer<typeof processingSettingsSchema>;
export const DEFAULT_PROCESSING: ProcessingSettings = {
  noiseSuppression: true,
  model: 'quality',
  strength: 1,
  gate: { enabled: false, threshold: 0.6 },
  echoCancellation: false,
};
/** Devices are remembered by label: browsers give each origin different device ids. */
export const deviceKeySchema = z.string().min(1).max(512);
export const MAX_REMEMBERED_DEVICES = 50;

/** A device as remembered: its id (per origin, and it can change with the USB port) and its label, for finding it again. */
export const rememberedDeviceSchema = z.object({ deviceId: z.string().max(512), label: z.string().max(512) });
export type RememberedDevice = z.infer<typeof rememberedDeviceSchema>;

export const settingsSchema = z.object({
  microphone: rememberedDeviceSchema.nullable(),
  /** Where the monitor plays; null or absent (settings from before it existed) means the system's default output. */
  output: rememberedDeviceSchema.nullable().optional(),
  hostName: z.string().trim().min(1).max(400),
  /** The person typed their name (in "Start a space" or the profile): until then the studio asks before a space. */
  hostNameChosen: z.boolean().optional(),
  livekit: livekitSettingsSchema,
  processing: z.record(deviceKeySchema, processingSettingsSchema).default({}),
});
export type Settings = z.infer<typeof settingsSchema>;

export const hostedSpaceSchema = z.object({
  space: publicSpaceSchema,
  /** The link listeners open. */
  shareUrl: z.string(),
  /** Where the studio speaks the space protocol. */
  protocolUrl: z.string(),
  /** The host's key for this space; only the studio that created it holds it. */
  credential: z.string(),
});
export type HostedSpace = z.infer<typeof hostedSpaceSchema>;

export const appInfoSchema = z.object({
  version: z.string(),
  shell: z.enum(['electron', 'web']),
  spaceServerUrl: z.string(),
  /** Where clients' SFU adapters connect (LiveKit's URL, or the space server's mediasoup signalling socket). */
  livekitUrl: z.string(),
  /** The SFU this run uses: the Audio server card's choice, or PODIUM_SFU over it. */
  sfu: z.enum(['livekit', 'mediasoup']),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

const none = z.undefined();

/**
 * What the desktop shell needs from the studio for its tray, global shortcut and notifications. The renderer is the
 * one that knows (the space may be on another server, the SFU is the renderer's), so it reports it.
 */
export const desktopStateSchema = z
  .object({
    /** A space this studio hosts or co-hosts is live. */
    live: z.boolean(),
    /** This studio is the space's host: only the host can end it. */
    canEnd: z.boolean(),
    /** The microphone is published, so muting means something. */
    onAir: z.boolean(),
    muted: z.boolean(),
    recording: z.boolean(),
    title: z.string().max(200).nullable(),
    /** Raised hands waiting (0 for someone who cannot moderate). */
    handsUp: z.number().int().min(0).max(1_000_000),
    /** Which connection is down while live (common/desktop.ts DESKTOP_LINKS). */
    link: z.enum(DESKTOP_LINKS),
    /** Moderators: open reports in the queue. */
    reportsOpen: z.number().int().min(0).max(1_000_000).optional(),
    /** Moderators: the newest case (the latest first report about someone), its key and who or what it is about. */
    newestReportKey: z.string().max(80).nullable().optional(),
    newestReportName: z.string().max(200).nullable().optional(),
    /** A scheduled space starts within 10 minutes (the studio's hostReminder decided): the desktop tells the host once. */
    reminderSpaceId: spaceIdSchema.nullable().optional(),
    reminderTitle: z.string().max(200).nullable().optional(),
  })
  .strict();
export type DesktopState = z.infer<typeof desktopStateSchema>;

/** The desktop's global mute shortcut as the settings show it; the web studio has none. */
export const shortcutStatusSchema = z.object({
  /** As a person reads it: "Ctrl+Shift+M", "⌘⇧M". */
  label: z.string(),
  registered: z.boolean(),
  /** One sentence for the settings: what works, or why not and what to do. */
  message: z.string(),
});
export type ShortcutStatus = z.infer<typeof shortcutStatusSchema>;

export const ipcContract = {
  'app:info': { request: none, response: appInfoSchema },
  'settings:get': { request: none, response: settingsSchema },
  'settings:setMicrophone': {
    request: z.object({ deviceId: z.string().max(512), label: z.string().max(512) }).strict(),
    response: settingsSchema,
  },
  /** The monitor's output device; null goes back to the system's default output. */
  'settings:setOutput': {
    request: z.object({ output: rememberedDeviceSchema.strict().nullable() }).strict(),
    response: settingsSchema,
  },
  'settings:setHostName': {
    request: z.object({ hostName: displayNameSchema }).strict(),
    response: settingsSchema,
  },
  'settings:setLivekit': {
    request: z.discriminatedUnion('mode', [
      z.object({ mode: z.literal('embedded') }).strict(),
      z.object({ mode: z.literal('mediasoup') }).strict(),
      z
        .object({
          mode: z.literal('custom'),
          url: livekitUrlSchema,
          apiKey: z.string().min(1).max(200),
          apiSecret: z.string().min(1).max(500),
        })
        .strict(),
    ]),
    response: settingsSchema,
  },
  'audio:getProcessing': {
    request: z.object({ deviceKey: deviceKeySchema }).strict(),
    response: processingSettingsSchema,
  },
  'audio:setProcessing': {
    request: z.object({ deviceKey: deviceKeySchema, settings: processingSettingsSchema.strict() }).strict(),
    response: processingSettingsSchema,
  },
  /** The studio's state for the desktop tray and notifications; answers the global mute shortcut's status. */
  'desktop:state': {
    request: desktopStateSchema,
    response: z.object({ ok: z.literal(true), shortcut: shortcutStatusSchema.nullable() }),
  },
  'spaces:create': { request: createSpaceSchema.strict(), response: hostedSpaceSchema },
  'spaces:list': { request: none, response: z.array(publicSpaceSchema) },
  'spaces:open': { request: z.object({ spaceId: spaceIdSchema }).strict(), response: hostedSpaceSchema },
  /** Announces a space for later (UTC start; the server refuses a start in the past). Not opened: it is listed. */
  'schedule:create': { request: scheduleSpaceSchema, response: publicSpaceSchema },
  /** New details and/or start of a scheduled space; listeners with its page open see it at once. */
  'schedule:update': { request: rescheduleSpaceSchema, response: publicSpaceSchema },
  'schedule:cancel': { request: cancelSpaceSchema, response: publicSpaceSchema },
  'schedule:overview': { request: none, response: hostOverviewSchema },
  // Local recording. Audio itself never goes through these calls: it travels as binary PCM frames
  // (common/recording.ts) over a MessagePort in Electron and binary WebSocket frames in the web studio.
  'recording:start': { request: startRecordingSchema, response: activeRecordingSchema },
  'recording:addTrack': { request: addTrackSchema, response: activeRecordingSchema },
  'recording:mark': { request: markSchema, response: activeRecordingSchema },
  /** Who is on stage now, for session.json's "who spoke when". */
  'recording:stage': { request: stageSnapshotSchema, response: z.object({ ok: z.literal(true) }) },
  'recording:stop': { request: recordingRefSchema, response: recordingEntrySchema },
  'recording:status': { request: none, response: recorderStatusSchema },
  'recordings:list': { request: none, response: z.array(recordingEntrySchema) },
  'recordings:delete': { request: recordingRefSchema, response: z.object({ deleted: z.literal(true) }) },
  /** Opens the folder in the system's file manager where there is one; always answers its path. */
  'recordings:reveal': { request: recordingRefSchema, response: z.object({ path: z.string(), opened: z.boolean() }) },
  /** A URL the studio page can play the mix (or the normalised export) from. */
  'recordings:mediaUrl': {
    request: z.object({ id: recordingEntrySchema.shape.id, file: z.enum(['mix', 'normalized']) }).strict(),
    response: z.object({ url: z.string() }),
  },
  /** Writes mix-normalized.wav: −16 LUFS integrated, true peak ≤ −1 dBTP. */
  'recordings:normalize': {
    request: recordingRefSchema,
    response: z.object({ entry: recordingEntrySchema, measured: loudnessSchema, gainDb: z.number(), limited: z.boolean() }),
  },
  'recordings:dismissRecovered': { request: none, response: recorderStatusSchema },
  /**
   * One part of an evidence clip (16 kHz mono 16-bit PCM, base64): the clip is written once its last part arrives.
   * `at` is when the report it belongs to came (the server's clock), which names the clip with its case's key.
   */
  'evidence:save': {
    request: z
      .object({
        spaceId: spaceIdSchema,
        key: reportKeySchema,
        at: z.number().int().nonnegative(),
        /** Who is heard (a speaker's name), for the clip's label. */
        name: z.string().max(200),
        part: z.number().int().min(0).max(31),
        parts: z.number().int().min(1).max(32),
        pcm: z.string().max(Math.ceil(EVIDENCE_PART_BYTES / 3) * 4).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'pcm is base64'),
      })
      .strict()
      .refine((r) => r.part < r.parts, 'part must be below parts'),
    response: z.object({ saved: z.boolean() }),
  },
  /** The clips kept for a space's reports, oldest first. */
  'evidence:list': { request: z.object({ spaceId: spaceIdSchema }).strict(), response: z.array(evidenceClipSchema) },
  /** A URL the studio page can play a clip from. */
  'evidence:mediaUrl': { request: z.object({ spaceId: spaceIdSchema, file: evidenceClipSchema.shape.file }).strict(), response: z.object({ url: z.string() }) },
} as const satisfies Record<IpcChannel, { request: z.ZodType; response: z.ZodType }>;

export type IpcContract = typeof ipcContract;
// Both directions: the table has no channel missing from IPC_CHANNELS, and none extra.
type ExactKeys<A, B> = [Exclude<keyof A, B>, Exclude<B, keyof A>] extends [never, never] ? true : never;
export const contractMatchesChannels: ExactKeys<IpcContract, IpcChannel> = true;
export type IpcRequest<C extends IpcChannel> = z.input<IpcContract[C]['request']>;
export type IpcParsedRequest<C extends IpcChannel> = z.output<IpcContract[C]['request']>;
export type IpcResponse<C extends IpcChannel> = z.output<IpcContract[C]['response']>;


/** The API the renderer sees as `window.podium`: one async function per contract entry. */
export type PodiumApi = {
  [C in IpcChannel]: (
    ...args: IpcRequest<C> extends undefined ? [] : [request: IpcRequest<C>]
  ) => Promise<Result<IpcResponse<C>>>;
};

export const WEB_BRIDGE_PATH = '/bridge';
