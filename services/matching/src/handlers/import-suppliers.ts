// MatchingService.ImportSuppliers: a header, then the file's bytes in chunks (optionally gzip) or
// batches of structured records. Rows are parsed by the format's importer, written in batches
// (only new or changed suppliers are written), and applied to this replica's index as they land.
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { invalidArgument, type HandlerContext } from '@clarity/kit';
import type { RowError } from '@clarity/proto/clarity/common/v1/types.js';
import {
  SupplierFormat,
  type ImportHeader,
  type ImportSuppliersRequest,
  type ImportSuppliersResponse,
} from '@clarity/proto/clarity/matching/v1/matching.js';
import { importerFor, type ParsedRow } from '../domain/importers.js';
import { fromProtoSupplier, supplierId, type SupplierRecord } from '../domain/supplier.js';
import type { MatchingDeps } from '../server.js';

const MAX_REPORTED_ERRORS = 1000;

/** Bytes of the file: the chunks of the stream, after the header. */
async function* chunks(first: ImportSuppliersRequest | undefined, rest: AsyncIterator<ImportSuppliersRequest>): AsyncGenerator<Buffer> {
  let message = first;
  while (message) {
    if (message.records) throw invalidArgument([{ field: 'records', description: 'cannot follow file chunks in the same stream' }]);
    if (message.header) throw invalidArgument([{ field: 'header', description: 'only the first message may be a header' }]);
    if (message.chunk && message.chunk.length > 0) yield message.chunk;
    const next = await rest.next();
    message = next.done ? undefined : next.value;
  }
}

/** Rows of structured record batches, numbered by position in the stream. */
async function* recordRows(first: ImportSuppliersRequest | undefined, rest: AsyncIterator<ImportSuppliersRequest>): AsyncGenerator<ParsedRow> {
  let message = first;
  let row = 0;
  while (message) {
    if (message.chunk) throw invalidArgument([{ field: 'chunk', description: 'cannot follow structured records in the same stream' }]);
    if (message.header) throw invalidArgument([{ field: 'header', description: 'only the first message may be a header' }]);
    for (const s of message.records?.suppliers ?? []) {
      row += 1;
      const r = fromProtoSupplier(s);
      if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(r.source)) yield { row, field: 'source', message: 'source must be 1-40 lower-case letters, digits, "_" or "-"' };
      else if (!r.sourceId) yield { row, field: 'source_id', message: 'source_id is required' };
      else if (r.sourceId.length > 200 || /\s/.test(r.sourceId)) yield { row, field: 'source_id', message: 'source_id must be at most 200 characters without spaces' };
      else if (!r.name.trim()) yield { row, field: 'name', message: 'name is required' };
      else if (r.synthetic !== (r.source === 'synthetic')) yield { row, field: 'synthetic', message: 'synthetic=true is reserved for, and required by, source "synthetic"' };
      else yield { row, record: { ...r, name: r.name.trim() } };
    }
    const next = await rest.next();
    message = next.done ? undefined : next.value;
  }
}

function checkHeader(header: ImportHeader | undefined): ImportHeader {
  if (!header) throw invalidArgument([{ field: 'header', description: 'the first message of an import must be a header' }]);
  return header;
}

export function importSuppliersHandler(deps: MatchingDeps) {
  return async (requests: AsyncIterable<ImportSuppliersRequest>, context: HandlerContext): Promise<ImportSuppliersResponse> => {
    const started = performance.now();
    const it = requests[Symbol.asyncIterator]();
    const head = await it.next();
    const header = checkHeader(head.done ? undefined : head.value.header);
    deps.requireReady();
    const second = await it.next();
    const firstPayload = second.done ? undefined : second.value;

    let rows: AsyncIterable<ParsedRow>;
    if (firstPayload?.records) {
      rows = recordRows(firstPayload, it);
    } else {
      if (header.format === SupplierFormat.SUPPLIER_FORMAT_UNSPECIFIED) {
        throw invalidArgument([{ field: 'header.format', description: 'is required for file chunks (irs-eo-bmf, sba-ppp-georgia, sba-ppp-foia, fedach, csv)' }]);
      }
      const importer = importerFor(header.format, { source: header.source, columnMapping: header.columnMapping });
      let bytes: AsyncIterable<Buffer> = chunks(firstPayload, it);
      if (header.gzip) {
        const gunzip = createGunzip();
        const source = Readable.from(bytes);
        source.on('error', (err) => gunzip.destroy(err));
        bytes = source.pipe(gunzip);
      }
      rows = importer(bytes);
    }

    let rowsRead = 0;
    let inserted = 0;
    let updated = 0;
    let unchanged = 0;
    let rejected = 0;
    const errors: RowError[] = [];
    const seen = new Map<string, number>();
    let batch: SupplierRecord[] = [];
    const reject = (row: number, field: string, message: string) => {
      rejected += 1;
      if (errors.length < MAX_REPORTED_ERRORS) errors.push({ row, field, message });
    };
    const flush = async () => {
      if (batch.length === 0) return;
      const out = await deps.suppliers.upsertBatch(batch, { dryRun: header.dryRun });
      inserted += out.inserted;
      updated += out.updated;
      unchanged += out.unchanged;
      deps.sync.applyOwn(out.written, out.seqRange);
      batch = [];
    };
    try {
      for await (const parsed of rows) {
        rowsRead += 1;
        if (context.signal.aborted) throw context.signal.reason ?? new Error('cancelled');
        if (!('record' in parsed)) {
          reject(parsed.row, parsed.field, parsed.message);
          continue;
        }
        const id = supplierId(parsed.record.source, parsed.record.sourceId);
        const earlier = seen.get(id);
        if (earlier !== undefined) {
          reject(parsed.row, 'source_id', `duplicate of row ${earlier} (same source id ${parsed.record.sourceId}); the first row was kept`);
          continue;
        }
        seen.set(id, parsed.row);
        batch.push(parsed.record);
        if (batch.length >= deps.config.matching.importBatchSize) await flush();
      }
      await flush();
    } catch (err) {
      if ((err as { code?: string }).code === 'Z_DATA_ERROR' || (err as { code?: string }).code === 'Z_BUF_ERROR') {
        throw invalidArgument([{ field: 'chunk', description: `the chunks are not valid gzip data (${(err as Error).message}); send header.gzip=false for plain bytes` }]);
      }
      throw err;
    }
    deps.logger.info({ file: header.fileName, rowsRead, inserted, updated, unchanged, rejected, dryRun: header.dryRun }, 'import finished');
    return { rowsRead, inserted, updated, unchanged, rejected, errors, elapsedSeconds: (performance.now() - started) / 1000 };
  };
}
