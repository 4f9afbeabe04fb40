/**
 * Entitlements under the unified provincial benefit standards (Reg. 2010 revision).
 *
 * Rounding: every percentage is held in basis points and applied in one integer step,
 * rounded half up to the fen once per amount (see `divideRoundHalfUp`). Months-of-wage and
 * income multiples are exact integer products and need no rounding. When dependants'
 * shares reach the cap, the capped total is split with the largest-remainder method so the
 * lines add up to the cap exactly.
 *
 * Reference years: the own wage is floored/capped against the provincial average monthly
 * wage of the year before the injury recognition date (the latest published figure when
 * the case was recognised). Nursing care uses the year before the payment month, funeral
 * and death subsidies the year before the death date, and the minimum wage is the one in
 * force in the payment month's year.
 */
import { applyBp, apportion, BP_PER_WHOLE, divideRoundHalfUp, formatBp, formatYuan } from './arithmetic';
import type { CaseFacts, ClaimFacts, Entitlement } from './facts';
import { monthSchema, parametersForYear, selectStandard, type BenefitStandard, type YearlyParameters } from './standards';

const monthOfDate = (date: string): string => date.slice(0, 7);
const yearOfDate = (date: string): number => Number(date.slice(0, 4));

interface OwnWage {
  fen: bigint;
  note: string;
}

/** Applies the Art. 64 floor and cap to an own wage against one year's provincial average monthly wage. */
export function cappedOwnWage(
  ownWageFen: bigint,
  params: Pick<YearlyParameters, 'averageMonthlyWageFen'>,
  limits: BenefitStandard['ownWage'],
): bigint {
  return ownWageDetail(ownWageFen, params, limits).fen;
}

function ownWageDetail(
  ownWageFen: bigint,
  params: Pick<YearlyParameters, 'averageMonthlyWageFen'> & Partial<Pick<YearlyParameters, 'year'>>,
  limits: BenefitStandard['ownWage'],
): OwnWage {
  const floor = applyBp(params.averageMonthlyWageFen, limits.floorBp);
  const cap = applyBp(params.averageMonthlyWageFen, limits.capBp);
  const average = `${params.year ?? 'the'} average ${formatYuan(params.averageMonthlyWageFen)}`;
  if (ownWageFen < floor) {
    return { fen: floor, note: `own wage ${formatYuan(floor)} (floored at ${formatBp(limits.floorBp)} of ${average})` };
  }
  if (ownWageFen > cap) {
    return { fen: cap, note: `own wage ${formatYuan(cap)} (capped at ${formatBp(limits.capBp)} of ${average})` };
  }
  return { fen: ownWageFen, note: `own wage ${formatYuan(ownWageFen)}` };
}

function ownWageForCase(
  facts: Pick<ClaimFacts, 'ownWageFen' | 'injuryRecognitionDate'>,
  standard: BenefitStandard,
  params: readonly YearlyParameters[],
): OwnWage {
  const reference = parametersForYear(params, yearOfDate(facts.injuryRecognitionDate) - 1);
  return ownWageDetail(facts.ownWageFen, reference, standard.ownWage);
}

function gradeRow(standard: BenefitStandard, grade: number) {
  const row = standard.disability.find((r) => r.grade === grade);
  if (!row) throw new Error(`benefit standard ${standard.version} has no row for disability grade ${grade}`);
  return row;
}

/** `base x bp x (1 + adjustment)`, rounded half up once. */
function adjustedShare(baseFen: bigint, shareBp: number, adjustmentBp: number): bigint {
  return divideRoundHalfUp(baseFen * BigInt(shareBp) * (BP_PER_WHOLE + BigInt(adjustmentBp)), BP_PER_WHOLE * BP_PER_WHOLE);
}

const adjustmentNote = (standard: BenefitStandard): string =>
  standard.longTermAdjustmentBp === 0 ? '' : ` x (1 + ${formatBp(standard.longTermAdjustmentBp)} Art. 40 adjustment)`;

/** Dependants' pensions are owed for a death from the work injury, or any death of a grade 1-4 worker (Art. 39 para. 3). */
function deathBenefitsOwed(facts: Pick<ClaimFacts, 'deceased' | 'deathCause' | 'disabilityGrade'>): boolean {
  if (!facts.deceased) return false;
  if (facts.deathCause === 'work_injury') return true;
  return facts.disabilityGrade !== null && facts.disabilityGrade <= 4;
}

