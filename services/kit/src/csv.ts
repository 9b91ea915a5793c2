// Streaming CSV with row numbers: the line of the file where the record ends (the header is row 1,
// the first data row row 2 — what a clerk sees in an editor). A malformed record
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
  const parser = parse({
    bom: true,
    delimiter: options.delimiter ?? ',',
    columns: (names: string[]) => names.map((n) => (options.lowerCaseHeader ? n.trim().toLowerCase() : n.trim())),
    relax_column_count: false,
    // A stray quote inside an unquoted field is kept as text rather than failing the row.
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
  });
  parser.on('skip', (err: Error & { records?: number; lines?: number }) => {
    const row = err.lines ?? 0;
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
  for await (const item of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    while (errors.length && errors[0]!.row < item.info.lines) yield errors.shift()!;
    yield { kind: 'row', row: item.info.lines, record: item.record };
  }
  await feed;
  yield* errors.splice(0);
}
