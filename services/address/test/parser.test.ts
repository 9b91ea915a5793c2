// The parser on the hard cases users report, and its contract: labeled components in input order, typed
// fields, confidences in [0, 1], never an exception.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AddressKind, ComponentType } from '@clarity/proto/clarity/address/v1/address.js';
import { AddressParser, repairZip } from '../src/domain/parser.js';
import { TOKEN, tokenize } from '../src/domain/tokens.js';

const parser = new AddressParser();
const fields = (s: Parameters<AddressParser['parse']>[0]) => parser.parse(s).fields;

describe('parser: hard cases', () => {
  it('"10600 FOLSOM BLVD RANCHO CORDOVA 95670 CA" — ZIP before state, no commas', () => {
    const p = parser.parse('10600 FOLSOM BLVD RANCHO CORDOVA 95670 CA');
    assert.deepEqual(
      { n: p.fields.addressNumber, s: p.fields.streetName, t: p.fields.streetType, c: p.fields.city, st: p.fields.state, z: p.fields.zip },
      { n: '10600', s: 'FOLSOM', t: 'BLVD', c: 'RANCHO CORDOVA', st: 'CA', z: '95670' },
    );
    assert.equal(p.kind, AddressKind.ADDRESS_KIND_STREET);
    assert.ok(p.confidence > 0.8, `confidence ${p.confidence}`);
  });

  it('"38350 40TH ST EAST 100 PALMDALE CA" — post-directional and a bare unit number', () => {
    const f = fields('38350 40TH ST EAST 100 PALMDALE CA');
    assert.equal(f.addressNumber, '38350');
    assert.equal(f.streetName, '40TH');
    assert.equal(f.streetType, 'ST');
    assert.equal(f.streetPostdirection, 'EAST');
    assert.equal(f.unitId, '100');
    assert.equal(f.city, 'PALMDALE');
    assert.equal(f.state, 'CA');
  });

  it('PO boxes in their usual spellings', () => {
    for (const s of ['PO BOX 123 ATLANTA GA 30301', 'P.O. Box 123, Atlanta, GA 30301', 'POST OFFICE BOX 123 ATLANTA GA 30301']) {
      const p = parser.parse(s);
      assert.equal(p.fields.poBox, '123', s);
      assert.equal(p.kind, AddressKind.ADDRESS_KIND_PO_BOX, s);
      assert.equal(p.fields.city, s.includes('Atlanta') ? 'Atlanta' : 'ATLANTA', s);
      assert.equal(p.fields.zip, '30301', s);
    }
  });

  it('"% JOHN DOE" care-of lines, one-line and multi-line', () => {
    const one = parser.parse('% JOHN DOE PO BOX 123 ATLANTA GA 30301');
    assert.equal(one.fields.recipient, '% JOHN DOE');
    assert.equal(one.fields.poBox, '123');
    const multi = parser.parse('C/O ACME CORP\n4066 SHELBURNE RD STE 2\nSHELBURNE VT 05482');
    assert.equal(multi.fields.recipient, 'C/O ACME CORP');
    assert.equal(multi.fields.addressNumber, '4066');
    assert.equal(multi.fields.city, 'SHELBURNE');
    const structured = parser.parse({ recipient: '% JOHN DOE', line1: '4066 SHELBURNE RD', city: 'SHELBURNE', state: 'VT', postalCode: '05482' });
    assert.equal(structured.fields.recipient, '% JOHN DOE');
    assert.equal(structured.components[0]!.type, ComponentType.COMPONENT_TYPE_RECIPIENT);
  });

  it('suite, apartment and # unit forms', () => {
    assert.deepEqual(pick(fields('1200 MAIN ST SUITE 400 DALLAS TX 75202')), ['SUITE', '400']);
    assert.deepEqual(pick(fields('1200 Main St., Ste. 400, Dallas, TX 75202')), ['Ste', '400']);
    assert.deepEqual(pick(fields('55 ELM AVE APT 3B BOSTON MA 02108')), ['APT', '3B']);
    assert.deepEqual(pick(fields('55 ELM AVE # 12 BOSTON MA 02108')), ['#', '12']);
    assert.deepEqual(pick(fields({ line1: '55 ELM AVE', line2: 'UNIT 7', city: 'BOSTON', state: 'MA', postalCode: '02108' })), ['UNIT', '7']);
  });

  it('rural routes and highway contracts', () => {
    const rr = parser.parse('RR 2 BOX 152 GRAFTON VT 05146');
    assert.equal(rr.kind, AddressKind.ADDRESS_KIND_RURAL_ROUTE);
    assert.equal(rr.fields.ruralRoute, 'RR 2');
    assert.equal(rr.fields.poBox, '152');
    const hc = parser.parse('HC 68 BOX 12, PAHRUMP, NV 89060');
    assert.equal(hc.kind, AddressKind.ADDRESS_KIND_RURAL_ROUTE);
    assert.equal(hc.fields.ruralRoute, 'HC 68');
  });

  it('fractions, directionals and ZIP+4', () => {
    const p = parser.parse('123 1/2 N MAIN ST, SPRINGFIELD, IL 62701-1234');
    assert.equal(p.fields.addressNumber, '123 1/2');
    assert.equal(p.fields.streetPredirection, 'N');
    assert.equal(p.fields.zip, '62701');
    assert.equal(p.fields.zip4, '1234');
  });

  it('structured input: the caller says which field is the city, state and ZIP', () => {
    const p = parser.parse({ line1: '4066 SHELBURNE RD STE 2', city: 'SHELBURNE', state: 'VT', postalCode: '05482-6908' });
    assert.equal(p.fields.city, 'SHELBURNE');
    assert.equal(p.fields.state, 'VT');
    assert.equal(p.fields.zip, '05482');
    assert.equal(p.fields.zip4, '6908');
    assert.equal(p.fields.unitType, 'STE');
  });

  it('a street line that repeats the city / state / ZIP fields loses the repeated tail', () => {
    const p = parser.parse({ line1: '4066 SHELBURNE RD STE 2, SHELBURNE, VT 05482', city: 'Shelburne', state: 'VT', postalCode: '05482' });
    assert.equal(p.fields.addressNumber, '4066');
    assert.equal(p.fields.streetName, 'SHELBURNE');
    assert.equal(p.fields.unitId, '2');
    assert.equal(p.fields.city, 'Shelburne');
    assert.equal(p.tokens.filter((t) => t.label === 'PlaceName').length, 1);
    // A street named like the city keeps its name.
    assert.equal(parser.parse({ line1: '12 BOSTON POST RD', city: 'BOSTON', state: 'MA', postalCode: '02108' }).fields.streetName, 'BOSTON POST');
  });

  it('components are in input order with confidences in [0, 1]', () => {
    const p = parser.parse('4066 SHELBURNE RD STE 2, SHELBURNE, VT 05482');
    let last = -1;
    for (const c of p.components) {
      assert.ok(c.first > last);
      last = c.last;
      assert.ok(c.confidence >= 0 && c.confidence <= 1);
    }
    assert.equal(p.components.map((c) => c.text).join(' '), '4066 SHELBURNE RD STE 2 SHELBURNE VT 05482');
  });

  it('junk, empty and non-Latin input get a low-confidence parse, not an exception', () => {
    for (const s of ['', '   ', 'hello world', '東京都千代田区丸の内1-1', '!!!###', 'x'.repeat(5000)]) {
      const p = parser.parse(s);
      assert.ok(p.confidence <= 0.5, `${s.slice(0, 20)}: ${p.confidence}`);
    }
  });
});

