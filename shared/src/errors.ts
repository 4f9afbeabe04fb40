import { z } from 'zod';

/**
 * Error codes shared by every service's error body and by the ApplicationFailure types
 * that activities raise, so an operator sees the same word in an HTTP answer and in the Web UI.
 */
export const ErrorCode = {
  ValidationFailed: 'VALIDATION_FAILED',
  Unauthorized: 'UNAUTHORIZED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  IdempotencyConflict: 'IDEMPOTENCY_CONFLICT',
  InsufficientPool: 'INSUFFICIENT_POOL',
  BudgetExceeded: 'BUDGET_EXCEEDED',
  InvalidDecision: 'INVALID_DECISION',
  NothingToTransfer: 'NOTHING_TO_TRANSFER',
  MonthHasRecords: 'MONTH_HAS_RECORDS',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  RateLimited: 'RATE_LIMITED',
  ServiceUnavailable: 'SERVICE_UNAVAILABLE',
  Internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The one error body every service answers with. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Codes that describe a business rejection: retrying the same request cannot succeed. */
export const NON_RETRYABLE_CODES: ReadonlySet<string> = new Set<string>([
  ErrorCode.ValidationFailed,
  ErrorCode.Unauthorized,
  ErrorCode.Forbidden,
  ErrorCode.NotFound,
  ErrorCode.Conflict,
  ErrorCode.IdempotencyConflict,
  ErrorCode.InsufficientPool,
  ErrorCode.BudgetExceeded,
  ErrorCode.InvalidDecision,
  ErrorCode.NothingToTransfer,
  ErrorCode.MonthHasRecords,
  ErrorCode.PayloadTooLarge,
  ErrorCode.UnsupportedMediaType,
]);
