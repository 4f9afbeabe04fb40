import type { z } from 'zod';
import { validationError } from './errors';

/** Parses one part of a request at the edge; a failure becomes a 400 naming the field and rule. */
export function parse<T extends z.ZodType>(schema: T, value: unknown, where: 'body' | 'query' | 'params' = 'body'): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, where);
  return result.data;
}
