// CSV row numbering and per-row errors; configuration validation (in-process and at process start).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, checkText, cleanText, encodingNote, FieldViolations, loadRuntimeConfig, readCsv, toUtf8, type CsvItem, type EncodingReport } from '../src/index.js';

async function collect(text: string): Promise<CsvItem[]> {
  const out: CsvItem[] = [];
  for await (const item of readCsv(Readable.from([Buffer.from(text)]))) out.push(item);
  return out;
}

describe('readCsv', () => {
  test('rows are numbered as a spreadsheet shows them (header = row 1; a quoted newline stays in its row)', async () => {
    const items = await collect('name,zip\nACME,30301\nJOE\'S DINER,30302\n"MULTI\nLINE",30303\nGAMMA\nDELTA,30304\n');
    assert.deepEqual(
      items.map((i) => (i.kind === 'row' ? [i.row, i.record.name] : [i.row, 'error'])),
      [[2, 'ACME'], [3, "JOE'S DINER"], [4, 'MULTI\nLINE'], [5, 'error'], [6, 'DELTA']],
    );
  });

  test('an unterminated quote at the end is reported, the rows before it kept', async () => {
    const items = await collect('name,zip\nACME,30301\n"BROKEN,30302\n');
    assert.deepEqual(items[0], { kind: 'row', row: 2, record: { name: 'ACME', zip: '30301' } });
    assert.equal(items.at(-1)?.kind, 'error');
  });

  test('a quote that is never closed spoils only its own row: the rows after it are read, numbered as before', async () => {
    // Read in small chunks, so the bytes after the last good record span several reads.
    const text = 'name,zip\nACME,30301\nGAMMA\nDELTA,30304\n"BROKEN,30305\nJOE\'S DINER,30306\n"MULTI\nLINE",30307\n"AGAIN\nLAST,30309';
    const chunks = Array.from({ length: Math.ceil(text.length / 7) }, (_, i) => Buffer.from(text.slice(i * 7, i * 7 + 7)));
    const got: CsvItem[] = [];
    for await (const item of readCsv(Readable.from(chunks))) got.push(item);
    assert.deepEqual(
      got.map((i) => (i.kind === 'row' ? `row ${i.row}: ${i.record.name}` : `error ${i.row}`)),
      ['row 2: ACME', 'error 3', 'row 4: DELTA', 'error 5', "row 6: JOE'S DINER", 'row 7: MULTI\nLINE', 'error 8', 'row 9: LAST'],
    );
    assert.match((got[1] as { message: string }).message, /wrong number of columns/);
    assert.match((got[3] as { message: string }).message, /quote opened in this row is never closed/);
  });

  test('numbering stays true across several malformed records', async () => {
    const got = await collect('a,b\n1,2\n3,4,5\n6,7\n"x\ny",8\n9,9,9\n10,11\n');
    assert.deepEqual(
      got.map((i) => (i.kind === 'row' ? `row ${i.row}: ${i.record.a}` : `error ${i.row}`)),
      ['row 2: 1', 'error 3', 'row 4: 6', 'row 5: x\ny', 'error 6', 'row 7: 10'],
    );
    assert.match((got[1] as { message: string }).message, /wrong number of columns/);
  });

  test('a row with the wrong number of columns names its row', async () => {
    const items = await collect('name,zip\nACME,30301\nGAMMA\nDELTA,30304\n');
    assert.deepEqual(items.map((i) => [i.kind, i.row]), [['row', 2], ['error', 3], ['row', 4]]);
  });

  test('BOM and CRLF are handled', async () => {
    const items = await collect('\ufeffname,zip\r\nACME,30301\r\n');
    assert.deepEqual(items, [{ kind: 'row', row: 2, record: { name: 'ACME', zip: '30301' } }]);
  });
});

