import { apportion, divideRoundHalfUp, formatBp, formatYuan } from './arithmetic';
import { cappedOwnWage, monthlyEntitlements, oneTimeEntitlements } from './compute';
import { caseFactsSchema, claimFactsSchema, type CaseFacts, type Dependant, type Entitlement } from './facts';
import {
  benefitStandardSchema,
  DEMO_STANDARDS,
  DEMO_YEARLY_PARAMETERS,
  selectStandard,
  yearlyParametersSchema,
  type BenefitStandard,
  type YearlyParameters,
} from './standards';

// Hand-worked figures below use the demo data:
//   2024 provincial average monthly wage 7,883.47 yuan = 788,347 fen
//     Art. 64 floor 60% = 473,008.2 -> 473,008 fen; cap 300% = 2,365,041 fen
//   2025 average 806,905 fen; 2025 minimum wage 207,000 fen
//   2024 national urban disposable income 5,130,000 fen; 2025: 5,290,000 fen
//   standards: reg-2010 until 2025-06, gs-2025-07 (+3% on allowances and dependants' pensions) from 2025-07
// A case recognised on 2025-03-10 measures its own wage against the 2024 average.

function worker(overrides: Partial<CaseFacts> = {}): CaseFacts {
  return caseFactsSchema.parse({
    disabilityGrade: 1,
    ownWageFen: 612_345n,
    nursingLevel: null,
    injuryRecognitionDate: '2025-03-10',
    deceased: false,
    deathDate: null,
    deathCause: null,
    dependants: [],
    status: 'active',
    retirementDate: null,
    ...overrides,
  });
}

function deceasedWorker(dependants: Dependant[], overrides: Partial<CaseFacts> = {}): CaseFacts {
  return worker({
    disabilityGrade: null,
    ownWageFen: 600_000n,
    deceased: true,
    deathDate: '2025-04-20',
    deathCause: 'work_injury',
    status: 'deceased',
    dependants,
    ...overrides,
  });
}

const monthly = (facts: CaseFacts, month: string) => monthlyEntitlements(facts, month, DEMO_STANDARDS, DEMO_YEARLY_PARAMETERS);
const oneTime = (facts: CaseFacts) => oneTimeEntitlements(facts, DEMO_STANDARDS, DEMO_YEARLY_PARAMETERS);
const amounts = (lines: Entitlement[]) => lines.map((l) => [l.type, l.amountFen]);

const spouse: Dependant = { relation: 'spouse', loneElderlyOrOrphan: false };
const child: Dependant = { relation: 'child', loneElderlyOrOrphan: false };
const orphan: Dependant = { relation: 'child', loneElderlyOrOrphan: true };
const loneParent: Dependant = { relation: 'parent', loneElderlyOrOrphan: true };

describe('demo data', () => {
  it('parses against the schemas', () => {
    for (const s of DEMO_STANDARDS) expect(() => benefitStandardSchema.parse(s)).not.toThrow();
    for (const p of DEMO_YEARLY_PARAMETERS) expect(() => yearlyParametersSchema.parse(p)).not.toThrow();
    expect(DEMO_YEARLY_PARAMETERS.map((p) => p.year)).toEqual([2022, 2023, 2024, 2025, 2026, 2027, 2028]);
  });
});

describe('selectStandard', () => {
  it('picks the latest version in force, so a new version never reaches back', () => {
    expect(selectStandard(DEMO_STANDARDS, '2011-01').version).toBe('reg-2010');
    expect(selectStandard(DEMO_STANDARDS, '2025-06').version).toBe('reg-2010');
    expect(selectStandard(DEMO_STANDARDS, '2025-07').version).toBe('gs-2025-07');
    expect(selectStandard([...DEMO_STANDARDS].reverse(), '2026-03').version).toBe('gs-2025-07');
  });

  it('refuses a month before any version and two versions starting together', () => {
    expect(() => selectStandard(DEMO_STANDARDS, '2010-12')).toThrow(
      'no benefit standard is in force in 2010-12 (the earliest takes effect in 2011-01)',
    );
    expect(() => selectStandard([], '2025-01')).toThrow('no benefit standard is in force in 2025-01 (none are loaded)');
    const clash: BenefitStandard[] = [...DEMO_STANDARDS, { ...(DEMO_STANDARDS[1] as BenefitStandard), version: 'dup' }];
    expect(() => selectStandard(clash, '2025-08')).toThrow('benefit standards gs-2025-07 and dup both take effect in 2025-07');
    expect(() => selectStandard(DEMO_STANDARDS, '2025-13')).toThrow('is not a month');
  });
});

