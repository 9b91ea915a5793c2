// Turning a request's PostalAddress into parser input, with field violations for what cannot be used:
// nothing to parse, text beyond the size limit, or a non-US country. Everything else — junk, non-Latin
// text, sloppy ZIPs — is parsed and gets a low-confidence verdict instead of an error.
import { checkText, cleanText, type FieldViolations } from '@clarity/kit';
import type { PostalAddress } from '@clarity/proto/clarity/common/v1/payee.js';
import type { AddressInput } from '../domain/parser.js';

const US_CODES = new Set(['', 'US', 'USA', 'PR', 'GU', 'VI', 'AS', 'MP', 'FM', 'MH', 'PW', 'UM']);

export function addressInput(address: PostalAddress | undefined, field: string, v: FieldViolations, maxChars: number): AddressInput | undefined {
  if (!address) {
    v.add(field, 'is required');
    return undefined;
  }
  const before = v.list.length;
  const text = (name: string, value: string, max = maxChars) => {
    // Line breaks matter in freeform (they separate lines): keep them, clean each line.
    if (name === 'freeform') {
      const flat = checkText(v, value.replace(/\r?\n/g, ' '), `${field}.freeform`, { maxLength: max });
      return flat === '' ? '' : value.split(/\r?\n/).map(cleanText).filter(Boolean).join('\n');
    }
    return checkText(v, value, `${field}.${name}`, { maxLength: max });
  };
  const input: AddressInput = {
    freeform: text('freeform', address.freeform, maxChars * 2),
    recipient: text('recipient', address.recipient),
    line1: text('line1', address.line1),
    line2: text('line2', address.line2),
    city: text('city', address.city),
    state: text('state', address.state),
    postalCode: text('postal_code', address.postalCode, 40),
  };
  const country = address.countryCode.trim().toUpperCase();
  if (!US_CODES.has(country)) v.add(`${field}.country_code`, `only US addresses are supported, got ${JSON.stringify(address.countryCode)}`);
  if (v.list.length > before) return undefined;
  if (!Object.values(input).some((s) => s && s.length > 0)) {
    v.add(field, 'is empty: give freeform, or line1 / city / state / postal_code');
    return undefined;
  }
  return input;
}
