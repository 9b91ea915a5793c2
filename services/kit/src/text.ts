// Shared checks for free text from callers (names, addresses): Unicode-normalized, control characters
// replaced, whitespace collapsed, length-limited, with field violations for what cannot be used.
import { FieldViolations } from './errors.js';

// C0/C1 controls, zero-width and bidi formatting characters, lone surrogates.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** NFC-normalizes, replaces control/format characters with spaces and collapses whitespace. */
export function cleanText(value: string): string {
  return value.normalize('NFC').replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
}

export interface TextRule {
  required?: boolean;
  /** Maximum length after cleaning (default 1000 characters). */
  maxLength?: number;
}

/**
 * Cleans `value` and records a violation on `field` when it is required but empty, or too long.
 * Returns the cleaned text ('' when absent).
 */
export function checkText(violations: FieldViolations, value: string | undefined, field: string, rule: TextRule = {}): string {
  const max = rule.maxLength ?? 1000;
  if (value !== undefined && value.length > max * 4) {
    // Do not spend time normalizing megabytes of input.
    violations.add(field, `is ${value.length} characters; the limit is ${max}`);
    return '';
  }
  const cleaned = value === undefined ? '' : cleanText(value);
  if (rule.required && cleaned === '') {
    violations.add(field, value && value.length > 0 ? 'contains no visible characters' : 'is required');
  } else if (cleaned.length > max) {
    violations.add(field, `is ${cleaned.length} characters; the limit is ${max}`);
  }
  return cleaned;
}