/**
 * Long-term entitlements of one case for one month.
 *
 * - Nothing while the case is 'suspended'.
 * - The worker's own benefits (disability allowance, its top-up, nursing care) are owed from
 *   the injury recognition month up to and including the month of death.
 * - Only grades 1-4 yield a disability allowance here; grades 5-6 are paid by the employer
 *   and grades 7-10 have none. When the allowance is below the minimum wage of the payment
 *   month's year, the fund's top-up is its own 'minimum_wage_top_up' line.
 * - Retirement: the disability allowance and its top-up stop from the month after the
 *   retirement date (Art. 35: the pension takes over; any shortfall of the pension against
 *   the allowance is settled outside this module, as it needs the pension amount). Nursing
 *   care continues after retirement.
 * - Dependants' pensions start in the month after death, one line per dependant.
 */
export function monthlyEntitlements(
  caseFacts: CaseFacts,
  month: string,
  standards: readonly BenefitStandard[],
  yearlyParams: readonly YearlyParameters[],
): Entitlement[] {
  if (!monthSchema.safeParse(month).success) throw new RangeError(`"${month}" is not a month written YYYY-MM`);
  if (caseFacts.status === 'suspended') return [];

  const standard = selectStandard(standards, month);
  const year = Number(month.slice(0, 4));
  const deathMonth = caseFacts.deathDate === null ? null : monthOfDate(caseFacts.deathDate);
  const ownBenefitsDue = month >= monthOfDate(caseFacts.injuryRecognitionDate) && (deathMonth === null || month <= deathMonth);
  const afterDeath = deathMonth !== null && month > deathMonth;
  const retired = caseFacts.retirementDate !== null && month > monthOfDate(caseFacts.retirementDate);
  const out: Entitlement[] = [];
  const tag = `standard ${standard.version}`;

  if (ownBenefitsDue && !retired && caseFacts.disabilityGrade !== null) {
    const row = gradeRow(standard, caseFacts.disabilityGrade);
    if (row.allowancePaidBy === 'fund' && row.monthlyAllowanceBp !== null) {
      const wage = ownWageForCase(caseFacts, standard, yearlyParams);
      const allowance = adjustedShare(wage.fen, row.monthlyAllowanceBp, standard.longTermAdjustmentBp);
      out.push({
        type: 'disability_allowance',
        category: 'long_term',
        amountFen: allowance,
        basis: `grade ${row.grade}: ${formatBp(row.monthlyAllowanceBp)} of ${wage.note}${adjustmentNote(standard)}; ${tag}`,
      });
      const minimum = parametersForYear(yearlyParams, year).minimumMonthlyWageFen;
      if (allowance < minimum) {
        out.push({
          type: 'minimum_wage_top_up',
          category: 'long_term',
          amountFen: minimum - allowance,
          basis: `allowance ${formatYuan(allowance)} topped up to the ${year} minimum wage ${formatYuan(minimum)}; ${tag}`,
        });
      }
    }
  }

  if (ownBenefitsDue && caseFacts.nursingLevel !== null) {
    const levelBp = standard.nursingCareBp[caseFacts.nursingLevel];
    const reference = parametersForYear(yearlyParams, year - 1);
    out.push({
      type: 'nursing_care',
      category: 'long_term',
      amountFen: applyBp(reference.averageMonthlyWageFen, levelBp),
      basis: `nursing care (${caseFacts.nursingLevel}): ${formatBp(levelBp)} of the ${reference.year} average monthly wage ${formatYuan(reference.averageMonthlyWageFen)}; ${tag}`,
    });
  }

  if (afterDeath && deathBenefitsOwed(caseFacts) && caseFacts.dependants.length > 0) {
    out.push(...dependantPensions(caseFacts, standard, yearlyParams));
  }
  return out;
}

