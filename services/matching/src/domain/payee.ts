// Turning a Payee from a request into a match query, with field violations for what cannot be used:
// empty or invisible names, names over the length limit, names with nothing matchable in any script,
// ZIP codes and states that are not US values, tax ids that are not 9 digits. Sloppy but unambiguous
// forms are accepted ("30260.0", "5482", "California", control characters inside a name).
import { checkText, type FieldViolations } from '@clarity/kit';
import type { Payee } from '@clarity/proto/clarity/common/v1/payee.js';
import { parseFreeform, parseState, parseZip } from './address.js';
import type { MatchQuery } from './matcher.js';
import { normalizeName } from './normalize.js';

export const MAX_NAME_LENGTH = 300;
const MAX_ADDRESS_FIELD = 200;

/** The match query for a payee; violations are added under `prefix` ("payee", "payees[3]"). */
export function payeeQuery(payee: Payee | undefined, prefix: string, v: FieldViolations): MatchQuery | undefined {
  if (!payee) {
    v.add(prefix, 'is required');
    return undefined;
  }
  const before = v.list.length;
  const name = checkText(v, payee.name, `${prefix}.name`, { required: true, maxLength: MAX_NAME_LENGTH });
  if (name && v.list.length === before && normalizeName(name).main.tokens.length === 0) {
    v.add(`${prefix}.name`, 'has no letters or digits to match');
  }
  const a = payee.address;
  let street = '';
  let city = '';
  let state = '';
  let postalCode = '';
  if (a) {
    const structured = Boolean(a.line1 || a.city || a.state || a.postalCode);
    const us = !a.countryCode || /^us(a)?$/i.test(a.countryCode.trim());
    if (structured) {
      street = checkText(v, a.line1, `${prefix}.address.line1`, { maxLength: MAX_ADDRESS_FIELD });
      city = checkText(v, a.city, `${prefix}.address.city`, { maxLength: MAX_ADDRESS_FIELD });
      const st = parseState(a.state);
      if (!st.ok && us) v.add(`${prefix}.address.state`, st.problem);
      else if (st.ok) state = st.value;
      const zip = parseZip(a.postalCode);
      if (!zip.ok && us) v.add(`${prefix}.address.postal_code`, zip.problem);
      else if (zip.ok) postalCode = zip.value;
    } else if (a.freeform) {
      const free = checkText(v, a.freeform, `${prefix}.address.freeform`, { maxLength: 500 });
      // A freeform address is read loosely: what cannot be parsed is simply not compared.
      const parsed = parseFreeform(free);
      street = parsed.line1;
      city = parsed.city;
      const st = parseState(parsed.state);
      state = st.ok ? st.value : '';
      const zip = parseZip(parsed.postalCode);
      postalCode = zip.ok ? zip.value : '';
    }
  }
  let taxId = '';
  if (payee.taxId && payee.taxId.trim()) {
    const digits = payee.taxId.replace(/[\s-]/g, '');
    if (!/^\d{9}$/.test(digits)) v.add(`${prefix}.tax_id`, 'must be 9 digits (12-3456789 or 123456789)');
    else taxId = digits;
  }
  if (v.list.length > before) return undefined;
  return { name, street, city, state, postalCode, taxId };
}
