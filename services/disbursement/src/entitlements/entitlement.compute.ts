import { ErrorCode, type PlanCategory } from '@fund/shared';
import { HttpError } from '@fund/shared/server';
import { sql } from 'kysely';
import type { z } from 'zod';
import {
  caseFactsSchema,
  claimFactsSchema,
  monthlyEntitlements,
  oneTimeEntitlements,
  type BenefitStandard,
  type CaseFacts,
  type ClaimFacts,
  type EntitlementType,
  type YearlyParameters,
} from '../benefits';
import type { Db } from '../db';
import { caseFactColumns, type CaseFactsRecord } from '../register/beneficiary.repository';
import type { ClaimType } from '../register/beneficiary.table';
import type { PayableType } from './entitlement.table';

/** The standards and yearly figures entitlements are computed with (versioned data). */
export interface BenefitRules {
  standards: readonly BenefitStandard[];
  yearlyParams: readonly YearlyParameters[];
}

/** One amount due, computed but not yet stored. */
export interface DueEntitlement {
  beneficiaryId: string;
  claimId: string | null;
  periodMonth: string | null;
  type: PayableType;
  category: PlanCategory;
  dependantIndex: number | null;
  amountFen: bigint;
  basis: string;
  /** Queue position in its category for the deferral rule (see `queueKey`). */
  queueKey: string;
}

/** Which of a claim's computed one-time entitlements the claim is for. */
const CLAIM_TYPES: Record<Exclude<ClaimType, 'medical_settlement'>, ReadonlySet<EntitlementType>> = {
  disability_subsidy: new Set(['one_time_disability_subsidy']),
  death_benefits: new Set(['funeral_subsidy', 'one_time_death_subsidy']),
};

const pad = (id: string | number) => String(id).padStart(20, '0');

/**
 * Queue order inside a category, earliest owed first: long-term benefits by the month they are
 * for, then by beneficiary (registration order); claims by approval time, then claim id.
 */
export function queueKey(e: {
  periodMonth: string | null;
  beneficiaryId: string;
  claimId: string | null;
  approvedAt: Date | null;
  type: string;
  dependantIndex: number | null;
}): string {
  if (e.claimId === null) return `${e.periodMonth ?? ''}|${pad(e.beneficiaryId)}|${e.type}|${pad(e.dependantIndex ?? 0)}`;
  return `${e.approvedAt?.toISOString() ?? ''}|${pad(e.claimId)}|${e.type}`;
}

/** The unique identity of an entitlement (the entitlements_once index). */
export function entitlementKey(e: {
  periodMonth: string | null;
  beneficiaryId: string;
  type: string;
  claimId: string | null;
  dependantIndex: number | null;
}): string {
  return `${e.periodMonth ?? ''}|${e.beneficiaryId}|${e.type}|${e.claimId ?? ''}|${e.dependantIndex ?? ''}`;
}

/** A rule of the benefit schema a register row breaks, as the shared error body names it. */
export interface FactsIssue {
  field: string;
  rule: string;
}

/** The register row's case facts fail the benefit schema: they are never computed, so never paid. */
export class RefusedFacts extends Error {
  constructor(
    readonly subject: string,
    readonly issues: readonly FactsIssue[],
  ) {
    super(`${subject}: ${issues.map((i) => `${i.field} ${i.rule}`).join('; ')}`);
    this.name = 'RefusedFacts';
  }
}

function parsed<T>(schema: z.ZodType<T>, input: unknown, subject: string, field: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new RefusedFacts(
    subject,
    result.error.issues.map((issue) => ({ field: [field, ...issue.path.map(String)].join('.'), rule: issue.message })),
  );
}

function rawCaseFacts(b: Omit<CaseFactsRecord, 'id'>) {
  return {
    disabilityGrade: b.disability_grade,
    // A missing wage or date is refused by the schema, never read as 0 and then floored.
    ownWageFen: b.own_wage_fen === null ? null : BigInt(b.own_wage_fen),
    nursingLevel: b.nursing_level,
    injuryRecognitionDate: b.injury_recognition_date,
    deceased: b.death_date !== null,
    deathDate: b.death_date,
    deathCause: b.death_cause,
    dependants: b.dependants,
    status: b.status,
    retirementDate: b.retirement_date,
  };
}

/**
 * The case facts the benefit rules compute from, out of a beneficiary's stored columns, checked
 * with `caseFactsSchema`; throws `RefusedFacts` naming the beneficiary and the rules it breaks.
 */
export function caseFactsOf(b: Omit<CaseFactsRecord, 'id'> & { id?: string; beneficiary_id?: string }): CaseFacts {
  const id = b.beneficiary_id ?? b.id ?? '?';
  return parsed(caseFactsSchema, rawCaseFacts(b), `beneficiary ${id}`, `beneficiaries.${id}`);
}

/** A claim's facts out of its beneficiary's columns, checked with `claimFactsSchema`. */
function claimFactsOf(b: CaseFactsRecord, claimId: string): ClaimFacts {
  const { nursingLevel: _n, dependants: _d, status: _s, retirementDate: _r, ...facts } = rawCaseFacts(b);
  return parsed(claimFactsSchema, facts, `claim ${claimId} of beneficiary ${b.id}`, `claims.${claimId}`);
}

