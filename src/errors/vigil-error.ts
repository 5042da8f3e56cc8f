import { ERROR_CATALOG, type ErrorCode } from './catalog';

/** Context attached to an error. Values must already be safe to log (no secrets). */
export type ErrorDetails = Record<string, string | number | boolean | null | undefined>;

/** An error as a value: a stable code, a human message, context, and whether a retry can help. */
export class VigilError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly httpStatus: number;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message?: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    const entry = ERROR_CATALOG[code];
    super(message ?? entry.message, options);
    this.name = 'VigilError';
    this.code = code;
    this.retryable = entry.retryable;
    this.httpStatus = entry.httpStatus;
    this.details = details;
  }

  toJSON(): { code: ErrorCode; message: string; retryable: boolean; details: ErrorDetails } {
    return { code: this.code, message: this.message, retryable: this.retryable, details: this.details };
  }
}

export function isVigilError(value: unknown): value is VigilError {
  return value instanceof VigilError;
}

/** Wraps anything thrown into a VigilError with the given code, keeping the original as cause. */
export function asVigilError(value: unknown, code: ErrorCode, details: ErrorDetails = {}): VigilError {
  if (value instanceof VigilError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new VigilError(code, message, details, { cause: value });
}
