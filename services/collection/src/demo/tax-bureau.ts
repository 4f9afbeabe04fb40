import { randomInt, seededRandom, shiftMonth, type DeclarePayrollRequest, type ReportContributionRequest } from '@fund/shared';
import { sql, type Kysely } from 'kysely';
import { recordContributionsIn } from '../contributions/contribution.repository';
import type { CollectionDB } from '../db';
import { declarePayrollsIn } from '../dues/declaration.repository';
import { contributionDueFen, dueDateOf } from '../dues/dues';
import { listRateVersions, NEW_EMPLOYER_GRADE_PCT } from '../rates/rate.repository';

/** The demo's employers, as the seed names them; employers registered over the API are not in the feed. */
export const DEMO_EMPLOYER_PREFIX = 'Demo employer ';

/** How many months before the transfer's month the feed reports (the later one, and the one whose late payers pay in it). */
const MONTHS_BEFORE = 2;
/** Payroll grows this many basis points a month from the base month, with noise of up to NOISE_BP either way. */
const GROWTH_BP_PER_MONTH = 30;
const NOISE_BP = 150;
const BASE_MONTH = '2026-01';

/** What the simulated tax bureau does for one employer and month: the payroll it declares and the receipts. */
export interface DemoMonth {
  payrollFen: bigint;
  dueFen: bigint;
  receipts: { amountFen: bigint; paidOn: string; n: number }[];
  behaviour: 'on_time' | 'late' | 'short';
}

function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function monthsBetween(from: string, to: string): number {
  const index = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
  return index(to) - index(from);
}

/**
 * One employer's month in the demo, the same every time (seeded by its name and the month):
 * payroll from its base with a little growth and noise; nine in ten pay in full between the 3rd
 * and the due date (the 15th), one in twenty pays in full 3-35 days late, one in twenty pays
 * 50-95% on time and leaves the rest in arrears.
 */
export function demoMonth(
  employer: { name: string; monthly_payroll_fen: string },
  month: string,
  benchmarkBp: number,
  gradePct: number,
): DemoMonth {
  const random = seededRandom(hashSeed(`${employer.name}|${month}`));
  const factorBp = 10_000 + GROWTH_BP_PER_MONTH * Math.max(0, monthsBetween(BASE_MONTH, month)) + randomInt(random, -NOISE_BP, NOISE_BP);
  const payrollFen = (BigInt(employer.monthly_payroll_fen) * BigInt(factorBp)) / 10_000n;
  const dueFen = contributionDueFen(payrollFen, benchmarkBp, gradePct);
  const dueDate = dueDateOf(month);
  const draw = random();
  if (dueFen === 0n) return { payrollFen, dueFen, receipts: [], behaviour: 'on_time' };
  if (draw < 0.9) {
    return {
      payrollFen,
      dueFen,
      receipts: [{ amountFen: dueFen, paidOn: `${month}-${String(randomInt(random, 3, 15)).padStart(2, '0')}`, n: 1 }],
      behaviour: 'on_time',
    };
  }
  if (draw < 0.95) {
    return {
      payrollFen,
      dueFen,
      receipts: [{ amountFen: dueFen, paidOn: addDays(dueDate, randomInt(random, 3, 35)), n: 1 }],
      behaviour: 'late',
    };
  }
  const part = (dueFen * BigInt(randomInt(random, 50, 95))) / 100n;
  const receipts = part > 0n ? [{ amountFen: part, paidOn: `${month}-${String(randomInt(random, 5, 15)).padStart(2, '0')}`, n: 1 }] : [];
  return { payrollFen, dueFen, receipts, behaviour: 'short' };
}

/** What one run of the feed wrote. */
export interface FeedResult {
  months: string[];
  declarations: number;
  receipts: number;
}

/**
 * The demo tax bureau, as it stands on the first day of `month`: for each demo employer of the
 * city it declares the payroll of the two months before and reports every receipt paid before
 * that day, through the repositories the HTTP API uses, one transaction per month. The bureau's
 * references make it idempotent: a second run for the same month writes nothing. A month an
 * employer's contributions were reported for before the feed existed (no declaration) is left alone.
 */
