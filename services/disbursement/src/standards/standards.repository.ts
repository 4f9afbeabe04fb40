import { ErrorCode, shiftMonth, type Actor } from '@fund/shared';
import { conflict } from '@fund/shared/server';
import { sql, type Kysely } from 'kysely';
import { benefitStandardSchema, type BenefitStandard, type YearlyParameters } from '../benefits';
import { appendAuditEvents } from '../audit/audit.repository';
import type { Db, DisbursementDB } from '../db';
import type { BenefitRules } from '../entitlements/entitlement.compute';
import type { PublishYearlyParametersRequest } from './standards.schema';

/** Who loads the built-in reference data, in the published_by column. */
export const REFERENCE_DATA_PUBLISHER = 'reference-data';

const STANDARDS_LOCK = sql`hashtextextended('disbursement:standards', 0)`;

/**
 * Where entitlements get their standards: the stored versions and yearly figures, read at every
 * computation (a handful of rows), so a publication applies from the next computation on.
 */
export interface StandardsSource {
  /** The standards and yearly parameters stored, after making sure the built-in reference data are there. */
  load(db: Db): Promise<BenefitRules>;
  /** Loads the built-in reference data that are missing (see `standardsSource`). */
  ensure(db: Db): Promise<void>;
}

/**
 * The stored standards, with `builtIn` as reference data: on first use, every built-in yearly
 * figure that is missing and every built-in standard version that is missing and takes effect
 * after the last month already prepared for payout is stored. Nothing stored is ever replaced,
 * and a built-in version can never reach back into a month already paid. Runs whether or not the
 * demo is seeded: without standards no entitlement can be computed.
 */