describe('arithmetic', () => {
  it('rounds half up once', () => {
    expect(divideRoundHalfUp(5n, 2n)).toBe(3n); // 2.5 -> 3
    expect(divideRoundHalfUp(7n, 3n)).toBe(2n); // 2.33 -> 2
    expect(divideRoundHalfUp(8n, 3n)).toBe(3n); // 2.67 -> 3
    expect(() => divideRoundHalfUp(-1n, 2n)).toThrow(RangeError);
  });

  it('apportions to the exact total, ties to the earlier part', () => {
    expect(apportion(10n, [1, 1, 1])).toEqual([4n, 3n, 3n]);
    expect(apportion(600_000n, [4000, 3000, 3000, 4000])).toEqual([171_429n, 128_571n, 128_571n, 171_429n]);
  });

  it('formats for the basis text', () => {
    expect(formatYuan(612_345n)).toBe('¥6,123.45');
    expect(formatBp(9000)).toBe('90%');
    expect(formatBp(350)).toBe('3.5%');
    expect(formatBp(12)).toBe('0.12%');
  });
});

describe('cappedOwnWage (Art. 64)', () => {
  const limits = { floorBp: 6000, capBp: 30000 };
  const avg2024 = { averageMonthlyWageFen: 788_347n };

  it('floors at 60% and caps at 300% of the average, inclusive', () => {
    expect(cappedOwnWage(300_000n, avg2024, limits)).toBe(473_008n); // 788,347 x 0.6 = 473,008.2 -> 473,008
    expect(cappedOwnWage(473_007n, avg2024, limits)).toBe(473_008n);
    expect(cappedOwnWage(473_008n, avg2024, limits)).toBe(473_008n);
    expect(cappedOwnWage(612_345n, avg2024, limits)).toBe(612_345n);
    expect(cappedOwnWage(2_365_041n, avg2024, limits)).toBe(2_365_041n); // 788,347 x 3
    expect(cappedOwnWage(3_000_000n, avg2024, limits)).toBe(2_365_041n);
  });
});

describe('one-time disability subsidy, every grade', () => {
  // own wage 612,345 fen, inside the floor and cap; subsidy = months x own wage, exact
  const expected: Array<[number, bigint]> = [
    [1, 16_533_315n], // 27 x 612,345
    [2, 15_308_625n], // 25 x 612,345
    [3, 14_083_935n], // 23 x 612,345
    [4, 12_859_245n], // 21 x 612,345
    [5, 11_022_210n], // 18 x 612,345
    [6, 9_797_520n], // 16 x 612,345
    [7, 7_960_485n], // 13 x 612,345
    [8, 6_735_795n], // 11 x 612,345
    [9, 5_511_105n], // 9 x 612,345
    [10, 4_286_415n], // 7 x 612,345
  ];
  it.each(expected)('grade %i', (grade, fen) => {
    expect(amounts(oneTime(worker({ disabilityGrade: grade })))).toEqual([['one_time_disability_subsidy', fen]]);
  });

  it('uses the floored and the capped own wage', () => {
    expect(amounts(oneTime(worker({ disabilityGrade: 10, ownWageFen: 300_000n })))).toEqual([
      ['one_time_disability_subsidy', 3_311_056n], // 7 x 473,008
    ]);
    const capped = oneTime(worker({ disabilityGrade: 1, ownWageFen: 3_000_000n }));
    expect(amounts(capped)).toEqual([['one_time_disability_subsidy', 63_856_107n]]); // 27 x 2,365,041
    expect(capped[0]?.basis).toBe(
      'grade 1: 27 months of own wage ¥23,650.41 (capped at 300% of 2024 average ¥7,883.47); standard reg-2010',
    );
  });

  it('is the same after the mid-year version, which only adjusts long-term benefits', () => {
    expect(amounts(oneTime(worker({ disabilityGrade: 1, injuryRecognitionDate: '2025-07-01' })))).toEqual([
      ['one_time_disability_subsidy', 16_533_315n],
    ]);
  });
});