export async function feedDemoCity(db: Kysely<CollectionDB>, cityCode: string, month: string): Promise<FeedResult> {
  const months = Array.from({ length: MONTHS_BEFORE }, (_, i) => shiftMonth(month, i - MONTHS_BEFORE));
  const cutoff = `${month}-01`;
  const employers = await db
    .selectFrom('employers')
    .select(['id', 'name', 'industry_class', 'monthly_payroll_fen'])
    .where('city_code', '=', cityCode)
    .where('name', 'like', `${DEMO_EMPLOYER_PREFIX}%`)
    .orderBy('id')
    .execute();
  const result: FeedResult = { months, declarations: 0, receipts: 0 };
  if (employers.length === 0) return result;
  const versions = await listRateVersions(db);
  for (const m of months) {
    const firstDay = `${m}-01`;
    const version = versions.filter((v) => v.effectiveFrom <= firstDay).at(-1);
    if (!version) continue;
    const declared = new Set(
      (
        await db.selectFrom('payroll_declarations').select('reference').where('city_code', '=', cityCode).where('month', '=', m).execute()
      ).map((r) => r.reference),
    );
    const reported = await db
      .selectFrom('contributions')
      .select(['reference', 'employer_id'])
      .where('city_code', '=', cityCode)
      .where('month', '=', m)
      .execute();
    const references = new Set(reported.map((r) => r.reference));
    const paidBefore = new Set(reported.map((r) => r.employer_id));
    const grades = new Map(
      (
        await db
          .selectFrom('employer_grades')
          .select(['employer_id', 'grade_pct'])
          .distinctOn('employer_id')
          .where(
            'employer_id',
            'in',
            employers.map((e) => e.id),
          )
          .where(sql<string>`effective_from::text`, '<=', firstDay)
          .orderBy('employer_id')
          .orderBy('effective_from', 'desc')
          .execute()
      ).map((g) => [g.employer_id, g.grade_pct]),
    );
    const declarations: DeclarePayrollRequest[] = [];
    const receipts: ReportContributionRequest[] = [];
    for (const employer of employers) {
      const declaration = `DECL-${m}-${employer.id}`;
      if (!declared.has(declaration) && paidBefore.has(employer.id)) continue;
      const plan = demoMonth(
        employer,
        m,
        version.benchmarksBp[String(employer.industry_class)] ?? 0,
        grades.get(employer.id) ?? NEW_EMPLOYER_GRADE_PCT,
      );
      if (!declared.has(declaration)) {
        declarations.push({ employerId: employer.id, month: m, payrollFen: plan.payrollFen.toString(), reference: declaration });
      }
      for (const receipt of plan.receipts) {
        const reference = `TAX-${m}-${employer.id}-${receipt.n}`;
        if (receipt.paidOn >= cutoff || references.has(reference)) continue;
        receipts.push({ employerId: employer.id, month: m, amountFen: receipt.amountFen.toString(), reference, paidOn: receipt.paidOn });
      }
    }
    if (declarations.length + receipts.length === 0) continue;
    await db.transaction().execute(async (trx) => {
      await declarePayrollsIn(trx, declarations);
      await recordContributionsIn(trx, receipts);
    });
    result.declarations += declarations.length;
    result.receipts += receipts.length;
  }
  return result;
}

/** The demo tax bureau for every city with demo employers, as it stands on the first day of `month`. */
export async function feedDemoProvince(db: Kysely<CollectionDB>, cityCodes: readonly string[], month: string): Promise<FeedResult> {
  const total: FeedResult = { months: [], declarations: 0, receipts: 0 };
  for (const city of cityCodes) {
    const r = await feedDemoCity(db, city, month);
    total.months = r.months;
    total.declarations += r.declarations;
    total.receipts += r.receipts;
  }
  return total;
}
