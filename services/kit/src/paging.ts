// Page tokens for List RPCs (AIP-158 style page_size / page_token): opaque to callers, validated here.
import { invalidArgument } from './errors.js';

export function encodePageToken(state: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

export function decodePageToken<T extends Record<string, unknown>>(token: string, field = 'page_token'): T | undefined {
  if (!token) return undefined;
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as T;
  } catch {
    // fall through
  }
  throw invalidArgument([{ field, description: 'is not a token returned by this service' }]);
}

/** Clamps a requested page size: 0 means the default; more than `max` is capped. Negative is invalid. */
export function pageSize(requested: number, defaults: { default: number; max: number }, field = 'page_size'): number {
  if (requested < 0) throw invalidArgument([{ field, description: 'must not be negative' }]);
  if (requested === 0) return defaults.default;
  return Math.min(requested, defaults.max);
}