describe('monthly disability allowance', () => {
  // May 2025, reg-2010, own wage 612,345 fen; 2025 minimum wage 207,000 is below all of these
  it.each([
    [1, 551_111n], // 90%: 551,110.5 -> 551,111
    [2, 520_493n], // 85%: 520,493.25 -> 520,493
    [3, 489_876n], // 80%: 489,876.0
    [4, 459_259n], // 75%: 459,258.75 -> 459,259
  ])('grade %i is paid by the fund', (grade, fen) => {
    const lines = monthly(worker({ disabilityGrade: grade }), '2025-05');
    expect(amounts(lines)).toEqual([['disability_allowance', fen]]);
    expect(lines[0]?.category).toBe('long_term');
  });

  it.each([5, 6, 7, 8, 9, 10])('grade %i gets no fund-paid allowance', (grade) => {
    expect(monthly(worker({ disabilityGrade: grade }), '2025-05')).toEqual([]);
  });

  it('uses the capped own wage', () => {
    // 90% of 2,365,041 = 2,128,536.9 -> 2,128,537
    expect(amounts(monthly(worker({ ownWageFen: 3_000_000n }), '2025-05'))).toEqual([['disability_allowance', 2_128_537n]]);
  });

  it('switches to the new standard in July, not June', () => {
    const june = monthly(worker(), '2025-06');
    const july = monthly(worker(), '2025-07');
    expect(amounts(june)).toEqual([['disability_allowance', 551_111n]]); // 612,345 x 90% = 551,110.5 -> 551,111
    // 612,345 x 90% x 103% = 612,345 x 0.927 = 567,643.815 -> 567,644 (one rounding, not 551,111 x 1.03)
    expect(amounts(july)).toEqual([['disability_allowance', 567_644n]]);
    expect(june[0]?.basis).toBe('grade 1: 90% of own wage ¥6,123.45; standard reg-2010');
    expect(july[0]?.basis).toBe('grade 1: 90% of own wage ¥6,123.45 x (1 + 3% Art. 40 adjustment); standard gs-2025-07');
  });

  it('tops up to the minimum wage as its own line for grades 1-4', () => {
    const params: YearlyParameters[] = [
      { year: 2030, averageMonthlyWageFen: 300_000n, minimumMonthlyWageFen: 190_000n, nationalUrbanDisposableIncomeFen: 4_000_000n },
      { year: 2031, averageMonthlyWageFen: 310_000n, minimumMonthlyWageFen: 210_000n, nationalUrbanDisposableIncomeFen: 4_100_000n },
    ];
    const facts = worker({ disabilityGrade: 4, ownWageFen: 150_000n, injuryRecognitionDate: '2031-02-01' });
    // own wage floored to 60% of 300,000 = 180,000; 180,000 x 75% x 103% = 139,050;
    // 2031 minimum wage 210,000 - 139,050 = 70,950
    const lines = monthlyEntitlements(facts, '2031-03', DEMO_STANDARDS, params);
    expect(amounts(lines)).toEqual([
      ['disability_allowance', 139_050n],
      ['minimum_wage_top_up', 70_950n],
    ]);
    expect(lines[1]?.basis).toBe('allowance ¥1,390.50 topped up to the 2031 minimum wage ¥2,100.00; standard gs-2025-07');
    expect(monthlyEntitlements({ ...facts, disabilityGrade: 5 }, '2031-03', DEMO_STANDARDS, params)).toEqual([]);
  });
});