describe('input encodings', () => {
  const fresh = (): EncodingReport => ({ encoding: 'utf-8', reinterpretedBytes: 0, firstLine: 0 });
  async function decode(chunks: Buffer[]): Promise<{ text: string; report: EncodingReport }> {
    const report = fresh();
    const out: Buffer[] = [];
    for await (const b of toUtf8(chunks, report)) out.push(b);
    return { text: Buffer.concat(out).toString('utf8'), report };
  }
  // Windows-1252 0x80–0x9F as printed in the code page chart (Node's TextDecoder('windows-1252') decodes
  // Latin-1 instead, so it cannot serve as the reference); 0xA0–0xFF are Latin-1.
  const CP1252_80_9F = '€\x81‚ƒ„…†‡ˆ‰Š‹Œ\x8DŽ\x8F\x90‘’“”•–—˜™š›œ\x9DžŸ';
  const cp1252 = { decode: (b: Buffer) => (b[0]! >= 0x80 && b[0]! < 0xa0 ? CP1252_80_9F[b[0]! - 0x80]! : b.toString('latin1')) };
  /** The expected decoding, byte by byte: TextDecoder's UTF-8 where it is valid, Windows-1252 elsewhere. */
  function reference(bytes: Buffer): string {
    let out = '';
    for (let i = 0; i < bytes.length; ) {
      let done = false;
      for (const n of [1, 2, 3, 4]) {
        const seq = bytes.subarray(i, i + n);
        if (seq.length < n) break;
        try {
          const s = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(seq);
          if ([...s].length === 1) {
            out += s;
            i += n;
            done = true;
            break;
          }
        } catch {
          // not a whole sequence of this length
        }
      }
      if (!done) out += cp1252.decode(bytes.subarray(i, ++i));
    }
    return out;
  }
  const splits = (b: Buffer, size: number) => Array.from({ length: Math.ceil(b.length / size) }, (_, i) => b.subarray(i * size, i * size + size));

  test('Windows-1252 bytes in a UTF-8 file are read as their characters, with a note naming the first line', async () => {
    const bytes = Buffer.concat([Buffer.from('name,city\nZoë Ltd,Zürich\n'), Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x93, 0x52, 0x94, 0x2c, 0x58, 0x0a])]);
    const report = fresh();
    const items: CsvItem[] = [];
    for await (const item of readCsv(Readable.from([bytes]), { encodingReport: report })) items.push(item);
    assert.deepEqual(items.map((i) => (i.kind === 'row' ? i.record.name : i.message)), ['Zoë Ltd', 'Café “R”']);
    assert.deepEqual(report, { encoding: 'utf-8+windows-1252', reinterpretedBytes: 3, firstLine: 3 });
    assert.match(encodingNote(report)!, /3 byte\(s\) were not UTF-8 .* Windows-1252 .* line 3/);
  });

  test('valid UTF-8 passes unchanged however it is cut into chunks', async () => {
    const text = 'name\nZoë – 株式会社 𝄞 Ünïcødé\n';
    const bytes = Buffer.from(text);
    for (let size = 1; size <= 7; size++) {
      const { text: got, report } = await decode(splits(bytes, size));
      assert.equal(got, text, `chunks of ${size}`);
      assert.equal(encodingNote(report), undefined);
    }
  });

  test('UTF-16 files (Excel "Unicode text") are read by their byte-order mark', async () => {
    const text = 'name,city\r\nCafé Rouge,Zürich\r\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    for (const [bytes, enc] of [[le, 'utf-16le'], [be, 'utf-16be']] as const) {
      const report = fresh();
      const items: CsvItem[] = [];
      for await (const item of readCsv(Readable.from(splits(bytes, 5)), { encodingReport: report })) items.push(item);
      assert.deepEqual(items, [{ kind: 'row', row: 2, record: { name: 'Café Rouge', city: 'Zürich' } }], enc);
      assert.equal(report.encoding, enc);
    }
  });

  test('random bytes in random chunks decode as valid UTF-8 where it is valid and Windows-1252 elsewhere', async () => {
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const pieces = [Buffer.from('é'), Buffer.from('€'), Buffer.from('𝄞'), Buffer.from('a\n'), Buffer.from([0xe9]), Buffer.from([0x80]), Buffer.from([0xc3]), Buffer.from([0xe2, 0x82]), Buffer.from([0xf0, 0x9d]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xff])];
    for (let round = 0; round < 300; round++) {
      const bytes = Buffer.concat(Array.from({ length: 1 + Math.floor(rand() * 12) }, () => pieces[Math.floor(rand() * pieces.length)]!));
      const { text } = await decode(splits(bytes, 1 + Math.floor(rand() * 4)));
      assert.equal(text, reference(bytes), bytes.toString('hex'));
    }
  });
});

describe('text checks', () => {
  test('control characters are replaced, whitespace collapsed, NFC applied', () => {
    assert.equal(cleanText('  ACME\u0000\tINC\u200b  \r\n'), 'ACME INC');
    assert.equal(cleanText('Cafe\u0301'), 'Café');
  });
  test('empty, blank and oversize values become field violations', () => {
    const v = new FieldViolations();
    checkText(v, '', 'payee.name', { required: true });
    checkText(v, ' \u0001 ', 'payees[1].name', { required: true });
    checkText(v, 'x'.repeat(20_000), 'payees[2].name', { maxLength: 1000 });
    assert.deepEqual(v.list.map((x) => x.field), ['payee.name', 'payees[1].name', 'payees[2].name']);
    assert.match(v.list[2]!.description, /limit is 1000/);
  });
});

describe('configuration', () => {
  test('bad values fail with every offending variable named', () => {
    assert.throws(
      () => loadRuntimeConfig('t', {}, { CLARITY_GRPC_PORT: 'abc', CLARITY_MAX_INFLIGHT: '0', CLARITY_LOG_LEVEL: 'loud' }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /CLARITY_GRPC_PORT: expected an integer between 0 and 65535, got "abc"/);
        assert.match(err.message, /CLARITY_MAX_INFLIGHT/);
        assert.match(err.message, /CLARITY_LOG_LEVEL: expected one of/);
        return true;
      },
    );
    assert.throws(() => loadRuntimeConfig('t', {}, { MONGODB_URI: 'postgres://x' }), /MONGODB_URI/);
    assert.throws(() => loadRuntimeConfig('t', {}, { CLARITY_TLS_CERT_FILE: '/x' }), /CLARITY_TLS_KEY_FILE/);
  });

  test('defaults: loopback, embedded store, tracing export off', () => {
    const c = loadRuntimeConfig('t', { grpcPort: 50099 }, {});
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.grpcPort, 50099);
    assert.deepEqual(c.store, { kind: 'embedded', dir: undefined });
    assert.equal(c.tracing.exporter, 'none');
  });

  test('a service process with a bad variable exits non-zero at once, naming the variable', () => {
    const entry = fileURLToPath(new URL('../../../matching/dist/src/main.js', import.meta.url));
    const started = Date.now();
    const r = spawnSync(process.execPath, [entry], { env: { ...process.env, CLARITY_GRPC_PORT: '70000' }, encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /CLARITY_GRPC_PORT: expected an integer between 0 and 65535, got "70000"/);
    assert.ok(Date.now() - started < 10_000);
  });
});
