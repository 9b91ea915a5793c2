import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeCity, parseState, parseZip, streetKey, compareStreets } from '../src/domain/address.js';
import { foldExact, normalizeName, normalizedKey } from '../src/domain/normalize.js';
import { tokenSimilarity } from '../src/domain/similarity.js';

const tokens = (s: string) => normalizeName(s).main.tokens.join(' ');
const key = (s: string) => normalizedKey(normalizeName(s).main.tokens);

describe('name normalization', () => {
  it('folds case, punctuation and diacritics', () => {
    assert.equal(tokens('Café Société, Inc.'), 'CAFE SOCIETE');
    assert.equal(tokens("O'Brien's Pub"), 'OBRIEN PUB');
    assert.equal(tokens('  smith   plumbing  '), 'SMITH PLUMBING');
  });

  it('treats & and + as AND, and drops AND like other stop words', () => {
    assert.equal(key('Smith & Sons'), key('SMITH AND SONS'));
    assert.equal(key('S + L Holdings'), key('Savings and Loan Holdings'));
  });

  it('drops a leading THE and a trailing ", THE"', () => {
    assert.equal(tokens('The Salvation Army'), 'SALVATION ARMY');
    assert.equal(tokens('SALVATION ARMY, THE'), 'SALVATION ARMY');
  });

  it('strips legal suffixes in all their spellings', () => {
    const base = key('Acme Widgets');
    for (const s of ['ACME WIDGETS INC', 'Acme Widgets, Inc.', 'ACME WIDGETS INCORPORATED', 'Acme Widgets L.L.C.', 'ACME WIDGETS LLC', 'Acme Widgets Corp.',
      'ACME WIDGETS CORPORATION', 'Acme Widgets Co', 'ACME WIDGETS COMPANY', 'Acme Widgets Ltd', 'ACME WIDGETS PLLC', 'Acme Widgets, LLP',
      'ACME WIDGETS CO., INC.', 'Acme Widgets Limited Liability Company', 'ACME WIDGETS L L C', 'ACME WIDGETS INC OF GEORGIA'.replace(' OF GEORGIA', '')]) {
      assert.equal(key(s), base, s);
    }
    assert.deepEqual(normalizeName('Acme Widgets, L.L.C.').main.legalForms, ['LLC']);
    assert.equal(key('BANK OF AMERICA, N.A.'), key('Bank of America'));
  });

  it('never empties a name made only of legal words or stop words', () => {
    assert.equal(tokens('INC'), 'INC');
    assert.equal(tokens('The Company'), 'COMPANY');
    assert.equal(tokens('LLC'), 'LLC');
    assert.equal(tokens('THE'), 'THE');
  });

  it('maps common abbreviations both ways', () => {
    const pairs: Array<[string, string]> = [
      ['NATL ASSN OF LETTER CARRIERS', 'National Association of Letter Carriers'],
      ['ST JUDE CHILDRENS HOSP', 'Saint Jude Childrens Hospital'],
      ['FIRST NAT BK', 'First National Bank'],
      ['PEOPLES TR CO', 'Peoples Trust Company'],
      ['ABC PROPERTY MGMT SVCS', 'ABC Property Management Services'],
      ['BEAVER VALLEY FCU', 'Beaver Valley Federal Credit Union'],
      ['INTL BROTHERHOOD OF ELECTRICAL WORKERS', 'International Brotherhood of Electrical Workers'],
      ['1ST BAPTIST CH', 'First Baptist Church'],
      ['MT ZION MIN', 'Mount Zion Ministries'],
    ];
    for (const [a, b] of pairs) assert.equal(key(a), key(b), `${a} ~ ${b}`);
  });

  it('joins runs of single letters (initials, dotted acronyms)', () => {
    assert.equal(key('J. P. Morgan Chase'), key('JP MORGAN CHASE'));
    assert.equal(key('I.B.M.'), key('IBM'));
  });

  it('folds plurals', () => {
    assert.equal(key("St. John's Ministries"), key('ST JOHNS MINISTRY'));
  });

  it('splits DBA/AKA appendices into alternates and cuts care-of lines', () => {
    const p = normalizeName('John Smith DBA Smith Plumbing');
    assert.equal(p.main.tokens.join(' '), 'JOHN SMITH');
    assert.deepEqual(p.alternates.map((a) => a.tokens.join(' ')), ['SMITH PLUMBING']);
    assert.equal(normalizeName('ACME HOLDINGS LLC D/B/A ACME TOOLS').alternates[0]!.tokens.join(' '), 'ACME TOOL');
    assert.equal(normalizeName('Jane Roe a/k/a Jane Doe').alternates.length, 1);
    assert.equal(tokens('Windsor Improvement Corp C/O Harold Pyke'), 'WINDSOR IMPROVEMENT');
    assert.equal(tokens('Regulatory Assistance Project ATTN: Accounts Receivable'), 'REGULATORY ASSISTANCE PROJECT');
    assert.equal(tokens('FRIENDS OF THE LIBRARY % JOHN DOE'), 'FRIEND LIBRARY');
    // Nothing before the marker: the text is kept.
    assert.equal(tokens('C/O ACME CORP'), 'ACME');
  });

  it('is order-insensitive through the normalized key', () => {
    assert.equal(key('VERA, ELIZABETH'), key('Elizabeth Vera'));
  });

  it('transliterates non-Latin scripts instead of dropping them', () => {
    assert.equal(tokens('Газпром'), 'GAZPROM');
    assert.ok(tokens('株式会社トヨタ').length > 0);
    assert.equal(foldExact('  Café  de   Flore '), 'CAFE DE FLORE');
  });
});

