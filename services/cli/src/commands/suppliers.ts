// clarity suppliers import | generate | get | list | delete | stats — the supplier network of the
// matching service. Imports stream the raw file (gzip stays gzip) and the service parses it.
import { createReadStream, statSync } from 'node:fs';
import type { Command } from 'commander';
import { ClientError, Status } from 'nice-grpc';
import {
  MatchingServiceDefinition,
  SupplierFormat,
  type ImportSuppliersRequest,
  type ImportSuppliersResponse,
  type Supplier,
} from '@clarity/proto/clarity/matching/v1/matching.js';
import { PayeeSubtype, PayeeType } from '@clarity/proto/clarity/common/v1/types.js';
import { seededRandom } from '@clarity/kit/similarity';
import { CliError, type CliContext } from '../context.js';
import { CsvWriter } from '../io/files.js';
import { Progress } from '../io/progress.js';
import { table } from '../io/table.js';

const FORMATS: Record<string, SupplierFormat> = {
  'irs-eo-bmf': SupplierFormat.SUPPLIER_FORMAT_IRS_EO_BMF,
  'sba-ppp-georgia': SupplierFormat.SUPPLIER_FORMAT_SBA_PPP_GEORGIA,
  'sba-ppp-foia': SupplierFormat.SUPPLIER_FORMAT_SBA_PPP_FOIA,
  fedach: SupplierFormat.SUPPLIER_FORMAT_FEDACH,
  csv: SupplierFormat.SUPPLIER_FORMAT_GENERIC_CSV,
};

const IMPORT_TIMEOUT_MS = 6 * 3600_000;
const CHUNK_BYTES = 256 * 1024;

/** A gRPC failure as a CLI error with the server's words (and field violations) kept. */
export function cliErrorOf(err: unknown, what: string, service = 'matching'): CliError {
  if (err instanceof ClientError) {
    if (err.code === Status.UNAVAILABLE) {
      const hint = service === 'matching' ? 'check `npx clarity status`; the index may still be loading' : 'check `npx clarity status`, or start the mesh with `npx clarity up`';
      return new CliError(`${what}: the ${service} service is unavailable (${err.details})`, hint, 1);
    }
    return new CliError(`${what}: ${Status[err.code]}: ${err.details}`, undefined, err.code === Status.INVALID_ARGUMENT ? 2 : 1);
  }
  return err instanceof CliError ? err : new CliError(`${what}: ${err instanceof Error ? err.message : String(err)}`);
}

function printImportSummary(res: ImportSuppliersResponse, label: string): void {
  process.stdout.write(
    `${table([
      ['', 'ROWS READ', 'INSERTED', 'UPDATED', 'UNCHANGED', 'REJECTED', 'SECONDS'],
      [label, String(res.rowsRead), String(res.inserted), String(res.updated), String(res.unchanged), String(res.rejected), res.elapsedSeconds.toFixed(2)],
    ])}\n`,
  );
  if (res.errors.length) {
    process.stdout.write(`rejected rows${res.rejected > res.errors.length ? ` (first ${res.errors.length} of ${res.rejected})` : ''}:\n`);
    for (const e of res.errors.slice(0, 50)) process.stdout.write(`  row ${e.row}${e.field ? ` [${e.field}]` : ''}: ${e.message}\n`);
    if (res.errors.length > 50) process.stdout.write(`  … ${res.errors.length - 50} more (use --errors <file.csv> for all reported rows)\n`);
  }
}

function parseMappings(values: string[]): Record<string, string> {
  const mapping: Record<string, string> = {};
  for (const v of values) {
    const at = v.indexOf('=');
    if (at <= 0 || at === v.length - 1) throw new CliError(`--map ${v}: expected field=column, e.g. --map name="Vendor Name"`, undefined, 2);
    mapping[v.slice(0, at).trim()] = v.slice(at + 1).trim();
  }
  return mapping;
}

// --- synthetic network -------------------------------------------------------------------------

