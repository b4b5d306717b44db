// Which permission requests and checks the desktop studio grants: the microphone, to the studio's own top-level
// page, and nothing else — no camera, no screen, no notifications, nothing for an iframe or another page.
// Electron asks twice: a *check* (navigator.permissions, device labels in enumerateDevices) and a *request*
// (getUserMedia). Both must agree, or the studio sees a microphone it cannot open, or labels it may not read.
import { isAppUrl, parseUrl } from './app-page';

/** Electron's `details` for a permission request (PermissionRequest / MediaAccessPermissionRequest). */
export interface PermissionRequestDetails {
  isMainFrame?: boolean;
  requestingUrl?: string;
  mediaTypes?: readonly string[];
  securityOrigin?: string;
}

/** Electron's `details` for a permission check (PermissionCheckHandlerHandlerDetails). */
export interface PermissionCheckDetails {
  isMainFrame?: boolean;
  requestingUrl?: string;
  mediaType?: string;
  securityOrigin?: string;
  embeddingOrigin?: string;
}

/**
 * An origin Electron reports for the studio. For a custom scheme it may be serialised as "null" (an opaque origin,
 * which says nothing either way) or as podium-app://studio, with or without a trailing slash. Anything that
 * parses to another scheme or host is some other page. "null" is never enough by itself: the caller also needs
 * the page's own URL to be the studio's.
 */
function originMayBeApp(origin: string | undefined): boolean {
  if (origin === undefined || origin === '' || origin === 'null') return true;
  // An origin has no path: podium-app://studio (a non-special scheme parses to pathname '') or its GURL form with '/'.
  const pathname = parseUrl(origin)?.pathname;
  return isAppUrl(origin) && (pathname === '' || pathname === '/');
}

/**
 * getUserMedia from the studio: 'media' with exactly ['audio'] (a request that also wants the camera is refused
 * whole, as Chromium cannot grant half of it), from the main frame, where both the frame that asked and the
 * window's page are the studio's.
 */
export function grantPermissionRequest(input: {
  permission: string;
  /** webContents.getURL(): the window's page. */
  pageUrl: string | null | undefined;
  details: PermissionRequestDetails | null | undefined;
}): boolean {
  const { permission, pageUrl, details } = input;
  if (permission !== 'media' || !details) return false;
  const types = details.mediaTypes;
  return (
    Array.isArray(types) &&
    types.length === 1 &&
    types[0] === 'audio' &&
    details.isMainFrame === true &&
    isAppUrl(details.requestingUrl) &&
    isAppUrl(pageUrl) &&
    originMayBeApp(details.securityOrigin)
  );
}

/**
 * A permission check: 'media' for audio only, from the studio's main frame. The requesting frame's URL
 * (details.requestingUrl) is used when Electron gives it, else the window's page (webContents.getURL()); with
 * neither (a check made for no document, such as a service worker) the answer is no. requestingOrigin is not
 * trusted to say yes (it may be "null" for the studio itself), only to say no when it names another origin.
 */
export function grantPermissionCheck(input: {
  permission: string;
  /** webContents?.getURL(); Electron passes no webContents for some checks. */
  pageUrl: string | null | undefined;
  requestingOrigin: string | null | undefined;
  details: PermissionCheckDetails | null | undefined;
}): boolean {
  const { permission, pageUrl, requestingOrigin, details } = input;
  if (permission !== 'media' || !details) return false;
  if (details.mediaType !== 'audio' || details.isMainFrame !== true) return false;
  if (details.embeddingOrigin !== undefined && !originMayBeApp(details.embeddingOrigin)) return false;
  const frameUrl = details.requestingUrl ?? pageUrl;
  return (
    isAppUrl(frameUrl) &&
    (pageUrl === null || pageUrl === undefined || isAppUrl(pageUrl)) &&
    originMayBeApp(requestingOrigin ?? undefined) &&
    originMayBeApp(details.securityOrigin)
  );
}
