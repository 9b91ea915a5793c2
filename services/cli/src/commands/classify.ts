// clarity classify <in.csv> -o <out.csv> | clarity classify --name "..." — payee type, exclusion and industry
// codes through the classification service (batched, several batches in flight); plus
// `clarity exclusions list|add|remove` and `clarity overrides list|add|remove` to edit the lists.
import type { Command } from 'commander';
import { encodingNote, readCsv, type EncodingReport } from '@clarity/kit';
import {
  ClassificationServiceDefinition,
  KeywordMatch,
  LlmPolicy,
  OverrideMatch,
  type Classification,
  type ClassifyBatchResult,
  type ExclusionRule,
  type Override,
} from '@clarity/proto/clarity/classification/v1/classification.js';
import type { Payee } from '@clarity/proto/clarity/common/v1/payee.js';
import { PayeeSubtype, PayeeType } from '@clarity/proto/clarity/common/v1/types.js';
import { CliError, type CliContext } from '../context.js';
import { CsvWriter, openInput, rowErrorMessage } from '../io/files.js';
import { Progress } from '../io/progress.js';
import { table } from '../io/table.js';

export const OUTPUT_COLUMNS = ['payee_type', 'subtype', 'confidence', 'excluded', 'exclusion_reason', 'naics', 'sic', 'evidence', 'error'] as const;

/** Input columns that may hold the address, in order of preference (case-insensitive). */
const ADDRESS_COLUMNS = {
  line1: ['address', 'address1', 'address_1', 'address_line_1', 'line1', 'street', 'street_address'],
  line2: ['address2', 'address_2', 'address_line_2', 'line2'],
  city: ['city', 'town'],
  state: ['state', 'st', 'state_code'],
  postalCode: ['zip', 'zipcode', 'zip_code', 'postal_code', 'postcode'],
} as const;

const typeName = (t: PayeeType) => (t === PayeeType.PAYEE_TYPE_UNSPECIFIED ? '' : PayeeType[t]!.replace('PAYEE_TYPE_', ''));
const subtypeName = (s: PayeeSubtype) => (s === PayeeSubtype.PAYEE_SUBTYPE_UNSPECIFIED ? '' : PayeeSubtype[s]!.replace('PAYEE_SUBTYPE_', '').toLowerCase());

