// Test helpers: a real matching server on port 0, a client, and file/record imports over the stream.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createServiceClient, store, type ServiceClient, type Store } from '@clarity/kit';
import { testRuntimeConfig } from '@clarity/kit/testing';
import {
  MatchingServiceDefinition,
  SupplierFormat,
  type ImportSuppliersRequest,
  type ImportSuppliersResponse,
  Supplier,
} from '@clarity/proto/clarity/matching/v1/matching.js';
import { DEFAULT_SETTINGS, type MatchingSettings } from '../src/config.js';
import { startMatchingService, type RunningMatchingService } from '../src/server.js';

export const fixture = (name: string) => new URL(`../../test/fixtures/${name}`, import.meta.url);

export type MatchingClient = ServiceClient<typeof MatchingServiceDefinition>;

export interface TestService {
  running: RunningMatchingService;
  client: MatchingClient;
  store: Store;
  close(): Promise<void>;
}

export async function startTestService(options: { store?: Store; settings?: Partial<MatchingSettings>; env?: Record<string, string> } = {}): Promise<TestService> {
  const s = options.store ?? new store.EmbeddedStore();
  const running = await startMatchingService({
    config: { runtime: testRuntimeConfig('matching', options.env), matching: { ...DEFAULT_SETTINGS, syncIntervalMs: 0, ...options.settings } },
    store: s,
  });
  await running.ready;
  const client = createServiceClient(MatchingServiceDefinition, running.address, { defaultTimeoutMs: 60_000 });
  return {
    running,
    client,
    store: s,
    close: async () => {
      client.close();
      await running.shutdown();
      if (!options.store) await s.close();
    },
  };
}

/** Streams a file's bytes (optionally gzip) in small chunks so rows span chunk boundaries. */
export async function importFile(
  client: MatchingClient,
  bytes: Buffer,
  format: SupplierFormat,
  options: { gzip?: boolean; chunkSize?: number; dryRun?: boolean; source?: string; columnMapping?: Record<string, string> } = {},
): Promise<ImportSuppliersResponse> {
  const payload = options.gzip ? gzipSync(bytes) : bytes;
  const size = options.chunkSize ?? 777;
  async function* requests(): AsyncGenerator<ImportSuppliersRequest> {
    yield {
      header: {
        format,
        fileName: 'test',
        source: options.source ?? '',
        columnMapping: options.columnMapping ?? {},
        dryRun: Boolean(options.dryRun),
        gzip: Boolean(options.gzip),
      },
    };
    for (let i = 0; i < payload.length; i += size) yield { chunk: payload.subarray(i, i + size) };
  }
  return client.importSuppliers(requests());
}

export async function importFixture(client: MatchingClient, name: string, format: SupplierFormat, options: Parameters<typeof importFile>[3] = {}) {
  return importFile(client, readFileSync(fixture(name)), format, options);
}

export async function importRecords(client: MatchingClient, suppliers: Array<Partial<Supplier>>): Promise<ImportSuppliersResponse> {
  async function* requests(): AsyncGenerator<ImportSuppliersRequest> {
    yield { header: { format: SupplierFormat.SUPPLIER_FORMAT_UNSPECIFIED, fileName: 'records', source: '', columnMapping: {}, dryRun: false, gzip: false } };
    yield {
      records: {
        suppliers: suppliers.map((s) => Supplier.fromPartial({ source: 'custom', ...s })),
      },
    };
  }
  return client.importSuppliers(requests());
}

export function address(line1: string, city: string, state: string, postalCode: string) {
  return { line1, line2: '', city, state, postalCode, countryCode: '', freeform: '', recipient: '' };
}

export async function waitFor(predicate: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
}
