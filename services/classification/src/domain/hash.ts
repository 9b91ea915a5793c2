// FNV-1a (32-bit) over UTF-16 code units: the one hash used for feature hashing and for the
// deterministic train / calibration / dev split, so scripts and runtime agree bit for bit.

export const FNV_OFFSET = 0x811c9dc5;

/** Continues an FNV-1a hash with the code units of `s`. */
export function fnvString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** Continues an FNV-1a hash with one code unit. */
export function fnvChar(h: number, c: number): number {
  return Math.imul(h ^ c, 0x01000193);
}

/** FNV-1a of a string, as an unsigned 32-bit integer. */
export function fnv1a(s: string): number {
  return fnvString(FNV_OFFSET, s) >>> 0;
}
