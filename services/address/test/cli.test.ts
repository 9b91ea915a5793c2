// `clarity address <in.csv> -o <out.csv>` run as a real process against a real address service: both input
// layouts, column order, a malformed row reported by row number beside the good rows, a per-item error,
// a header without address columns, and no service to talk to.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { readCsv, store } from '@clarity/kit';
import { testRuntimeConfig } from '@clarity/kit/testing';
import { Readable } from 'node:stream';
import { startAddressService, type RunningAddressService } from '../src/server.js';

const cli = fileURLToPath(new URL('../../../cli/bin/clarity.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'clarity-address-cli-'));

function run(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env: { ...process.env, CLARITY_HOME: join(dir, 'home'), ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function readOut(path: string): Promise<Array<Record<string, string>>> {
  const rows: Array<Record<string, string>> = [];
  for await (const item of readCsv(Readable.from([readFileSync(path)]))) if (item.kind === 'row') rows.push(item.record);
  return rows;
}

describe('clarity address', () => {
  let running: RunningAddressService;
  let env: Record<string, string>;
  before(async () => {
    running = await startAddressService({ config: { runtime: testRuntimeConfig('address'), cacheTtlMs: 0, maxFieldChars: 500 }, store: new store.EmbeddedStore() });
    env = { CLARITY_ADDRESS_ADDR: running.address };
  });
  after(() => running.shutdown());

  it('one-line `address` column: every good row out, in order, with the added columns', async () => {
    const input = join(dir, 'one-line.csv');
    const rows = ['id,address,amount', '1,"10600 FOLSOM BLVD RANCHO CORDOVA 95670 CA",10', '2,"% JOHN DOE, PO BOX 123, ATLANTA GA 30301",20', '3,"too,many",columns,here', '4,hello world,30'];
    for (let k = 5; k <= 1203; k++) rows.push(`${k},"${k} MAIN ST BOSTON MA 02108",1`);
    writeFileSync(input, `${rows.join('\n')}\n`);
    const out = join(dir, 'one-line.out.csv');
    const r = await run(['address', input, '-o', out, '--batch-size', '200'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /row 4: .*skipped/);
    const result = await readOut(out);
    assert.equal(result.length, 1202);
    assert.deepEqual(result.map((x) => x.id).slice(0, 4), ['1', '2', '4', '5']);
    assert.deepEqual(result.map((x) => x.id).slice(-1), ['1203']);
    const header = readFileSync(out, 'utf8').split('\n')[0]!;
    assert.equal(header, 'id,address,amount,recipient,address_number,street_predirection,street_name,street_type,street_postdirection,unit_type,unit_id,po_box,city,state,zip,zip4,standardized,granularity,address_complete,possible_next_action,confidence,error');
    const first = result[0]!;
    assert.equal(first.address_number, '10600');
    assert.equal(first.city, 'RANCHO CORDOVA');
    assert.equal(first.standardized, '10600 FOLSOM BLVD RANCHO CORDOVA CA 95670');
    assert.equal(first.possible_next_action, 'ACCEPT');
    assert.equal(first.granularity, 'POSTAL_CODE');
    assert.equal(result[1]!.po_box, '123');
    assert.equal(result[1]!.recipient, '% JOHN DOE');
    assert.equal(result[2]!.possible_next_action, 'FIX');
    assert.equal(result[3]!.street_name, 'MAIN');
  });

  it('`street, city, state, zip` columns: input columns kept (colliding names as input_*), sloppy ZIPs read', async () => {
    const input = join(dir, 'columns.csv');
    writeFileSync(input, 'Vendor,Street,City,State,Zip\nACME,4066 Shelburne Road Suite 2,Shelburne,VT,5482\nBETA,1 Main St,Morrow,GA,30260.0\nEMPTY,,,,\n');
    const out = join(dir, 'columns.out.csv');
    const r = await run(['address', input, '-o', out], env);
    assert.equal(r.code, 0, r.stderr);
    const result = await readOut(out);
    assert.equal(result.length, 3);
    assert.equal(result[0]!.input_City, 'Shelburne');
    assert.equal(result[0]!.zip, '05482');
    assert.equal(result[0]!.unit_type, 'Suite');
    assert.equal(result[0]!.standardized, '4066 SHELBURNE RD STE 2 SHELBURNE VT 05482');
    assert.equal(result[1]!.zip, '30260');
    assert.equal(result[2]!.error, 'no address: the address columns of this row are empty', 'the batch position and RPC field names stay out of the row');
  });

  it('--line validates one address and prints its verdict and components; --json the full answer', async () => {
    const r = await run(['address', '--line', 'One World Trade Center, Suite 8500, New York, NY 10007'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /standardized\s+1 WORLD TRADE CTR STE 8500 NEW YORK NY 10007/);
    assert.match(r.stdout, /possible_next_action\s+CONFIRM/);
    assert.match(r.stdout, /OCCUPANCY_IDENTIFIER\s+8500/);
    const json = await run(['address', '--line', '123 Main St, Springfeld IL', '--json'], env);
    assert.equal(json.code, 0, json.stderr);
    const result = JSON.parse(json.stdout) as { verdict: { possibleNextAction: number }; zipCandidates: string[]; notes: string[] };
    assert.ok(result.zipCandidates.length > 1, 'a ZIP is missing: candidates from the corrected city');
    assert.ok(result.notes.some((n) => n.includes('spell-corrected to SPRINGFIELD')), result.notes.join('; '));
    const empty = await run(['address', '--line', '  '], env);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /INVALID_ARGUMENT/);
    const nothing = await run(['address'], env);
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, /give an input CSV file or --line/);
  });

  it('a header without address columns fails with exit code 2 and a hint', async () => {
    const input = join(dir, 'bad-header.csv');
    writeFileSync(input, 'name,amount\nACME,1\n');
    const r = await run(['address', input, '-o', join(dir, 'x.csv')], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot find the address columns/);
    assert.match(r.stderr, /street, city, state, zip/);
  });

  it('without a running service: exit code 3 and the hint to start the mesh', async () => {
    const input = join(dir, 'one.csv');
    writeFileSync(input, 'address\n1 MAIN ST BOSTON MA 02108\n');
    const r = await run(['address', input, '-o', join(dir, 'y.csv')], {});
    assert.equal(r.code, 3);
    assert.match(r.stderr, /clarity up/);
  });
});