function dependantPensions(caseFacts: CaseFacts, standard: BenefitStandard, yearlyParams: readonly YearlyParameters[]): Entitlement[] {
  const rules = standard.dependantPension;
  const wage = ownWageForCase(caseFacts, standard, yearlyParams);
  const adjustment = standard.longTermAdjustmentBp;
  const shares = caseFacts.dependants.map(
    (d) =>
      (d.relation === 'spouse' ? rules.spouseBp : rules.otherDependantBp) + (d.loneElderlyOrOrphan ? rules.loneElderlyOrOrphanBonusBp : 0),
  );
  const totalBp = shares.reduce((a, b) => a + b, 0);
  const tag = `standard ${standard.version}`;

  let amounts = shares.map((share) => adjustedShare(wage.fen, share, adjustment));
  const cap = dependantsCap(wage.fen, rules.totalCapBp, adjustment);
  // Individually rounded shares could pass the cap by a fen or two at exactly the cap, so apportion from there on.
  const capped = totalBp > 0 && (totalBp >= rules.totalCapBp || amounts.reduce((a, b) => a + b, 0n) > cap.fen);
  if (capped) amounts = apportion(cap.fen, shares);

  return caseFacts.dependants.map((d, i) => {
    const share = shares[i] ?? 0;
    const bonus = d.loneElderlyOrOrphan ? ' incl. lone-elderly/orphan bonus' : '';
    const capNote = capped ? `; shares total ${formatBp(totalBp)}${adjustmentNote(standard)}, so ${cap.note} is split in proportion` : '';
    return {
      type: 'dependant_pension' as const,
      category: 'long_term' as const,
      amountFen: amounts[i] ?? 0n,
      basis: `${d.relation}: ${formatBp(share)}${bonus} of ${wage.note}${adjustmentNote(standard)}${capNote}; ${tag}`,
      dependantIndex: i,
    };
  });
}

/**
 * What the dependants' pensions may add up to: the standard's cap share of the own wage with the
 * Art. 40 adjustment, and never more than the own wage itself (Art. 39), whatever the standard says.
 */
function dependantsCap(wageFen: bigint, totalCapBp: number, adjustmentBp: number): { fen: bigint; note: string } {
  const adjusted = adjustedShare(wageFen, totalCapBp, adjustmentBp);
  if (adjusted <= wageFen)
    return { fen: adjusted, note: `${formatBp(totalCapBp)} of own wage${adjustmentBp === 0 ? '' : ` x (1 + ${formatBp(adjustmentBp)})`}` };
  return { fen: wageFen, note: 'the own wage (the Art. 39 cap)' };
}

/**
 * One-time entitlements of one claim: the disability subsidy (standard and own wage as at
 * the injury recognition month) and, on death, the funeral subsidy (Art. 39 para. 1 and 3)
 * and, for a death caused by the work injury only, the one-time death subsidy.
 */
export function oneTimeEntitlements(
  claimFacts: ClaimFacts,
  standards: readonly BenefitStandard[],
  yearlyParams: readonly YearlyParameters[],
): Entitlement[] {
  const out: Entitlement[] = [];

  if (claimFacts.disabilityGrade !== null) {
    const standard = selectStandard(standards, monthOfDate(claimFacts.injuryRecognitionDate));
    const row = gradeRow(standard, claimFacts.disabilityGrade);
    const wage = ownWageForCase(claimFacts, standard, yearlyParams);
    out.push({
      type: 'one_time_disability_subsidy',
      category: 'one_time',
      amountFen: wage.fen * BigInt(row.oneTimeSubsidyMonths),
      basis: `grade ${row.grade}: ${row.oneTimeSubsidyMonths} months of ${wage.note}; standard ${standard.version}`,
    });
  }

  if (claimFacts.deathDate !== null && deathBenefitsOwed(claimFacts)) {
    const standard = selectStandard(standards, monthOfDate(claimFacts.deathDate));
    const reference = parametersForYear(yearlyParams, yearOfDate(claimFacts.deathDate) - 1);
    out.push({
      type: 'funeral_subsidy',
      category: 'one_time',
      amountFen: reference.averageMonthlyWageFen * BigInt(standard.funeralSubsidyMonths),
      basis: `${standard.funeralSubsidyMonths} months of the ${reference.year} average monthly wage ${formatYuan(reference.averageMonthlyWageFen)}; standard ${standard.version}`,
    });
    if (claimFacts.deathCause === 'work_injury') {
      out.push({
        type: 'one_time_death_subsidy',
        category: 'one_time',
        amountFen: reference.nationalUrbanDisposableIncomeFen * BigInt(standard.deathSubsidyIncomeMultiple),
        basis: `${standard.deathSubsidyIncomeMultiple} x the ${reference.year} national urban per-capita disposable income ${formatYuan(reference.nationalUrbanDisposableIncomeFen)}; standard ${standard.version}`,
      });
    }
  }
  return out;
}
