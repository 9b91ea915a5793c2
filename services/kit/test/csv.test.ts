// readCsv: row numbers (header = row 1) stay true after malformed records, which are reported and skipped.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { readCsv, type CsvItem } from '../src/csv.js';

async function items(text: string): Promise<CsvItem[]> {
  const out: CsvItem[] = [];
  for await (const item of readCsv(Readable.from([text]))) out.push(item);
  return out;
}

describe('readCsv', () => {
  it('numbers rows from 2 and keeps counting across malformed records', async () => {
    const got = await items('a,b\n1,2\n3,4,5\n6,7\n"x\ny",8\n9,9,9\n10,11\n');
    assert.deepEqual(
      got.map((i) => (i.kind === 'row' ? `row ${i.row}: ${i.record.a}` : `error ${i.row}`)),
      ['row 2: 1', 'error 3', 'row 4: 6', 'row 5: x\ny', 'error 6', 'row 7: 10'],
    );
    assert.match((got[1] as { message: string }).message, /wrong number of columns/);
  });
});