describe('a standard published for a later month', () => {
  // A new version from 2028-02: +5% on allowances and pensions (instead of +3%), full nursing care 55%.
  const published: BenefitStandard[] = [
    ...DEMO_STANDARDS,
    {
      ...(DEMO_STANDARDS[1] as BenefitStandard),
      version: 'gs-2028-02',
      effectiveMonth: '2028-02',
      longTermAdjustmentBp: 500,
      nursingCareBp: { full: 5500, most: 4000, partial: 3000 },
    },
  ];
  const facts = worker({ nursingLevel: 'full' });

  it('leaves the months before it as they were', () => {
    // 612,345 x 90% x 103% = 567,643.815 -> 567,644; nursing 50% of the 2027 average 845,279 = 422,639.5 -> 422,640
    expect(amounts(monthlyEntitlements(facts, '2028-01', published, DEMO_YEARLY_PARAMETERS))).toEqual([
      ['disability_allowance', 567_644n],
      ['nursing_care', 422_640n],
    ]);
    expect(monthlyEntitlements(facts, '2028-01', published, DEMO_YEARLY_PARAMETERS)).toEqual(monthly(facts, '2028-01'));
  });

  it('applies from its effective month', () => {
    // 612,345 x 90% x 105% = 578,666.025 -> 578,666; nursing 55% of 845,279 = 464,903.45 -> 464,903
    const lines = monthlyEntitlements(facts, '2028-02', published, DEMO_YEARLY_PARAMETERS);
    expect(amounts(lines)).toEqual([
      ['disability_allowance', 578_666n],
      ['nursing_care', 464_903n],
    ]);
    expect(lines[0]?.basis).toBe('grade 1: 90% of own wage ¥6,123.45 x (1 + 5% Art. 40 adjustment); standard gs-2028-02');
  });

  it('floors a low own wage against the year before recognition, under the 2028 minimum wage', () => {
    // recognised 2028-01-10: 60% of the 2027 average 845,279 = 507,167.4 -> 507,167;
    // grade 4 under gs-2025-07: 507,167 x 75% x 103% = 391,786.5075 -> 391,787, above the 2028 minimum wage 222,000
    const low = worker({ disabilityGrade: 4, ownWageFen: 200_000n, injuryRecognitionDate: '2028-01-10' });
    expect(amounts(monthly(low, '2028-01'))).toEqual([['disability_allowance', 391_787n]]);
  });
});

describe('nursing care (Art. 34)', () => {
  it.each([
    ['full', 394_174n], // 50% of 788,347 = 394,173.5 -> 394,174
    ['most', 315_339n], // 40% = 315,338.8 -> 315,339
    ['partial', 236_504n], // 30% = 236,504.1 -> 236,504
  ] as const)('%s uses the previous-year average wage', (level, fen) => {
    expect(amounts(monthly(worker({ disabilityGrade: 7, nursingLevel: level }), '2025-05'))).toEqual([['nursing_care', fen]]);
  });

  it('moves to the new previous year in January', () => {
    // 2026-01 reads the 2025 average: 50% of 806,905 = 403,452.5 -> 403,453
    expect(amounts(monthly(worker({ disabilityGrade: 7, nursingLevel: 'full' }), '2026-01'))).toEqual([['nursing_care', 403_453n]]);
  });
});

describe('when long-term benefits stop', () => {
  it('pays nothing while suspended or before recognition', () => {
    expect(monthly(worker({ nursingLevel: 'full', status: 'suspended' }), '2025-05')).toEqual([]);
    expect(monthly(worker({ nursingLevel: 'full' }), '2025-02')).toEqual([]);
  });

  it('stops the allowance after the retirement month but keeps nursing care', () => {
    const retired = worker({ nursingLevel: 'full', status: 'retired', retirementDate: '2025-06-30' });
    expect(amounts(monthly(retired, '2025-06'))).toEqual([
      ['disability_allowance', 551_111n],
      ['nursing_care', 394_174n],
    ]);
    expect(amounts(monthly(retired, '2025-07'))).toEqual([['nursing_care', 394_174n]]);
  });

  it("pays the worker's own benefits through the death month only", () => {
    const died = worker({ nursingLevel: 'full', deceased: true, deathDate: '2025-04-20', deathCause: 'other', status: 'deceased' });
    expect(amounts(monthly(died, '2025-04'))).toEqual([
      ['disability_allowance', 551_111n],
      ['nursing_care', 394_174n],
    ]);
    expect(monthly(died, '2025-05')).toEqual([]);
  });
});

