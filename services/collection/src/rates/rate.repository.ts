import { ErrorCode, type EmployerGradeRequest, type PublishRateVersionRequest } from '@fund/shared';
import { conflict, HttpError, notFound } from '@fund/shared/server';
import { sql, type Kysely } from 'kysely';
import type { CollectionDB, Db } from '../db';

/** The benchmark of every class and the grades it may float to, as one version publishes them. */
export interface RateVersion {
  effectiveFrom: string;
  reason: string;
  publishedBy: string;
  benchmarksBp: Record<string, number>;
  grades: Record<string, number[]>;
  inForce: boolean;
}

/** The rate an employer pays in a month: its class's benchmark times its floating grade. */
export interface RateInForce {
  versionFrom: string;
  benchmarkBp: number;
  gradePct: number;
}

/** A new employer pays its benchmark until a grade is decided for it. */
export const NEW_EMPLOYER_GRADE_PCT = 100;

/** Today in the province (UTC+8), 'YYYY-MM-DD'. */
export function provinceToday(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

const refused = (field: string, rule: string) =>
  new HttpError(422, ErrorCode.ValidationFailed, `${field} ${rule}`, { issues: [{ field, rule }] });

/** Every version, oldest first; `inForce` marks those whose first day has come. */
export async function listRateVersions(db: Db, today = provinceToday()): Promise<RateVersion[]> {
  const versions = await db
    .selectFrom('rate_versions')
    .select(['id', sql<string>`effective_from::text`.as('effective_from'), 'reason', 'published_by'])
    .orderBy('effective_from')
    .execute();
  const ids = versions.map((v) => v.id);
  if (ids.length === 0) return [];
  const benchmarks = await db.selectFrom('benchmark_rates').selectAll().where('version_id', 'in', ids).execute();
  const grades = await db.selectFrom('floating_grades').selectAll().where('version_id', 'in', ids).orderBy('grade_pct').execute();
  return versions.map((v) => ({
    effectiveFrom: v.effective_from,
    reason: v.reason,
    publishedBy: v.published_by,
    benchmarksBp: Object.fromEntries(benchmarks.filter((b) => b.version_id === v.id).map((b) => [String(b.industry_class), b.rate_bp])),
    grades: Object.fromEntries(
      [1, 2, 3, 4, 5, 6, 7, 8].map((c) => [
        String(c),
        grades.filter((g) => g.version_id === v.id && g.industry_class === c).map((g) => g.grade_pct),
      ]),
    ),
    inForce: v.effective_from <= today,
  }));
}

/** The version in force on a day: the latest whose first day is on or before it. */
export async function versionInForce(db: Db, day: string): Promise<RateVersion> {
  const versions = await listRateVersions(db);
  const version = versions.filter((v) => v.effectiveFrom <= day).at(-1);
  if (!version) throw notFound(`a rate version in force on ${day}`);
  return version;
}

async function writeLines(db: Db, versionId: string, input: PublishRateVersionRequest): Promise<void> {
  await db
    .insertInto('benchmark_rates')
    .values(Object.entries(input.benchmarksBp).map(([cls, bp]) => ({ version_id: versionId, industry_class: Number(cls), rate_bp: bp })))
    .execute();
  await db
    .insertInto('floating_grades')
    .values(
      Object.entries(input.grades).flatMap(([cls, grades]) =>
        grades.map((pct) => ({ version_id: versionId, industry_class: Number(cls), grade_pct: pct })),
      ),
    )
    .execute();
}

/**
 * Publishes a version from a future first of the month. Refused: a day not in the future, and a
 * day on or before an existing version's (versions follow each other; they never overlap).
 */
export async function publishRateVersion(
  db: Kysely<CollectionDB>,
  input: PublishRateVersionRequest,
  publishedBy: string,
  today = provinceToday(),
): Promise<RateVersion> {
  if (input.effectiveFrom <= today)
    throw refused('body.effectiveFrom', `must be after today (${today}): a version is published before it takes effect`);
  return db.transaction().execute(async (trx) => {
    await sql`lock table rate_versions in share row exclusive mode`.execute(trx);
    const latest = await trx
      .selectFrom('rate_versions')
      .select(sql<string>`max(effective_from)::text`.as('day'))
      .executeTakeFirstOrThrow();
    if (latest.day && input.effectiveFrom <= latest.day) {
      throw conflict(
        ErrorCode.Conflict,
        `body.effectiveFrom ${input.effectiveFrom} overlaps the version in force from ${latest.day}: a new version must start after the latest one`,
        { issues: [{ field: 'body.effectiveFrom', rule: `must be after ${latest.day}, the latest version's first day` }] },
      );
    }
    const version = await trx
      .insertInto('rate_versions')
      .values({ effective_from: input.effectiveFrom, reason: input.reason, published_by: publishedBy })
      .returning('id')
      .executeTakeFirstOrThrow();
    await writeLines(trx, version.id, input);
    return (await listRateVersions(trx, today)).find((v) => v.effectiveFrom === input.effectiveFrom)!;
  });
}

/** Rewrites a version that is not yet in force; one in force is refused (and the database refuses it too). */
export async function reviseRateVersion(
  db: Kysely<CollectionDB>,
  effectiveFrom: string,
  input: PublishRateVersionRequest,
  revisedBy: string,
  today = provinceToday(),
): Promise<RateVersion> {
  return db.transaction().execute(async (trx) => {
    const version = await trx
      .selectFrom('rate_versions')
      .select(['id', sql<string>`effective_from::text`.as('effective_from')])
      .where(sql<string>`effective_from::text`, '=', effectiveFrom)
      .forUpdate()
      .executeTakeFirst();
    if (!version) throw notFound(`rate version from ${effectiveFrom}`);
    if (version.effective_from <= today) {
      throw conflict(
        ErrorCode.Conflict,
        `the rate version in force from ${effectiveFrom} may not be changed: publish a new version instead`,
      );
    }
    if (input.effectiveFrom !== effectiveFrom) throw refused('body.effectiveFrom', `must be ${effectiveFrom}, the version being revised`);
    await trx.deleteFrom('benchmark_rates').where('version_id', '=', version.id).execute();
    await trx.deleteFrom('floating_grades').where('version_id', '=', version.id).execute();
    await trx.updateTable('rate_versions').set({ reason: input.reason, published_by: revisedBy }).where('id', '=', version.id).execute();
    await writeLines(trx, version.id, input);
    return (await listRateVersions(trx, today)).find((v) => v.effectiveFrom === effectiveFrom)!;
  });
}

/** An employer's grade in force on a day; the benchmark (100%) before any decision. */
export async function gradeInForce(db: Db, employerId: string, day: string): Promise<number> {
  const row = await db
    .selectFrom('employer_grades')
    .select('grade_pct')
    .where('employer_id', '=', employerId)
    .where(sql<string>`effective_from::text`, '<=', day)
    .orderBy('effective_from', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.grade_pct ?? NEW_EMPLOYER_GRADE_PCT;
}

/** The rate an employer of a class pays in a month (the versions in force on its first day). */
export async function rateInForce(db: Db, employer: { id: string; industry_class: number }, month: string): Promise<RateInForce> {
  const day = `${month}-01`;
  const version = await versionInForce(db, day);
  return {
    versionFrom: version.effectiveFrom,
    benchmarkBp: version.benchmarksBp[String(employer.industry_class)] ?? 0,
    gradePct: await gradeInForce(db, employer.id, day),
  };
}

/** An employer's grade history, oldest first. */
export async function gradeHistory(db: Db, employerId: string) {
  const rows = await db
    .selectFrom('employer_grades')
    .select([sql<string>`effective_from::text`.as('effective_from'), 'grade_pct', 'reason', 'decided_by'])
    .where('employer_id', '=', employerId)
    .orderBy('effective_from')
    .execute();
  return rows.map((r) => ({ effectiveFrom: r.effective_from, gradePct: r.grade_pct, reason: r.reason, decidedBy: r.decided_by }));
}

/** Records the grade an employer starts at: the benchmark, from its first month. */
export async function recordNewEmployerGrade(db: Db, employerId: string, firstMonth: string): Promise<void> {
  await db
    .insertInto('employer_grades')
    .values({
      employer_id: employerId,
      effective_from: `${firstMonth}-01`,
      grade_pct: NEW_EMPLOYER_GRADE_PCT,
      reason: 'new employer: the benchmark',
      decided_by: 'registration',
    })
    .execute();
}

/**
 * Sets an employer's grade from a future first of the month. Refused: a day not in the future, a
 * day already decided, and a grade its class may not float to in the version in force that day.
 */
export async function scheduleEmployerGrade(
  db: Kysely<CollectionDB>,
  employer: { id: string; industry_class: number },
  input: EmployerGradeRequest,
  decidedBy: string,
  today = provinceToday(),
) {
  if (input.effectiveFrom <= today)
    throw refused('body.effectiveFrom', `must be after today (${today}): a grade in force is never rewritten`);
  const version = await versionInForce(db, input.effectiveFrom);
  const allowed = version.grades[String(employer.industry_class)] ?? [];
  if (!allowed.includes(input.gradePct)) {
    throw refused(
      'body.gradePct',
      `must be a grade class ${employer.industry_class} may float to from ${input.effectiveFrom} (${allowed.join('%, ')}%)`,
    );
  }
  try {
    await db
      .insertInto('employer_grades')
      .values({
        employer_id: employer.id,
        effective_from: input.effectiveFrom,
        grade_pct: input.gradePct,
        reason: input.reason,
        decided_by: decidedBy,
      })
      .execute();
  } catch (error) {
    if ((error as { code?: string }).code === '23505') {
      throw conflict(ErrorCode.Conflict, `employer ${employer.id} already has a grade from ${input.effectiveFrom}`);
    }
    throw error;
  }
  return gradeHistory(db, employer.id);
}
