// The real `clarity` commands against a real matching server started in-process.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { fixture, startTestService, type TestService } from './helpers.js';

const CLI = fileURLToPath(new URL('../../../cli/bin/clarity.js', import.meta.url));

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function parseCsv(text: string): string[][] {
  // Enough CSV for the output we write (quoted fields with commas).
  const rows: string[][] = [];
  for (const line of text.trimEnd().split('\n')) {
    const cells: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (ch === '"') quoted = false;
        else cur += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') {
        cells.push(cur);
        cur = '';
      } else cur += ch;
    }
    cells.push(cur);
    rows.push(cells);
  }
  return rows;
}

describe('clarity suppliers / match commands', () => {
  let t: TestService;
  let env: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'clarity-cli-'));
  before(async () => {
    t = await startTestService();
    env = { CLARITY_MATCHING_ADDR: t.running.address, CLARITY_HOME: dir };
  });
  after(() => t.close());

  it('imports a file (gzip stays gzip) and reports the counts', async () => {
    const gz = join(dir, 'eo_vt.csv.gz');
    writeFileSync(gz, gzipSync(readFileSync(fixture('irs-eo-bmf-vt-sample.csv'))));
    const r = await run(['suppliers', 'import', gz, '--format', 'irs-eo-bmf'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ROWS READ\s+INSERTED/);
    assert.match(r.stdout, /\s52\s+52\s+0\s+0\s+0/);
    const again = await run(['suppliers', 'import', gz, '--format', 'irs-eo-bmf'], env);
    assert.match(again.stdout, /\s52\s+0\s+0\s+52\s+0/);
    assert.match(r.stderr, /importing/);
  });

  it('imports a mapped CSV and writes rejected rows to --errors', async () => {
    const csv = join(dir, 'vendors.csv');
    writeFileSync(csv, 'Vendor No,Vendor Name,Zip\nV1,Peachtree Plumbing LLC,30303\nV2,,30303\n');
    const errors = join(dir, 'errors.csv');
    const r = await run(['suppliers', 'import', csv, '--format', 'csv', '--source', 'erp', '--map', 'source_id=Vendor No', '--map', 'name=Vendor Name', '--map', 'postal_code=Zip', '--errors', errors], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /row 3 \[vendor name\]/);
    assert.deepEqual(parseCsv(readFileSync(errors, 'utf8'))[1]!.slice(0, 2), ['3', 'vendor name']);
    const bad = await run(['suppliers', 'import', csv, '--format', 'csv', '--map', 'name=Vendor Name'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /INVALID_ARGUMENT.*source_id/);
    const fmt = await run(['suppliers', 'import', csv, '--format', 'xml'], env);
    assert.equal(fmt.code, 2);
  });

  it('generates a deterministic, labelled synthetic network', async () => {
    const r = await run(['suppliers', 'generate', '--count', '300', '--seed', '7'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /synthetic \(seed 7\)\s+300\s+300/);
    const again = await run(['suppliers', 'generate', '--count', '300', '--seed', '7'], env);
    assert.match(again.stdout, /\s300\s+0\s+0\s+300\s+0/);
    const got = await run(['suppliers', 'get', 'synthetic:SYN-7-0000001', '--json'], env);
    const s = JSON.parse(got.stdout) as { synthetic: boolean; source: string; name: string };
    assert.equal(s.synthetic, true);
    assert.equal(s.source, 'synthetic');
    const human = await run(['suppliers', 'get', 'synthetic:SYN-7-0000001'], env);
    assert.match(human.stdout, /SYNTHETIC/);
  });

  it('shows stats, lists and deletes', async () => {
    const stats = await run(['suppliers', 'stats', '--json'], env);
    const s = JSON.parse(stats.stdout) as { ready: boolean; supplierCount: number };
    assert.equal(s.ready, true);
    assert.equal(s.supplierCount, 52 + 1 + 300);
    const list = await run(['suppliers', 'list', '--source', 'erp'], env);
    assert.match(list.stdout, /erp:V1\s+Peachtree Plumbing LLC/);
    const del = await run(['suppliers', 'delete', 'erp:V1'], env);
    assert.equal(del.code, 0);
    const missing = await run(['suppliers', 'get', 'erp:V1'], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /NOT_FOUND/);
  });

  it('matches a payee file into one row per input row and candidate', async () => {
    const input = join(dir, 'payees.csv');
    writeFileSync(
      input,
      ['vendor_id,Name,street,city,state,zip', 'A1,Windsor Improvement Corp,,Windsor,VT,05089', 'A2,"Regulatory Asistance Project, Inc.",,,,', 'A3,Zzyzx Quuxbar Holdings,,,,', 'A4,,,,,', 'A5,Northern New England Schl. of Banking,,,VT,5601.0'].join('\n'),
    );
    const out = join(dir, 'matched.csv');
    const r = await run(['match', input, '-o', out, '--batch-size', '2', '--concurrency', '2'], env);
    assert.equal(r.code, 0, r.stderr);
    const rows = parseCsv(readFileSync(out, 'utf8'));
    const header = rows[0]!;
    assert.deepEqual(header, ['vendor_id', 'Name', 'street', 'city', 'state', 'zip', 'rank', 'supplier_id', 'source', 'source_id', 'supplier_name', 'supplier_city', 'supplier_state', 'supplier_zip', 'score', 'match_type', 'decision']);
    const col = (row: string[], name: string) => row[header.indexOf(name)]!;
    const byInput = (id: string) => rows.slice(1).filter((row) => row[0] === id);
    // Every input row appears, in input order.
    assert.deepEqual([...new Set(rows.slice(1).map((row) => row[0]))], ['A1', 'A2', 'A3', 'A4', 'A5']);
    const a1 = byInput('A1')[0]!;
    assert.equal(col(a1, 'supplier_id'), 'irs_eo_bmf:010180687');
    assert.equal(col(a1, 'rank'), '1');
    assert.equal(col(a1, 'source'), 'irs_eo_bmf');
    assert.equal(col(a1, 'source_id'), '010180687');
    assert.equal(col(a1, 'supplier_zip'), '05089');
    assert.match(col(a1, 'decision'), /MATCHED|REVIEW/);
    assert.equal(col(byInput('A2')[0]!, 'supplier_id'), 'irs_eo_bmf:010471151');
    const a3 = byInput('A3');
    assert.equal(a3.length, 1);
    assert.equal(col(a3[0]!, 'decision'), 'NO_MATCH');
    assert.equal(col(a3[0]!, 'supplier_id'), '');
    assert.equal(col(byInput('A4')[0]!, 'decision'), 'INVALID');
    assert.match(r.stderr, /row 5: .*name/);
    assert.equal(col(byInput('A5')[0]!, 'supplier_id'), 'irs_eo_bmf:010477533');
    assert.equal(col(byInput('A5')[0]!, 'supplier_zip'), '05601');
  });

  it('fails clearly without a name column or a running service', async () => {
    const input = join(dir, 'noname.csv');
    writeFileSync(input, 'payee\nAcme\n');
    const r = await run(['match', input, '-o', join(dir, 'x.csv')], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /needs a "name" column/);
    const noMesh = await run(['suppliers', 'stats'], { CLARITY_HOME: dir, CLARITY_MATCHING_ADDR: '' });
    assert.equal(noMesh.code, 3);
    assert.match(noMesh.stderr, /clarity up/);
  });
});
