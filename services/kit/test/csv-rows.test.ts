import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { readCsv, type CsvItem } from '../src/csv.js';

async function items(text: string): Promise<CsvItem[]> {
  const out: CsvItem[] = [];
  for await (const item of readCsv(Readable.from([Buffer.from(text)]))) out.push(item);
  return out;
}

describe('readCsv row numbers', () => {
  it('numbers rows after a malformed record correctly and reports it in order', async () => {
    const got = await items('A,B,C\n1,2,3\n4,5\n6,7,8\n9,9\n1,1,1\n');
    assert.deepEqual(
      got.map((i) => [i.kind, i.row]),
      [['row', 2], ['error', 3], ['row', 4], ['error', 5], ['row', 6]],
    );
  });

  it('counts a quoted multi-line field as one row', async () => {
    const got = await items('A,B\n"x\ny",1\n2,3\n');
    assert.deepEqual(got.map((i) => i.row), [2, 3]);
  });
});