describe("dependants' pensions (Art. 39)", () => {
  it('starts the month after death', () => {
    expect(monthly(deceasedWorker([spouse]), '2025-04')).toEqual([]);
    expect(amounts(monthly(deceasedWorker([spouse]), '2025-05'))).toEqual([['dependant_pension', 240_000n]]); // 40% x 600,000
  });

  it('pays each share in full below the cap', () => {
    const lines = monthly(deceasedWorker([spouse, child], { ownWageFen: 612_345n }), '2025-05');
    expect(amounts(lines)).toEqual([
      ['dependant_pension', 244_938n], // 40% x 612,345 = 244,938.0
      ['dependant_pension', 183_704n], // 30% x 612,345 = 183,703.5 -> 183,704
    ]);
    expect(lines.map((l) => l.dependantIndex)).toEqual([0, 1]);
  });

  it('caps spouse + children + lone elderly parent (140%) at own wage', () => {
    const lines = monthly(deceasedWorker([spouse, child, child, loneParent]), '2025-05');
    // shares 40+30+30+40 = 140% > 100%: split 600,000 in 4:3:3:4
    //   exact 171,428.57 / 128,571.43 / 128,571.43 / 171,428.57; floors sum 599,998;
    //   the 2 leftover fen go to the largest remainders (spouse, parent)
    expect(amounts(lines)).toEqual([
      ['dependant_pension', 171_429n],
      ['dependant_pension', 128_571n],
      ['dependant_pension', 128_571n],
      ['dependant_pension', 171_429n],
    ]);
    expect(lines[3]?.basis).toBe(
      'parent: 40% incl. lone-elderly/orphan bonus of own wage ¥6,000.00; shares total 140%, so 100% of own wage is split in proportion; standard reg-2010',
    );
  });

  it('caps three orphans (120%) at own wage', () => {
    // 40% each = 120%: 600,000 split evenly = 200,000 each
    expect(amounts(monthly(deceasedWorker([orphan, orphan, orphan]), '2025-05'))).toEqual([
      ['dependant_pension', 200_000n],
      ['dependant_pension', 200_000n],
      ['dependant_pension', 200_000n],
    ]);
  });

  it('never passes the cap at exactly 100%', () => {
    // spouse + 2 children = 100% of 612,345: rounding each share would give 244,938 + 183,704 x 2 = 612,346.
    // Apportioned: 244,938 + 183,703.5 + 183,703.5; 1 leftover fen to the tie's earlier child.
    expect(amounts(monthly(deceasedWorker([spouse, child, child], { ownWageFen: 612_345n }), '2025-05'))).toEqual([
      ['dependant_pension', 244_938n],
      ['dependant_pension', 183_704n],
      ['dependant_pension', 183_703n],
    ]);
  });

  it('keeps the capped total at the own wage under the July 2025 adjustment', () => {
    // 100% x 103% = 618,000 would pass the own wage; Art. 39 caps the total at 600,000, split 4:3:3:4 as without it.
    const lines = monthly(deceasedWorker([spouse, child, child, loneParent]), '2025-07');
    expect(amounts(lines)).toEqual([
      ['dependant_pension', 171_429n],
      ['dependant_pension', 128_571n],
      ['dependant_pension', 128_571n],
      ['dependant_pension', 171_429n],
    ]);
    expect(lines[0]?.basis).toBe(
      'spouse: 40% of own wage ¥6,000.00 x (1 + 3% Art. 40 adjustment); shares total 140% x (1 + 3% Art. 40 adjustment), so the own wage (the Art. 39 cap) is split in proportion; standard gs-2025-07',
    );
  });

  it('is owed after a non-work death only for grades 1-4', () => {
    const grade2 = deceasedWorker([spouse], { disabilityGrade: 2, ownWageFen: 612_345n, deathDate: '2025-09-15', deathCause: 'other' });
    // own allowance in the death month: 612,345 x 85% x 103% = 536,108.0475 -> 536,108
    expect(amounts(monthly(grade2, '2025-09'))).toEqual([['disability_allowance', 536_108n]]);
    // spouse from October: 612,345 x 40% x 103% = 252,286.14 -> 252,286
    expect(amounts(monthly(grade2, '2025-10'))).toEqual([['dependant_pension', 252_286n]]);
    const grade7 = deceasedWorker([spouse], { disabilityGrade: 7, deathCause: 'other' });
    expect(monthly(grade7, '2025-05')).toEqual([]);
  });

  it('pays nothing while a deceased case is suspended', () => {
    expect(monthly(deceasedWorker([spouse], { status: 'suspended' }), '2025-05')).toEqual([]);
  });
});

