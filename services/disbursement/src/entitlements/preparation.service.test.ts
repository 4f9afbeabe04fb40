import type { PlanLine } from '@fund/shared';
import type { RunningService } from '@fund/shared/server';
import type { DisbursementDB } from '../db';
import { insertBeneficiaries } from '../register/beneficiary.repository';
import { household, startDisbursement, testCipher, worker, type Client } from '../test-support';

const MONTH = '2025-06';
const CITY = '620500';

describe('a preparation over register rows the benefit schema refuses', () => {
  let service: RunningService<DisbursementDB>;
  let api: Client;

  beforeAll(async () => {
    ({ service, api } = await startDisbursement());
  });
  afterAll(() => service.stop());

  it('is refused whole, naming each bad row and its rule, storing and paying nothing until the rows are corrected', async () => {
    const spouse = { relation: 'spouse' as const, loneElderlyOrOrphan: false };
    const [good, twoSpouses, cousin] = await insertBeneficiaries(
      service.db,
      [
        worker(CITY),
        household(CITY, { dependants: [spouse, spouse] }),
        household(CITY, { dependants: [{ relation: 'cousin', loneElderlyOrOrphan: false } as never] }),
      ],
      testCipher,
    );

    const draft = await api.get(`/drafts/${MONTH}/${CITY}`);
    expect(draft.status).toBe(422);
    expect(draft.body.error.code).toBe('VALIDATION_FAILED');
    expect(draft.body.error.message).toContain(`beneficiary ${twoSpouses}: beneficiaries.${twoSpouses}.dependants at most one spouse`);
    expect(draft.body.error.message).toContain(`beneficiary ${cousin}: beneficiaries.${cousin}.dependants.0.relation`);
    expect(draft.body.error.message).not.toContain(`beneficiary ${good}:`);
    expect(draft.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual([
      `beneficiaries.${twoSpouses}.dependants`,
      `beneficiaries.${cousin}.dependants.0.relation`,
    ]);

    const total = '5000000';
    const key = `cycle:${MONTH}:${CITY}`;
    await api.post('/pool/receipts', {
      month: MONTH,
      cityCode: CITY,
      amountFen: total,
      transferId: `T-${MONTH}`,
      idempotencyKey: `${key}:receipt`,
    });
    await api.post('/pool/reservations', { month: MONTH, cityCode: CITY, amountFen: total, idempotencyKey: `${key}:reserve:v1` });
    await api.post('/allocations', { month: MONTH, cityCode: CITY, amountFen: total, idempotencyKey: `${key}:allocate` });
    const lines: PlanLine[] = [{ category: 'long_term', count: 3, amountFen: total }];
    const prepare = (attempt: string) =>
      api.post(`/payouts/${MONTH}/${CITY}/prepare`, {
        approvedLines: lines,
        dueDate: `${MONTH}-25T00:00:00.000Z`,
        idempotencyKey: `${key}:prepare:${attempt}`,
      });

    const refused = await prepare('1');
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toContain(`beneficiary ${twoSpouses}`);
    expect(refused.body.error.message).toContain('nothing is stored or paid');
    expect(await service.db.selectFrom('entitlements').select('id').execute()).toEqual([]);
    expect(await service.db.selectFrom('payout_runs').select('id').execute()).toEqual([]);
    expect(await service.db.selectFrom('payments').select('id').execute()).toEqual([]);

    // Corrected on the register, the month computes and is prepared: the worker, and one spouse and one child each.
    await service.db
      .updateTable('beneficiaries')
      .set({ dependants: JSON.stringify([spouse]) })
      .where('id', '=', twoSpouses!)
      .execute();
    await service.db
      .updateTable('beneficiaries')
      .set({ dependants: JSON.stringify([{ relation: 'child', loneElderlyOrOrphan: false }]) })
      .where('id', '=', cousin!)
      .execute();
    const prepared = await prepare('2');
    expect(prepared.status).toBe(201);
    const stored = await service.db.selectFrom('entitlements').select(['beneficiary_id', 'type']).orderBy('id').execute();
    expect(stored.map((e) => [e.beneficiary_id, e.type])).toEqual([
      [good, 'disability_allowance'],
      [twoSpouses, 'dependant_pension'],
      [cousin, 'dependant_pension'],
    ]);
  });
});
