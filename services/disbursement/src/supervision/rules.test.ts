import { paymentCandidateSchema, screenBatch, type PaymentCandidate, type ScreeningContext } from './rules';

function candidate(overrides: Partial<PaymentCandidate> = {}): PaymentCandidate {
  return paymentCandidateSchema.parse({
    entitlementId: 'ent-1',
    beneficiaryId: 'ben-1',
    cityCode: '620100',
    idNumberHash: 'idhash-1',
    bankAccountHash: 'acchash-1',
    type: 'disability_allowance',
    category: 'long_term',
    amountFen: 551_111n,
    computedStandardFen: 551_111n,
    dueDate: '2025-06-25',
    deathDate: null,
    retirementDate: null,
    month: '2025-06',
    ...overrides,
  });
}

function context(overrides: Partial<ScreeningContext> = {}): ScreeningContext {
  return { paidElsewhere: new Map(), accountHolders: new Map(), ...overrides };
}

const rulesOf = (holds: ReturnType<typeof screenBatch>) => holds.map((h) => [h.entitlementId, h.rule]);

/** n candidates for distinct beneficiaries, all paying into one account. */
function sharingAccount(n: number): PaymentCandidate[] {
  return Array.from({ length: n }, (_, i) =>
    candidate({
      entitlementId: `ent-${i + 1}`,
      beneficiaryId: `ben-${i + 1}`,
      idNumberHash: `idhash-${i + 1}`,
      bankAccountHash: 'acchash-shared',
    }),
  );
}

