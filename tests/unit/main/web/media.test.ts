// Byte ranges for playing a recording (the web studio and Electron's app scheme answer with the same plan).
import { describe, expect, it } from 'vitest';
import { planMediaResponse } from '../../../../main/web/media';

describe('media ranges', () => {
  it('answers the whole file, a range, an open range and a suffix', () => {
    expect(planMediaResponse(1000, undefined)).toMatchObject({ status: 200, range: { start: 0, end: 999 }, headers: { 'Content-Length': '1000' } });
    expect(planMediaResponse(1000, 'bytes=100-199')).toMatchObject({ status: 206, range: { start: 100, end: 199 }, headers: { 'Content-Range': 'bytes 100-199/1000' } });
    expect(planMediaResponse(1000, 'bytes=900-')).toMatchObject({ status: 206, range: { start: 900, end: 999 } });
    expect(planMediaResponse(1000, 'bytes=-100')).toMatchObject({ status: 206, range: { start: 900, end: 999 } });
    expect(planMediaResponse(1000, 'bytes=990-5000')).toMatchObject({ status: 206, range: { start: 990, end: 999 } });
  });

  it('ignores what is not a range, and refuses what the file cannot satisfy', () => {
    // Last byte before first: not a range (RFC 9110), so the whole file.
    expect(planMediaResponse(1000, 'bytes=5-2').status).toBe(200);
    for (const junk of ['bytes=0-1,5-6', 'items=0-1', 'bytes=-', 'bytes=abc-']) expect(planMediaResponse(1000, junk).status, junk).toBe(200);
    expect(planMediaResponse(1000, 'bytes=1000-')).toMatchObject({ status: 416, range: null, headers: { 'Content-Range': 'bytes */1000' } });
    expect(planMediaResponse(1000, `bytes=${'9'.repeat(30)}-`).status).toBe(416);
  });

  it('has nothing to stream for an empty file', () => {
    expect(planMediaResponse(0, undefined)).toMatchObject({ status: 200, range: null });
    expect(planMediaResponse(0, 'bytes=0-').status).toBe(416);
  });
});
