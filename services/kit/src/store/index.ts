import type { StoreConfig } from '../config.js';
import { EmbeddedStore } from './embedded.js';
import type { Store } from './types.js';

export * from './types.js';
export { EmbeddedStore } from './embedded.js';

/**
 * The MongoDB store. The driver is loaded only when used (it costs ~20 MB of memory in every process
 * that merely could talk to MongoDB).
 */
export const MongoStore = {
  async connect(uri: string, database: string, options: { serverSelectionTimeoutMS?: number } = {}): Promise<Store> {
    const { MongoStore: Impl } = await import('./mongo.js');
    return Impl.connect(uri, database, options);
  },
};

/**
 * Opens the configured store: MongoDB when MONGODB_URI is set, else the embedded store (persisted
 * under `<dir>/<service>` when a data directory is configured, memory-only otherwise).
 */
export async function openStore(config: StoreConfig, service: string): Promise<Store> {
  if (config.kind === 'mongodb') return MongoStore.connect(config.uri, config.database);
  return new EmbeddedStore({ dir: config.dir ? `${config.dir.replace(/\/$/, '')}/${service}` : undefined });
}