const SURNAMES = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Hill', 'Green', 'Adams', 'Baker', 'Nelson', 'Carter', 'Mitchell', 'Roberts', 'Turner', 'Phillips', 'Campbell', 'Parker', 'Evans', 'Edwards', 'Collins', 'Stewart', 'Morris', 'Murphy', 'Cook', 'Rogers', 'Morgan', 'Cooper', 'Peterson', 'Reed', 'Bailey', 'Kelly', 'Howard', 'Ward', 'Cox', 'Diaz', 'Richardson', 'Wood', 'Watson', 'Brooks', 'Bennett', 'Gray', 'Hughes', 'Price', 'Sanders', 'Myers', 'Long', 'Ross', 'Foster', 'Hendrix', 'Mallard', 'Okafor', 'Nguyen', 'Patel'];
const GIVEN = ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Carlos', 'Maria', 'Wei', 'Aisha', 'Kevin', 'Nancy'];
const TRADES = ['Plumbing', 'Electric', 'Roofing', 'Landscaping', 'Construction', 'Painting', 'Heating & Air', 'Auto Repair', 'Trucking', 'Catering', 'Cleaning Services', 'Consulting', 'Accounting', 'Dental Care', 'Family Medicine', 'Insurance Agency', 'Realty', 'Hardware', 'Printing', 'Flooring', 'Tile & Stone', 'Pest Control', 'Pool Service', 'Welding', 'Machine Works', 'Office Supply', 'IT Solutions', 'Staffing', 'Logistics', 'Marketing Group', 'Law Offices', 'Engineering', 'Surveying', 'Glass & Mirror', 'Fence Company', 'Towing', 'Bakery', 'Florist', 'Veterinary Clinic', 'Physical Therapy'];
const PLACES = ['Blue Ridge', 'Peachtree', 'Lakeside', 'Riverbend', 'Oak Hill', 'Pine Valley', 'Summit', 'Heritage', 'Coastal', 'Magnolia', 'Cedar Creek', 'Golden State', 'Prairie', 'Harbor', 'Mountain View', 'Sunrise', 'Liberty', 'Eagle', 'Northstar', 'Red Rock', 'Silver Lake', 'Twin Rivers', 'Old Town', 'Gateway', 'Evergreen', 'Bayou', 'Desert Sun', 'Great Plains', 'Keystone', 'Lone Star'];
const KINDS = ['Company', 'Group', 'Services', 'Partners', 'Associates', 'Enterprises', 'Holdings', 'Solutions', 'Supply', 'Works'];
const SUFFIXES = ['LLC', 'Inc', 'Inc.', 'Corp', 'Co.', 'LLC', 'L.L.C.', 'Ltd', 'PLLC', 'LLP', '', '', ''];
const NONPROFIT = ['Community Foundation', 'Food Bank', 'Youth Soccer Association', 'Historical Society', 'Arts Council', 'Volunteer Fire Department', 'Humane Society', 'Baptist Church', 'Little League', 'Literacy Council'];
const STREETS = ['Main', 'Oak', 'Maple', 'Cedar', 'Pine', 'Elm', 'Washington', 'Lake', 'Hill', 'Park', 'Church', 'Market', 'Broad', 'Peachtree', 'Mill', 'River', 'Spring', 'Highland', 'Jefferson', 'Franklin', 'Industrial', 'Commerce', 'Airport', 'College'];
const STREET_TYPES = ['St', 'Ave', 'Rd', 'Dr', 'Blvd', 'Ln', 'Way', 'Pkwy', 'Ct', 'Hwy'];
// Real city / state / ZIP triples.
const CITIES: Array<[string, string, string]> = [
  ['Atlanta', 'GA', '30303'], ['Macon', 'GA', '31201'], ['Savannah', 'GA', '31401'], ['Columbus', 'GA', '31901'], ['Albany', 'GA', '31701'],
  ['Burlington', 'VT', '05401'], ['Montpelier', 'VT', '05602'], ['Omaha', 'NE', '68102'], ['Lincoln', 'NE', '68508'], ['Boise', 'ID', '83702'],
  ['Wichita', 'KS', '67202'], ['Louisville', 'KY', '40202'], ['Lexington', 'KY', '40507'], ['Baton Rouge', 'LA', '70801'], ['New Orleans', 'LA', '70112'],
  ['Portland', 'ME', '04101'], ['Jackson', 'MS', '39201'], ['Billings', 'MT', '59101'], ['Fargo', 'ND', '58102'], ['Manchester', 'NH', '03101'],
  ['Albuquerque', 'NM', '87102'], ['Las Vegas', 'NV', '89101'], ['Reno', 'NV', '89501'], ['Tulsa', 'OK', '74103'], ['Oklahoma City', 'OK', '73102'],
  ['Providence', 'RI', '02903'], ['Sioux Falls', 'SD', '57104'], ['Salt Lake City', 'UT', '84101'], ['Charleston', 'WV', '25301'], ['Cheyenne', 'WY', '82001'],
  ['Little Rock', 'AR', '72201'], ['Hartford', 'CT', '06103'], ['Wilmington', 'DE', '19801'], ['Honolulu', 'HI', '96813'], ['Anchorage', 'AK', '99501'],
];