describe('screenBatch', () => {
  it('passes a clean batch', () => {
    expect(screenBatch([candidate()], context())).toEqual([]);
    expect(screenBatch([], context())).toEqual([]);
  });

  describe('duplicate_id_across_cities', () => {
    it('holds an ID number already paid in another city this month', () => {
      const holds = screenBatch([candidate()], context({ paidElsewhere: new Map([['idhash-1', ['620200']]]) }));
      expect(holds).toEqual([
        {
          entitlementId: 'ent-1',
          rule: 'duplicate_id_across_cities',
          reason: 'The same ID number is also being paid in city 620200 for 2025-06, besides city 620100.',
        },
      ]);
    });

    it('holds both payments when one batch pays the same ID number in two cities', () => {
      const batch = [
        candidate(),
        candidate({ entitlementId: 'ent-2', beneficiaryId: 'ben-2', cityCode: '620500', bankAccountHash: 'acchash-2' }),
      ];
      expect(rulesOf(screenBatch(batch, context()))).toEqual([
        ['ent-1', 'duplicate_id_across_cities'],
        ['ent-2', 'duplicate_id_across_cities'],
      ]);
    });

    it('stays quiet for several benefits of one person in one city', () => {
      const batch = [
        candidate(),
        candidate({ entitlementId: 'ent-2', type: 'nursing_care', amountFen: 394_174n, computedStandardFen: 394_174n }),
      ];
      expect(
        screenBatch(
          batch,
          context({
            paidElsewhere: new Map([
              ['idhash-1', ['620100']],
              ['idhash-9', ['620200']],
            ]),
          }),
        ),
      ).toEqual([]);
    });
  });

  describe('paid_after_death', () => {
    it("holds the worker's own allowance for a month after the death", () => {
      const holds = screenBatch([candidate({ deathDate: '2025-05-31' })], context());
      expect(holds).toEqual([
        {
          entitlementId: 'ent-1',
          rule: 'paid_after_death',
          reason: "Disability allowance for 2025-06 is for a month after the worker's recorded death on 2025-05-31.",
        },
      ]);
      const nursing = candidate({ type: 'nursing_care', deathDate: '2025-04-20' });
      expect(rulesOf(screenBatch([nursing], context()))).toEqual([['ent-1', 'paid_after_death']]);
    });

    it('holds a one-time disability subsidy due after the death', () => {
      const subsidy = candidate({
        type: 'one_time_disability_subsidy',
        category: 'one_time',
        dueDate: '2025-06-25',
        deathDate: '2025-06-01',
      });
      expect(rulesOf(screenBatch([subsidy], context()))).toEqual([['ent-1', 'paid_after_death']]);
    });

    it('stays quiet when the death is after the month, or in it', () => {
      expect(screenBatch([candidate({ deathDate: '2025-07-03' })], context())).toEqual([]);
      expect(screenBatch([candidate({ deathDate: '2025-06-10' })], context())).toEqual([]);
    });

    it("stays quiet for dependants' pensions and death benefits, which follow a death", () => {
      const batch = [
        candidate({ entitlementId: 'ent-1', type: 'dependant_pension', deathDate: '2025-04-20' }),
        candidate({ entitlementId: 'ent-2', type: 'funeral_subsidy', category: 'one_time', deathDate: '2025-04-20' }),
        candidate({ entitlementId: 'ent-3', type: 'one_time_death_subsidy', category: 'one_time', deathDate: '2025-04-20' }),
      ];
      expect(screenBatch(batch, context())).toEqual([]);
    });
  });

  describe('shared_bank_account', () => {
    it('holds every payment into an account used by more unrelated beneficiaries than the limit', () => {
      const holds = screenBatch(sharingAccount(4), context());
      expect(rulesOf(holds)).toEqual([
        ['ent-1', 'shared_bank_account'],
        ['ent-2', 'shared_bank_account'],
        ['ent-3', 'shared_bank_account'],
        ['ent-4', 'shared_bank_account'],
      ]);
      expect(holds[0]?.reason).toBe('The receiving bank account is used this month by 4 unrelated households, more than the limit of 3.');
    });

    it('counts holders outside the batch', () => {
      const accountHolders = new Map([['acchash-1', new Set(['ben-1', 'ben-7', 'ben-8', 'ben-9'])]]);
      expect(rulesOf(screenBatch([candidate()], context({ accountHolders })))).toEqual([['ent-1', 'shared_bank_account']]);
    });

    it('stays quiet at exactly the limit', () => {
      expect(screenBatch(sharingAccount(3), context())).toEqual([]);
      expect(screenBatch(sharingAccount(5), context({ maxBeneficiariesPerAccount: 5 }))).toEqual([]);
    });

    it('counts a related household once (predicate)', () => {
      const family = new Set(['ben-1', 'ben-2']);
      const relatedBeneficiaries = (a: string, b: string) => family.has(a) && family.has(b);
      expect(screenBatch(sharingAccount(4), context({ relatedBeneficiaries }))).toEqual([]);
    });

    it('counts a related household once (household map)', () => {
      const relatedBeneficiaries = new Map([
        ['ben-1', 'household-A'],
        ['ben-2', 'household-A'],
        ['ben-3', 'household-A'],
      ]);
      expect(screenBatch(sharingAccount(5), context({ relatedBeneficiaries }))).toEqual([]);
      expect(rulesOf(screenBatch(sharingAccount(6), context({ relatedBeneficiaries })))).toHaveLength(6);
    });

    it('refuses a nonsensical limit', () => {
      expect(() => screenBatch([], context({ maxBeneficiariesPerAccount: 0 }))).toThrow(
        'maxBeneficiariesPerAccount must be a positive integer',
      );
    });
  });

  describe('above_standard', () => {
    it('holds an amount above the computed standard', () => {
      expect(screenBatch([candidate({ amountFen: 551_112n })], context())).toEqual([
        {
          entitlementId: 'ent-1',
          rule: 'above_standard',
          reason: 'Disability allowance of ¥5,511.12 is ¥0.01 above the ¥5,511.11 the standards allow.',
        },
      ]);
    });

    it('holds a medical settlement above what the hospital billed, and not at it', () => {
      const settlement = { type: 'medical_settlement' as const, category: 'medical' as const, computedStandardFen: 1_234_567n };
      expect(rulesOf(screenBatch([candidate({ ...settlement, amountFen: 1_234_568n })], context()))).toEqual([['ent-1', 'above_standard']]);
      expect(screenBatch([candidate({ ...settlement, amountFen: 1_234_567n })], context())).toEqual([]);
    });

    it('stays quiet at exactly the standard', () => {
      expect(screenBatch([candidate({ amountFen: 551_111n, computedStandardFen: 551_111n })], context())).toEqual([]);
    });
  });

  describe('allowance_after_retirement', () => {
    it('holds an allowance or its top-up for a month after retirement', () => {
      const batch = [
        candidate({ retirementDate: '2025-05-31' }),
        candidate({ entitlementId: 'ent-2', type: 'minimum_wage_top_up', retirementDate: '2025-05-31' }),
      ];
      const holds = screenBatch(batch, context());
      expect(rulesOf(holds)).toEqual([
        ['ent-1', 'allowance_after_retirement'],
        ['ent-2', 'allowance_after_retirement'],
      ]);
      expect(holds[0]?.reason).toBe(
        'Disability allowance for 2025-06 is after retirement on 2025-05-31; from the following month the pension replaces it.',
      );
    });

    it('stays quiet for the retirement month itself, even on its last day, and for nursing care', () => {
      expect(screenBatch([candidate({ retirementDate: '2025-06-30' })], context())).toEqual([]);
      expect(screenBatch([candidate({ type: 'nursing_care', retirementDate: '2025-01-31' })], context())).toEqual([]);
    });
  });

  it('gives one candidate several holds, in rule order, without exposing hashes', () => {
    const bad = candidate({ amountFen: 600_000n, deathDate: '2025-03-01', retirementDate: '2025-02-28' });
    const holds = screenBatch([bad], context({ paidElsewhere: new Map([['idhash-1', ['623000', '620200']]]) }));
    expect(rulesOf(holds)).toEqual([
      ['ent-1', 'duplicate_id_across_cities'],
      ['ent-1', 'paid_after_death'],
      ['ent-1', 'above_standard'],
      ['ent-1', 'allowance_after_retirement'],
    ]);
    expect(holds[0]?.reason).toBe('The same ID number is also being paid in cities 620200, 623000 for 2025-06, besides city 620100.');
    for (const h of holds) expect(h.reason).not.toMatch(/hash/);
  });
});