describe('address parts', () => {
  it('reads ZIP codes in their sloppy real-world forms', () => {
    assert.deepEqual(parseZip('30260.0'), { ok: true, value: '30260' });
    assert.deepEqual(parseZip('05482-6908'), { ok: true, value: '05482' });
    assert.deepEqual(parseZip('054826908'), { ok: true, value: '05482' });
    assert.deepEqual(parseZip('5482'), { ok: true, value: '05482' });
    assert.deepEqual(parseZip(''), { ok: true, value: '' });
    assert.equal(parseZip('ABCDE').ok, false);
    assert.equal(parseZip('123456').ok, false);
    assert.equal(parseZip('30260.5').ok, false);
  });

  it('reads states as codes or names', () => {
    assert.deepEqual(parseState('ga'), { ok: true, value: 'GA' });
    assert.deepEqual(parseState('North Carolina'), { ok: true, value: 'NC' });
    assert.equal(parseState('Narnia').ok, false);
  });

  it('canonicalizes cities and streets', () => {
    assert.equal(normalizeCity('St. Simons Is.'), 'SAINT SIMONS ISLAND');
    assert.equal(normalizeCity('S Burlington'), normalizeCity('South Burlington'));
    assert.equal(compareStreets(streetKey('4066 Shelburne Road, Suite 2'), streetKey('4066 SHELBURNE RD STE 2')), 1);
    assert.equal(compareStreets(streetKey('12 Main St'), streetKey('14 Main Street')), -1);
    assert.equal(compareStreets(streetKey('PO Box 455'), streetKey('P.O. BOX 455')), 1);
  });
});

describe('token similarity', () => {
  it('scores typos, truncations and abbreviations', () => {
    assert.equal(tokenSimilarity('CONSTRUCTION', 'CONSTRUCTION'), 1);
    assert.ok(tokenSimilarity('CONSTRUCTON', 'CONSTRUCTION') > 0.85);
    assert.ok(tokenSimilarity('CONSTRCUTION', 'CONSTRUCTION') > 0.8); // transposition
    assert.equal(tokenSimilarity('CONSTR', 'CONSTRUCTION'), 0.8);
    assert.equal(tokenSimilarity('BLDG', 'BUILDING'), 0.7);
    assert.equal(tokenSimilarity('SMITH', 'JONES'), 0);
    assert.equal(tokenSimilarity('1234', '1235'), 0);
  });
});
