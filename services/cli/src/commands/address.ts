// clarity address <in.csv> -o <out.csv> — parse, standardize and validate every address of a CSV file
// through the address service (ValidateBatch, 500 rows per call, a few calls in flight), keeping the input
// columns and adding the parsed components and the verdict.
import type { Command } from 'commander';
import { encodingNote, readCsv, type EncodingReport } from '@clarity/kit';
import {
  AddressServiceDefinition, ComponentType, ConfirmationLevel, Granularity, PossibleNextAction, type AddressValidationResult, type ValidateBatchResult,
} from '@clarity/proto/clarity/address/v1/address.js';
import { PostalAddress } from '@clarity/proto/clarity/common/v1/payee.js';
import { CliError, type CliContext } from '../context.js';
import { CsvWriter, openInput, rowErrorMessage } from '../io/files.js';
import { Progress } from '../io/progress.js';
import { table } from '../io/table.js';
import { cliErrorOf } from './suppliers.js';

/** Columns the command adds, in order. */
export const ADDRESS_OUTPUT_COLUMNS = [
  'recipient', 'address_number', 'street_predirection', 'street_name', 'street_type', 'street_postdirection', 'unit_type', 'unit_id',
  'po_box', 'city', 'state', 'zip', 'zip4', 'standardized', 'granularity', 'address_complete', 'possible_next_action', 'confidence', 'error',
] as const;

/** Accepted input column names (case-insensitive) per field. */
const INPUT_ALIASES = {
  address: ['address', 'full_address', 'freeform', 'address_line', 'one_line_address'],
  street: ['street', 'street_address', 'address1', 'address_1', 'line1', 'address_line1', 'address_line_1', 'addr1'],
  street2: ['street2', 'address2', 'address_2', 'line2', 'address_line2', 'address_line_2', 'addr2'],
  city: ['city', 'town', 'locality'],
  state: ['state', 'st', 'state_code', 'province'],
  zip: ['zip', 'zipcode', 'zip_code', 'postal_code', 'postalcode', 'postcode', 'zcta'],
  recipient: ['recipient', 'care_of', 'attention', 'attn', 'ico'],
};

type Field = keyof typeof INPUT_ALIASES;

interface Layout {
  mode: 'one-line' | 'columns';
  columns: Partial<Record<Field, string>>;
}

function detectLayout(header: string[]): Layout {
  const lower = new Map(header.map((h) => [h.trim().toLowerCase(), h]));
  const find = (field: Field) => INPUT_ALIASES[field].map((a) => lower.get(a)).find((h) => h !== undefined);
  const columns: Partial<Record<Field, string>> = {};
  for (const f of Object.keys(INPUT_ALIASES) as Field[]) {
    const h = find(f);
    if (h) columns[f] = h;
  }
  const structured = columns.city || columns.state || columns.zip;
  if (structured && (columns.street || columns.address)) {
    // With city/state/zip columns, an "address" column is the street line.
    if (!columns.street) columns.street = columns.address;
    delete columns.address;
    return { mode: 'columns', columns };
  }
  if (columns.address) return { mode: 'one-line', columns };
  throw new CliError(
    `cannot find the address columns in the header (${header.join(', ')})`,
    'give either a one-line `address` column, or `street, city, state, zip` columns',
    2,
  );
}

function toPostalAddress(record: Record<string, string>, layout: Layout): PostalAddress {
  const get = (f: Field) => (layout.columns[f] ? (record[layout.columns[f]!] ?? '') : '');
  if (layout.mode === 'one-line') return PostalAddress.fromPartial({ freeform: get('address'), recipient: get('recipient') });
  return PostalAddress.fromPartial({ line1: get('street'), line2: get('street2'), city: get('city'), state: get('state'), postalCode: get('zip'), recipient: get('recipient') });
}

const enumName = (value: number, names: Record<number, string>, prefix: string) => (names[value] ?? '').replace(prefix, '');

