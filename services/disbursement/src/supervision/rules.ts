/**
 * Fraud supervision rules, run over every payout batch before money leaves. A hold stops
 * one payment for a human review; it is not a finding of fraud. Rules never see plain ID or
 * bank account numbers, only their hashes, and reasons never repeat even the hashes.
 */
import { PLAN_CATEGORIES } from '@fund/shared';
import { z } from 'zod';
import { dateSchema, entitlementTypeSchema, formatYuan, monthSchema } from '../benefits';

/** What a payment is for: a benefit from the standards, or a hospital's medical settlement. */
export const payableTypeSchema = z.union([entitlementTypeSchema, z.literal('medical_settlement')]);
/** What a payment is for. */
export type PayableType = z.infer<typeof payableTypeSchema>;

/** One payment about to be made, as the rules see it. */
export const paymentCandidateSchema = z.object({
  entitlementId: z.string().min(1),
  beneficiaryId: z.string().min(1),
  cityCode: z.string().regex(/^\d{6}$/),
  idNumberHash: z.string().min(1),
  bankAccountHash: z.string().min(1),
  type: payableTypeSchema,
  category: z.enum(PLAN_CATEGORIES),
  amountFen: z.bigint().nonnegative(),
  /** What the benefit standards allow for this entitlement. */
  computedStandardFen: z.bigint().nonnegative(),
  dueDate: dateSchema,
  /** The injured worker's recorded death date, if any. */
  deathDate: dateSchema.nullable(),
  /** The injured worker's retirement date, if any. */
  retirementDate: dateSchema.nullable(),
  /** The month the payment is for. */
  month: monthSchema,
});
/** One payment about to be made. */
export type PaymentCandidate = z.infer<typeof paymentCandidateSchema>;

/** Beneficiaries who may legitimately share an account: a predicate, or beneficiaryId -> household id. */
export type Relatedness = ((a: string, b: string) => boolean) | ReadonlyMap<string, string>;

/** What the rules know beyond the batch itself. */
export interface ScreeningContext {
  /** idNumberHash -> city codes that pay the same ID number this month. */
  paidElsewhere: ReadonlyMap<string, readonly string[]>;
  /** bankAccountHash -> distinct beneficiaries receiving into it this month (batch included). */
  accountHolders: ReadonlyMap<string, ReadonlySet<string>>;
  /** Household ties, so a family sharing one account is not flagged; absent means no one is related. */
  relatedBeneficiaries?: Relatedness;
  /** Most unrelated households one account may receive for; default 3. */
  maxBeneficiariesPerAccount?: number;
}

/** Names of the supervision rules. */
export const holdRuleSchema = z.enum([
  'duplicate_id_across_cities',
  'paid_after_death',
  'shared_bank_account',
  'above_standard',
  'allowance_after_retirement',
]);
/** Names of the supervision rules. */
export type HoldRule = z.infer<typeof holdRuleSchema>;

/** A payment held for review, with the rule that fired and why. */
export interface Hold {
  entitlementId: string;
  rule: HoldRule;
  reason: string;
}

/** Default for `ScreeningContext.maxBeneficiariesPerAccount`. */
export const DEFAULT_MAX_BENEFICIARIES_PER_ACCOUNT = 3;

/** The worker's own benefits: these end with the worker's death. */
export const OWN_BENEFITS: ReadonlySet<PayableType> = new Set([
  'disability_allowance',
  'minimum_wage_top_up',
  'nursing_care',
  'one_time_disability_subsidy',
]);

/** The allowance that retirement replaces with a pension (Reg. Art. 35); nursing care continues. */
export const RETIREMENT_ENDED: ReadonlySet<PayableType> = new Set(['disability_allowance', 'minimum_wage_top_up']);

const monthOfDate = (date: string): string => date.slice(0, 7);

/**
 * Screens a payout batch and returns one hold per (candidate, rule) that fires, in batch
 * order then rule order. A candidate may collect several holds.
 */
