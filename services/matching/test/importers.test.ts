// The import formats over the real ImportSuppliers stream, on fixtures cut from the shared files.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { ClientError, Status } from 'nice-grpc-common';
import { fieldViolationsOf, invalidArgument } from '@clarity/kit';
import { IdentifierType, SupplierFormat, type ImportSuppliersRequest } from '@clarity/proto/clarity/matching/v1/matching.js';
import { PayeeSubtype, PayeeType } from '@clarity/proto/clarity/common/v1/types.js';
import { georgiaPppKey, validRoutingNumber } from '../src/domain/importers.js';
import { fixture, importFile, importFixture, importRecords, startTestService, type TestService } from './helpers.js';

const F = SupplierFormat;

async function rejects(p: Promise<unknown>, code: Status, field?: string): Promise<ClientError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ClientError, String(err));
    assert.equal(err.code, code, err.details);
    if (field) {
      const violations = (err as unknown as { extra?: unknown[] }).extra;
      assert.ok(JSON.stringify(violations ?? err.details).includes(field), `${field} not in ${JSON.stringify(violations)} / ${err.details}`);
    }
    return err;
  }
  assert.fail('expected an error');
}
void invalidArgument;
void fieldViolationsOf;

describe('IRS EO BMF import', () => {
  let t: TestService;
  before(async () => (t = await startTestService()));
  after(() => t.close());

  it('imports every row with EIN, address, in-care-of, SORT_NAME alias and type', async () => {
    const res = await importFixture(t.client, 'irs-eo-bmf-vt-sample.csv', F.SUPPLIER_FORMAT_IRS_EO_BMF);
    assert.equal(res.rowsRead, 52);
    assert.equal(res.inserted, 52);
    assert.equal(res.rejected, 0);
    const { supplier } = await t.client.getSupplier({ id: 'irs_eo_bmf:010180687' });
    assert.equal(supplier!.source, 'irs_eo_bmf');
    assert.equal(supplier!.sourceId, '010180687');
    assert.equal(supplier!.name, 'WINDSOR IMPROVEMENT CORPORATION');
    assert.equal(supplier!.address!.line1, 'PO BOX 455');
    assert.equal(supplier!.address!.postalCode, '05089-0455');
    assert.equal(supplier!.address!.recipient, '% HAROLD PYKE');
    assert.deepEqual(supplier!.identifiers, [{ type: IdentifierType.IDENTIFIER_TYPE_EIN, value: '010180687' }]);
    assert.equal(supplier!.payeeType, PayeeType.PAYEE_TYPE_BUSINESS);
    assert.equal(supplier!.payeeSubtype, PayeeSubtype.PAYEE_SUBTYPE_NONPROFIT);
    assert.equal(supplier!.attributes.ntee_cd, 'S30');
    assert.equal(supplier!.synthetic, false);
    assert.ok(supplier!.createTime instanceof Date);
    const withAlias = await t.client.listSuppliers({ source: 'irs_eo_bmf', pageSize: 1000, pageToken: '' });
    assert.equal(withAlias.suppliers.filter((s) => s.aliases.length > 0).length, 8);
  });

  it('is idempotent: re-importing the same file changes nothing', async () => {
    const before = (await t.client.getSupplier({ id: 'irs_eo_bmf:010180687' })).supplier!;
    const res = await importFixture(t.client, 'irs-eo-bmf-vt-sample.csv', F.SUPPLIER_FORMAT_IRS_EO_BMF, { gzip: true });
    assert.deepEqual([res.inserted, res.updated, res.unchanged, res.rejected], [0, 0, 52, 0]);
    const again = (await t.client.getSupplier({ id: 'irs_eo_bmf:010180687' })).supplier!;
    assert.deepEqual(again.updateTime, before.updateTime);
  });

  it('updates changed rows in place, keeping create_time and bumping update_time', async () => {
    const before = (await t.client.getSupplier({ id: 'irs_eo_bmf:010180687' })).supplier!;
    const text = readFileSync(fixture('irs-eo-bmf-vt-sample.csv'), 'utf8').replace('010180687,WINDSOR IMPROVEMENT CORPORATION,% HAROLD PYKE,PO BOX 455', '010180687,WINDSOR IMPROVEMENT CORPORATION,% HAROLD PYKE,PO BOX 999');
    const res = await importFile(t.client, Buffer.from(text), F.SUPPLIER_FORMAT_IRS_EO_BMF);
    assert.deepEqual([res.inserted, res.updated, res.unchanged], [0, 1, 51]);
    const after = (await t.client.getSupplier({ id: 'irs_eo_bmf:010180687' })).supplier!;
    assert.equal(after.address!.line1, 'PO BOX 999');
    assert.deepEqual(after.createTime, before.createTime);
    assert.ok(after.updateTime!.getTime() > before.updateTime!.getTime());
  });

  it('reports malformed rows with their row numbers while the good rows land', async () => {
    // The IRS files end lines with CRLF.
    const lines = readFileSync(fixture('irs-eo-bmf-vt-sample.csv'), 'utf8').trimEnd().split('\r\n');
    const header = lines[0]!;
    const good = lines[1]!.replace(/^010180687,WINDSOR IMPROVEMENT CORPORATION/, '990000001,NEW GOOD ROW INC');
    const badEin = lines[2]!.replace(/^\d+,/, '12345,');
    const emptyName = lines[3]!.replace(/^(\d+),[^,]*,/, '$1,,');
    const wrongColumns = '990000002,TOO FEW COLUMNS';
    const alsoGood = lines[4]!.replace(/^\d+,[^,]*/, '990000003,ANOTHER GOOD ROW');
    const res = await importFile(t.client, Buffer.from([header, good, badEin, emptyName, wrongColumns, alsoGood].join('\r\n')), F.SUPPLIER_FORMAT_IRS_EO_BMF);
    assert.equal(res.rowsRead, 5, JSON.stringify(res));
    assert.equal(res.inserted, 2);
    assert.equal(res.rejected, 3);
    assert.deepEqual(res.errors.map((e) => e.row), [3, 4, 5]);
    assert.equal(res.errors[0]!.field, 'EIN');
    assert.equal(res.errors[1]!.field, 'NAME');
    assert.match(res.errors[2]!.message, /column/i);
    assert.equal((await t.client.getSupplier({ id: 'irs_eo_bmf:990000003' })).supplier!.name, 'ANOTHER GOOD ROW');
  });

  it('rejects a file whose header is not the layout named, storing nothing', async () => {
    const before = (await t.client.getIndexStats({})).supplierCount;
    await rejects(importFixture(t.client, 'irs-eo-bmf-vt-sample.csv', F.SUPPLIER_FORMAT_SBA_PPP_GEORGIA), Status.INVALID_ARGUMENT, 'header.format');
    assert.equal((await t.client.getIndexStats({})).supplierCount, before);
  });

  it('rejects chunks that are not gzip when header.gzip is set', async () => {
    async function* reqs(): AsyncGenerator<ImportSuppliersRequest> {
      yield { header: { format: F.SUPPLIER_FORMAT_IRS_EO_BMF, fileName: 'x', source: '', columnMapping: {}, dryRun: false, gzip: true } };
      yield { chunk: Buffer.from('EIN,NAME\n1,2\n') };
    }
    await rejects(t.client.importSuppliers(reqs()), Status.INVALID_ARGUMENT, 'gzip');
  });

  it('requires the header first and one kind of payload', async () => {
    async function* noHeader(): AsyncGenerator<ImportSuppliersRequest> {
      yield { chunk: Buffer.from('EIN,NAME\n') };
    }
    await rejects(t.client.importSuppliers(noHeader()), Status.INVALID_ARGUMENT, 'header');
    async function* mixed(): AsyncGenerator<ImportSuppliersRequest> {
      yield { header: { format: F.SUPPLIER_FORMAT_IRS_EO_BMF, fileName: 'x', source: '', columnMapping: {}, dryRun: false, gzip: false } };
      yield { chunk: readFileSync(fixture('irs-eo-bmf-vt-sample.csv')) };
      yield { records: { suppliers: [] } };
    }
    await rejects(t.client.importSuppliers(mixed()), Status.INVALID_ARGUMENT, 'records');
  });

  it('stores nothing on a dry run', async () => {
    const text = readFileSync(fixture('irs-eo-bmf-vt-sample.csv'), 'utf8').replace(/^010180687,/m, '990000009,');
    const res = await importFile(t.client, Buffer.from(text), F.SUPPLIER_FORMAT_IRS_EO_BMF, { dryRun: true });
    assert.equal(res.inserted, 1);
    await rejects(t.client.getSupplier({ id: 'irs_eo_bmf:990000009' }), Status.NOT_FOUND);
  });
});

