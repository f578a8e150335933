/** Opaque paging markers: a position after which the next page starts. Never repeated, never empty. */
import { InvalidRequestException } from '../../protocol/errors.js';

export function encodeMarker(position: readonly string[]): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** An absent or empty marker is the first page (api.md 1.5). */
export function decodeMarker(marker: string | undefined): string[] | undefined {
  if (!marker) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  } catch {
    // fall through
  }
  throw new InvalidRequestException(`Invalid marker '${marker.slice(0, 100)}': pass back the marker of the previous page unchanged`);
}
