import type { ZodError } from 'zod';
import { ErrorCode } from '../errors';

/** An error that maps to one HTTP answer with the shared error body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** 400 naming every field and the rule it broke. */
export function validationError(error: ZodError, where = 'body'): HttpError {
  const issues = error.issues.map((issue) => ({
    field: [where, ...issue.path.map(String)].join('.'),
    rule: issue.message,
  }));
  const summary = issues.map((i) => `${i.field} ${i.rule}`).join('; ');
  return new HttpError(400, ErrorCode.ValidationFailed, `invalid request: ${summary}`, { issues });
}

export const notFound = (what: string): HttpError => new HttpError(404, ErrorCode.NotFound, `${what} not found`);
export const conflict = (code: string, message: string, details?: unknown): HttpError => new HttpError(409, code, message, details);
