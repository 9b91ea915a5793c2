import type { StoreConfig } from '../config.js';
import { EmbeddedStore } from './embedded.js';
import { MongoStore } from './mongo.js';
import type { Store } from './types.js';

export * from './types.js';
export { EmbeddedStore } from './embedded.js';
export { MongoStore } from './mongo.js';

/**
 * Opens the configured store: MongoDB when MONGODB_URI is set, else the embedded store (persisted
 * under `<dir>/<service>` when a data directory is configured, memory-only otherwise).
 */
export async function openStore(config: StoreConfig, service: string): Promise<Store> {
  if (config.kind === 'mongodb') return MongoStore.connect(config.uri, config.database);
  return new EmbeddedStore({ dir: config.dir ? `${config.dir.replace(/\/$/, '')}/${service}` : undefined });
}
