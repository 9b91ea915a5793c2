// Streaming CSV with row numbers. The header is row 1, the first data row row 2. A malformed record
// (bad quoting, wrong number of columns) is reported with its row number and parsing goes on, so the
// good rows beside it are kept — including after a quote that is never closed, which a CSV parser
// would otherwise read to the end of the file as one field. Input that is not UTF-8 is decoded first
// (encoding.ts).
import { parse } from 'csv-parse';
import type { Readable } from 'node:stream';
import { toUtf8, type EncodingReport } from './encoding.js';

export type CsvItem =
  | { kind: 'row'; row: number; record: Record<string, string> }
  | { kind: 'error'; row: number; message: string };

export interface CsvOptions {
  delimiter?: string;
  /** Header names are trimmed; set to lower-case them too. */
  lowerCaseHeader?: boolean;
  /**
   * Filled in as the input is read: whether it was UTF-16 or held bytes that are not UTF-8 (read as
   * Windows-1252). The input is decoded that way whether or not a report is asked for.
   */
  encodingReport?: EncodingReport;
}

/** How one pass of the parser ended. */
interface SegmentEnd {
  header?: string[];
  /** Row number of the last record read (good or reported). */
  lastRow: number;
  /**
   * A quote opened and never closed: the input after the last good record, split around the line that
   * opened it (the first with an odd number of quotes), to be read again.
   */
  unclosed?: { before: Buffer; after: Buffer };
}

const UNCLOSED_MESSAGE = 'a quote opened in this row is never closed: the row is skipped and the lines after it are read as rows again';

type Source = AsyncIterable<Buffer | string> | Iterable<Buffer>;

/**
 * Parses CSV bytes from `input` and yields rows and per-row errors in order. Throws only when the
 * header itself is unusable.
 */
export async function* readCsv(input: Readable | AsyncIterable<Buffer | string>, options: CsvOptions = {}): AsyncGenerator<CsvItem> {
  // Work in order: inputs to parse, and the rows an unclosed quote spoiled.
  const report: EncodingReport = options.encodingReport ?? { encoding: 'utf-8', reinterpretedBytes: 0, firstLine: 0 };
  const work: Array<Source | 'unclosed'> = [toUtf8(input as AsyncIterable<Buffer | string>, report)];
  let header: string[] | undefined;
  let row = 1;
  while (work.length > 0) {
    const w = work.shift()!;
    if (w === 'unclosed') {
      row++;
      yield { kind: 'error', row, message: UNCLOSED_MESSAGE };
      continue;
    }
    const segment = parseSegment(w, options, header, row);
    let next = await segment.next();
    while (!next.done) {
      yield next.value;
      next = await segment.next();
    }
    const end = next.value;
    if (!end.header) return;
    header = end.header;
    row = end.lastRow;
    if (end.unclosed) work.unshift([end.unclosed.before], 'unclosed', [end.unclosed.after]);
  }
}

/**
 * One parser pass. With `knownHeader` the input has no header line; rows are numbered from `base` + 1
 * (the first pass: the header is row `base` = 1).
 */
async function* parseSegment(input: Source, options: CsvOptions, knownHeader: string[] | undefined, base: number): AsyncGenerator<CsvItem, SegmentEnd> {
  const errors: CsvItem[] = [];
  let header = knownHeader;
  // Skipped (malformed) records still count as rows, so a good row after a bad one keeps its true number.
  let skipped = 0;
  // The input since the end of the last good record (what an unclosed quote makes us read again).
  const kept: Buffer[] = [];
  let keptStart = 0;
  let lastRecordEnd = 0;
  let lastRow = base;
  let records = 0;
  let unclosed = false;
  const dropConsumed = () => {
    while (kept.length > 1 && keptStart + kept[0]!.length <= lastRecordEnd) {
      keptStart += kept[0]!.length;
      kept.shift();
    }
  };
  const parser = parse({
    bom: knownHeader === undefined,
    delimiter: options.delimiter ?? ',',
    columns: knownHeader ?? ((names: string[]) => {
      header = names.map((n) => (options.lowerCaseHeader ? n.trim().toLowerCase() : n.trim()));
      return header;
    }),
    relax_column_count: false,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
    // Called in parse order, interleaved with 'skip' events: the row number is fixed here.
    on_record: (rec: { record: Record<string, string>; info: { records: number; bytes: number } }) => {
      lastRecordEnd = rec.info.bytes;
      records = rec.info.records;
      lastRow = base + records + skipped;
      return { record: rec.record, row: lastRow };
    },
  });
  parser.on('skip', (err: Error & { code?: string; records?: number }) => {
    const row = base + (err.records ?? 0) + skipped + 1;
    skipped++;
    if (err.code === 'CSV_QUOTE_NOT_CLOSED' && header !== undefined) {
      unclosed = true;
      return;
    }
    errors.push({ kind: 'error', row, message: err.message.replace(/^Invalid Record Length: /, 'wrong number of columns: ') });
  });
  const feed = (async () => {
    try {
      for await (const chunk of input) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        kept.push(buf);
        dropConsumed();
        if (!parser.write(buf)) await new Promise((r) => parser.once('drain', r));
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
  if (!unclosed) {
    yield* errors.splice(0);
    return { header, lastRow: base + records + skipped };
  }
  // Everything after the last good record was read inside the unclosed quote: the errors found there are
  // dropped (the second reading finds the real ones). The line that opened the quote is the first with an
  // odd number of quotes; the lines before and after it are read again.
  errors.length = 0;
  const tail = Buffer.concat(kept).subarray(lastRecordEnd - keptStart);
  let lineStart = 0;
  let opener: [number, number] | undefined;
  while (lineStart < tail.length) {
    let eol = tail.indexOf(0x0a, lineStart);
    if (eol < 0) eol = tail.length;
    let quotes = 0;
    for (let i = lineStart; i < eol; i++) if (tail[i] === 0x22) quotes++;
    if (quotes % 2 === 1) {
      opener = [lineStart, eol];
      break;
    }
    lineStart = eol + 1;
  }
  if (!opener) {
    // Not found by counting (should not happen): report the rest as one bad row rather than loop.
    return { header, lastRow, unclosed: { before: Buffer.alloc(0), after: Buffer.alloc(0) } };
  }
  return { header, lastRow, unclosed: { before: tail.subarray(0, opener[0]), after: tail.subarray(Math.min(tail.length, opener[1] + 1)) } };
}
