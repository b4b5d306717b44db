// A pin's caption: the host's words shown with the card ("The thread we're discussing"). Pins made before have none.
import type { Migration } from './index';

export const migration0050: Migration = {
  version: 50,
  name: 'pin-captions',
  up: `
    ALTER TABLE pins ADD COLUMN caption TEXT NOT NULL DEFAULT '';
  `,
};