/**
 * Refuses the whole computation when any row is refused: a month is prepared (and a draft offered)
 * from a register whose every row computes, or not at all, so nothing is stored or paid for it
 * until the rows are corrected.
 */
function refuseAll(month: string, cityCode: string, refused: readonly RefusedFacts[]): void {
  if (refused.length === 0) return;
  throw new HttpError(
    422,
    ErrorCode.ValidationFailed,
    `the ${month} benefits of ${cityCode} are not computed, the register refuses ${refused.length} row(s) (nothing is stored or paid): ` +
      refused.map((r) => r.message).join(' | '),
    { issues: refused.flatMap((r) => r.issues) },
  );
}

// A missing standard or yearly figure is a data problem the caller must fix, not a crash.
function computing<T>(what: string, compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    throw new HttpError(422, ErrorCode.ValidationFailed, `cannot compute ${what}: ${(error as Error).message}`);
  }
}

/**
 * Everything owed in `month` to a city's register, computed with the benefit standards: the
 * month's long-term entitlements of every case that is not suspended (the benefits module decides
 * what retirement, death and recognition dates allow), and the one-time entitlements of every
 * approved, unpaid claim (a hospital's medical settlement is its billed amount). Every row's facts
 * are checked with the benefit schemas first; any row refused refuses the whole (422, each row's
 * id and rules named in the message and `issues`).
 */
export async function computeDue(db: Db, month: string, cityCode: string, rules: BenefitRules): Promise<DueEntitlement[]> {
  const due: DueEntitlement[] = [];
  const cases = (await db
    .selectFrom('beneficiaries')
    .select(caseFactColumns)
    .where('city_code', '=', cityCode)
    .where('kind', 'in', ['worker', 'dependant_household'])
    .where('status', '<>', 'suspended')
    .where(sql<boolean>`injury_recognition_date < (${`${month}-01`}::date + interval '1 month')`)
    .orderBy('id')
    .execute()) as CaseFactsRecord[];
  const refused: RefusedFacts[] = [];
  const checked = <T>(read: () => T): T | null => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof RefusedFacts)) throw error;
      refused.push(error);
      return null;
    }
  };
  for (const b of cases) {
    const facts = checked(() => caseFactsOf(b));
    if (facts === null) continue;
    const lines = computing(`the ${month} benefits of beneficiary ${b.id}`, () =>
      monthlyEntitlements(facts, month, rules.standards, rules.yearlyParams),
    );
    for (const line of lines) {
      const e = {
        beneficiaryId: b.id,
        claimId: null,
        periodMonth: month,
        type: line.type,
        category: line.category,
        dependantIndex: line.dependantIndex ?? null,
        amountFen: line.amountFen,
        basis: line.basis,
      };
      due.push({ ...e, queueKey: queueKey({ ...e, approvedAt: null }) });
    }
  }

  const claims = await db
    .selectFrom('one_time_claims as c')
    .select(['c.id as claim_id', 'c.type as claim_type', 'c.billed_fen', 'c.approved_at', 'c.beneficiary_id'])
    .where('c.city_code', '=', cityCode)
    .where('c.status', '=', 'approved')
    .orderBy('c.id')
    .execute();
  const claimants = new Map<string, CaseFactsRecord>();
  const ids = [...new Set(claims.map((c) => c.beneficiary_id))];
  if (ids.length > 0) {
    const rows = (await db
      .selectFrom('beneficiaries')
      .select(caseFactColumns)
      .where(sql<boolean>`id = any(${ids}::bigint[])`)
      .execute()) as CaseFactsRecord[];
    for (const b of rows) claimants.set(b.id, b);
  }
  for (const claim of claims) {
    const b = claimants.get(claim.beneficiary_id);
    if (!b) continue;
    const base = { beneficiaryId: b.id, claimId: claim.claim_id, periodMonth: null, dependantIndex: null };
    if (claim.claim_type === 'medical_settlement') {
      const e = { ...base, type: 'medical_settlement' as const, category: 'medical' as const };
      due.push({
        ...e,
        amountFen: BigInt(claim.billed_fen ?? '0'),
        basis: 'medical settlement as billed by the hospital and approved',
        queueKey: queueKey({ ...e, approvedAt: claim.approved_at }),
      });
      continue;
    }
    const wanted = CLAIM_TYPES[claim.claim_type];
    const facts = checked(() => claimFactsOf(b, claim.claim_id));
    if (facts === null) continue;
    const lines = computing(`the one-time benefits of claim ${claim.claim_id}`, () =>
      oneTimeEntitlements(facts, rules.standards, rules.yearlyParams),
    );
    for (const line of lines.filter((l) => wanted.has(l.type))) {
      const e = { ...base, type: line.type, category: line.category };
      due.push({ ...e, amountFen: line.amountFen, basis: line.basis, queueKey: queueKey({ ...e, approvedAt: claim.approved_at }) });
    }
  }
  refuseAll(month, cityCode, refused);
  return due.filter((e) => e.amountFen > 0n);
}
