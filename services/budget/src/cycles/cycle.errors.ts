import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { ErrorCode } from '@fund/shared';
import { HttpError } from '@fund/shared/server';

const STATUS_BY_CODE: Record<string, number> = {
  [ErrorCode.InvalidDecision]: 422,
  [ErrorCode.BudgetExceeded]: 409,
  [ErrorCode.InsufficientPool]: 409,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.ValidationFailed]: 400,
};

/** What a refused Update or a failed workflow tells the caller: the rule that refused it, as a 4xx. */
export function toHttpError(error: unknown, month: string, cityCode: string): unknown {
  if (error instanceof WorkflowNotFoundError) {
    return new HttpError(404, ErrorCode.NotFound, `no cycle for ${cityCode} in ${month}`);
  }
  if (error instanceof WorkflowUpdateFailedError || error instanceof WorkflowFailedError) {
    // The rule that refused it is the innermost ApplicationFailure (validator, or a service behind an activity).
    let cause: unknown = error.cause;
    let found: ApplicationFailure | null = null;
    while (cause instanceof Error) {
      if (cause instanceof ApplicationFailure && cause.type) found = cause;
      cause = cause.cause;
    }
    if (found) {
      const status = STATUS_BY_CODE[found.type ?? ''] ?? 422;
      return new HttpError(status, found.type ?? ErrorCode.InvalidDecision, found.message);
    }
    return new HttpError(422, ErrorCode.InvalidDecision, error.cause?.message ?? error.message);
  }
  return error;
}