export function standardsSource(builtIn: BenefitRules): StandardsSource {
  let ensured = false;
  const source: StandardsSource = {
    async ensure(db) {
      if (ensured) return;
      const lastRun = await lastPreparedMonth(db);
      const standards = builtIn.standards.filter((s) => lastRun === null || s.effectiveMonth > lastRun);
      if (standards.length > 0) {
        await db
          .insertInto('benefit_standards')
          .values(
            standards.map((s) => ({
              version: s.version,
              effective_month: s.effectiveMonth,
              body: JSON.stringify(s),
              published_by: REFERENCE_DATA_PUBLISHER,
              published_role: 'system',
            })),
          )
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      if (builtIn.yearlyParams.length > 0) {
        await db
          .insertInto('yearly_parameters')
          .values(builtIn.yearlyParams.map((p) => ({ ...yearlyRow(p), published_by: REFERENCE_DATA_PUBLISHER, published_role: 'system' })))
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      // Inside a transaction the rows may still roll back: only a committed load counts.
      if (!db.isTransaction) ensured = true;
    },
    async load(db) {
      await source.ensure(db);
      return readRules(db);
    },
  };
  return source;
}

function yearlyRow(p: YearlyParameters) {
  return {
    year: p.year,
    average_monthly_wage_fen: p.averageMonthlyWageFen.toString(),
    minimum_monthly_wage_fen: p.minimumMonthlyWageFen.toString(),
    national_urban_disposable_income_fen: p.nationalUrbanDisposableIncomeFen.toString(),
  };
}

/** Everything stored, standards in effective order, each validated against the schema. */
export async function readRules(db: Db): Promise<BenefitRules> {
  const standards = await db.selectFrom('benefit_standards').select('body').orderBy('effective_month').execute();
  const years = await db.selectFrom('yearly_parameters').selectAll().orderBy('year').execute();
  return {
    standards: standards.map((s) => benefitStandardSchema.parse(s.body)),
    yearlyParams: years.map((y) => ({
      year: y.year,
      averageMonthlyWageFen: BigInt(y.average_monthly_wage_fen),
      minimumMonthlyWageFen: BigInt(y.minimum_monthly_wage_fen),
      nationalUrbanDisposableIncomeFen: BigInt(y.national_urban_disposable_income_fen),
    })),
  };
}

/** The latest month any city's payout was prepared for (its entitlements are fixed), or null. */
export async function lastPreparedMonth(db: Db): Promise<string | null> {
  const row = await db
    .selectFrom('payout_runs')
    .select((eb) => eb.fn.max('month').as('month'))
    .executeTakeFirst();
  return row?.month ?? null;
}

/**
 * Held (shared) by a payout preparation while it reads the standards and fixes the month's
 * entitlements, and exclusively by a publication: a new version never slips in between.
 */
export async function lockStandardsShared(trx: Db): Promise<void> {
  await sql`select pg_advisory_xact_lock_shared(${STANDARDS_LOCK})`.execute(trx);
}

/** A published standard version as the API shows it. */
export interface StoredStandard {
  version: string;
  effectiveMonth: string;
  publishedBy: string;
  publishedRole: string;
  publishedAt: string;
  standard: BenefitStandard;
}

/** Yearly figures as the API shows them, fen as strings. */
export interface StoredYearlyParameters {
  year: number;
  averageMonthlyWageFen: string;
  minimumMonthlyWageFen: string;
  nationalUrbanDisposableIncomeFen: string;
  publishedBy: string;
  publishedRole: string;
  publishedAt: string;
}

/** Every stored version and yearly figure, oldest first, and the month from which a new version may take effect. */
export async function listStandards(
  db: Db,
): Promise<{ standards: StoredStandard[]; yearlyParameters: StoredYearlyParameters[]; earliestNewEffectiveMonth: string | null }> {
  const standards = await db.selectFrom('benefit_standards').selectAll().orderBy('effective_month').execute();
  const years = await db.selectFrom('yearly_parameters').selectAll().orderBy('year').execute();
  const last = await lastPreparedMonth(db);
  return {
    standards: standards.map((s) => ({
      version: s.version,
      effectiveMonth: s.effective_month,
      publishedBy: s.published_by,
      publishedRole: s.published_role,
      publishedAt: s.published_at.toISOString(),
      standard: benefitStandardSchema.parse(s.body),
    })),
    yearlyParameters: years.map((y) => ({
      year: y.year,
      averageMonthlyWageFen: y.average_monthly_wage_fen,
      minimumMonthlyWageFen: y.minimum_monthly_wage_fen,
      nationalUrbanDisposableIncomeFen: y.national_urban_disposable_income_fen,
      publishedBy: y.published_by,
      publishedRole: y.published_role,
      publishedAt: y.published_at.toISOString(),
    })),
    earliestNewEffectiveMonth: last === null ? null : shiftMonth(last, 1),
  };
}

/**
 * Publishes a new version of the standards. It applies to every month from its effective month
 * on, so it must take effect after every month already prepared for payout: a month whose
 * entitlements are fixed (and maybe paid) is never recomputed. Refuses a version name or an
 * effective month already used. Audited.
 */
export async function publishStandard(
  db: Kysely<DisbursementDB>,
  source: StandardsSource,
  standard: BenefitStandard,
  actor: Actor,
): Promise<StoredStandard> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${STANDARDS_LOCK})`.execute(trx);
    await source.ensure(trx);
    const sameVersion = await trx
      .selectFrom('benefit_standards')
      .select('effective_month')
      .where('version', '=', standard.version)
      .executeTakeFirst();
    if (sameVersion)
      throw conflict(
        ErrorCode.Conflict,
        `benefit standard ${standard.version} was already published (effective ${sameVersion.effective_month}); publish a new version`,
      );
    const sameMonth = await trx
      .selectFrom('benefit_standards')
      .select('version')
      .where('effective_month', '=', standard.effectiveMonth)
      .executeTakeFirst();
    if (sameMonth)
      throw conflict(ErrorCode.Conflict, `benefit standard ${sameMonth.version} already takes effect in ${standard.effectiveMonth}`);
    const last = await lastPreparedMonth(trx);
    if (last !== null && standard.effectiveMonth <= last) {
      throw conflict(
        ErrorCode.Conflict,
        `a standard may not take effect in ${standard.effectiveMonth}: payouts up to ${last} are already prepared or paid under the standards then in force; the earliest effective month is ${shiftMonth(last, 1)}`,
        { earliestEffectiveMonth: shiftMonth(last, 1) },
      );
    }
    const row = await trx
      .insertInto('benefit_standards')
      .values({
        version: standard.version,
        effective_month: standard.effectiveMonth,
        body: JSON.stringify(standard),
        published_by: actor.userId,
        published_role: actor.role,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAuditEvents(trx, [
      {
        userId: actor.userId,
        role: actor.role,
        from: actor.from ?? null,
        action: 'publish_standard',
        entitlementId: null,
        month: standard.effectiveMonth,
        cityCode: null,
        reason: `benefit standard ${standard.version} in force from ${standard.effectiveMonth}`,
        detail: { standard },
      },
    ]);
    return {
      version: row.version,
      effectiveMonth: row.effective_month,
      publishedBy: row.published_by,
      publishedRole: row.published_role,
      publishedAt: row.published_at.toISOString(),
      standard,
    };
  });
}

/**
 * Publishes the figures of a year not loaded yet. A year already stored is refused: months may
 * have been computed with it. A missing year cannot have been used (computation fails without it).
 */
export async function publishYearlyParameters(
  db: Kysely<DisbursementDB>,
  source: StandardsSource,
  input: PublishYearlyParametersRequest,
  actor: Actor,
): Promise<StoredYearlyParameters> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${STANDARDS_LOCK})`.execute(trx);
    await source.ensure(trx);
    const existing = await trx.selectFrom('yearly_parameters').select('year').where('year', '=', input.year).executeTakeFirst();
    if (existing)
      throw conflict(
        ErrorCode.Conflict,
        `the yearly parameters of ${input.year} are already published and may have been used; they are never rewritten`,
      );
    const row = await trx
      .insertInto('yearly_parameters')
      .values({
        year: input.year,
        average_monthly_wage_fen: input.averageMonthlyWageFen,
        minimum_monthly_wage_fen: input.minimumMonthlyWageFen,
        national_urban_disposable_income_fen: input.nationalUrbanDisposableIncomeFen,
        published_by: actor.userId,
        published_role: actor.role,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAuditEvents(trx, [
      {
        userId: actor.userId,
        role: actor.role,
        from: actor.from ?? null,
        action: 'publish_yearly_parameters',
        entitlementId: null,
        month: null,
        cityCode: null,
        reason: `yearly parameters of ${input.year}`,
        detail: { ...input },
      },
    ]);
    return {
      year: row.year,
      averageMonthlyWageFen: row.average_monthly_wage_fen,
      minimumMonthlyWageFen: row.minimum_monthly_wage_fen,
      nationalUrbanDisposableIncomeFen: row.national_urban_disposable_income_fen,
      publishedBy: row.published_by,
      publishedRole: row.published_role,
      publishedAt: row.published_at.toISOString(),
    };
  });
}