export interface SyntheticOptions {
  count: number;
  seed: number;
}

/** A deterministic synthetic supplier network (clearly labelled: source "synthetic", synthetic=true). */
export function* syntheticSuppliers(options: SyntheticOptions): Generator<Supplier> {
  const rnd = seededRandom(options.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  for (let i = 1; i <= options.count; i++) {
    const shape = rnd();
    let name: string;
    let payeeType = PayeeType.PAYEE_TYPE_BUSINESS;
    let payeeSubtype = PayeeSubtype.PAYEE_SUBTYPE_BUSINESS;
    if (shape < 0.3) name = `${pick(SURNAMES)} ${pick(TRADES)} ${pick(SUFFIXES)}`;
    else if (shape < 0.55) name = `${pick(PLACES)} ${pick(TRADES)} ${pick(KINDS)} ${pick(SUFFIXES)}`;
    else if (shape < 0.68) name = `${pick(SURNAMES)} & ${pick(SURNAMES)} ${pick(['CPAs', 'Law Group', 'Architects', 'Dental', 'Insurance', 'Builders'])} ${pick(SUFFIXES)}`;
    else if (shape < 0.78) name = `${String.fromCharCode(65 + Math.floor(rnd() * 26))}${String.fromCharCode(65 + Math.floor(rnd() * 26))}${String.fromCharCode(65 + Math.floor(rnd() * 26))} ${pick(TRADES)} ${pick(SUFFIXES)}`;
    else if (shape < 0.9) {
      name = `${pick(PLACES)} ${pick(NONPROFIT)}${rnd() < 0.5 ? ' Inc' : ''}`;
      payeeSubtype = PayeeSubtype.PAYEE_SUBTYPE_NONPROFIT;
    } else {
      name = `${pick(GIVEN)} ${pick(SURNAMES)}`;
      payeeType = PayeeType.PAYEE_TYPE_INDIVIDUAL;
      payeeSubtype = PayeeSubtype.PAYEE_SUBTYPE_SOLE_PROPRIETOR;
    }
    const [city, state, zip] = pick(CITIES);
    const aliases = payeeType === PayeeType.PAYEE_TYPE_INDIVIDUAL && rnd() < 0.5 ? [`${name.split(' ')[1]} ${pick(TRADES)}`] : [];
    yield {
      id: '',
      source: 'synthetic',
      sourceId: `SYN-${options.seed}-${String(i).padStart(7, '0')}`,
      name: name.trim(),
      aliases,
      address: { line1: `${1 + Math.floor(rnd() * 9899)} ${pick(STREETS)} ${pick(STREET_TYPES)}`, line2: '', city, state, postalCode: zip, countryCode: 'US', freeform: '', recipient: '' },
      identifiers: [],
      industryCodes: [],
      payeeType,
      payeeSubtype,
      attributes: { generator: 'clarity suppliers generate', seed: String(options.seed) },
      createTime: undefined,
      updateTime: undefined,
      synthetic: true,
    };
  }
}

async function generate(ctx: CliContext, options: SyntheticOptions & { dryRun?: boolean; quiet?: boolean }): Promise<ImportSuppliersResponse> {
  const client = ctx.client(MatchingServiceDefinition, 'matching', { timeoutMs: IMPORT_TIMEOUT_MS });
  const progress = options.quiet ? undefined : new Progress('generating', options.count, 'suppliers');
  async function* requests(): AsyncGenerator<ImportSuppliersRequest> {
    yield { header: { format: SupplierFormat.SUPPLIER_FORMAT_UNSPECIFIED, fileName: `synthetic seed ${options.seed}`, source: 'synthetic', columnMapping: {}, dryRun: Boolean(options.dryRun), gzip: false } };
    let batch: Supplier[] = [];
    let sent = 0;
    for (const s of syntheticSuppliers(options)) {
      batch.push(s);
      if (batch.length === 500) {
        yield { records: { suppliers: batch } };
        sent += batch.length;
        progress?.update(sent);
        batch = [];
      }
    }
    if (batch.length) yield { records: { suppliers: batch } };
    progress?.update(options.count);
  }
  try {
    const res = await client.importSuppliers(requests());
    progress?.finish();
    return res;
  } catch (err) {
    throw cliErrorOf(err, 'generate');
  } finally {
    client.close();
  }
}

const intOption = (name: string, value: string, min: number, max: number): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`${name}: expected an integer ${min}-${max}, got ${value}`, undefined, 2);
  return n;
};

