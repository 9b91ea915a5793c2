// Validation with the optional external validator: always the local verdict first (never fails), then —
// when asked and configured — the external answer (cache first). Any external failure (breaker open,
// 429s beyond the retries, 5xx, timeout, malformed answer) falls back to the local verdict with a note.
import type { AddressValidationResult } from '@clarity/proto/clarity/address/v1/address.js';
import type { AddressInput } from './parser.js';
import type { LocalValidator } from './validate.js';

export interface ExternalValidator {
  /** Resolves the external result, or rejects when the external service cannot answer. */
  validate(input: AddressInput, local: AddressValidationResult, signal?: AbortSignal): Promise<AddressValidationResult>;
}

export class ValidationService {
  constructor(
    readonly local: LocalValidator,
    readonly external?: ExternalValidator,
  ) {}

  validateLocal(input: AddressInput): AddressValidationResult {
    return this.local.validate(input);
  }

  async validate(input: AddressInput, useExternal: boolean, signal?: AbortSignal): Promise<AddressValidationResult> {
    const local = this.local.validate(input);
    if (!useExternal) return local;
    return this.withExternal(input, local, signal);
  }

  async withExternal(input: AddressInput, local: AddressValidationResult, signal?: AbortSignal): Promise<AddressValidationResult> {
    if (!this.external) {
      return { ...local, notes: [...local.notes, 'external validation requested but no external validator is configured: answered locally'] };
    }
    try {
      return await this.external.validate(input, local, signal);
    } catch (err) {
      if (signal?.aborted) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      return { ...local, notes: [...local.notes, `external validator unavailable (${reason}): answered locally`] };
    }
  }
}
