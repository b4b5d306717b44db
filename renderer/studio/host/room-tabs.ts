// Which tabs the Room panel offers and what their labels count (pure: tested in Node).

export type RoomTab = 'stage' | 'reports' | 'settings' | 'cohosts' | 'tickets' | 'blocked';

export interface RoomTabSpec {
  id: RoomTab;
  label: string;
  /** Shown as a small count beside the label; `alert` draws it in the accent (people are waiting). */
  count?: number;
  alert?: boolean;
  title: string;
}

export function roomTabs(input: { isHost: boolean; requests: number; cohosts: number; blocked: number; reports?: number }): RoomTabSpec[] {
  const tabs: RoomTabSpec[] = [
    {
      id: 'stage',
      label: 'Stage',
      count: input.requests > 0 ? input.requests : undefined,
      alert: input.requests > 0,
      title: input.requests === 0 ? 'Speakers and requests to speak' : `Speakers, and ${input.requests === 1 ? '1 request' : `${input.requests.toLocaleString('en')} requests`} to speak`,
    },
    {
      id: 'reports',
      label: 'Reports',
      count: input.reports ? input.reports : undefined,
      alert: (input.reports ?? 0) > 0,
      title: input.reports ? `${input.reports === 1 ? '1 open report' : `${input.reports.toLocaleString('en')} open reports`} from the room` : 'What people in the room reported',
    },
    { id: 'settings', label: 'Settings', title: 'Who can ask to speak, and how many seats' },
  ];
  // Co-hosts are the host's to choose: a co-host's panel has no such tab (the server refuses it too).
  // Counts only when there is something to count: a row of zeros is noise.
  if (input.isHost) tabs.push({ id: 'cohosts', label: 'Co-hosts', count: input.cohosts || undefined, title: 'Co-hosts and invite links' });
  // Tickets too: issuing and revoking them is the host's alone.
  if (input.isHost) tabs.push({ id: 'tickets', label: 'Tickets', title: 'Whether listeners need a ticket; issue and revoke tickets' });
  tabs.push({ id: 'blocked', label: 'Blocked', count: input.blocked || undefined, title: "People who can't join" });
  return tabs;
}