function outputRow(result: ValidateBatchResult | undefined): Record<string, string> {
  if (!result?.result) {
    const message = result?.error ? rowErrorMessage(result.error.message) : 'no result';
    // The RPC names its fields (freeform, line1…); the row's reader knows columns.
    return { error: message.startsWith('is empty') ? 'no address: the address columns of this row are empty' : message };
  }
  const r = result.result;
  const p = r.parsed!;
  const std = r.standardized?.address;
  const zip = std?.postalCode ?? '';
  return {
    recipient: p.recipient,
    address_number: p.addressNumber,
    street_predirection: p.streetPredirection,
    street_name: p.streetName,
    street_type: p.streetType,
    street_postdirection: p.streetPostdirection,
    unit_type: p.unitType,
    unit_id: p.unitId,
    po_box: p.poBox,
    city: std?.city || p.city,
    state: std?.state || p.state,
    zip: zip.slice(0, 5) || p.zip,
    zip4: zip.length > 5 ? zip.slice(6) : p.zip4,
    standardized: r.standardized?.singleLine ?? '',
    granularity: enumName(r.verdict?.validationGranularity ?? 0, Granularity, 'GRANULARITY_'),
    address_complete: r.verdict?.addressComplete ? 'true' : 'false',
    possible_next_action: enumName(r.verdict?.possibleNextAction ?? 0, PossibleNextAction, 'POSSIBLE_NEXT_ACTION_'),
    confidence: r.confidence.toFixed(3),
    error: '',
  };
}

interface Options {
  output?: string;
  line?: string;
  json?: boolean;
  batchSize: string;
  concurrency: string;
  external?: boolean;
}

