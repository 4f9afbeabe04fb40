import { DEMO_STANDARDS, DEMO_YEARLY_PARAMETERS, monthlyEntitlements } from '../benefits';
import type { CaseFactsRecord } from '../register/beneficiary.repository';
import { caseFactsOf } from './entitlement.compute';

// Register rows as `caseFactColumns` reads them: a grade 1 worker, and a deceased worker's household.
const workerRow: CaseFactsRecord = {
  id: '7',
  status: 'active',
  disability_grade: 1,
  own_wage_fen: '612345',
  nursing_level: null,
  injury_recognition_date: '2025-03-10',
  death_date: null,
  death_cause: null,
  retirement_date: null,
  dependants: [],
};
const householdRow: CaseFactsRecord = {
  ...workerRow,
  id: '8',
  status: 'deceased',
  disability_grade: null,
  death_date: '2025-04-20',
  death_cause: 'work_injury',
  dependants: [
    { relation: 'spouse', loneElderlyOrOrphan: false },
    { relation: 'child', loneElderlyOrOrphan: false },
  ],
};

describe('case facts built from a register row', () => {
  it('are the row as the benefit rules read it', () => {
    const facts = caseFactsOf(householdRow);
    expect(facts).toMatchObject({ ownWageFen: 612_345n, deceased: true, deathCause: 'work_injury', status: 'deceased' });
    expect(monthlyEntitlements(facts, '2025-05', DEMO_STANDARDS, DEMO_YEARLY_PARAMETERS).map((l) => l.amountFen)).toEqual([
      244_938n,
      183_704n,
    ]);
  });

  it('refuse a negative wage, naming the beneficiary and the rule, instead of flooring and paying it', () => {
    expect(() => caseFactsOf({ ...workerRow, own_wage_fen: '-100' })).toThrow(
      /^beneficiary 7: beneficiaries\.7\.ownWageFen Too small: expected bigint to be >=0/,
    );
  });

  it('refuse a second spouse instead of paying two spouses a pension', () => {
    const twoSpouses = { ...householdRow, dependants: [...householdRow.dependants, { relation: 'spouse', loneElderlyOrOrphan: false }] };
    expect(() => caseFactsOf(twoSpouses as CaseFactsRecord)).toThrow('beneficiary 8: beneficiaries.8.dependants at most one spouse');
  });

  it('refuse a missing wage instead of reading it as 0, and a dependant of no known relation', () => {
    expect(() => caseFactsOf({ ...workerRow, own_wage_fen: null })).toThrow(/beneficiaries\.7\.ownWageFen/);
    const cousin = { ...householdRow, dependants: [{ relation: 'cousin', loneElderlyOrOrphan: false }] };
    expect(() => caseFactsOf(cousin as CaseFactsRecord)).toThrow(/beneficiaries\.8\.dependants\.0\.relation/);
  });
});
