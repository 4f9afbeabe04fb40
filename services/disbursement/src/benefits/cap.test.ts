import { randomInt, seededRandom } from '@fund/shared';
import { monthlyEntitlements } from './compute';
import { caseFactsSchema, type Dependant } from './facts';
import { DEMO_STANDARDS, DEMO_YEARLY_PARAMETERS, type BenefitStandard } from './standards';

// A death on 2025-04-20 of a worker recognised on 2025-03-10: own wage against the 2024 average 788,347 fen
// (floor 473,008, cap 2,365,041 under every standard below), pensions from May 2025.
const REG_2010 = DEMO_STANDARDS[0]!;

function household(ownWageFen: bigint, dependants: Dependant[]) {
  return caseFactsSchema.parse({
    disabilityGrade: null,
    ownWageFen,
    nursingLevel: null,
    injuryRecognitionDate: '2025-03-10',
    deceased: true,
    deathDate: '2025-04-20',
    deathCause: 'work_injury',
    dependants,
    status: 'deceased',
    retirementDate: null,
  });
}

function pensions(standard: BenefitStandard, ownWageFen: bigint, dependants: Dependant[]): bigint[] {
  const lines = monthlyEntitlements(household(ownWageFen, dependants), '2025-05', [standard], DEMO_YEARLY_PARAMETERS);
  return lines.filter((l) => l.type === 'dependant_pension').map((l) => l.amountFen);
}

const sum = (amounts: readonly bigint[]) => amounts.reduce((a, b) => a + b, 0n);
const spouse: Dependant = { relation: 'spouse', loneElderlyOrOrphan: false };
const child: Dependant = { relation: 'child', loneElderlyOrOrphan: false };

describe("the Art. 39 cap on dependants' pensions under any standard", () => {
  it('holds the total at the own wage under raised percentages and an adjustment (spouse 60%, others 50%, +3%)', () => {
    const raised: BenefitStandard = {
      ...REG_2010,
      version: 'raised',
      dependantPension: { spouseBp: 6000, otherDependantBp: 5000, loneElderlyOrOrphanBonusBp: 1000, totalCapBp: 10000 },
      longTermAdjustmentBp: 300,
    };
    // 60% + 50% = 110% of 600,000 is above the wage: 600,000 split 6:5 = 327,272.73 / 272,727.27, 1 fen to the spouse.
    const amounts = pensions(raised, 600_000n, [spouse, child]);
    expect(amounts).toEqual([327_273n, 272_727n]);
    expect(sum(amounts)).toBe(600_000n);
  });

  it('holds when the shares are under the cap but the adjustment lifts them over the wage', () => {
    // 40% + 55% = 95% of 600,000, x 1.10 = 627,000 > 600,000: the wage is split 40:55.
    const adjusted: BenefitStandard = {
      ...REG_2010,
      version: 'adjusted',
      dependantPension: { spouseBp: 4000, otherDependantBp: 5500, loneElderlyOrOrphanBonusBp: 0, totalCapBp: 10000 },
      longTermAdjustmentBp: 1000,
    };
    const amounts = pensions(adjusted, 600_000n, [spouse, child]);
    expect(amounts).toEqual([252_632n, 347_368n]); // 252,631.58 / 347,368.42, 1 fen to the spouse's larger remainder
    expect(sum(amounts)).toBe(600_000n);
  });

  it('holds for many generated standards and households: the total never above the own wage, each share >= 0, exact to the fen at the cap', () => {
    const random = seededRandom(39);
    for (let run = 0; run < 2_000; run++) {
      const standard: BenefitStandard = {
        ...REG_2010,
        version: `generated-${run}`,
        dependantPension: {
          spouseBp: randomInt(random, 0, 12_000),
          otherDependantBp: randomInt(random, 0, 12_000),
          loneElderlyOrOrphanBonusBp: randomInt(random, 0, 3_000),
          totalCapBp: randomInt(random, 0, 20_000),
        },
        longTermAdjustmentBp: randomInt(random, 0, 5_000),
      };
      const dependants: Dependant[] = Array.from({ length: randomInt(random, 1, 6) }, (_, i) => ({
        relation: i === 0 && random() < 0.6 ? 'spouse' : (['child', 'parent', 'other'] as const)[randomInt(random, 0, 2)]!,
        loneElderlyOrOrphan: random() < 0.3,
      }));
      const ownWage = BigInt(randomInt(random, 473_008, 2_365_041));
      const amounts = pensions(standard, ownWage, dependants);
      const context = JSON.stringify({
        standard: standard.dependantPension,
        adjustment: standard.longTermAdjustmentBp,
        ownWage: String(ownWage),
        dependants,
      });

      expect({ context, count: amounts.length }).toEqual({ context, count: dependants.length });
      expect({ context, negative: amounts.filter((a) => a < 0n) }).toEqual({ context, negative: [] });
      expect({ context, withinWage: sum(amounts) <= ownWage }).toEqual({ context, withinWage: true });
      const { spouseBp, otherDependantBp, loneElderlyOrOrphanBonusBp, totalCapBp } = standard.dependantPension;
      const totalBp = dependants.reduce(
        (s, d) => s + (d.relation === 'spouse' ? spouseBp : otherDependantBp) + (d.loneElderlyOrOrphan ? loneElderlyOrOrphanBonusBp : 0),
        0,
      );
      const adjustedCap = (ownWage * BigInt(totalCapBp) * BigInt(10_000 + standard.longTermAdjustmentBp)) / 100_000_000n;
      // Shares at or over the cap are paid the cap exactly: the standard's (adjusted) cap, or the wage if that is lower.
      if (totalBp > 0 && totalBp >= totalCapBp && adjustedCap >= ownWage) {
        expect({ context, total: sum(amounts) }).toEqual({ context, total: ownWage });
      }
    }
  });
});
