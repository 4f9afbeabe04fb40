import type { RegisterEmployerRequest } from '@fund/shared';
import type { Db } from '../db';
import { BENCHMARK_RATE_BP, type Employer } from './employer.table';

/** Registers an employer at its industry class's benchmark rate. */
export async function insertEmployer(db: Db, input: RegisterEmployerRequest): Promise<Employer> {
  return db
    .insertInto('employers')
    .values({
      city_code: input.cityCode,
      name: input.name,
      industry_class: input.industryClass,
      rate_bp: BENCHMARK_RATE_BP[input.industryClass] ?? 0,
      monthly_payroll_fen: input.monthlyPayrollFen,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findEmployer(db: Db, id: string): Promise<Employer | undefined> {
  return db.selectFrom('employers').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listEmployers(db: Db, cityCode: string, limit: number, afterId: string | null): Promise<Employer[]> {
  let query = db.selectFrom('employers').selectAll().where('city_code', '=', cityCode).orderBy('id').limit(limit);
  if (afterId) query = query.where('id', '>', afterId);
  return query.execute();
}

/** The contribution an employer owes for a month: payroll times its rate. */
export function monthlyContributionFen(employer: Pick<Employer, 'monthly_payroll_fen' | 'rate_bp'>): bigint {
  return (BigInt(employer.monthly_payroll_fen) * BigInt(employer.rate_bp)) / 10_000n;
}
