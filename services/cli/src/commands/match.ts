// clarity match <in.csv> -o <out.csv> — matches every row of a payee file against the supplier
// network (MatchBatch, 500 rows per call, several calls in flight) and writes one row per input row
// and candidate rank.
import { createReadStream, statSync } from 'node:fs';
import type { Command } from 'commander';
import { encodingNote, readCsv, type EncodingReport } from '@clarity/kit';
import {
  MatchDecision,
  MatchField,
  MatchType,
  MatchingServiceDefinition,
  type MatchBatchResult,
  type MatchResponse,
} from '@clarity/proto/clarity/matching/v1/matching.js';
import type { Payee } from '@clarity/proto/clarity/common/v1/payee.js';
import { CliError, type CliContext } from '../context.js';
import { CsvWriter, rowErrorMessage } from '../io/files.js';
import { Progress } from '../io/progress.js';
import { table } from '../io/table.js';
import { cliErrorOf } from './suppliers.js';
import { createGunzip } from 'node:zlib';

export const MATCH_COLUMNS = ['rank', 'supplier_id', 'source', 'source_id', 'supplier_name', 'supplier_city', 'supplier_state', 'supplier_zip', 'score', 'match_type', 'decision'] as const;

const DECISIONS: Record<number, string> = {
  [MatchDecision.MATCH_DECISION_MATCHED]: 'MATCHED',
  [MatchDecision.MATCH_DECISION_REVIEW]: 'REVIEW',
  [MatchDecision.MATCH_DECISION_NO_MATCH]: 'NO_MATCH',
};
const TYPES: Record<number, string> = {
  [MatchType.MATCH_TYPE_EXACT]: 'EXACT',
  [MatchType.MATCH_TYPE_NORMALIZED]: 'NORMALIZED',
  [MatchType.MATCH_TYPE_FUZZY]: 'FUZZY',
};

interface InputRow {
  row: number;
  record: Record<string, string>;
  payee: Payee;
}

interface Options {
  output?: string;
  name?: string;
  street?: string;
  city?: string;
  state?: string;
  zip?: string;
  json?: boolean;
  topK: string;
  matchThreshold?: string;
  reviewThreshold?: string;
  allCandidates?: boolean;
  batchSize: string;
  concurrency: string;
}

const FIELDS: Record<number, string> = {
  [MatchField.MATCH_FIELD_NAME]: 'name',
  [MatchField.MATCH_FIELD_STREET]: 'street',
  [MatchField.MATCH_FIELD_CITY]: 'city',
  [MatchField.MATCH_FIELD_STATE]: 'state',
  [MatchField.MATCH_FIELD_POSTAL_CODE]: 'zip',
  [MatchField.MATCH_FIELD_IDENTIFIER]: 'identifier',
};

/** One payee's answer as the terminal shows it: the decision, then one line per candidate. */
function printMatch(res: MatchResponse, allCandidates: boolean): void {
  process.stdout.write(`${DECISIONS[res.decision] ?? 'NO_MATCH'} — "${res.normalizedName}" (MATCHED at ≥ ${res.matchThreshold}, REVIEW at ≥ ${res.reviewThreshold})\n`);
  const shown = res.candidates.filter((c) => allCandidates || c.decision !== MatchDecision.MATCH_DECISION_NO_MATCH);
  if (shown.length === 0) {
    process.stdout.write(`no candidate at or above the review threshold${res.candidates.length ? ` (${res.candidates.length} below it: --all-candidates shows them)` : ''}\n`);
    return;
  }
  const rows = shown.map((c) => [
    String(c.rank), c.score.toFixed(3), DECISIONS[c.decision] ?? '', TYPES[c.matchType] ?? '', c.supplier?.id ?? '', c.supplier?.name ?? '',
    [c.supplier?.city, c.supplier?.state, c.supplier?.postalCode].filter(Boolean).join(' '),
    c.agreedFields.map((f) => FIELDS[f] ?? '').join(' '), c.disagreedFields.map((f) => FIELDS[f] ?? '').join(' '),
  ]);
  process.stdout.write(`${table([['RANK', 'SCORE', 'DECISION', 'TYPE', 'SUPPLIER', 'NAME', 'CITY ST ZIP', 'AGREED', 'DISAGREED'], ...rows])}\n`);
}

const num = (name: string, v: string | undefined, min: number, max: number, int = false): number => {
  if (v === undefined) return 0;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max || (int && !Number.isInteger(n))) throw new CliError(`${name}: expected ${int ? 'an integer' : 'a number'} ${min}-${max}, got ${v}`, undefined, 2);
  return n;
};