/** One address's answer as the terminal shows it: the verdict, the standardized lines, each component. */
function printValidation(r: AddressValidationResult): void {
  const v = r.verdict;
  const fields: Array<[string, string]> = [
    ['standardized', r.standardized?.singleLine ?? ''],
    ['possible_next_action', enumName(v?.possibleNextAction ?? 0, PossibleNextAction, 'POSSIBLE_NEXT_ACTION_')],
    ['address_complete', String(Boolean(v?.addressComplete))],
    ['granularity', `${enumName(v?.validationGranularity ?? 0, Granularity, 'GRANULARITY_')} (input ${enumName(v?.inputGranularity ?? 0, Granularity, 'GRANULARITY_')})`],
    ['confidence', r.confidence.toFixed(3)],
    ['geocode', r.geocode ? `${r.geocode.latitude}, ${r.geocode.longitude} (${enumName(r.geocode.granularity, Granularity, 'GRANULARITY_')})` : ''],
  ];
  if (r.missingComponentTypes.length) fields.push(['missing', r.missingComponentTypes.join(', ')]);
  if (r.zipCandidates.length) fields.push(['zip_candidates', r.zipCandidates.join(' ')]);
  for (const n of r.notes) fields.push(['note', n]);
  process.stdout.write(`${table([['FIELD', 'VALUE'], ...fields.filter(([, value]) => value !== '')])}\n`);
  const rows = r.components.map((c) => {
    const flags = [c.inferred && 'inferred', c.replaced && 'replaced', c.spellCorrected && 'spell-corrected', c.unexpected && 'unexpected'].filter(Boolean).join(' ');
    return [enumName(c.type, ComponentType, 'COMPONENT_TYPE_'), c.text, c.originalText, enumName(c.confirmationLevel, ConfirmationLevel, 'CONFIRMATION_LEVEL_'), flags];
  });
  if (rows.length) process.stdout.write(`\n${table([['COMPONENT', 'VALUE', 'INPUT', 'CONFIRMATION', 'CHANGED'], ...rows])}\n`);
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('address')
    .description('parse, standardize (USPS Pub 28) and validate the addresses of a CSV file, or one --line')
    .argument('[in.csv]', 'input CSV (.gz accepted): a one-line `address` column, or `street, city, state, zip` columns')
    .option('-o, --output <out.csv>', 'output CSV ("-" for stdout): the input columns plus the parse and verdict; required with an input file')
    .option('-l, --line <address>', 'validate one one-line address and print its verdict and components')
    .option('--json', 'with --line: print the full answer as JSON')
    .option('--batch-size <n>', 'addresses per ValidateBatch call', '500')
    .option('--concurrency <n>', 'batch calls in flight', '4')
    .option('--external', 'ask the external validator too, when the service has one configured')
    .addHelpText(
      'after',
      `\nAdded columns: ${ADDRESS_OUTPUT_COLUMNS.join(', ')}.\nInput columns whose names collide with these are kept as input_<name>.\nMalformed CSV rows are reported on stderr with their row number and skipped.`,
    )
    .action(async (input: string | undefined, opts: Options) => {
      if (opts.line !== undefined) {
        const client = ctx.client(AddressServiceDefinition, 'address');
        try {
          const { result } = await client.validate({ address: PostalAddress.fromPartial({ freeform: opts.line }), options: { useExternal: Boolean(opts.external) } });
          if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          else printValidation(result!);
        } catch (err) {
          throw cliErrorOf(err, `address "${opts.line}"`, 'address');
        } finally {
          client.close();
        }
        return;
      }
      if (!input) throw new CliError('give an input CSV file or --line', 'e.g. `npx clarity address payees.csv -o checked.csv` or `npx clarity address --line "1 Main St, Boston MA 02108"`', 2);
      if (!opts.output) throw new CliError('-o/--output is required with an input file', 'use `-o -` to write to stdout', 2);
      const output = opts.output;
      const batchSize = Number(opts.batchSize);
      const concurrency = Number(opts.concurrency);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) throw new CliError(`--batch-size: expected 1-1000, got ${opts.batchSize}`, undefined, 2);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new CliError(`--concurrency: expected 1-64, got ${opts.concurrency}`, undefined, 2);
      const source = openInput(input);
      const client = ctx.client(AddressServiceDefinition, 'address');
      const progress = new Progress('address', 0);
      let writer: CsvWriter | undefined;
      let layout: Layout | undefined;
      let inputColumns: string[] = [];
      const rename = new Map<string, string>();
      const counts = { rows: 0, malformed: 0, errors: 0, ACCEPT: 0, CONFIRM: 0, FIX: 0 };
      let batch: Array<Record<string, string>> = [];
      // Batch calls in flight, oldest first; results are written in input order.
      const queue: Array<{ rows: Array<Record<string, string>>; call: Promise<{ results: ValidateBatchResult[] }> }> = [];
      const send = (rows: Array<Record<string, string>>) => {
        const call = client.validateBatch({ addresses: rows.map((r) => toPostalAddress(r, layout!)), options: { useExternal: Boolean(opts.external) } });
        call.catch(() => undefined); // awaited in order below; this only marks it handled meanwhile
        queue.push({ rows, call });
      };
      const writeOldest = async () => {
        const { rows, call } = queue.shift()!;
        const { results } = await call;
        const byIndex = new Map(results.map((r) => [r.index, r]));
        for (let k = 0; k < rows.length; k++) {
          const out = outputRow(byIndex.get(k));
          if (out.error) counts.errors += 1;
          else counts[out.possible_next_action as 'ACCEPT' | 'CONFIRM' | 'FIX'] += 1;
          const row: Record<string, string> = {};
          for (const c of inputColumns) row[rename.get(c) ?? c] = rows[k]![c] ?? '';
          await writer!.write({ ...row, ...out });
        }
        counts.rows += rows.length;
        progress.update(counts.rows);
      };

      const encoding: EncodingReport = { encoding: 'utf-8', reinterpretedBytes: 0, firstLine: 0 };
      try {
        for await (const item of readCsv(source.stream, { encodingReport: encoding })) {
          if (item.kind === 'error') {
            counts.malformed += 1;
            process.stderr.write(`row ${item.row}: ${item.message} (skipped)\n`);
            continue;
          }
          if (!layout) {
            inputColumns = Object.keys(item.record);
            layout = detectLayout(inputColumns);
            for (const c of inputColumns) if ((ADDRESS_OUTPUT_COLUMNS as readonly string[]).includes(c.trim().toLowerCase())) rename.set(c, `input_${c}`);
            writer = new CsvWriter(output, [...inputColumns.map((c) => rename.get(c) ?? c), ...ADDRESS_OUTPUT_COLUMNS]);
          }
          batch.push(item.record);
          if (batch.length >= batchSize) {
            send(batch);
            batch = [];
            if (queue.length >= concurrency) await writeOldest();
          }
        }
        if (batch.length > 0) send(batch);
        while (queue.length > 0) await writeOldest();
      } catch (err) {
        if (err instanceof CliError) throw err;
        const message = err instanceof Error ? err.message : String(err);
        throw new CliError(`address: ${message}`, /UNAVAILABLE|ECONNREFUSED|No connection/.test(message) ? 'is the address service running? start it with `npx clarity up`' : undefined);
      } finally {
        client.close();
        await writer?.close();
      }
      if (!writer) throw new CliError(`${input} has no data rows`, undefined, 2);
      progress.finish();
      const note = encodingNote(encoding);
      if (note) process.stderr.write(`note: ${note}\n`);
      process.stderr.write(
        `${counts.rows} rows → ${output}: ACCEPT ${counts.ACCEPT}, CONFIRM ${counts.CONFIRM}, FIX ${counts.FIX}, errors ${counts.errors}` +
          `${counts.malformed ? `; ${counts.malformed} malformed rows skipped` : ''}\n`,
      );
    });
}
