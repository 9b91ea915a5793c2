// Streaming CSV with row numbers. The header is row 1, the first data row row 2. A malformed record
// (bad quoting, wrong number of columns) is reported with its row number and parsing goes on, so the
// good rows beside it are kept.
import { parse } from 'csv-parse';
import type { Readable } from 'node:stream';

export type CsvItem =
  | { kind: 'row'; row: number; record: Record<string, string> }
  | { kind: 'error'; row: number; message: string };

export interface CsvOptions {
  delimiter?: string;
  /** Header names are trimmed; set to lower-case them too. */
  lowerCaseHeader?: boolean;
}

/**
 * Parses CSV bytes from `input` and yields rows and per-row errors in order. Throws only when the
 * header itself is unusable.
 */
export async function* readCsv(input: Readable | AsyncIterable<Buffer | string>, options: CsvOptions = {}): AsyncGenerator<CsvItem> {
  const errors: CsvItem[] = [];
  let header: string[] | undefined;
  // Skipped (malformed) records still count as rows, so a good row after a bad one keeps its true number.
  let skipped = 0;
  const parser = parse({
    bom: true,
    delimiter: options.delimiter ?? ',',
    columns: (names: string[]) => {
      header = names.map((n) => (options.lowerCaseHeader ? n.trim().toLowerCase() : n.trim()));
      return header;
    },
    relax_column_count: false,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
    // Called in parse order, interleaved with 'skip' events: the row number is fixed here.
    on_record: (rec: { record: Record<string, string>; info: { records: number } }) => ({ record: rec.record, row: rec.info.records + skipped + 1 }),
  });
  parser.on('skip', (err: Error & { records?: number; lines?: number }) => {
    const row = (err.records ?? 0) + skipped + 2;
    skipped++;
    errors.push({ kind: 'error', row, message: err.message.replace(/^Invalid Record Length: /, 'wrong number of columns: ') });
  });
  const feed = (async () => {
    try {
      for await (const chunk of input as AsyncIterable<Buffer | string>) {
        if (!parser.write(chunk)) await new Promise((r) => parser.once('drain', r));
      }
      parser.end();
    } catch (err) {
      parser.destroy(err as Error);
    }
  })();
  for await (const item of parser as AsyncIterable<{ record: Record<string, string>; row: number }>) {
    while (errors.length && errors[0]!.row < item.row) yield errors.shift()!;
    yield { kind: 'row', row: item.row, record: item.record };
  }
  await feed;
  yield* errors.splice(0);
  if (!header) return;
}