describe('SBA PPP import', () => {
  let t: TestService;
  before(async () => (t = await startTestService()));
  after(() => t.close());

  it('imports the Georgia layout with the documented stable key, ZIP and state', async () => {
    const res = await importFixture(t.client, 'ga-ppp-sample.csv', F.SUPPLIER_FORMAT_SBA_PPP_GEORGIA, { gzip: true });
    assert.equal(res.rowsRead, 44);
    assert.equal(res.inserted, 44);
    const key = georgiaPppKey('Albany Area Primary Health Care, Inc.', '204 N Westover Blvd', '31701', '2020-04-09');
    assert.match(key, /^ga-[0-9a-f]{16}$/);
    const { supplier } = await t.client.getSupplier({ id: `sba_ppp:${key}` });
    assert.equal(supplier!.name, 'Albany Area Primary Health Care, Inc.');
    assert.equal(supplier!.address!.postalCode, '31701');
    assert.equal(supplier!.address!.state, 'GA');
    assert.equal(supplier!.industryCodes[0]!.code, '621610');
    assert.equal(supplier!.payeeSubtype, PayeeSubtype.PAYEE_SUBTYPE_NONPROFIT);
    assert.equal(supplier!.attributes.date_approved, '2020-04-09');
    // The two loans with the same recipient, address, ZIP and date keep distinct keys.
    const signal = georgiaPppKey('Signal Systems Inc', '6290 Abbotts Bridge Rd Ste 403', '31323', '2020-05-01');
    assert.ok((await t.client.getSupplier({ id: `sba_ppp:${signal}` })).supplier);
    assert.ok((await t.client.getSupplier({ id: `sba_ppp:${signal}-2` })).supplier);
    // Rows whose name the SBA withheld are kept (with their address), not rejected.
    const listed = await t.client.listSuppliers({ source: 'sba_ppp', pageSize: 100, pageToken: '' });
    assert.equal(listed.suppliers.filter((s) => s.name === '').length, 2);
    const again = await importFixture(t.client, 'ga-ppp-sample.csv', F.SUPPLIER_FORMAT_SBA_PPP_GEORGIA);
    assert.equal(again.unchanged, 44);
  });

  it('imports the national FOIA layout keyed by LoanNumber', async () => {
    const res = await importFixture(t.client, 'sba-ppp-foia-sample.csv', F.SUPPLIER_FORMAT_SBA_PPP_FOIA);
    assert.deepEqual([res.rowsRead, res.inserted, res.rejected], [6, 6, 0]);
    const { supplier } = await t.client.getSupplier({ id: 'sba_ppp:8112137108' });
    assert.equal(supplier!.name, 'ROBERT J. TATE DBA TATE LAWN CARE');
    assert.equal(supplier!.address!.state, 'GA');
    assert.equal(supplier!.payeeType, PayeeType.PAYEE_TYPE_INDIVIDUAL);
    assert.equal(supplier!.payeeSubtype, PayeeSubtype.PAYEE_SUBTYPE_SOLE_PROPRIETOR);
    assert.deepEqual(supplier!.identifiers, [{ type: IdentifierType.IDENTIFIER_TYPE_PPP_LOAN, value: '8112137108' }]);
    assert.equal(supplier!.attributes.franchise_name ?? '', '');
    assert.equal((await t.client.getSupplier({ id: 'sba_ppp:3375008301' })).supplier!.attributes.franchise_name, 'Subway');
    // The DBA name finds the borrower.
    const m = await t.client.match({ payee: { referenceId: '', name: 'Tate Lawn Care', address: undefined, amount: undefined, taxId: '', attributes: {} }, options: undefined });
    assert.equal(m.candidates[0]!.supplier!.id, 'sba_ppp:8112137108');
  });

  it('rejects FOIA rows without a usable LoanNumber', async () => {
    const text = readFileSync(fixture('sba-ppp-foia-sample.csv'), 'utf8').replace('9547507704,', 'N/A,');
    const res = await importFile(t.client, Buffer.from(text), F.SUPPLIER_FORMAT_SBA_PPP_FOIA);
    assert.equal(res.rejected, 1);
    assert.deepEqual(res.errors[0], { row: 2, field: 'LoanNumber', message: 'LoanNumber must be 6 to 12 digits, got "N/A"' });
  });
});

