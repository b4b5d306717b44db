// Words from elsewhere (the space server, the browser) as the listener page and the studio's dialogs show them: one
// plain sentence, with a capital first letter, one full stop, and no code formatting.

export function sentence(message: string): string {
  const text = message.replace(/`/g, '').replace(/\s+/g, ' ').trim().replace(/^./, (c) => c.toUpperCase());
  return text === '' || /[.!?…]$/.test(text) ? text : `${text}.`;
}
