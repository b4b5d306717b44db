// The studio's recording pieces, for App and Lobby to place: the card beside a live space, the top bar's badge,
// the repaired-recording banner, and the recordings library (its card and how to open it).
export { RecordingCard } from './RecordingCard';
export { RecBadge, RecoveredBanner } from './RecordingStatus';
export { RecordingsCard } from './RecordingsLibrary';
export { openLibrary } from './library';
