// The error model. Expected failures travel as gRPC status codes with google.rpc details
// (INVALID_ARGUMENT carries google.rpc.BadRequest field violations); anything unexpected becomes
// INTERNAL with a reference to the trace, never a stack trace.
import { ServerError, Status } from 'nice-grpc-common';
import {
  BadRequest,
  ErrorInfo,
  PreconditionFailure,
  QuotaFailure,
  ResourceInfo,
  RetryInfo,
  RichServerError,
  type ErrorDetails,
} from 'nice-grpc-error-details';
import { Status as StatusProto } from '@clarity/proto/google/rpc/status.js';

export { Status, ServerError } from 'nice-grpc-common';
export { RichServerError } from 'nice-grpc-error-details';

export interface FieldViolation {
  /** Dot path to the field, e.g. "payee.name" or "payees[3].address.postal_code". */
  field: string;
  description: string;
}

/** INVALID_ARGUMENT with one google.rpc.BadRequest listing every violation. */
export function invalidArgument(violations: FieldViolation[], message?: string): RichServerError {
  const summary =
    message ?? violations.map((v) => `${v.field}: ${v.description}`).join('; ') ?? 'invalid argument';
  return new RichServerError(Status.INVALID_ARGUMENT, summary, [
    BadRequest.fromPartial({ fieldViolations: violations.map((v) => ({ field: v.field, description: v.description })) }),
  ]);
}

/** Collects field violations while validating a request, then throws them all at once. */
export class FieldViolations {
  readonly list: FieldViolation[] = [];
  add(field: string, description: string): this {
    this.list.push({ field, description });
    return this;
  }
  get isEmpty(): boolean {
    return this.list.length === 0;
  }
  /** Throws INVALID_ARGUMENT when any violation was added. */
  throwIfAny(message?: string): void {
    if (this.list.length > 0) throw invalidArgument(this.list, message);
  }
}

export function notFound(resourceType: string, resourceName: string, message?: string): RichServerError {
  return new RichServerError(Status.NOT_FOUND, message ?? `${resourceType} ${JSON.stringify(resourceName)} not found`, [
    ResourceInfo.fromPartial({ resourceType, resourceName }),
  ]);
}

export function failedPrecondition(type: string, subject: string, description: string): RichServerError {
  return new RichServerError(Status.FAILED_PRECONDITION, description, [
    PreconditionFailure.fromPartial({ violations: [{ type, subject, description }] }),
  ]);
}

export function unavailable(description: string, retryAfterMs?: number): RichServerError {
  const extra: ErrorDetails[] = [];
  if (retryAfterMs !== undefined) {
    extra.push(
      RetryInfo.fromPartial({ retryDelay: { seconds: Math.floor(retryAfterMs / 1000), nanos: (retryAfterMs % 1000) * 1e6 } }),
    );
  }
  return new RichServerError(Status.UNAVAILABLE, description, extra);
}

export function resourceExhausted(subject: string, description: string): RichServerError {
  return new RichServerError(Status.RESOURCE_EXHAUSTED, description, [
    QuotaFailure.fromPartial({ violations: [{ subject, description }] }),
  ]);
}

/**
 * UNIMPLEMENTED for an RPC whose capability has not landed yet; the message names the capability so
 * callers know what is missing rather than guessing.
 */
export function unimplemented(rpc: string, capability: string): RichServerError {
  return new RichServerError(Status.UNIMPLEMENTED, `${rpc}: ${capability} is not implemented yet`, [
    ErrorInfo.fromPartial({ reason: 'CAPABILITY_NOT_IMPLEMENTED', domain: 'clarity', metadata: { rpc, capability } }),
  ]);
}

const detailTypes = [BadRequest, ErrorInfo, PreconditionFailure, QuotaFailure, ResourceInfo, RetryInfo] as const;

/**
 * Converts any error into a google.rpc.Status message, for per-item errors inside batch responses.
 * Unknown errors become INTERNAL without their message (which may hold internals).
 */
export function toStatusProto(err: unknown): StatusProto {
  if (err instanceof ServerError) {
    const extra = err instanceof RichServerError ? err.extra : [];
    const details = extra.flatMap((d) => {
      const type = detailTypes.find((t) => t.$type === (d as { $type?: string }).$type);
      if (!type) return [];
      return [{ typeUrl: `type.googleapis.com/${type.$type}`, value: Buffer.from((type.encode as (m: unknown) => { finish(): Uint8Array }).call(type, d).finish()) }];
    });
    return StatusProto.fromPartial({ code: err.code, message: err.details, details });
  }
  return StatusProto.fromPartial({ code: Status.INTERNAL, message: 'internal error' });
}

/** Decodes the google.rpc.BadRequest field violations of a status message (batch items, tests). */
export function fieldViolationsOf(status: StatusProto | undefined): FieldViolation[] {
  if (!status) return [];
  return status.details
    .filter((d) => d.typeUrl.endsWith('/google.rpc.BadRequest'))
    .flatMap((d) => BadRequest.decode(d.value).fieldViolations.map((v) => ({ field: v.field, description: v.description })));
}