describe('FedACH import', () => {
  let t: TestService;
  before(async () => (t = await startTestService()));
  after(() => t.close());

  it('imports fixed-width records keyed by routing number', async () => {
    const res = await importFixture(t.client, 'fedach-sample.txt', F.SUPPLIER_FORMAT_FEDACH, { chunkSize: 100 });
    assert.deepEqual([res.rowsRead, res.inserted, res.rejected], [35, 35, 0]);
    const { supplier } = await t.client.getSupplier({ id: 'fedach:011000028' });
    assert.equal(supplier!.name, 'STATE STREET BANK AND TRUST COMPANY');
    assert.equal(supplier!.address!.city, 'N. QUINCY');
    assert.equal(supplier!.address!.state, 'MA');
    assert.equal(supplier!.address!.postalCode, '02171');
    assert.deepEqual(supplier!.identifiers, [{ type: IdentifierType.IDENTIFIER_TYPE_ROUTING_NUMBER, value: '011000028' }]);
    assert.equal(supplier!.payeeSubtype, PayeeSubtype.PAYEE_SUBTYPE_FINANCIAL_INSTITUTION);
    assert.equal(supplier!.attributes.office_code, 'O');
  });

  it('rejects short lines and bad check digits by line number', async () => {
    const lines = readFileSync(fixture('fedach-sample.txt'), 'latin1').split('\r\n');
    const badCheck = `011000029${lines[1]!.slice(9)}`;
    assert.equal(validRoutingNumber('011000029'), false);
    const text = [lines[0], 'TOO SHORT', badCheck, lines[2]].join('\r\n');
    const res = await importFile(t.client, Buffer.from(text, 'latin1'), F.SUPPLIER_FORMAT_FEDACH);
    assert.deepEqual(res.errors.map((e) => e.row), [2, 3]);
    assert.equal(res.unchanged, 2);
  });
});

