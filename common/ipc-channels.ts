// The contract's channel names alone, with no zod: Electron's sandboxed preload imports this and nothing heavier.
// common/ipc.ts checks at compile time that its table has exactly these entries.
export const IPC_CHANNELS = [
  'app:info',
  'settings:get',
  'settings:setMicrophone',
  'settings:setOutput',
  'settings:setHostName',
  'settings:setLivekit',
  'audio:getProcessing',
  'audio:setProcessing',
  'desktop:state',
  'spaces:create',
  'spaces:list',
  'spaces:open',
  'recording:start',
  'recording:addTrack',
  'recording:mark',
  'recording:stage',
  'recording:stop',
  'recording:status',
  'recordings:list',
  'recordings:delete',
  'recordings:reveal',
  'recordings:mediaUrl',
  'recordings:normalize',
  'recordings:dismissRecovered',
] as const;
export type IpcChannel = (typeof IPC_CHANNELS)[number];
