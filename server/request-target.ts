// Reads the path out of an HTTP request target without ever throwing. Handlers used `new URL(req.url, base)`, which
// throws on targets such as `//[` (read as a broken authority) — and a throw in a request or upgrade handler used to
// take the whole process down. Anything that is not an origin-form target (`/path?query`) is null: the caller
// answers 400.

// RFC 3986 pchar minus pct-encoded (checked separately), plus "/" between segments.
const PATH_CHAR = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/]$/;
const HEX = /^[0-9A-Fa-f]{2}$/;

/**
 * The path of an origin-form request target, still percent-encoded (as `URL.pathname` gives it), or null for
 * anything else: asterisk-form, absolute-form, authority-form, a target starting with `//` (which URL parsers read
 * as an authority), malformed percent-escapes, or characters outside RFC 3986's path set. The query is not
 * interpreted by any handler, so it only has to be visible ASCII (browsers leave `|`, `^`, `{` and such unescaped
 * there).
 */
export function requestPath(rawUrl: string | undefined): string | null {
  if (typeof rawUrl !== 'string' || !rawUrl.startsWith('/') || rawUrl.startsWith('//')) return null;
  const queryAt = rawUrl.indexOf('?');
  const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  for (let i = 0; i < path.length; i++) {
    const ch = path[i]!;
    if (ch === '%') {
      if (!HEX.test(path.slice(i + 1, i + 3))) return null;
      i += 2;
    } else if (!PATH_CHAR.test(ch)) return null;
  }
  if (queryAt !== -1) {
    for (let i = queryAt + 1; i < rawUrl.length; i++) {
      const code = rawUrl.charCodeAt(i);
      if (code < 0x21 || code > 0x7e || code === 0x23 /* # */) return null;
    }
  }
  return path;
}