describe('funeral and one-time death subsidies', () => {
  it('pays both for a death from the work injury, on the previous-year figures', () => {
    const lines = oneTime(deceasedWorker([spouse]));
    expect(amounts(lines)).toEqual([
      ['funeral_subsidy', 4_730_082n], // 6 x 788,347 (2024 average)
      ['one_time_death_subsidy', 102_600_000n], // 20 x 5,130,000 (2024 national income)
    ]);
    expect(lines.every((l) => l.category === 'one_time')).toBe(true);
    expect(lines[1]?.basis).toBe('20 x the 2024 national urban per-capita disposable income ¥51,300.00; standard reg-2010');
  });

  it('reads the year before the death, not before recognition', () => {
    expect(amounts(oneTime(deceasedWorker([], { deathDate: '2026-02-01' })))).toEqual([
      ['funeral_subsidy', 4_841_430n], // 6 x 806,905 (2025 average)
      ['one_time_death_subsidy', 105_800_000n], // 20 x 5,290,000
    ]);
  });

  it('pays only the funeral subsidy after a non-work death of a grade 1-4 worker, nothing extra for grade 5-10', () => {
    expect(amounts(oneTime(deceasedWorker([], { disabilityGrade: 2, ownWageFen: 612_345n, deathCause: 'other' })))).toEqual([
      ['one_time_disability_subsidy', 15_308_625n], // 25 x 612,345
      ['funeral_subsidy', 4_730_082n],
    ]);
    expect(amounts(oneTime(deceasedWorker([], { disabilityGrade: 7, ownWageFen: 612_345n, deathCause: 'other' })))).toEqual([
      ['one_time_disability_subsidy', 7_960_485n], // 13 x 612,345
    ]);
  });
});

describe('fact schemas', () => {
  it('refuse inconsistent death and retirement facts', () => {
    const base = { ...worker() };
    expect(caseFactsSchema.safeParse({ ...base, deceased: true }).success).toBe(false);
    expect(caseFactsSchema.safeParse({ ...base, status: 'deceased' }).success).toBe(false);
    expect(caseFactsSchema.safeParse({ ...base, status: 'retired' }).success).toBe(false);
    expect(caseFactsSchema.safeParse({ ...base, dependants: [spouse, spouse] }).success).toBe(false);
    expect(claimFactsSchema.safeParse({ ...base, deceased: true, deathDate: '2025-04-20' }).success).toBe(false);
    expect(claimFactsSchema.safeParse({ ...base, deceased: true, deathDate: '2025-04-20', deathCause: 'work_injury' }).success).toBe(true);
  });

  it('report a missing year of parameters clearly', () => {
    expect(() => oneTimeEntitlements(worker({ injuryRecognitionDate: '2020-05-01' }), DEMO_STANDARDS, DEMO_YEARLY_PARAMETERS)).toThrow(
      'no yearly parameters are loaded for 2019',
    );
  });
});
