import pino, { type Logger } from 'pino';

/** Field paths that may hold personal data; pino replaces them before anything is written. */
export const REDACTED_PATHS = [
  'idNumber',
  '*.idNumber',
  '*.*.idNumber',
  'id_number',
  '*.id_number',
  'bankAccount',
  '*.bankAccount',
  '*.*.bankAccount',
  'bank_account',
  '*.bank_account',
  'req.headers.authorization',
  'authorization',
];

/** JSON logs with personal data redacted. */
export function createLogger(name: string, level: string): Logger {
  return pino({ name, level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}
export type { Logger };
