// Configuration of the matching service: the kit's runtime variables (CLARITY_GRPC_PORT defaults to
// 50052, CLARITY_METRICS_PORT to 9462) plus the service's own.
import { ConfigError, env, loadRuntimeConfig, parseEnv, type RuntimeConfig } from '@clarity/kit';

export const DEFAULT_GRPC_PORT = 50052;
export const DEFAULT_METRICS_PORT = 9462;

export interface MatchingSettings {
  /** Best-candidate score at or above which a payee is MATCHED. */
  matchThreshold: number;
  /** Score at or above which a payee is REVIEW (below: NO_MATCH). */
  reviewThreshold: number;
  /** Candidates returned when the request does not say. */
  defaultTopK: number;
  /** Suppliers reranked per query. */
  poolSize: number;
  /** How often a replica polls the store for changes other replicas wrote (0 = never). */
  syncIntervalMs: number;
  /** How long a reserved change sequence may take to be written (the poller re-reads that window). */
  syncSettleMs: number;
  /** Rows written to the store per batch during an import. */
  importBatchSize: number;
  /**
   * Where the index snapshot lives ('' = none, STORE_SNAPSHOT = in the store): written after a full
   * build and at shutdown, loaded at start-up instead of reading every document. Defaults to
   * `<CLARITY_DATA_DIR>/matching/index.snapshot` with a file-backed embedded store, to the store with
   * MongoDB, none with an in-memory store.
   */
  snapshotPath: string;
  /** A replica rewrites the store's snapshot only when it is at least this many changes newer. */
  storeSnapshotMinChanges: number;
  /**
   * A full rebuild from a file-backed embedded store of at least this many suppliers decodes and
   * normalizes them on a worker thread while the main thread indexes (0 = never).
   */
  buildWorkerMinSuppliers: number;
}

/** The `CLARITY_MATCHING_INDEX_SNAPSHOT` value that keeps the snapshot in the store (shared by replicas). */
export const STORE_SNAPSHOT = 'store';

export interface MatchingConfig {
  runtime: RuntimeConfig;
  matching: MatchingSettings;
}

// Thresholds chosen on the calibration fit's TRAIN split (scripts/fit-calibration.ts prints the
// table): at 0.9, 1.7% of absent-truth payees and 1.1% of present ones were auto-matched wrongly.
export const DEFAULT_SETTINGS: MatchingSettings = {
  matchThreshold: 0.9,
  reviewThreshold: 0.5,
  defaultTopK: 5,
  poolSize: 40,
  syncIntervalMs: 1000,
  syncSettleMs: 10_000,
  importBatchSize: 1000,
  snapshotPath: '',
  storeSnapshotMinChanges: 1000,
  buildWorkerMinSuppliers: 20_000,
};

export function loadMatchingSettings(source: Record<string, string | undefined> = process.env): MatchingSettings {
  const e = parseEnv(
    {
      CLARITY_MATCHING_MATCH_THRESHOLD: env.number(DEFAULT_SETTINGS.matchThreshold, 0, 1),
      CLARITY_MATCHING_REVIEW_THRESHOLD: env.number(DEFAULT_SETTINGS.reviewThreshold, 0, 1),
      CLARITY_MATCHING_TOP_K: env.int(DEFAULT_SETTINGS.defaultTopK, 1, 50),
      CLARITY_MATCHING_POOL_SIZE: env.int(DEFAULT_SETTINGS.poolSize, 5, 500),
      CLARITY_MATCHING_SYNC_INTERVAL_MS: env.int(DEFAULT_SETTINGS.syncIntervalMs, 0, 3_600_000),
      CLARITY_MATCHING_SYNC_SETTLE_MS: env.int(DEFAULT_SETTINGS.syncSettleMs, 0, 3_600_000),
      CLARITY_MATCHING_IMPORT_BATCH: env.int(DEFAULT_SETTINGS.importBatchSize, 1, 10_000),
      CLARITY_MATCHING_INDEX_SNAPSHOT: env.string(''),
      CLARITY_MATCHING_STORE_SNAPSHOT_MIN_CHANGES: env.int(DEFAULT_SETTINGS.storeSnapshotMinChanges, 0, 1_000_000_000),
      CLARITY_MATCHING_BUILD_WORKER_MIN: env.int(DEFAULT_SETTINGS.buildWorkerMinSuppliers, 0, 1_000_000_000),
      CLARITY_DATA_DIR: env.string(''),
      MONGODB_URI: env.string(''),
    },
    source,
  );
  if (e.CLARITY_MATCHING_REVIEW_THRESHOLD > e.CLARITY_MATCHING_MATCH_THRESHOLD) {
    throw new ConfigError(['CLARITY_MATCHING_REVIEW_THRESHOLD: must not exceed CLARITY_MATCHING_MATCH_THRESHOLD']);
  }
  return {
    matchThreshold: e.CLARITY_MATCHING_MATCH_THRESHOLD,
    reviewThreshold: e.CLARITY_MATCHING_REVIEW_THRESHOLD,
    defaultTopK: e.CLARITY_MATCHING_TOP_K,
    poolSize: e.CLARITY_MATCHING_POOL_SIZE,
    syncIntervalMs: e.CLARITY_MATCHING_SYNC_INTERVAL_MS,
    syncSettleMs: e.CLARITY_MATCHING_SYNC_SETTLE_MS,
    importBatchSize: e.CLARITY_MATCHING_IMPORT_BATCH,
    snapshotPath: snapshotPathOf(e.CLARITY_MATCHING_INDEX_SNAPSHOT ?? '', e.CLARITY_DATA_DIR ?? '', e.MONGODB_URI ?? ''),
    storeSnapshotMinChanges: e.CLARITY_MATCHING_STORE_SNAPSHOT_MIN_CHANGES,
    buildWorkerMinSuppliers: e.CLARITY_MATCHING_BUILD_WORKER_MIN,
  };
}

/**
 * CLARITY_MATCHING_INDEX_SNAPSHOT: a path, 'store', 'off', or unset (the store with MongoDB — replicas
 * rarely have a persistent volume — else beside a file-backed embedded store).
 */
function snapshotPathOf(setting: string, dataDir: string, mongoUri: string): string {
  if (setting === 'off') return '';
  if (setting) return setting;
  if (mongoUri) return STORE_SNAPSHOT;
  return dataDir ? `${dataDir.replace(/\/$/, '')}/matching/index.snapshot` : '';
}

export function loadMatchingConfig(source: Record<string, string | undefined> = process.env): MatchingConfig {
  return {
    runtime: loadRuntimeConfig('matching', { grpcPort: DEFAULT_GRPC_PORT, metricsPort: DEFAULT_METRICS_PORT }, source),
    matching: loadMatchingSettings(source),
  };
}