describe('sloppy ZIPs', () => {
  it('reads spreadsheet floats, lost leading zeros and nine digits', () => {
    assert.deepEqual(repairZip('30260.0'), { zip: '30260', zip4: '', how: 'decimal' });
    assert.deepEqual(repairZip('5146'), { zip: '05146', zip4: '', how: 'leading-zero' });
    assert.deepEqual(repairZip('5146.0'), { zip: '05146', zip4: '', how: 'leading-zero' });
    assert.deepEqual(repairZip('956701234'), { zip: '95670', zip4: '1234', how: 'nine-digits' });
    assert.deepEqual(repairZip('95670-1234'), { zip: '95670', zip4: '1234' });
    assert.equal(repairZip('ABCDE'), undefined);
    assert.equal(repairZip('12'), undefined);
  });

  it('a structured postal_code of "30260.0" parses as ZIP 30260 and records the repair', () => {
    const p = parser.parse({ line1: '1 MAIN ST', city: 'MORROW', state: 'GA', postalCode: '30260.0' });
    assert.equal(p.fields.zip, '30260');
    assert.deepEqual(p.zipRepair, { original: '30260.0', zip: '30260', how: 'decimal' });
  });
});

function pick(f: { unitType: string; unitId: string }): [string, string] {
  return [f.unitType, f.unitId];
}

describe('tokenizer', () => {
  it('the ASCII scanner finds exactly the tokens of the Unicode pattern (random ASCII strings)', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const alphabet = 'aZ09_ ,;#&()%.\n\t\r-/\'"!x\u000b\u000c\u007f\u0000';
    for (let t = 0; t < 20_000; t++) {
      let s = '';
      for (let k = 0, len = rand(16); k < len; k++) s += alphabet[rand(alphabet.length)];
      const want = [...s.matchAll(TOKEN)].map((m) => `${m.index}:${m[0]}`);
      assert.deepEqual(tokenize(s).map((x) => `${x.start}:${x.raw}`), want, JSON.stringify(s));
    }
  });
});
