// The real `clarity classify` / `clarity exclusions` / `clarity overrides` commands, spawned as a child
// process against a classification server started here (CLARITY_CLASSIFICATION_ADDR).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { readCsv } from '@clarity/kit';
import { startTestService } from './helpers.js';

const CLI = fileURLToPath(new URL('../../../cli/bin/clarity.js', import.meta.url));

function run(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env, CLARITY_HOME: mkdtempSync(join(tmpdir(), 'clarity-home-')) }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function readAll(path: string): Promise<Array<Record<string, string>>> {
  const rows: Array<Record<string, string>> = [];
  for await (const item of readCsv(createReadStream(path))) if (item.kind === 'row') rows.push(item.record);
  return rows;
}

describe('clarity classify (CLI)', () => {
  let t: Awaited<ReturnType<typeof startTestService>>;
  let env: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'clarity-classify-'));
  before(async () => {
    t = await startTestService();
    env = { CLARITY_CLASSIFICATION_ADDR: t.running.address };
  });
  after(() => t.close());

  it('classifies a CSV in batches, keeps the input columns, and reports bad rows by number', async () => {
    const input = join(dir, 'payees.csv');
    writeFileSync(
      input,
      [
        'vendor_id,Name,Address,City,State,Zip',
        '1,SMITH PLUMBING LLC,12 Peach St,Atlanta,GA,30303',
        '2,"VERA, ELIZABETH",,,,',
        '3,City of Atlanta,55 Trinity Ave SW,Atlanta,GA,30303',
        '4,"broken row with, too many, columns",x,y,z,w,v',
        '5,,,,,',
        '6,IRS,,,,',
        '7,James W. Trimble CPA,,,,',
        ...Array.from({ length: 30 }, (_, i) => `${100 + i},Acme Tools ${i} Inc,,,,`),
        '8,"Unclosed quote Inc,,,,',
        '9,Last Vendor LLC,,,,',
      ].join('\n'),
    );
    const output = join(dir, 'out.csv');
    const res = await run(['classify', input, '-o', output, '--batch-size', '7', '--concurrency', '3'], env);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /row 5: .*wrong number of columns|row 5: .*column/i, res.stderr);
    assert.match(res.stderr, /row 6: name: is required/, 'an empty name is reported with its row number (not its batch position)');
    assert.match(res.stderr, /row 39: a quote opened in this row is never closed/);
    const rows = await readAll(output);
    assert.equal(rows.length, 37, 'every good row is kept (the malformed ones are skipped), also after an unclosed quote');
    assert.deepEqual(Object.keys(rows[0]!).slice(0, 6), ['vendor_id', 'Name', 'Address', 'City', 'State', 'Zip']);
    for (const col of ['payee_type', 'subtype', 'confidence', 'excluded', 'exclusion_reason', 'naics', 'sic', 'evidence']) assert.ok(col in rows[0]!, col);
    const by = new Map(rows.map((r) => [r.vendor_id, r]));
    assert.equal(by.get('1')!.payee_type, 'BUSINESS');
    assert.equal(by.get('1')!.naics, '238220');
    assert.equal(by.get('1')!.sic, '1711');
    assert.match(by.get('1')!.evidence!, /legal_form\.llc/);
    assert.equal(by.get('2')!.payee_type, 'INDIVIDUAL');
    assert.equal(by.get('3')!.payee_type, 'GOVERNMENT');
    assert.equal(by.get('3')!.excluded, 'true');
    assert.match(by.get('3')!.exclusion_reason!, /government\/city/);
    assert.equal(by.get('5')!.payee_type, '');
    assert.match(by.get('5')!.error!, /name/);
    assert.equal(by.get('6')!.subtype, 'tax_authority');
    assert.equal(by.get('7')!.subtype, 'sole_proprietor');
    assert.equal(by.get('129')!.payee_type, 'BUSINESS', 'rows of later batches come back in order');
    assert.deepEqual(rows.map((r) => r.vendor_id), ['1', '2', '3', '5', '6', '7', ...Array.from({ length: 30 }, (_, i) => String(100 + i)), '9']);
  });

  it('reads a Windows-1252 export (Café as the byte E9) as its characters and says so', async () => {
    const input = join(dir, 'latin1.csv');
    writeFileSync(input, Buffer.concat([Buffer.from('id,name\n1,Zoë Holdings LLC\n2,Caf'), Buffer.from([0xe9]), Buffer.from(' Rouge LLC\n')]));
    const output = join(dir, 'latin1-out.csv');
    const res = await run(['classify', input, '-o', output], env);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /1 byte\(s\) were not UTF-8 and were read as Windows-1252 .* line 3/);
    assert.deepEqual((await readAll(output)).map((r) => r.name), ['Zoë Holdings LLC', 'Café Rouge LLC']);
  });

  it('fails clearly without a name column, and without a running service', async () => {
    const input = join(dir, 'noname.csv');
    writeFileSync(input, 'vendor,city\nAcme,Atlanta\n');
    const res = await run(['classify', input, '-o', join(dir, 'x.csv')], env);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /no "name" column/);
    const down = await run(['classify', '--name', 'ACME INC'], {});
    assert.equal(down.code, 3);
    assert.match(down.stderr, /clarity up/);
  });

  it('classifies one --name', async () => {
    const res = await run(['classify', '--name', 'Bank of America N.A.'], env);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /BUSINESS/);
    assert.match(res.stdout, /financial_institution/);
    assert.match(res.stdout, /exclusion/);
    const json = await run(['classify', '--name', 'VERA, ELIZABETH', '--json'], env);
    assert.equal(JSON.parse(json.stdout).normalizedName, 'VERA, ELIZABETH');
  });

  it('edits exclusion rules and overrides', async () => {
    let res = await run(['exclusions', 'add', '--keyword', 'Globex', '--list', 'financial', '--category', 'processor', '--type', 'business', '--subtype', 'financial_institution', '--reason', 'card processor'], env);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /financial\.processor\.globex/);
    res = await run(['exclusions', 'list', '--list', 'financial', '--category', 'processor'], env);
    assert.match(res.stdout, /Globex/);
    assert.match(res.stdout, /1 rule\(s\)/);
    res = await run(['classify', '--name', 'GLOBEX CORP'], env);
    assert.match(res.stdout, /excluded\s+true/);
    res = await run(['exclusions', 'remove', 'financial.processor.globex'], env);
    assert.equal(res.code, 0, res.stderr);
    res = await run(['exclusions', 'add', '--keyword', 'x', '--list', 'financial', '--match', 'fuzzy'], env);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /--match/);
    res = await run(['overrides', 'add', '--pattern', 'Initech', '--type', 'government', '--subtype', 'federal', '--note', 'test'], env);
    assert.equal(res.code, 0, res.stderr);
    res = await run(['overrides', 'list', '--json'], env);
    assert.equal(JSON.parse(res.stdout)[0].id, 'name.initech');
    res = await run(['classify', '--name', 'INITECH'], env);
    assert.match(res.stdout, /GOVERNMENT/);
    res = await run(['overrides', 'remove', 'name.initech'], env);
    assert.equal(res.code, 0, res.stderr);
    res = await run(['overrides', 'remove', 'name.initech'], env);
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /not found/);
  });
});
