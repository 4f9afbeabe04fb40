import crypto from 'node:crypto';
import { Client as PgClient, type Connection as PgConnection } from 'pg';
import { CITY_CODES } from '@fund/shared';
import { DATABASE } from './options';

/**
 * COPY ... FROM STDIN on a plain `pg` client (no extra package): a submittable that sends the
 * chunks when the server asks for them and settles on ReadyForQuery.
 */
function copyFromStdin(client: PgClient, statement: string, chunks: readonly Buffer[]): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: Error | null = null;
    const noop = () => undefined;
    const submittable = {
      submit(connection: PgConnection) {
        (connection as unknown as { query(text: string): void }).query(statement);
      },
      handleCopyInResponse(connection: PgConnection) {
        const wire = connection as unknown as { sendCopyFromChunk(chunk: Buffer): void; endCopyFrom(): void };
        for (const chunk of chunks) wire.sendCopyFromChunk(chunk);
        wire.endCopyFrom();
      },
      handleError(error: Error) {
        failure = error;
      },
      handleReadyForQuery() {
        if (failure) reject(failure);
        else resolve();
      },
      handleCommandComplete: noop,
      handleRowDescription: noop,
      handleDataRow: noop,
      handleEmptyQuery: noop,
      handlePortalSuspended: noop,
      handleCopyData: noop,
    };
    client.query(submittable);
  });
}

/** How many COPYs the baseline is the median of: one COPY alone varies too much within a run to be the baseline. */
const COPY_REPEATS = 5;

/**
 * The raw COPY rates of `rows` payment rows on this machine, `COPY_REPEATS` of them in the order
 * measured (the baseline is their median): each one COPY FROM STDIN on one connection into a fresh
 * logged table of exactly the payments table's shape (LIKE disbursement.payments INCLUDING ALL:
 * columns, defaults, checks and indexes) after a checkpoint, rows shaped like the payout's (paid,
 * one per entitlement, 64-hex account hash). The text is built before the clock starts.
 */
export async function copyRates(adminUrl: string, rows: number, month: string): Promise<number[]> {
  const url = new URL(adminUrl);
  url.pathname = `/${DATABASE}`;
  const client = new PgClient({ connectionString: url.toString() });
  await client.connect();
  try {
    const chunks: Buffer[] = [];
    let lines: string[] = [];
    for (let i = 1; i <= rows; i++) {
      const hash = crypto.createHash('sha256').update(String(i)).digest('hex');
      lines.push(
        `${1 + Math.floor(i / 20_000)}\t${i}\t${i}\t${month}\t${CITY_CODES[i % CITY_CODES.length]}\t${400_000 + (i % 500_000)}\t1\tpaid\t${hash}\t\\N\n`,
      );
      if (lines.length === 5_000) {
        chunks.push(Buffer.from(lines.join('')));
        lines = [];
      }
    }
    if (lines.length > 0) chunks.push(Buffer.from(lines.join('')));
    const rates: number[] = [];
    for (let k = 0; k < COPY_REPEATS; k++) {
      await client.query('drop schema if exists bench_copy cascade');
      await client.query('create schema bench_copy');
      await client.query('create table bench_copy.payments (like disbursement.payments including all)');
      await client.query('checkpoint');
      const started = process.hrtime.bigint();
      await copyFromStdin(
        client,
        'copy bench_copy.payments (batch_id, entitlement_id, beneficiary_id, month, city_code, amount_fen, attempt, status, bank_account_hash, failure_reason) from stdin',
        chunks,
      );
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const [{ n }] = (await client.query<{ n: string }>('select count(*)::text as n from bench_copy.payments')).rows as [{ n: string }];
      if (Number(n) !== rows) throw new Error(`COPY wrote ${n} rows, expected ${rows}`);
      rates.push(rows / seconds);
    }
    await client.query('drop schema bench_copy cascade');
    return rates;
  } finally {
    await client.end();
  }
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
