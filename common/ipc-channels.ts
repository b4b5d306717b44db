// The contract's channel names alone, with no zod: Electron's sandboxed preload imports this and nothing heavier.
// common/ipc.ts checks at compile time that its table has exactly these entries.
export const IPC_CHANNELS = [
  'app:info',
  'settings:get',
  'settings:setMicrophone',
  'settings:setHostName',
  'settings:setLivekit',
  'audio:getProcessing',
  'audio:setProcessing',
  'spaces:create',
  'spaces:list',
  'spaces:open',
] as const;
export type IpcChannel = (typeof IPC_CHANNELS)[number];
