import { z } from 'zod';

/** A calendar month, 'YYYY-MM'. */
export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month written YYYY-MM');

/** A calendar date, 'YYYY-MM-DD'. */
export const dateSchema = z.iso.date();

const bp = z.int().min(0).max(100_000);
const positiveFen = z.bigint().positive();

/** Who pays a grade's monthly disability allowance (Reg. Arts. 35-36). */
export const allowancePayerSchema = z.enum(['fund', 'employer']);
/** Who pays a grade's monthly disability allowance. */
export type AllowancePayer = z.infer<typeof allowancePayerSchema>;

/** Nursing-care level (Reg. Art. 34): fully, mostly or partly unable to care for oneself. */
export const nursingLevelSchema = z.enum(['full', 'most', 'partial']);
/** Nursing-care level. */
export type NursingLevel = z.infer<typeof nursingLevelSchema>;

/** One row of the disability table: what a grade is entitled to. */
export const disabilityGradeRowSchema = z
  .object({
    grade: z.int().min(1).max(10),
    /** One-time disability subsidy, in months of the (floored/capped) own wage. */
    oneTimeSubsidyMonths: z.int().positive(),
    /** Monthly disability allowance as basis points of own wage; null where the grade has none. */
    monthlyAllowanceBp: bp.nullable(),
    allowancePaidBy: allowancePayerSchema.nullable(),
  })
  .refine((row) => (row.monthlyAllowanceBp === null) === (row.allowancePaidBy === null), {
    message: 'a grade has a monthly allowance exactly when it names who pays it',
  });
/** One row of the disability table. */
export type DisabilityGradeRow = z.infer<typeof disabilityGradeRowSchema>;

/** One version of the unified provincial benefit standards, in force from `effectiveMonth`. */
export const benefitStandardSchema = z.object({
  version: z.string().min(1),
  effectiveMonth: monthSchema,
  /** Grades 1-10, in order. */
  disability: z
    .array(disabilityGradeRowSchema)
    .length(10)
    .refine((rows) => rows.every((row, i) => row.grade === i + 1), { message: 'rows must be grades 1..10 in order' }),
  /** Art. 64: own wage is floored/capped at these shares of the provincial average monthly wage. */
  ownWage: z.object({ floorBp: bp, capBp: bp }).refine((w) => w.floorBp <= w.capBp, { message: 'floor above cap' }),
  /** Art. 34: nursing care as basis points of the previous-year provincial average monthly wage. */
  nursingCareBp: z.object({ full: bp, most: bp, partial: bp }),
  /** Art. 39: funeral subsidy in months of the previous-year provincial average monthly wage. */
  funeralSubsidyMonths: z.int().positive(),
  /** Art. 39: dependants' pension shares of own wage; the total is capped at `totalCapBp`. */
  dependantPension: z.object({
    spouseBp: bp,
    otherDependantBp: bp,
    loneElderlyOrOrphanBonusBp: bp,
    totalCapBp: bp,
  }),
  /** Art. 39: one-time death subsidy as a multiple of the previous year's national urban per-capita disposable income. */
  deathSubsidyIncomeMultiple: z.int().positive(),
  /**
   * Art. 40 adjustment: the monthly disability allowance and dependants' pensions are raised
   * by this many basis points of their unadjusted amount (0 = no adjustment). Nursing care
   * needs none: it follows the previous-year average wage by itself.
   */
  longTermAdjustmentBp: bp,
});
/** One version of the benefit standards. */
export type BenefitStandard = z.infer<typeof benefitStandardSchema>;

/**
 * Province-wide figures for one calendar year. Rules that speak of the "previous year"
 * (nursing care, funeral subsidy, death subsidy, the Art. 64 floor/cap) read the entry for
 * `year - 1` of the reference date; the minimum wage is read for the payment month's own year.
 */
export const yearlyParametersSchema = z.object({
  year: z.int().min(2000).max(2100),
  /** Provincial average monthly wage of employees during `year` (published early in `year + 1`). */
  averageMonthlyWageFen: positiveFen,
  /** Provincial minimum monthly wage in force during `year`. */
  minimumMonthlyWageFen: positiveFen,
  /** National urban per-capita disposable income for `year`, annual. */
  nationalUrbanDisposableIncomeFen: positiveFen,
});
/** Province-wide figures for one calendar year. */
export type YearlyParameters = z.infer<typeof yearlyParametersSchema>;

/** Returns the standard in force in `month`: the latest version whose effectiveMonth <= month. */
export function selectStandard(standards: readonly BenefitStandard[], month: string): BenefitStandard {
  if (!monthSchema.safeParse(month).success) throw new RangeError(`"${month}" is not a month written YYYY-MM`);
  let chosen: BenefitStandard | undefined;
  for (const s of standards) {
    if (s.effectiveMonth > month) continue;
    if (chosen && s.effectiveMonth === chosen.effectiveMonth) {
      throw new Error(`benefit standards ${chosen.version} and ${s.version} both take effect in ${s.effectiveMonth}`);
    }
    if (!chosen || s.effectiveMonth > chosen.effectiveMonth) chosen = s;
  }
  if (!chosen) {
    const earliest = standards.map((s) => s.effectiveMonth).sort()[0];
    throw new Error(
      `no benefit standard is in force in ${month}` + (earliest ? ` (the earliest takes effect in ${earliest})` : ' (none are loaded)'),
    );
  }
  return chosen;
}

