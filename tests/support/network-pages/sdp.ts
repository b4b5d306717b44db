// SDP edits the bad-network bench needs to measure what has no publish option. Pure, unit-tested.

/** Sets Opus in-band FEC on or off in every Opus fmtp line of `sdp` (adding the parameter where it is missing). */
export function withOpusFec(sdp: string, on: boolean): string {
  const opus = new Set<string>();
  for (const m of sdp.matchAll(/^a=rtpmap:(\d+) opus\/48000/gim)) opus.add(m[1]!);
  return sdp.replace(/^a=fmtp:(\d+) (.*)$/gm, (line, pt: string, params: string) => {
    if (!opus.has(pt)) return line;
    const value = `useinbandfec=${on ? 1 : 0}`;
    const clean = params.replace(/\r$/, '');
    const cr = params.endsWith('\r') ? '\r' : '';
    return /useinbandfec=\d/.test(clean) ? `a=fmtp:${pt} ${clean.replace(/useinbandfec=\d/, value)}${cr}` : `a=fmtp:${pt} ${clean};${value}${cr}`;
  });
}
