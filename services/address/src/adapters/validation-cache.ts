// Store-backed cache of external validator answers, keyed by the normalized address, so a repeated
// address costs nothing. Entries expire after the configured TTL (default 30 days); expired entries are
// ignored on read and purged periodically.
import { createHash } from 'node:crypto';
import type { Collection, Store } from '@clarity/kit';

interface CacheDoc {
  _id: string;
  /** The API's JSON answer, verbatim (kept as text: its keys need no store escaping). */
  json: string;
  storedAt: Date;
  expiresAt: Date;
}

export class ValidationCache {
  private readonly docs: Collection<CacheDoc>;
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    store: Store,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.docs = store.collection<CacheDoc>('external_validations');
  }

  async init(): Promise<void> {
    await this.docs.createIndex({ expiresAt: 1 });
    await this.purge();
    this.purgeTimer = setInterval(() => void this.purge().catch(() => undefined), 6 * 3_600_000);
    this.purgeTimer.unref();
  }

  close(): void {
    clearInterval(this.purgeTimer);
  }

  static key(normalizedRequest: unknown): string {
    return createHash('sha256').update(JSON.stringify(normalizedRequest)).digest('hex');
  }

  async get(key: string): Promise<unknown | undefined> {
    if (this.ttlMs <= 0) return undefined;
    const doc = await this.docs.get(key);
    if (!doc || doc.expiresAt.getTime() <= this.now()) return undefined;
    return JSON.parse(doc.json) as unknown;
  }

  async put(key: string, answer: unknown): Promise<void> {
    if (this.ttlMs <= 0) return;
    const now = this.now();
    await this.docs.put({ _id: key, json: JSON.stringify(answer), storedAt: new Date(now), expiresAt: new Date(now + this.ttlMs) });
  }

  async purge(): Promise<number> {
    return this.docs.deleteMany({ expiresAt: { $lte: new Date(this.now()) } });
  }
}