export function register(program: Command, ctx: CliContext): void {
  const suppliers = program.command('suppliers').description('the supplier network of the matching service: import, generate, inspect');

  suppliers
    .command('import <file>')
    .description('import suppliers from a public-format file (plain or .gz), streamed to the matching service')
    .requiredOption('--format <format>', `file format: ${Object.keys(FORMATS).join(' | ')}`)
    .option('--map <field=column...>', 'csv format: Clarity field → CSV column (source_id and name required; also aliases, street, city, state, postal_code, ein, naics)', [])
    .option('--source <name>', 'csv format: the source name to store (default "custom")')
    .option('--dry-run', 'parse and validate only; store nothing')
    .option('--errors <file.csv>', 'write the rejected rows (row, field, message) to this CSV')
    .action(async (file: string, opts: { format: string; map: string[]; source?: string; dryRun?: boolean; errors?: string }) => {
      const format = FORMATS[opts.format];
      if (format === undefined) throw new CliError(`--format: expected one of ${Object.keys(FORMATS).join(', ')}, got ${opts.format}`, undefined, 2);
      if (format !== SupplierFormat.SUPPLIER_FORMAT_GENERIC_CSV && (opts.map.length || opts.source)) {
        throw new CliError('--map and --source only apply to --format csv', undefined, 2);
      }
      let bytes: number;
      try {
        bytes = statSync(file).size;
      } catch {
        throw new CliError(`cannot read ${file}: no such file`, undefined, 2);
      }
      const gzip = file.endsWith('.gz');
      const client = ctx.client(MatchingServiceDefinition, 'matching', { timeoutMs: IMPORT_TIMEOUT_MS });
      const progress = new Progress(`importing ${file}`, bytes, 'bytes');
      async function* requests(): AsyncGenerator<ImportSuppliersRequest> {
        yield {
          header: { format, fileName: file, source: opts.source ?? '', columnMapping: parseMappings(opts.map), dryRun: Boolean(opts.dryRun), gzip },
        };
        let sent = 0;
        for await (const chunk of createReadStream(file, { highWaterMark: CHUNK_BYTES })) {
          sent += (chunk as Buffer).length;
          progress.update(sent);
          yield { chunk: chunk as Buffer };
        }
      }
      let res: ImportSuppliersResponse;
      try {
        res = await client.importSuppliers(requests());
      } catch (err) {
        throw cliErrorOf(err, `import ${file}`);
      } finally {
        client.close();
      }
      progress.finish(`done in ${res!.elapsedSeconds.toFixed(1)} s on the server`);
      printImportSummary(res, opts.dryRun ? `${file} (dry run)` : file);
      if (opts.errors) {
        const out = new CsvWriter(opts.errors, ['row', 'field', 'message']);
        for (const e of res.errors) await out.write({ row: e.row, field: e.field, message: e.message });
        await out.close();
      }
    });

  suppliers
    .command('generate')
    .description('generate a deterministic SYNTHETIC supplier network (source "synthetic", synthetic=true) for demos and load tests')
    .option('--count <n>', 'how many suppliers', '20000')
    .option('--seed <n>', 'random seed (same seed, same network)', '42')
    .option('--dry-run', 'generate and validate only; store nothing')
    .action(async (opts: { count: string; seed: string; dryRun?: boolean }) => {
      const count = intOption('--count', opts.count, 1, 10_000_000);
      const seed = intOption('--seed', opts.seed, 0, 2 ** 31 - 1);
      const res = await generate(ctx, { count, seed, dryRun: opts.dryRun });
      printImportSummary(res, `synthetic (seed ${seed})`);
    });

  suppliers
    .command('get <id>')
    .description('show one supplier (id = <source>:<source id>, e.g. irs_eo_bmf:010180687)')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const client = ctx.client(MatchingServiceDefinition, 'matching');
      try {
        const { supplier } = await client.getSupplier({ id });
        const s = supplier!;
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
          return;
        }
        const a = s.address;
        const rows = [
          ['id', s.id],
          ['source', `${s.source}${s.synthetic ? ' (SYNTHETIC)' : ''}`],
          ['source id', s.sourceId],
          ['name', s.name],
          ...(s.aliases.length ? [['aliases', s.aliases.join('; ')]] : []),
          ['address', [a?.line1, a?.city, [a?.state, a?.postalCode].filter(Boolean).join(' ')].filter(Boolean).join(', ')],
          ...(a?.recipient ? [['in care of', a.recipient]] : []),
          ['identifiers', s.identifiers.map((i) => i.value).join(', ')],
          ...(s.industryCodes.length ? [['industry', s.industryCodes.map((c) => c.code).join(', ')]] : []),
          ['created', s.createTime?.toISOString() ?? ''],
          ['updated', s.updateTime?.toISOString() ?? ''],
          ...Object.entries(s.attributes).map(([k, v]) => [k, v]),
        ];
        process.stdout.write(`${table(rows as string[][])}\n`);
      } catch (err) {
        throw cliErrorOf(err, `get ${id}`);
      } finally {
        client.close();
      }
    });

  suppliers
    .command('list')
    .description('list suppliers in id order')
    .option('--source <source>', 'only this source')
    .option('--limit <n>', 'at most this many', '20')
    .action(async (opts: { source?: string; limit: string }) => {
      const limit = intOption('--limit', opts.limit, 1, 1_000_000);
      const client = ctx.client(MatchingServiceDefinition, 'matching');
      const rows: string[][] = [['ID', 'NAME', 'CITY', 'STATE', 'ZIP']];
      try {
        let pageToken = '';
        do {
          const page = await client.listSuppliers({ source: opts.source ?? '', pageSize: Math.min(1000, limit - rows.length + 1), pageToken });
          for (const s of page.suppliers) rows.push([s.id, s.name, s.address?.city ?? '', s.address?.state ?? '', s.address?.postalCode ?? '']);
          pageToken = page.nextPageToken;
        } while (pageToken && rows.length - 1 < limit);
      } catch (err) {
        throw cliErrorOf(err, 'list');
      } finally {
        client.close();
      }
      process.stdout.write(`${table(rows)}\n`);
    });

  suppliers
    .command('delete <id>')
    .description('remove one supplier from the network (every replica drops it from its index)')
    .action(async (id: string) => {
      const client = ctx.client(MatchingServiceDefinition, 'matching');
      try {
        await client.deleteSupplier({ id });
        process.stdout.write(`deleted ${id}\n`);
      } catch (err) {
        throw cliErrorOf(err, `delete ${id}`);
      } finally {
        client.close();
      }
    });

  suppliers
    .command('stats')
    .description('size, freshness and readiness of the matching index')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const client = ctx.client(MatchingServiceDefinition, 'matching');
      try {
        const s = await client.getIndexStats({});
        if (opts.json) process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
        else {
          process.stdout.write(
            `${table([
              ['ready', String(s.ready)],
              ['suppliers', s.supplierCount.toLocaleString('en-US')],
              ['names', s.nameCount.toLocaleString('en-US')],
              ['terms', s.termCount.toLocaleString('en-US')],
              ['built', `${s.builtTime?.toISOString() ?? '-'} (${s.buildSeconds.toFixed(2)} s)`],
              ['last sync', s.lastSyncTime?.toISOString() ?? '-'],
              ['updates since build', s.updatesApplied.toLocaleString('en-US')],
              ['index memory', `${(s.memoryBytes / 1e6).toFixed(1)} MB`],
            ])}\n`,
          );
        }
      } catch (err) {
        throw cliErrorOf(err, 'stats');
      } finally {
        client.close();
      }
    });

  ctx.demoSeeders.push({
    name: 'synthetic supplier network',
    seed: async (c) => {
      const client = c.client(MatchingServiceDefinition, 'matching');
      let count: number;
      try {
        count = (await client.getIndexStats({})).supplierCount;
      } finally {
        client.close();
      }
      if (count > 0) return `the network already holds ${count.toLocaleString('en-US')} suppliers; not seeding`;
      const res = await generate(c, { count: 20_000, seed: 42, quiet: true });
      return `seeded ${res.inserted.toLocaleString('en-US')} SYNTHETIC suppliers (source "synthetic", seed 42)`;
    },
  });
}