export function screenBatch(candidates: readonly PaymentCandidate[], context: ScreeningContext): Hold[] {
  const max = context.maxBeneficiariesPerAccount ?? DEFAULT_MAX_BENEFICIARIES_PER_ACCOUNT;
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxBeneficiariesPerAccount must be a positive integer, got ${max}`);

  const citiesById = citiesPerIdNumber(candidates, context.paidElsewhere);
  const sharedAccounts = overSharedAccounts(candidates, context, max);
  const holds: Hold[] = [];

  for (const c of candidates) {
    const hold = (rule: HoldRule, reason: string) => holds.push({ entitlementId: c.entitlementId, rule, reason });

    const otherCities = [...(citiesById.get(c.idNumberHash) ?? [])].filter((city) => city !== c.cityCode).sort();
    if (otherCities.length > 0) {
      hold(
        'duplicate_id_across_cities',
        `The same ID number is also being paid in ${otherCities.length === 1 ? 'city' : 'cities'} ${otherCities.join(', ')} for ${c.month}, besides city ${c.cityCode}.`,
      );
    }

    const afterDeath = paidAfterDeath(c);
    if (afterDeath) hold('paid_after_death', afterDeath);

    const households = sharedAccounts.get(c.bankAccountHash);
    if (households !== undefined) {
      hold(
        'shared_bank_account',
        `The receiving bank account is used this month by ${households} unrelated households, more than the limit of ${max}.`,
      );
    }

    if (c.amountFen > c.computedStandardFen) {
      hold(
        'above_standard',
        `${label(c.type)} of ${formatYuan(c.amountFen)} is ${formatYuan(c.amountFen - c.computedStandardFen)} above the ${formatYuan(c.computedStandardFen)} the standards allow.`,
      );
    }

    if (RETIREMENT_ENDED.has(c.type) && c.retirementDate !== null && c.month > monthOfDate(c.retirementDate)) {
      hold(
        'allowance_after_retirement',
        `${label(c.type)} for ${c.month} is after retirement on ${c.retirementDate}; from the following month the pension replaces it.`,
      );
    }
  }
  return holds;
}

/**
 * The worker's own long-term benefits are owed through the month of death, so one for a
 * later month is held; a one-time disability subsidy due after the death date is held so
 * a reviewer confirms it goes to the heirs. Dependants' pensions and the funeral and death
 * subsidies exist because of the death and are never held by this rule.
 */
function paidAfterDeath(c: PaymentCandidate): string | null {
  if (c.deathDate === null || !OWN_BENEFITS.has(c.type)) return null;
  if (c.category === 'long_term' && c.month > monthOfDate(c.deathDate)) {
    return `${label(c.type)} for ${c.month} is for a month after the worker's recorded death on ${c.deathDate}.`;
  }
  if (c.category === 'one_time' && c.dueDate > c.deathDate) {
    return `${label(c.type)} is due on ${c.dueDate}, after the worker's recorded death on ${c.deathDate}; confirm it is paid to the heirs.`;
  }
  return null;
}

function citiesPerIdNumber(
  candidates: readonly PaymentCandidate[],
  paidElsewhere: ReadonlyMap<string, readonly string[]>,
): Map<string, Set<string>> {
  const cities = new Map<string, Set<string>>();
  const add = (hash: string, city: string) => {
    const set = cities.get(hash) ?? new Set<string>();
    set.add(city);
    cities.set(hash, set);
  };
  for (const c of candidates) {
    add(c.idNumberHash, c.cityCode);
    for (const city of paidElsewhere.get(c.idNumberHash) ?? []) add(c.idNumberHash, city);
  }
  return cities;
}

/** bankAccountHash -> number of unrelated households, for accounts over the limit only. */
function overSharedAccounts(candidates: readonly PaymentCandidate[], context: ScreeningContext, max: number): Map<string, number> {
  const holders = new Map<string, Set<string>>();
  for (const c of candidates) {
    const set = holders.get(c.bankAccountHash) ?? new Set(context.accountHolders.get(c.bankAccountHash) ?? []);
    set.add(c.beneficiaryId);
    holders.set(c.bankAccountHash, set);
  }
  const over = new Map<string, number>();
  for (const [account, beneficiaries] of holders) {
    if (beneficiaries.size <= max) continue;
    const households = countHouseholds([...beneficiaries].sort(), context.relatedBeneficiaries);
    if (households > max) over.set(account, households);
  }
  return over;
}

/** Counts groups of related beneficiaries (relatedness taken as transitive). */
function countHouseholds(beneficiaries: readonly string[], related: Relatedness | undefined): number {
  if (related === undefined) return beneficiaries.length;
  if (typeof related !== 'function') {
    // Someone with no household on record is a household of their own.
    return new Set(beneficiaries.map((b) => related.get(b) ?? `self:${b}`)).size;
  }
  const parent = beneficiaries.map((_, i) => i);
  const root = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r] ?? r;
    return r;
  };
  for (let i = 0; i < beneficiaries.length; i++) {
    for (let j = i + 1; j < beneficiaries.length; j++) {
      const a = beneficiaries[i];
      const b = beneficiaries[j];
      if (a !== undefined && b !== undefined && related(a, b)) parent[root(j)] = root(i);
    }
  }
  return new Set(beneficiaries.map((_, i) => root(i))).size;
}

const LABELS: Record<PayableType, string> = {
  disability_allowance: 'Disability allowance',
  minimum_wage_top_up: 'Minimum-wage top-up',
  nursing_care: 'Nursing care',
  dependant_pension: "Dependant's pension",
  one_time_disability_subsidy: 'One-time disability subsidy',
  funeral_subsidy: 'Funeral subsidy',
  one_time_death_subsidy: 'One-time death subsidy',
  medical_settlement: 'Medical settlement',
};

const label = (type: PayableType): string => LABELS[type];
