// Secondary units of a parsed line as (designator, identifier) pairs in input order: "STE 100 PMB 1092"
// is two units; "# 12" is one with the designator "#"; a bare identifier has an empty designator.
import type { Token } from './tokens.js';

/** (designator, identifier) pairs of the secondary units, in input order. */
export function unitPairs(tokens: readonly Token[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  let current: [string, string] | undefined;
  for (const t of tokens) {
    if (t.label === 'IntersectionSeparator') break;
    if (t.label === 'OccupancyType' || t.label === 'SubaddressType') {
      // "34TH FLOOR", "2ND FL": a designator right after an identifier that has none is that unit's
      // designator (written after its number), not a unit of its own.
      if (current && current[1] && !current[0]) {
        current[0] = t.text;
        current = undefined;
        continue;
      }
      if (current && (current[1] || !current[0])) current = undefined;
      if (!current) pairs.push((current = ['', '']));
      current[0] = current[0] ? `${current[0]} ${t.text}` : t.text;
    } else if (t.label === 'OccupancyIdentifier' || t.label === 'SubaddressIdentifier') {
      if (t.text === '#') {
        if (!current || current[1]) pairs.push((current = ['#', '']));
        else if (!current[0]) current[0] = '#';
        continue;
      }
      if (!current) pairs.push((current = ['', '']));
      current[1] = current[1] ? `${current[1]} ${t.text.replace(/^#/, '')}` : t.text.replace(/^#/, '');
    } else if (current) {
      current = undefined;
    }
  }
  return pairs.filter(([d, i]) => d || i);
}

