import { sql } from 'kysely';
import type { Db } from '../db';

/** What the budget service already holds for a month: plans, commitments, stored reports. */
export interface MonthRecords {
  plans: number;
  commitments: number;
  reports: number;
}

export async function monthRecords(db: Db, month: string): Promise<MonthRecords> {
  const row = await sql<{ plans: string; commitments: string; reports: string }>`
    select (select count(*) from plans where month = ${month}) as plans,
           (select count(*) from commitments where month = ${month}) as commitments,
           (select count(*) from reports where month = ${month}) as reports
  `.execute(db);
  const r = row.rows[0]!;
  return { plans: Number(r.plans), commitments: Number(r.commitments), reports: Number(r.reports) };
}
