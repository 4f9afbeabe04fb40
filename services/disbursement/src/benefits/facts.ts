/** The facts the benefit rules compute from, and what they compute, as zod schemas (the module's edge). */
import { z } from 'zod';
import { dateSchema, nursingLevelSchema } from './standards';

/** Kinds of entitlement the fund pays. */
export const entitlementTypeSchema = z.enum([
  'disability_allowance',
  'minimum_wage_top_up',
  'nursing_care',
  'dependant_pension',
  'one_time_disability_subsidy',
  'funeral_subsidy',
  'one_time_death_subsidy',
]);
/** Kinds of entitlement the fund pays. */
export type EntitlementType = z.infer<typeof entitlementTypeSchema>;

/** Monthly (long-term) or one-time. */
export const entitlementCategorySchema = z.enum(['long_term', 'one_time']);
/** Monthly (long-term) or one-time. */
export type EntitlementCategory = z.infer<typeof entitlementCategorySchema>;

/** One amount the fund owes, with a short explanation of how it was computed. */
export const entitlementSchema = z.object({
  type: entitlementTypeSchema,
  category: entitlementCategorySchema,
  amountFen: z.bigint().nonnegative(),
  basis: z.string().min(1),
  /** For a dependant's pension: the dependant's index in `CaseFacts.dependants`. */
  dependantIndex: z.int().nonnegative().optional(),
});
/** One amount the fund owes. */
export type Entitlement = z.infer<typeof entitlementSchema>;

/** A dependant of a deceased worker (Reg. Art. 39). */
export const dependantSchema = z.object({
  relation: z.enum(['spouse', 'child', 'parent', 'other']),
  /** A lone elderly person or an orphan gets an extra share. */
  loneElderlyOrOrphan: z.boolean(),
});
/** A dependant of a deceased worker. */
export type Dependant = z.infer<typeof dependantSchema>;

/** Whether a death was caused by the work injury (Art. 39 para. 1-2) or not (para. 3). */
export const deathCauseSchema = z.enum(['work_injury', 'other']);

const claimFactsObject = z.object({
  disabilityGrade: z.int().min(1).max(10).nullable(),
  /** Average monthly wage in the 12 months before injury, before the Art. 64 floor/cap. */
  ownWageFen: z.bigint().nonnegative(),
  injuryRecognitionDate: dateSchema,
  deceased: z.boolean(),
  deathDate: dateSchema.nullable(),
  deathCause: deathCauseSchema.nullable(),
});

const caseFactsObject = claimFactsObject.extend({
  nursingLevel: nursingLevelSchema.nullable(),
  dependants: z.array(dependantSchema),
  status: z.enum(['active', 'suspended', 'deceased', 'retired']),
  /** The date retirement took effect (age reached and procedures completed), if any. */
  retirementDate: dateSchema.nullable(),
});

type DeathFacts = Pick<z.infer<typeof claimFactsObject>, 'deceased' | 'deathDate' | 'deathCause' | 'injuryRecognitionDate'>;

function checkDeathFacts(facts: DeathFacts, ctx: z.RefinementCtx): void {
  if (facts.deceased !== (facts.deathDate !== null)) {
    ctx.addIssue({ code: 'custom', path: ['deathDate'], message: 'a death date is required exactly when the worker is deceased' });
  }
  if (facts.deceased !== (facts.deathCause !== null)) {
    ctx.addIssue({ code: 'custom', path: ['deathCause'], message: 'a death cause is required exactly when the worker is deceased' });
  }
}

/** Facts of one claim that decide its one-time benefits. */
export const claimFactsSchema = claimFactsObject.superRefine(checkDeathFacts);
/** Facts of one claim that decide its one-time benefits. */
export type ClaimFacts = z.infer<typeof claimFactsSchema>;

/** Facts of one case on the beneficiary register that decide its monthly benefits. */
export const caseFactsSchema = caseFactsObject.superRefine((facts, ctx) => {
  checkDeathFacts(facts, ctx);
  if (facts.status === 'deceased' && !facts.deceased) {
    ctx.addIssue({ code: 'custom', path: ['status'], message: "status 'deceased' needs deceased: true" });
  }
  if (facts.deceased && facts.status !== 'deceased' && facts.status !== 'suspended') {
    ctx.addIssue({ code: 'custom', path: ['status'], message: "a deceased worker's case is 'deceased' or 'suspended'" });
  }
  if (facts.status === 'retired' && facts.retirementDate === null) {
    ctx.addIssue({ code: 'custom', path: ['retirementDate'], message: "status 'retired' needs a retirement date" });
  }
  if (facts.dependants.filter((d) => d.relation === 'spouse').length > 1) {
    ctx.addIssue({ code: 'custom', path: ['dependants'], message: 'at most one spouse' });
  }
});
/** Facts of one case on the beneficiary register. */
export type CaseFacts = z.infer<typeof caseFactsSchema>;
