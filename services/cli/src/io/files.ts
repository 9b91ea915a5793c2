// Reading input files (plain or .gz) and writing CSV output with proper quoting.
import { createReadStream, createWriteStream, statSync, type WriteStream } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CliError } from '../context.js';

/** Opens a file for reading, transparently gunzipping *.gz. Fails with a clear message if missing. */
export function openInput(path: string): { stream: Readable; bytes: number; compressed: boolean } {
  let bytes: number;
  try {
    bytes = statSync(path).size;
  } catch {
    throw new CliError(`cannot read ${path}: no such file`);
  }
  const raw = createReadStream(path);
  const compressed = path.endsWith('.gz');
  return { stream: compressed ? raw.pipe(createGunzip()) : raw, bytes, compressed };
}

/**
 * A batch item's error as a CSV row's: the batch position ("payees[4].name: is required") means nothing
 * beside a row number, so it is dropped ("name: is required").
 */
export function rowErrorMessage(message: string): string {
  return message.replace(/(^|; )(?:payees|addresses|requests|items)\[\d+\](?:\.|: )/g, '$1');
}

/** Quotes a CSV field when needed (RFC 4180). */
export function csvField(value: unknown): string {
  const s = value === undefined || value === null ? '' : String(value);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes CSV rows to a file (or stdout for "-"), honoring back-pressure. */
export class CsvWriter {
  private readonly out: Writable;

  constructor(
    path: string,
    private readonly columns: readonly string[],
  ) {
    this.out = path === '-' ? process.stdout : createWriteStream(path);
    this.out.write(`${columns.map(csvField).join(',')}\n`);
  }

  async write(row: Record<string, unknown>): Promise<void> {
    const line = `${this.columns.map((c) => csvField(row[c])).join(',')}\n`;
    if (!this.out.write(line)) await new Promise<void>((r) => this.out.once('drain', () => r()));
  }

  async close(): Promise<void> {
    if (this.out === process.stdout) return;
    await new Promise<void>((resolve, reject) => (this.out as WriteStream).end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}