describe('generic CSV import', () => {
  let t: TestService;
  before(async () => (t = await startTestService()));
  after(() => t.close());

  const csv = ['Vendor No,Vendor Name,DBA,Addr,Town,St,Zip,Tax ID', 'V-1,Acme Widgets LLC,Acme Tools;Acme Hardware,1 Main St,Springfield,IL,62701,12-3456789', 'V-2,Beta Services Inc,,2 Oak Ave,Peoria,IL,61602,', 'V-3,,,,,,,', 'V-4,Gamma Corp,,,,,,12345'].join('\n');
  const mapping = { source_id: 'Vendor No', name: 'Vendor Name', aliases: 'DBA', street: 'Addr', city: 'Town', state: 'St', postal_code: 'Zip', ein: 'Tax ID' };

  it('maps columns, splits aliases, validates EINs', async () => {
    const res = await importFile(t.client, Buffer.from(csv), F.SUPPLIER_FORMAT_GENERIC_CSV, { source: 'erp', columnMapping: mapping });
    assert.deepEqual([res.rowsRead, res.inserted, res.rejected], [4, 2, 2]);
    assert.deepEqual(res.errors.map((e) => [e.row, e.field]), [[4, 'vendor name'], [5, 'tax id']]);
    const { supplier } = await t.client.getSupplier({ id: 'erp:V-1' });
    assert.deepEqual(supplier!.aliases, ['Acme Tools', 'Acme Hardware']);
    assert.deepEqual(supplier!.identifiers, [{ type: IdentifierType.IDENTIFIER_TYPE_EIN, value: '123456789' }]);
    const m = await t.client.match({ payee: { referenceId: '', name: 'ACME HARDWARE', address: undefined, amount: undefined, taxId: '', attributes: {} }, options: undefined });
    assert.equal(m.candidates[0]!.supplier!.id, 'erp:V-1');
    assert.equal(m.candidates[0]!.supplier!.matchedName, 'Acme Hardware');
    const byEin = await t.client.match({ payee: { referenceId: '', name: 'ACME WIDGETS', address: undefined, amount: undefined, taxId: '12-3456789', attributes: {} }, options: undefined });
    assert.equal(byEin.candidates[0]!.supplier!.id, 'erp:V-1');
    assert.ok(byEin.candidates[0]!.score >= 0.99);
  });

  it('needs source_id and name mappings, known fields, existing columns and an unreserved source', async () => {
    await rejects(importFile(t.client, Buffer.from(csv), F.SUPPLIER_FORMAT_GENERIC_CSV, { columnMapping: { name: 'Vendor Name' } }), Status.INVALID_ARGUMENT, 'source_id');
    await rejects(importFile(t.client, Buffer.from(csv), F.SUPPLIER_FORMAT_GENERIC_CSV, { columnMapping: { ...mapping, colour: 'x' } }), Status.INVALID_ARGUMENT, 'colour');
    await rejects(importFile(t.client, Buffer.from(csv), F.SUPPLIER_FORMAT_GENERIC_CSV, { columnMapping: { ...mapping, city: 'City Name' } }), Status.INVALID_ARGUMENT, 'CITY NAME');
    await rejects(importFile(t.client, Buffer.from(csv), F.SUPPLIER_FORMAT_GENERIC_CSV, { source: 'fedach', columnMapping: mapping }), Status.INVALID_ARGUMENT, 'header.source');
  });

  it('rejects duplicate keys inside one file (the first row wins)', async () => {
    const dup = ['id,name', 'K1,First Name', 'K1,Second Name'].join('\n');
    const res = await importFile(t.client, Buffer.from(dup), F.SUPPLIER_FORMAT_GENERIC_CSV, { source: 'dups', columnMapping: { source_id: 'id', name: 'name' } });
    assert.equal(res.rejected, 1);
    assert.match(res.errors[0]!.message, /duplicate of row 2/);
    assert.equal((await t.client.getSupplier({ id: 'dups:K1' })).supplier!.name, 'First Name');
  });

  it('imports structured records and validates each one', async () => {
    const res = await importRecords(t.client, [
      { source: 'synthetic', sourceId: 'S1', name: 'Synthetic One LLC', synthetic: true },
      { source: 'custom', sourceId: '', name: 'No Id' },
      { source: 'custom', sourceId: 'C2', name: '   ' },
      { source: 'custom', sourceId: 'C3', name: 'Claims Synthetic', synthetic: true },
      { source: 'Bad Source!', sourceId: 'C4', name: 'X' },
    ]);
    assert.equal(res.inserted, 1);
    assert.deepEqual(res.errors.map((e) => [e.row, e.field]), [[2, 'source_id'], [3, 'name'], [4, 'synthetic'], [5, 'source']]);
    assert.equal((await t.client.getSupplier({ id: 'synthetic:S1' })).supplier!.synthetic, true);
  });
});