function parseEnumArg<T extends number>(e: Record<string, string | number>, prefix: string, value: string | undefined, flag: string): T {
  if (value === undefined || value === '') return 0 as T;
  const v = e[`${prefix}${value.toUpperCase()}`];
  if (typeof v !== 'number') {
    const allowed = Object.keys(e).filter((k) => k.startsWith(prefix) && !k.endsWith('UNSPECIFIED')).map((k) => k.slice(prefix.length).toLowerCase());
    throw new CliError(`${flag}: ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
  }
  return v as T;
}

/** The output fields of one classification. */
export function outputFields(c: Classification): Record<(typeof OUTPUT_COLUMNS)[number], string> {
  return {
    payee_type: typeName(c.payeeType),
    subtype: subtypeName(c.subtype),
    confidence: c.confidence.toFixed(4),
    excluded: c.exclusion?.excluded ? 'true' : 'false',
    exclusion_reason: (c.exclusion?.hits ?? []).map((h) => `${h.list}/${h.category}: ${h.reason} [${h.keyword}]`).join('; '),
    naics: c.industry?.naics?.code ?? '',
    sic: c.industry?.sic?.code ?? '',
    evidence: c.evidence.slice(0, 4).map((e) => `${e.ruleId} (${e.weight.toFixed(3)})`).join(' | '),
    error: c.unknownReason,
  };
}

function pick(record: Record<string, string>, lower: Map<string, string>, names: readonly string[]): string {
  for (const n of names) {
    const key = lower.get(n);
    if (key !== undefined && record[key]) return record[key]!;
  }
  return '';
}

interface PendingRow {
  row: number;
  record: Record<string, string>;
  payee: Payee;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('classify [input]')
    .description('classify payees: a CSV file with a `name` column (optional address columns), or one --name')
    .option('-o, --output <file>', 'output CSV ("-" for stdout)')
    .option('-n, --name <name>', 'classify one name and print the answer')
    .option('--batch-size <n>', 'payees per ClassifyBatch call', '500')
    .option('--concurrency <n>', 'batches in flight', '4')
    .option('--llm', 'let the service ask its LLM (if configured) about uncertain payees')
    .option('--no-llm', 'never ask the LLM')
    .option('--skip-industry', 'do not assign SIC/NAICS codes')
    .option('--json', 'with --name: print the full answer as JSON')
    .action(async (input: string | undefined, opts: { output?: string; name?: string; batchSize: string; concurrency: string; llm?: boolean; skipIndustry?: boolean; json?: boolean }) => {
      const llmPolicy = opts.llm === true ? LlmPolicy.LLM_POLICY_WHEN_UNCERTAIN : opts.llm === false ? LlmPolicy.LLM_POLICY_NEVER : LlmPolicy.LLM_POLICY_UNSPECIFIED;
      const options = { llmPolicy, skipIndustry: Boolean(opts.skipIndustry) };
      if (opts.name !== undefined) {
        const client = ctx.client(ClassificationServiceDefinition, 'classification');
        const { classification: c } = await client.classify({ payee: { name: opts.name }, options });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(c, null, 2)}\n`);
          return;
        }
        const f = outputFields(c!);
        process.stdout.write(`${table([['FIELD', 'VALUE'], ...Object.entries({ normalized_name: c!.normalizedName, ...f, naics_title: c!.industry?.naics?.title ?? '', sic_title: c!.industry?.sic?.title ?? '' }).filter(([, v]) => v !== '')])}\n`);
        process.stdout.write(`evidence:\n${c!.evidence.map((e) => `  ${e.tier.padEnd(12)} ${e.ruleId} (${e.weight.toFixed(3)}): ${e.detail}`).join('\n')}\n`);
        return;
      }
      if (!input) throw new CliError('give an input CSV file or --name', 'e.g. `npx clarity classify payees.csv -o classified.csv`');
      if (!opts.output) throw new CliError('-o/--output is required with an input file', 'use `-o -` to write to stdout');
      const batchSize = Number(opts.batchSize);
      const concurrency = Number(opts.concurrency);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) throw new CliError('--batch-size: expected an integer 1-1000');
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) throw new CliError('--concurrency: expected an integer 1-32');
      const { stream } = openInput(input);
      const client = ctx.client(ClassificationServiceDefinition, 'classification');
      const progress = new Progress('classify', 0, 'rows');
      const started = performance.now();
      let writer: CsvWriter | undefined;
      let nameKey: string | undefined;
      let lower = new Map<string, string>();
      let done = 0;
      let rowErrors = 0;
      let batch: PendingRow[] = [];
      const inflight: Array<Promise<{ rows: PendingRow[]; results: ClassifyBatchResult[] }>> = [];
      const warn = (row: number, message: string) => {
        rowErrors++;
        process.stderr.write(`row ${row}: ${message}\n`);
      };
      const flushOne = async () => {
        const { rows, results } = await inflight.shift()!;
        for (let i = 0; i < rows.length; i++) {
          const r = rows[i]!;
          const res = results.find((x) => x.index === i);
          if (res?.classification) {
            await writer!.write({ ...r.record, ...outputFields(res.classification) });
          } else {
            const message = res?.error ? rowErrorMessage(res.error.message) : 'no answer for this row';
            warn(r.row, message);
            await writer!.write({ ...r.record, error: message });
          }
        }
        done += rows.length;
        progress.update(done);
      };
      const send = async () => {
        if (batch.length === 0) return;
        const rows = batch;
        batch = [];
        inflight.push(
          client.classifyBatch({ payees: rows.map((r) => r.payee), options }).then(
            (res) => ({ rows, results: res.results }),
            (err: unknown) => {
              throw new CliError(`classification failed at rows ${rows[0]!.row}-${rows[rows.length - 1]!.row}: ${(err as Error).message}`);
            },
          ),
        );
        if (inflight.length >= concurrency) await flushOne();
      };
      const encoding: EncodingReport = { encoding: 'utf-8', reinterpretedBytes: 0, firstLine: 0 };
      try {
        for await (const item of readCsv(stream, { encodingReport: encoding })) {
          if (item.kind === 'error') {
            warn(item.row, `${item.message} (row skipped)`);
            continue;
          }
          if (!writer) {
            const columns = Object.keys(item.record);
            lower = new Map(columns.map((c) => [c.toLowerCase().trim(), c]));
            nameKey = lower.get('name') ?? lower.get('payee_name') ?? lower.get('payee') ?? lower.get('vendor_name');
            if (!nameKey) throw new CliError(`${input} has no "name" column (columns: ${columns.join(', ')})`, 'the payee name must be in a column called name');
            writer = new CsvWriter(opts.output, [...columns, ...OUTPUT_COLUMNS.filter((c) => !columns.includes(c))]);
          }
          const rec = item.record;
          const address = {
            line1: pick(rec, lower, ADDRESS_COLUMNS.line1), line2: pick(rec, lower, ADDRESS_COLUMNS.line2), city: pick(rec, lower, ADDRESS_COLUMNS.city),
            state: pick(rec, lower, ADDRESS_COLUMNS.state), postalCode: pick(rec, lower, ADDRESS_COLUMNS.postalCode),
          };
          const hasAddress = Object.values(address).some(Boolean);
          batch.push({
            row: item.row, record: rec,
            payee: { referenceId: String(item.row), name: rec[nameKey!] ?? '', attributes: {}, taxId: '', amount: undefined, address: hasAddress ? { ...address, countryCode: '', freeform: '', recipient: '' } : undefined },
          });
          if (batch.length >= batchSize) await send();
        }
        await send();
        while (inflight.length > 0) await flushOne();
      } finally {
        await writer?.close();
      }
      if (!writer) throw new CliError(`${input} has no data rows`);
      progress.finish();
      const note = encodingNote(encoding);
      if (note) process.stderr.write(`note: ${note}\n`);
      const secs = (performance.now() - started) / 1000;
      process.stderr.write(`classified ${done} rows in ${secs.toFixed(1)} s (${Math.round(done / Math.max(secs, 1e-3))} rows/s); ${rowErrors} row(s) reported above\n`);
    });

  const exclusions = program.command('exclusions').description('list and edit the exclusion lists (government, financial, utilities...)');
  exclusions
    .command('list')
    .description('list exclusion rules')
    .option('--list <list>', 'only this list')
    .option('--category <category>', 'only this category')
    .option('--json', 'print JSON')
    .action(async (opts: { list?: string; category?: string; json?: boolean }) => {
      const client = ctx.client(ClassificationServiceDefinition, 'classification');
      const rules: ExclusionRule[] = [];
      let pageToken = '';
      let version = '';
      do {
        const res = await client.listExclusionRules({ list: opts.list ?? '', category: opts.category ?? '', pageSize: 1000, pageToken });
        rules.push(...res.rules);
        pageToken = res.nextPageToken;
        version = res.listsVersion;
      } while (pageToken);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ listsVersion: version, rules }, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        `${table([
          ['ID', 'LIST', 'CATEGORY', 'MATCH', 'KEYWORD', 'IMPLIES', 'DISABLED'],
          ...rules.map((r) => [r.id, r.list, r.category, KeywordMatch[r.match]!.replace('KEYWORD_MATCH_', '').toLowerCase(), r.keyword.slice(0, 60), [typeName(r.impliesType), subtypeName(r.impliesSubtype)].filter(Boolean).join('/'), r.disabled ? 'yes' : '']),
        ])}\n${rules.length} rule(s), lists version ${version}\n`,
      );
    });
  exclusions
    .command('add')
    .description('create or replace an exclusion rule')
    .requiredOption('--keyword <keyword>', 'keyword, phrase or regular expression')
    .requiredOption('--list <list>', 'list name (government, financial, utilities, or your own)')
    .option('--category <category>', 'category within the list', 'custom')
    .option('--match <match>', 'words | exact | prefix | suffix | regex', 'words')
    .option('--type <type>', 'payee type a hit implies: individual | business | government')
    .option('--subtype <subtype>', 'subtype a hit implies (e.g. tax_authority)')
    .option('--reason <reason>', 'why matching payees are excluded', '')
    .option('--id <id>', 'rule id (generated from list, category and keyword when omitted)')
    .option('--disabled', 'store the rule disabled')
    .action(async (opts: { keyword: string; list: string; category: string; match: string; type?: string; subtype?: string; reason: string; id?: string; disabled?: boolean }) => {
      const client = ctx.client(ClassificationServiceDefinition, 'classification');
      const res = await client.upsertExclusionRule({
        rule: {
          id: opts.id ?? '', list: opts.list, category: opts.category, keyword: opts.keyword, reason: opts.reason, disabled: Boolean(opts.disabled),
          match: parseEnumArg<KeywordMatch>(KeywordMatch as unknown as Record<string, number>, 'KEYWORD_MATCH_', opts.match, '--match'),
          impliesType: parseEnumArg<PayeeType>(PayeeType as unknown as Record<string, number>, 'PAYEE_TYPE_', opts.type, '--type'),
          impliesSubtype: parseEnumArg<PayeeSubtype>(PayeeSubtype as unknown as Record<string, number>, 'PAYEE_SUBTYPE_', opts.subtype, '--subtype'),
          updateTime: undefined,
        },
      });
      process.stdout.write(`stored rule ${res.rule!.id}; lists version ${res.listsVersion}\n`);
    });
  exclusions
    .command('remove <id>')
    .description('delete an exclusion rule')
    .action(async (id: string) => {
      const client = ctx.client(ClassificationServiceDefinition, 'classification');
      const res = await client.deleteExclusionRule({ id });
      process.stdout.write(`deleted rule ${id}; lists version ${res.listsVersion}\n`);
    });

  const overrides = program.command('overrides').description('list and edit user overrides (exact name or pattern → answer)');
  overrides
    .command('list')
    .description('list overrides')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const client = ctx.client(ClassificationServiceDefinition, 'classification');
      const all: Override[] = [];
      let pageToken = '';
      do {
        const res = await client.listOverrides({ pageSize: 1000, pageToken });
        all.push(...res.overrides);
        pageToken = res.nextPageToken;
      } while (pageToken);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        `${table([
          ['ID', 'MATCH', 'PATTERN', 'ANSWER', 'EXCLUDED', 'NOTE'],
          ...all.map((o) => [o.id, OverrideMatch[o.match]!.replace('OVERRIDE_MATCH_', '').toLowerCase(), o.pattern.slice(0, 60), [typeName(o.payeeType), subtypeName(o.subtype)].filter(Boolean).join('/'), o.excluded ? 'yes' : '', o.note.slice(0, 40)]),
        ])}\n${all.length} override(s)\n`,
      );
    });
  overrides
    .command('add')
    .description('create or replace an override')
    .requiredOption('--pattern <pattern>', 'the payee name (or a regular expression with --match regex)')
    .requiredOption('--type <type>', 'individual | business | government | unknown')
    .option('--subtype <subtype>', 'e.g. sole_proprietor, nonprofit, county')
    .option('--match <match>', 'exact_name | regex', 'exact_name')
    .option('--excluded', 'mark matching payees as excluded')
    .option('--note <note>', 'who asked and why', '')
    .option('--id <id>', 'override id (generated when omitted)')
    .action(async (opts: { pattern: string; type: string; subtype?: string; match: string; excluded?: boolean; note: string; id?: string }) => {
      const client = ctx.client(ClassificationServiceDefinition, 'classification');
      const res = await client.upsertOverride({
        override: {
          id: opts.id ?? '', pattern: opts.pattern, note: opts.note, excluded: Boolean(opts.excluded),
          match: parseEnumArg<OverrideMatch>(OverrideMatch as unknown as Record<string, number>, 'OVERRIDE_MATCH_', opts.match, '--match'),
          payeeType: parseEnumArg<PayeeType>(PayeeType as unknown as Record<string, number>, 'PAYEE_TYPE_', opts.type, '--type'),
          subtype: parseEnumArg<PayeeSubtype>(PayeeSubtype as unknown as Record<string, number>, 'PAYEE_SUBTYPE_', opts.subtype, '--subtype'),
          updateTime: undefined,
        },
      });
      process.stdout.write(`stored override ${res.override!.id}\n`);
    });
  overrides
    .command('remove <id>')
    .description('delete an override')
    .action(async (id: string) => {
      const client = ctx.client(ClassificationServiceDefinition, 'classification');
      await client.deleteOverride({ id });
      process.stdout.write(`deleted override ${id}\n`);
    });

  ctx.demoSeeders.push({
    name: 'classification',
    seed: async (c) => {
      const client = c.client(ClassificationServiceDefinition, 'classification');
      const names = ['SMITH PLUMBING LLC', 'VERA, ELIZABETH', 'City of Atlanta', 'IRS', 'Bank of America N.A.', 'James W. Trimble CPA'];
      const res = await client.classifyBatch({ payees: names.map((name) => ({ name, referenceId: '', taxId: '', attributes: {} })), options: { llmPolicy: LlmPolicy.LLM_POLICY_NEVER, skipIndustry: false } });
      return res.results.map((r, i) => `${names[i]} → ${r.classification ? `${typeName(r.classification.payeeType)}/${subtypeName(r.classification.subtype)}` : 'error'}`).join('; ');
    },
  });
}