/** Returns the yearly parameters for `year`; throws if missing or loaded twice. */
export function parametersForYear(params: readonly YearlyParameters[], year: number): YearlyParameters {
  const matches = params.filter((p) => p.year === year);
  const [only] = matches;
  if (!only) throw new Error(`no yearly parameters are loaded for ${year}`);
  if (matches.length > 1) throw new Error(`yearly parameters for ${year} are loaded ${matches.length} times`);
  return only;
}

const REGULATION_DISABILITY_TABLE: DisabilityGradeRow[] = [
  { grade: 1, oneTimeSubsidyMonths: 27, monthlyAllowanceBp: 9000, allowancePaidBy: 'fund' },
  { grade: 2, oneTimeSubsidyMonths: 25, monthlyAllowanceBp: 8500, allowancePaidBy: 'fund' },
  { grade: 3, oneTimeSubsidyMonths: 23, monthlyAllowanceBp: 8000, allowancePaidBy: 'fund' },
  { grade: 4, oneTimeSubsidyMonths: 21, monthlyAllowanceBp: 7500, allowancePaidBy: 'fund' },
  { grade: 5, oneTimeSubsidyMonths: 18, monthlyAllowanceBp: 7000, allowancePaidBy: 'employer' },
  { grade: 6, oneTimeSubsidyMonths: 16, monthlyAllowanceBp: 6000, allowancePaidBy: 'employer' },
  { grade: 7, oneTimeSubsidyMonths: 13, monthlyAllowanceBp: null, allowancePaidBy: null },
  { grade: 8, oneTimeSubsidyMonths: 11, monthlyAllowanceBp: null, allowancePaidBy: null },
  { grade: 9, oneTimeSubsidyMonths: 9, monthlyAllowanceBp: null, allowancePaidBy: null },
  { grade: 10, oneTimeSubsidyMonths: 7, monthlyAllowanceBp: null, allowancePaidBy: null },
];

const REGULATION_2010: BenefitStandard = {
  version: 'reg-2010',
  // The 2010 revision took effect on 1 January 2011; the province adopted it unchanged.
  effectiveMonth: '2011-01',
  disability: REGULATION_DISABILITY_TABLE,
  ownWage: { floorBp: 6000, capBp: 30000 },
  nursingCareBp: { full: 5000, most: 4000, partial: 3000 },
  funeralSubsidyMonths: 6,
  dependantPension: { spouseBp: 4000, otherDependantBp: 3000, loneElderlyOrOrphanBonusBp: 1000, totalCapBp: 10000 },
  deathSubsidyIncomeMultiple: 20,
  longTermAdjustmentBp: 0,
};

/** Demo standards: the Regulation's figures, then a synthetic 3% Art. 40 adjustment from July 2025. */
export const DEMO_STANDARDS: BenefitStandard[] = [
  REGULATION_2010,
  { ...REGULATION_2010, version: 'gs-2025-07', effectiveMonth: '2025-07', longTermAdjustmentBp: 300 },
];

/** Synthetic Gansu-scale yearly figures for 2022-2028 (not official statistics). */
export const DEMO_YEARLY_PARAMETERS: YearlyParameters[] = [
  { year: 2022, averageMonthlyWageFen: 748_016n, minimumMonthlyWageFen: 202_000n, nationalUrbanDisposableIncomeFen: 4_800_000n },
  { year: 2023, averageMonthlyWageFen: 765_431n, minimumMonthlyWageFen: 202_000n, nationalUrbanDisposableIncomeFen: 4_960_000n },
  { year: 2024, averageMonthlyWageFen: 788_347n, minimumMonthlyWageFen: 202_000n, nationalUrbanDisposableIncomeFen: 5_130_000n },
  { year: 2025, averageMonthlyWageFen: 806_905n, minimumMonthlyWageFen: 207_000n, nationalUrbanDisposableIncomeFen: 5_290_000n },
  { year: 2026, averageMonthlyWageFen: 826_113n, minimumMonthlyWageFen: 207_000n, nationalUrbanDisposableIncomeFen: 5_450_000n },
  { year: 2027, averageMonthlyWageFen: 845_279n, minimumMonthlyWageFen: 210_000n, nationalUrbanDisposableIncomeFen: 5_600_000n },
  { year: 2028, averageMonthlyWageFen: 864_712n, minimumMonthlyWageFen: 222_000n, nationalUrbanDisposableIncomeFen: 5_760_000n },
];