export function register(program: Command, ctx: CliContext): void {
  program
    .command('match [input]')
    .description('match a payee CSV (columns: name, optional street, city, state, zip) to the supplier network, or one --name')
    .option('-o, --output <file>', 'output CSV ("-" for stdout); required with an input file')
    .option('-n, --name <name>', 'match one payee and print its candidates')
    .option('--street <street>', 'with --name: the street line')
    .option('--city <city>', 'with --name: the city')
    .option('--state <state>', 'with --name: the state')
    .option('--zip <zip>', 'with --name: the ZIP code')
    .option('--json', 'with --name: print the full answer as JSON')
    .option('--top-k <n>', 'candidates per payee (1-50)', '5')
    .option('--match-threshold <score>', 'score at or above which a candidate is MATCHED (default: the service\'s)')
    .option('--review-threshold <score>', 'score at or above which a candidate is REVIEW (default: the service\'s)')
    .option('--all-candidates', 'also write candidates below the review threshold')
    .option('--batch-size <n>', 'payees per MatchBatch call', '500')
    .option('--concurrency <n>', 'MatchBatch calls in flight', '4')
    .action(async (input: string | undefined, opts: Options) => {
      const topK = num('--top-k', opts.topK, 1, 50, true);
      const matchThreshold = num('--match-threshold', opts.matchThreshold, 0, 1);
      const reviewThreshold = num('--review-threshold', opts.reviewThreshold, 0, 1);
      if (opts.name !== undefined) {
        const client = ctx.client(MatchingServiceDefinition, 'matching');
        const address = { line1: opts.street ?? '', city: opts.city ?? '', state: opts.state ?? '', postalCode: opts.zip ?? '' };
        const hasAddress = Object.values(address).some(Boolean);
        let res: MatchResponse;
        try {
          res = await client.match({
            payee: { name: opts.name, address: hasAddress ? { ...address, line2: '', countryCode: '', freeform: '', recipient: '' } : undefined },
            options: { topK, matchThreshold, reviewThreshold },
          });
        } catch (err) {
          throw cliErrorOf(err, `match "${opts.name}"`);
        }
        if (opts.json) process.stdout.write(`${JSON.stringify(res, null, 2)}\n`);
        else printMatch(res, Boolean(opts.allCandidates));
        return;
      }
      if (!input) throw new CliError('give an input CSV file or --name', 'e.g. `npx clarity match payees.csv -o matched.csv` or `npx clarity match --name "ACME INC" --state GA`', 2);
      if (!opts.output) throw new CliError('-o/--output is required with an input file', 'use `-o -` to write to stdout', 2);
      const output = opts.output;
      const batchSize = num('--batch-size', opts.batchSize, 1, 1000, true);
      const concurrency = num('--concurrency', opts.concurrency, 1, 32, true);
      try {
        statSync(input);
      } catch {
        throw new CliError(`cannot read ${input}: no such file`, undefined, 2);
      }
      const client = ctx.client(MatchingServiceDefinition, 'matching', { timeoutMs: 120_000 });
      const raw = createReadStream(input);
      const stream = input.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
      const progress = new Progress(`matching ${input}`, 0, 'rows');

      let header: string[] | undefined;
      let writer: CsvWriter | undefined;
      const find = (rec: Record<string, string>, name: string) => Object.keys(rec).find((k) => k.trim().toLowerCase() === name);
      let columns: { name: string; street?: string; city?: string; state?: string; zip?: string } | undefined;
      const counts = { rows: 0, MATCHED: 0, REVIEW: 0, NO_MATCH: 0, INVALID: 0, malformed: 0 };
      const started = performance.now();

      // Batches go out concurrently; results are written strictly in input order.
      const pending: Array<Promise<{ rows: InputRow[]; results: MatchBatchResult[] }>> = [];
      const writeBatch = async (rows: InputRow[], results: MatchBatchResult[]) => {
        for (const r of results) {
          const row = rows[r.index]!;
          const base = header!.map((h) => row.record[h] ?? '');
          const emit = (values: Record<string, unknown>) => writer!.write({ ...Object.fromEntries(header!.map((h, i) => [h, base[i]])), ...values });
          if (r.error) {
            counts.INVALID += 1;
            process.stderr.write(`row ${row.row}: ${rowErrorMessage(r.error.message)}\n`);
            await emit({ rank: '', decision: 'INVALID' });
            continue;
          }
          const m = r.match!;
          counts[(DECISIONS[m.decision] ?? 'NO_MATCH') as 'MATCHED' | 'REVIEW' | 'NO_MATCH'] += 1;
          const shown = m.candidates.filter((c) => opts.allCandidates || c.decision !== MatchDecision.MATCH_DECISION_NO_MATCH);
          if (shown.length === 0) {
            await emit({ rank: '', decision: 'NO_MATCH' });
            continue;
          }
          for (const c of shown) {
            const s = c.supplier!;
            await emit({
              rank: c.rank,
              supplier_id: s.id,
              source: s.source,
              source_id: s.sourceId,
              supplier_name: s.name,
              supplier_city: s.city,
              supplier_state: s.state,
              supplier_zip: s.postalCode,
              score: c.score.toFixed(4),
              match_type: TYPES[c.matchType] ?? '',
              decision: DECISIONS[c.decision] ?? '',
            });
          }
        }
        progress.update(counts.rows);
      };
      const send = (rows: InputRow[]) =>
        client
          .matchBatch({ payees: rows.map((r) => r.payee), options: { topK, matchThreshold, reviewThreshold } })
          .then((res) => ({ rows, results: res.results }))
          .catch((err: unknown) => {
            throw cliErrorOf(err, `rows ${rows[0]!.row}-${rows[rows.length - 1]!.row}`);
          });
      const drain = async (keep: number) => {
        while (pending.length > keep) {
          const { rows, results } = await pending.shift()!;
          await writeBatch(rows, results);
        }
      };

      let batch: InputRow[] = [];
      const encoding: EncodingReport = { encoding: 'utf-8', reinterpretedBytes: 0, firstLine: 0 };
      try {
        for await (const item of readCsv(stream, { encodingReport: encoding })) {
          if (item.kind === 'error') {
            counts.malformed += 1;
            process.stderr.write(`row ${item.row}: ${item.message} (row skipped)\n`);
            continue;
          }
          if (!header) {
            header = Object.keys(item.record);
            const name = find(item.record, 'name');
            if (!name) throw new CliError(`${input}: the header needs a "name" column (found: ${header.join(', ')})`, undefined, 2);
            columns = { name, street: find(item.record, 'street'), city: find(item.record, 'city'), state: find(item.record, 'state'), zip: find(item.record, 'zip') };
            const clash = header.find((h) => (MATCH_COLUMNS as readonly string[]).includes(h));
            if (clash) throw new CliError(`${input}: the input already has a "${clash}" column, which the output adds`, undefined, 2);
            writer = new CsvWriter(output, [...header, ...MATCH_COLUMNS]);
          }
          const rec = item.record;
          const c = columns!;
          const get = (k?: string) => (k ? (rec[k] ?? '') : '');
          const hasAddress = Boolean(get(c.street) || get(c.city) || get(c.state) || get(c.zip));
          batch.push({
            row: item.row,
            record: rec,
            payee: {
              referenceId: String(item.row),
              name: get(c.name),
              address: hasAddress ? { line1: get(c.street), line2: '', city: get(c.city), state: get(c.state), postalCode: get(c.zip), countryCode: '', freeform: '', recipient: '' } : undefined,
              amount: undefined,
              taxId: '',
              attributes: {},
            },
          });
          counts.rows += 1;
          if (batch.length >= batchSize) {
            pending.push(send(batch));
            batch = [];
            await drain(concurrency - 1);
          }
        }
        if (batch.length) pending.push(send(batch));
        await drain(0);
      } finally {
        client.close();
        await Promise.allSettled(pending);
        await writer?.close();
      }
      if (!writer) throw new CliError(`${input}: no rows to match`, undefined, 2);
      const secs = (performance.now() - started) / 1000;
      progress.finish();
      const note = encodingNote(encoding);
      if (note) process.stderr.write(`note: ${note}\n`);
      process.stderr.write(
        `${counts.rows} rows in ${secs.toFixed(1)} s (${(counts.rows / Math.max(secs, 1e-9)).toFixed(0)}/s): ${counts.MATCHED} MATCHED, ${counts.REVIEW} REVIEW, ${counts.NO_MATCH} NO_MATCH` +
          `${counts.INVALID ? `, ${counts.INVALID} INVALID` : ''}${counts.malformed ? `, ${counts.malformed} malformed CSV rows skipped` : ''}\n`,
      );
    });
}
