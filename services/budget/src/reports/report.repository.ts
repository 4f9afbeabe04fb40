import type { StoredReport, StoreReportRequest } from '@fund/shared';
import { sql, type Kysely } from 'kysely';
import type { BudgetDB, Db } from '../db';
import type { Report } from './report.table';

function present(row: Report): StoredReport {
  return { month: row.month, version: row.version, createdAt: row.created_at.toISOString(), report: row.report };
}

/**
 * Stores a month's reconciliation report as its next version. A retry that sends the same report
 * as the latest version stores nothing and answers that version.
 */
export async function storeReport(db: Kysely<BudgetDB>, input: StoreReportRequest): Promise<{ stored: StoredReport; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    // Numbers the month's versions one writer at a time.
    await sql`select pg_advisory_xact_lock(hashtextextended(${`report:${input.month}`}, 0))`.execute(trx);
    const latest = await latestReport(trx, input.month);
    const body = JSON.stringify(input.report);
    if (latest) {
      // Compared as jsonb in the database: key order and number spelling do not matter.
      const same = await trx
        .selectFrom('reports')
        .select(sql<boolean>`report = ${body}::jsonb`.as('same'))
        .where('id', '=', latest.id)
        .executeTakeFirstOrThrow();
      if (same.same) return { stored: present(latest), created: false };
    }
    const row = await trx
      .insertInto('reports')
      .values({ month: input.month, version: (latest?.version ?? 0) + 1, report: body })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { stored: present(row), created: true };
  });
}

async function latestReport(db: Db, month: string): Promise<Report | undefined> {
  return db.selectFrom('reports').selectAll().where('month', '=', month).orderBy('version', 'desc').limit(1).executeTakeFirst();
}

/** The newest stored version of a month's report. */
export async function findReport(db: Db, month: string): Promise<StoredReport | undefined> {
  const row = await latestReport(db, month);
  return row ? present(row) : undefined;
}
