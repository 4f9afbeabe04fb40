import { ErrorCode, monthOf, type RegisterEmployerRequest } from '@fund/shared';
import { HttpError } from '@fund/shared/server';
import { sql, type Kysely } from 'kysely';
import type { CollectionDB, Db } from '../db';
import { provinceToday, recordNewEmployerGrade } from '../rates/rate.repository';
import type { Employer } from './employer.table';

/** An employer with the rate it pays today: its class's benchmark times its floating grade. */
export type EmployerWithRate = Employer & { benchmark_bp: number | null; grade_pct: number };

/** Registers an employer; it starts at its class's benchmark (grade 100%) from this month. */
export async function insertEmployer(db: Kysely<CollectionDB>, input: RegisterEmployerRequest, now = new Date()): Promise<Employer> {
  return db.transaction().execute(async (trx) => {
    const employer = await trx
      .insertInto('employers')
      .values({
        city_code: input.cityCode,
        name: input.name,
        industry_class: input.industryClass,
        monthly_payroll_fen: input.monthlyPayrollFen,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordNewEmployerGrade(trx, employer.id, monthOf(now));
    return employer;
  });
}

/**
 * The employers a batch of the tax bureau's reports names, by id, with their city; one that is not
 * registered refuses the whole batch (422 naming the field and the rule).
 */
export async function registeredEmployers(db: Db, ids: readonly string[]): Promise<Map<string, { id: string; city_code: string }>> {
  const rows =
    ids.length === 0
      ? []
      : await db
          .selectFrom('employers')
          .select(['id', 'city_code'])
          .where('id', 'in', [...ids])
          .execute();
  const employers = new Map(rows.map((e) => [e.id, e]));
  const unknown = ids.find((id) => !employers.has(id));
  if (unknown) {
    throw new HttpError(422, ErrorCode.ValidationFailed, `body.employerId: employer ${unknown} is not registered`, {
      issues: [{ field: 'body.employerId', rule: 'must be a registered employer' }],
    });
  }
  return employers;
}

export async function findEmployer(db: Db, id: string): Promise<Employer | undefined> {
  return db.selectFrom('employers').selectAll().where('id', '=', id).executeTakeFirst();
}

function withRateToday(db: Db, today: string) {
  return db
    .selectFrom('employers as e')
    .selectAll('e')
    .select([
      sql<number | null>`(
        select b.rate_bp from benchmark_rates b
        where b.industry_class = e.industry_class
          and b.version_id = (select v.id from rate_versions v where v.effective_from <= ${today}::date order by v.effective_from desc limit 1)
      )`.as('benchmark_bp'),
      sql<number>`coalesce((
        select g.grade_pct from employer_grades g
        where g.employer_id = e.id and g.effective_from <= ${today}::date order by g.effective_from desc limit 1
      ), 100)`.as('grade_pct'),
    ]);
}

/** One employer with the rate it pays today. */
export async function findEmployerWithRate(db: Db, id: string, today = provinceToday()): Promise<EmployerWithRate | undefined> {
  return withRateToday(db, today).where('e.id', '=', id).executeTakeFirst();
}

export async function listEmployers(
  db: Db,
  cityCode: string,
  limit: number,
  afterId: string | null,
  today = provinceToday(),
): Promise<EmployerWithRate[]> {
  let query = withRateToday(db, today).where('e.city_code', '=', cityCode).orderBy('e.id').limit(limit);
  if (afterId) query = query.where('e.id', '>', afterId);
  return query.execute();
}
