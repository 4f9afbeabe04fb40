import type { PlanLine } from '@fund/shared';
import type { RunningService } from '@fund/shared/server';
import { sql } from 'kysely';
import { DEMO_STANDARDS, DEMO_YEARLY_PARAMETERS, monthlyEntitlements, oneTimeEntitlements, type CaseFacts } from '../benefits';
import type { DisbursementDB } from '../db';
import { insertBeneficiaries, insertClaims, type NewBeneficiary } from '../register/beneficiary.repository';
import { household, hospital, startDisbursement, testCipher, worker, type Client } from '../test-support';

const JUNE = '2025-06';
const JULY = '2025-07';

function facts(b: NewBeneficiary): CaseFacts {
  return {
    disabilityGrade: b.disabilityGrade ?? null,
    ownWageFen: b.ownWageFen ?? 0n,
    nursingLevel: b.nursingLevel ?? null,
    injuryRecognitionDate: b.injuryRecognitionDate ?? '',
    deceased: Boolean(b.deathDate),
    deathDate: b.deathDate ?? null,
    deathCause: b.deathCause ?? null,
    dependants: b.dependants ?? [],
    status: b.status ?? 'active',
    retirementDate: b.retirementDate ?? null,
  };
}
const sumFen = (xs: { amountFen: bigint }[]) => xs.reduce((s, x) => s + x.amountFen, 0n);

/** `fund_payments_total` of a city's payout batches with `outcome`, read off the service's /metrics text (0 if absent). */
function paymentsCounted(metrics: string, city: string, outcome: 'paid' | 'failed'): number {
  const line = metrics
    .split('\n')
    .find(
      (l) =>
        l.startsWith('fund_payments_total{') &&
        l.includes(`kind="payout"`) &&
        l.includes(`outcome="${outcome}"`) &&
        l.includes(`city_code="${city}"`),
    );
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

describe('monthly payout', () => {
  let service: RunningService<DisbursementDB>;
  let api: Client;

  beforeAll(async () => {
    ({ service, api } = await startDisbursement());
  });
  afterAll(() => service.stop());

  /** A city's register: long-term cases of every kind, two invalid accounts, claims of each type. */
  async function register(city: string) {
    const longTerm: NewBeneficiary[] = [
      worker(city), // grade 1 on 6,123.45: 551,111 fen a month (hand-worked in the benefits tests)
      ...[1, 2, 3, 4].flatMap((grade) => [
        worker(city, { disabilityGrade: grade, ownWageFen: BigInt(400_000 + grade * 91_111) }),
        worker(city, { disabilityGrade: grade, ownWageFen: 2_000_000n, nursingLevel: grade <= 2 ? 'full' : 'partial' }),
      ]),
      worker(city, { disabilityGrade: 2, status: 'retired', retirementDate: '2025-03-31', nursingLevel: 'most' }),
      household(city),
      worker(city, { disabilityGrade: 3, bankStatus: 'invalid' }),
      household(city, { bankStatus: 'invalid', dependants: [{ relation: 'parent', loneElderlyOrOrphan: true }] }),
    ];
    const nothingDue: NewBeneficiary[] = [
      worker(city, { status: 'suspended' }),
      worker(city, { disabilityGrade: 9 }),
      worker(city, { injuryRecognitionDate: '2025-07-02' }),
    ];
    const claimants: NewBeneficiary[] = [
      worker(city, { disabilityGrade: 8, injuryRecognitionDate: '2025-05-12' }),
      worker(city, { disabilityGrade: 7, injuryRecognitionDate: '2025-05-20' }),
      household(city, { deathDate: '2025-05-20', injuryRecognitionDate: '2025-05-18' }),
      hospital(city),
      worker(city, { disabilityGrade: 10, injuryRecognitionDate: '2025-05-25' }),
    ];
    const ids = await insertBeneficiaries(service.db, [...longTerm, ...nothingDue, ...claimants], testCipher);
    const claimantIds = ids.slice(longTerm.length + nothingDue.length);
    const t = (minute: number) => new Date(Date.UTC(2025, 5, 1, 8, minute));
    const claimIds = await insertClaims(service.db, [
      { beneficiaryId: claimantIds[0]!, cityCode: city, type: 'disability_subsidy', status: 'approved', approvedAt: t(1) },
      { beneficiaryId: claimantIds[1]!, cityCode: city, type: 'disability_subsidy', status: 'approved', approvedAt: t(2) },
      { beneficiaryId: claimantIds[2]!, cityCode: city, type: 'death_benefits', status: 'approved', approvedAt: t(0) },
      {
        beneficiaryId: claimantIds[3]!,
        cityCode: city,
        type: 'medical_settlement',
        status: 'approved',
        billedFen: 1_234_567n,
        approvedAt: t(3),
      },
      { beneficiaryId: claimantIds[4]!, cityCode: city, type: 'disability_subsidy', status: 'pending' },
    ]);

    // What the standards say is owed, computed independently of the service.
    const monthly = [...longTerm, ...nothingDue, claimants[2]!].flatMap((b) =>
      monthlyEntitlements(facts(b), JUNE, DEMO_STANDARDS, DEMO_YEARLY_PARAMETERS),
    );
    const claimLines = (b: NewBeneficiary, types: string[]) =>
      oneTimeEntitlements(facts(b), DEMO_STANDARDS, DEMO_YEARLY_PARAMETERS).filter((l) => types.includes(l.type));
    const oneTime = [
      ...claimLines(claimants[0]!, ['one_time_disability_subsidy']),
      ...claimLines(claimants[1]!, ['one_time_disability_subsidy']),
      ...claimLines(claimants[2]!, ['funeral_subsidy', 'one_time_death_subsidy']),
    ];
    const invalid = ids.slice(longTerm.length - 2, longTerm.length);
    return {
      ids,
      invalid,
      claimIds,
      laterClaimFen: claimLines(claimants[1]!, ['one_time_disability_subsidy'])[0]!.amountFen,
      expected: { longTerm: monthly, oneTime, medicalFen: 1_234_567n },
    };
  }

  /** Funds the city (receipt, reservation, allocation) and prepares the run for the approved lines. */
  async function fundAndPrepare(city: string, month: string, approved: PlanLine[], allocateFen?: bigint) {
    const total = approved.reduce((s, l) => s + BigInt(l.amountFen), 0n);
    const key = `cycle:${month}:${city}`;
    expect(
      (
        await api.post('/pool/receipts', {
          month,
          cityCode: city,
          amountFen: total.toString(),
          transferId: `T-${city}-${month}`,
          idempotencyKey: `${key}:receipt`,
        })
      ).status,
    ).toBe(201);
    expect(
      (await api.post('/pool/reservations', { month, cityCode: city, amountFen: total.toString(), idempotencyKey: `${key}:reserve:v1` }))
        .status,
    ).toBe(201);
    expect(
      (
        await api.post('/allocations', {
          month,
          cityCode: city,
          amountFen: (allocateFen ?? total).toString(),
          idempotencyKey: `${key}:allocate`,
        })
      ).status,
    ).toBe(201);
    const prepared = await api.post(`/payouts/${month}/${city}/prepare`, {
      approvedLines: approved,
      dueDate: `${month}-25T00:00:00.000Z`,
      idempotencyKey: `${key}:prepare`,
    });
    expect(prepared.status).toBe(201);
    return prepared.body;
  }

  /** Pays batches until done; returns the results. */
  async function payAll(city: string, month: string, batchSize: number, repeat?: number, from = 0) {
    const results = [];
    for (let n = from; n < 1_000; n++) {
      const body = { batchNo: n, batchSize, idempotencyKey: `cycle:${month}:${city}:payout:batch:${n}` };
      const result = await api.post(`/payouts/${month}/${city}/batches`, body);
      expect(result.status).toBe(201);
      if (n === repeat) {
        // The workflow retried the batch: the stored answer, and nothing paid twice.
        const again = await api.post(`/payouts/${month}/${city}/batches`, body);
        expect(again.status).toBe(200);
        expect(again.body).toEqual({ ...result.body, replayed: true });
      }
      results.push(result.body);
      if (result.body.done) break;
    }
    return results;
  }

  async function reconciled(city: string, month: string) {
    const r = (await api.get(`/reconciliation/${month}/${city}`)).body;
    expect(r.ledgerBalanced).toBe(true);
    expect(BigInt(r.allocatedFen)).toBe(BigInt(r.paidFen) + BigInt(r.returnedFen) + BigInt(r.unspentFen));
    expect(BigInt(r.unspentFen) >= 0n).toBe(true);
    return r;
  }

  const paidPaymentsPerEntitlement = async (city: string, month: string) =>
    (
      await sql<{ status: string; paid: number }>`
        select e.status, (select count(*) from payments p where p.entitlement_id = e.id and p.status = 'paid')::int as paid
        from entitlements e where e.city_code = ${city} and e.payout_month = ${month}`.execute(service.db)
    ).rows;

  it("drafts the plan from the register with the standards' amounts", async () => {
    const city = '620800';
    const { expected } = await register(city);
    const draft = await api.get(`/drafts/${JUNE}/${city}`);
    expect(draft.status).toBe(200);
    expect(draft.body).toEqual({
      month: JUNE,
      cityCode: city,
      lines: [
        { category: 'long_term', count: expected.longTerm.length, amountFen: sumFen(expected.longTerm).toString() },
        { category: 'one_time', count: expected.oneTime.length, amountFen: sumFen(expected.oneTime).toString() },
        { category: 'medical', count: 1, amountFen: '1234567' },
        { category: 'other', count: 0, amountFen: '0' },
      ],
    });
    // 10 allowances; 5 nursing care (one for the retired worker, whose allowance stopped); 2 + 1 + 2 dependants' pensions.
    expect(expected.longTerm.length).toBe(20);
    expect(expected.longTerm.some((l) => l.type === 'disability_allowance' && l.amountFen === 551_111n)).toBe(true);
    expect(expected.oneTime.length).toBe(4);
  });

  it('pays every entitlement exactly once even when a batch call is repeated', async () => {
    const city = '620100';
    const { expected, invalid } = await register(city);
    const draft = (await api.get(`/drafts/${JUNE}/${city}`)).body;
    const prepared = await fundAndPrepare(city, JUNE, draft.lines);
    const count = expected.longTerm.length + expected.oneTime.length + 1;
    const total = sumFen(expected.longTerm) + sumFen(expected.oneTime) + expected.medicalFen;
    expect(prepared).toEqual({ entitlements: count, totalFen: total.toString(), deferred: 0, deferredFen: '0', replayed: false });

    // Preparing again: the same key answers the same; another key is refused; nothing new is stored.
    const again = await api.post(`/payouts/${JUNE}/${city}/prepare`, {
      approvedLines: draft.lines,
      dueDate: '2025-06-25T00:00:00.000Z',
      idempotencyKey: `cycle:${JUNE}:${city}:prepare`,
    });
    expect(again.body).toEqual({ ...prepared, replayed: true });
    expect(
      (
        await api.post(`/payouts/${JUNE}/${city}/prepare`, {
          approvedLines: draft.lines,
          dueDate: '2025-06-25T00:00:00.000Z',
          idempotencyKey: 'someone-else:prepare',
        })
      ).status,
    ).toBe(409);
    expect((await api.get(`/payouts/${JUNE}/${city}`)).body.total).toBe(count);

    const results = await payAll(city, JUNE, 4, 1);
    expect(results.at(-1).done).toBe(true);
    expect(results.slice(0, -1).every((r) => !r.done)).toBe(true);
    expect(results[0]).toMatchObject({ batchNo: 0, processed: 4 });

    const rows = await paidPaymentsPerEntitlement(city, JUNE);
    expect(rows).toHaveLength(count);
    for (const row of rows) expect(row.paid).toBe(row.status === 'paid' ? 1 : 0);
    const failedRows = await sql<{ beneficiary_id: string; amount_fen: string }>`
      select beneficiary_id, amount_fen from entitlements where city_code = ${city} and payout_month = ${JUNE} and status = 'failed'`.execute(
      service.db,
    );
    expect([...new Set(failedRows.rows.map((r) => r.beneficiary_id))].sort()).toEqual([...invalid].sort());

    const progress = (await api.get(`/payouts/${JUNE}/${city}`)).body;
    const failedFen = failedRows.rows.reduce((s, r) => s + BigInt(r.amount_fen), 0n);
    expect(progress).toEqual({
      total: count,
      paid: count - failedRows.rows.length,
      failed: failedRows.rows.length,
      held: 0,
      deferred: 0,
      pending: 0,
      paidFen: (total - failedFen).toString(),
      failedFen: failedFen.toString(),
      cancelled: 0,
      // Due on 2025-06-25, paid today: every payment is late.
      onTime: { due: count, paidOnTime: 0, rate: 0 },
    });
    expect(results.reduce((s, r) => s + BigInt(r.paidFen), 0n)).toBe(total - failedFen);
    // Each batch answers with the run's progress after it (what the payout activity heartbeats and returns).
    expect(results.at(-1).progress).toEqual(progress);
    expect(results[0].progress).toMatchObject({ total: count, pending: count - 4, paid: results[0].paid, failed: results[0].failed });
    // Each paid entitlement carries its payment's time (what the on-time rate reads); a returned one none.
    const times = await sql<{ status: string; paid_at: Date | null; payment_at: Date | null }>`
      select e.status, e.paid_at, p.created_at as payment_at from entitlements e
      left join payments p on p.entitlement_id = e.id and p.status = 'paid'
      where e.city_code = ${city} and e.payout_month = ${JUNE}`.execute(service.db);
    expect(times.rows).toHaveLength(count);
    for (const t of times.rows) expect(t.paid_at?.getTime() ?? null).toBe(t.status === 'paid' ? t.payment_at!.getTime() : null);

    const r = await reconciled(city, JUNE);
    expect(r).toMatchObject({
      allocatedFen: total.toString(),
      paidFen: progress.paidFen,
      returnedFen: progress.failedFen,
      unspentFen: '0',
    });
    expect(r.expenditureBalanceFen).toBe(progress.failedFen);
    const claims = await service.db
      .selectFrom('one_time_claims')
      .select(['type', 'status'])
      .where('city_code', '=', city)
      .orderBy('id')
      .execute();
    expect(claims.map((c) => c.status)).toEqual(['paid', 'paid', 'paid', 'paid', 'pending']);

    // A batch number is used once: the same number under another key is refused.
    const reused = await api.post(`/payouts/${JUNE}/${city}/batches`, {
      batchNo: 0,
      batchSize: 4,
      idempotencyKey: 'someone-else:payout:batch:0',
    });
    expect(reused.status).toBe(409);

    // Past the end: nothing more is paid.
    const extra = await api.post(`/payouts/${JUNE}/${city}/batches`, {
      batchNo: results.length,
      batchSize: 4,
      idempotencyKey: `cycle:${JUNE}:${city}:payout:batch:${results.length}`,
    });
    expect(extra.body).toMatchObject({ processed: 0, paidFen: '0', done: true });
    expect((await reconciled(city, JUNE)).paidFen).toBe(r.paidFen);
  });

  it('serialises concurrent preparations and batch calls so nothing is prepared or paid twice', async () => {
    const city = '620700';
    await register(city);
    const lines: PlanLine[] = (await api.get(`/drafts/${JUNE}/${city}`)).body.lines;
    const total = lines.reduce((s, l) => s + BigInt(l.amountFen), 0n).toString();
    const key = `cycle:${JUNE}:${city}`;
    await api.post('/pool/receipts', {
      month: JUNE,
      cityCode: city,
      amountFen: total,
      transferId: 'T-c',
      idempotencyKey: `${key}:receipt`,
    });
    await api.post('/pool/reservations', { month: JUNE, cityCode: city, amountFen: total, idempotencyKey: `${key}:reserve:v1` });
    await api.post('/allocations', { month: JUNE, cityCode: city, amountFen: total, idempotencyKey: `${key}:allocate` });
    const prepares = await Promise.all(
      ['a', 'b'].map((who) =>
        api.post(`/payouts/${JUNE}/${city}/prepare`, {
          approvedLines: lines,
          dueDate: '2025-06-25T00:00:00Z',
          idempotencyKey: `${key}:prepare:${who}`,
        }),
      ),
    );
    expect(prepares.map((p) => p.status).sort()).toEqual([201, 409]);

    const batches = await Promise.all(
      [0, 1, 2, 3].map((n) =>
        api.post(`/payouts/${JUNE}/${city}/batches`, { batchNo: n, batchSize: 4, idempotencyKey: `${key}:payout:batch:${n}` }),
      ),
    );
    expect(batches.every((b) => b.status === 201 && b.body.processed === 4)).toBe(true);
    await payAll(city, JUNE, 4, undefined, 4);
    for (const row of await paidPaymentsPerEntitlement(city, JUNE)) expect(row.paid).toBe(row.status === 'paid' ? 1 : 0);
    const progress = (await api.get(`/payouts/${JUNE}/${city}`)).body;
    expect(progress.pending).toBe(0);
    expect(progress.paid + progress.failed).toBe(progress.total);
    await reconciled(city, JUNE);
  });

  it('shows failed payments as returned and re-pays them once after the bank details are corrected', async () => {
    const city = '620900';
    const { invalid } = await register(city);
    await fundAndPrepare(city, JUNE, (await api.get(`/drafts/${JUNE}/${city}`)).body.lines);
    await payAll(city, JUNE, 50);
    const [fixed, stillWrong] = invalid as [string, string];

    const failed = await api.get(`/payments?month=${JUNE}&cityCode=${city}&status=failed`);
    expect(failed.status).toBe(200);
    expect(failed.body.beneficiaries.map((b: { beneficiaryId: string }) => b.beneficiaryId).sort()).toEqual([...invalid].sort());
    for (const b of failed.body.beneficiaries) {
      expect(b.bankAccount).toMatch(/^\*{15}\d{4}$/);
      expect(b.payments.every((p: { repaid: boolean; reason: string }) => !p.repaid && p.reason.length > 0)).toBe(true);
    }
    const owedTo = (id: string) =>
      BigInt(failed.body.beneficiaries.find((b: { beneficiaryId: string }) => b.beneficiaryId === id).failedFen);
    const before = await reconciled(city, JUNE);
    expect(BigInt(before.returnedFen)).toBe(owedTo(fixed) + owedTo(stillWrong));

    // Nothing was corrected yet: nothing is paid again.
    const early = await api.post(`/payouts/${JUNE}/${city}/repay`, { idempotencyKey: `cycle:${JUNE}:${city}:repay:0` });
    expect(early.body).toMatchObject({ repaid: 0, repaidFen: '0', replayed: false });

    const corrected = await api.put(`/beneficiaries/${fixed}/bank-account`, {
      bankAccount: '6222020200012345678',
      bankName: '中国工商银行',
    });
    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({ id: fixed, bankStatus: 'valid', bankAccount: '***************5678' });

    const repay = { idempotencyKey: `cycle:${JUNE}:${city}:repay:1` };
    const first = await api.post(`/payouts/${JUNE}/${city}/repay`, repay);
    expect(first.status).toBe(201);
    expect(first.body.repaidFen).toBe(owedTo(fixed).toString());
    expect(first.body.repaid).toBeGreaterThan(0);
    expect((await api.post(`/payouts/${JUNE}/${city}/repay`, repay)).body).toEqual({ ...first.body, replayed: true });
    const second = await api.post(`/payouts/${JUNE}/${city}/repay`, { idempotencyKey: `cycle:${JUNE}:${city}:repay:2` });
    expect(second.body).toMatchObject({ repaid: 0, stillFailed: first.body.stillFailed });

    for (const row of await paidPaymentsPerEntitlement(city, JUNE)) expect(row.paid).toBe(row.status === 'paid' ? 1 : 0);
    const after = await reconciled(city, JUNE);
    expect(BigInt(after.paidFen) - BigInt(before.paidFen)).toBe(owedTo(fixed));
    expect(after.returnedFen).toBe(owedTo(stillWrong).toString());
    expect(after.expenditureBalanceFen).toBe(after.returnedFen);
    const list = (await api.get(`/payments?month=${JUNE}&cityCode=${city}`)).body.beneficiaries;
    expect(
      list.find((b: { beneficiaryId: string }) => b.beneficiaryId === fixed).payments.every((p: { repaid: boolean }) => p.repaid),
    ).toBe(true);
    expect(list.find((b: { beneficiaryId: string }) => b.beneficiaryId === fixed).failedFen).toBe('0');
  });

  it('does not pay entitlements held for review, and pays a released hold even behind the cursor', async () => {
    const city = '621000';
    await register(city);
    await fundAndPrepare(city, JUNE, (await api.get(`/drafts/${JUNE}/${city}`)).body.lines);
    const hold = async (which: 'min' | 'max') =>
      service.db
        .updateTable('entitlements')
        .set({ status: 'held', hold_reason: 'test: held for review' })
        .where('id', '=', (eb) => eb.selectFrom('entitlements').select(eb.fn[which]('id').as('m')).where('city_code', '=', city))
        .returning(['id', 'amount_fen'])
        .executeTakeFirstOrThrow();
    const stays = await hold('max');
    const released = await hold('min');

    const key = (n: number) => `cycle:${JUNE}:${city}:payout:batch:${n}`;
    const first = await api.post(`/payouts/${JUNE}/${city}/batches`, { batchNo: 0, batchSize: 5, idempotencyKey: key(0) });
    expect(first.body).toMatchObject({ processed: 5, held: 1, done: false });
    // The reviewer clears the early one after the batch passed it.
    await service.db.updateTable('entitlements').set({ status: 'pending', hold_reason: null }).where('id', '=', released.id).execute();
    const results = [first.body];
    for (let n = 1; !results.at(-1).done; n++) {
      results.push((await api.post(`/payouts/${JUNE}/${city}/batches`, { batchNo: n, batchSize: 5, idempotencyKey: key(n) })).body);
      expect(n).toBeLessThan(20);
    }
    expect(results.at(-1)).toMatchObject({ done: true, held: 1 });
    const status = async (id: string) =>
      (await service.db.selectFrom('entitlements').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
    expect(await status(stays.id)).toBe('held');
    expect(await status(released.id)).toBe('paid');
    expect(await service.db.selectFrom('payments').select('id').where('entitlement_id', '=', stays.id).execute()).toEqual([]);
    for (const row of await paidPaymentsPerEntitlement(city, JUNE)) expect(row.paid).toBe(row.status === 'paid' ? 1 : 0);
    expect((await api.get(`/payouts/${JUNE}/${city}`)).body).toMatchObject({ held: 1, pending: 0 });
    const r = await reconciled(city, JUNE);
    expect(r.unspentFen).toBe(stays.amount_fen);
  });

  it('defers one-time claims, latest approved first, when finance cuts the one-time line, and pays them next month', async () => {
    const city = '621100';
    const { expected, laterClaimFen, claimIds } = await register(city);
    const draft: PlanLine[] = (await api.get(`/drafts/${JUNE}/${city}`)).body.lines;
    const oneTimeFen = sumFen(expected.oneTime);
    const cut = draft.map((l) => (l.category === 'one_time' ? { ...l, amountFen: (oneTimeFen - 1n).toString() } : l));
    const prepared = await fundAndPrepare(city, JUNE, cut);
    expect(prepared).toMatchObject({ deferred: 1, deferredFen: laterClaimFen.toString() });

    const deferred = await service.db
      .selectFrom('entitlements')
      .select(['category', 'claim_id'])
      .where('city_code', '=', city)
      .where('status', '=', 'deferred')
      .execute();
    expect(deferred).toEqual([{ category: 'one_time', claim_id: claimIds[1] }]);

    await payAll(city, JUNE, 100);
    const paidByCategory = await sql<{ category: string; total: string }>`
      select category, sum(amount_fen)::text as total from entitlements
      where city_code = ${city} and payout_month = ${JUNE} and status in ('paid', 'failed') group by category`.execute(service.db);
    const paid = new Map(paidByCategory.rows.map((r) => [r.category, BigInt(r.total)]));
    for (const line of cut) expect((paid.get(line.category) ?? 0n) <= BigInt(line.amountFen)).toBe(true);
    expect(paid.get('long_term')).toBe(sumFen(expected.longTerm));
    const june = await reconciled(city, JUNE);
    expect(june.unspentFen).toBe((laterClaimFen - 1n).toString());

    // July: the deferred claim is owed as arrears and paid; June's long-term benefits are not owed again.
    const july = (await api.get(`/drafts/${JULY}/${city}`)).body.lines as PlanLine[];
    expect(july.find((l) => l.category === 'one_time')).toEqual({ category: 'one_time', count: 1, amountFen: laterClaimFen.toString() });
    expect(july.find((l) => l.category === 'medical')).toEqual({ category: 'medical', count: 0, amountFen: '0' });
    const next = await fundAndPrepare(city, JULY, july);
    expect(next.deferred).toBe(0);
    await payAll(city, JULY, 100);
    const claim = await service.db.selectFrom('one_time_claims').select('status').where('id', '=', claimIds[1]!).executeTakeFirstOrThrow();
    expect(claim.status).toBe('paid');
    const payments = await sql<{ n: number }>`
      select count(*)::int as n from payments p join entitlements e on e.id = p.entitlement_id
      where e.claim_id = ${claimIds[1]} and p.status = 'paid'`.execute(service.db);
    expect(payments.rows[0]?.n).toBe(1);
    await reconciled(city, JULY);
  });

  it('takes a short allocation from one-time claims before any long-term benefit', async () => {
    const city = '621200';
    const { expected } = await register(city);
    const draft: PlanLine[] = (await api.get(`/drafts/${JUNE}/${city}`)).body.lines;
    const total = draft.reduce((s, l) => s + BigInt(l.amountFen), 0n);
    const prepared = await fundAndPrepare(city, JUNE, draft, total - 1_000n);
    const deferred = await service.db
      .selectFrom('entitlements')
      .select(['category', 'amount_fen'])
      .where('city_code', '=', city)
      .where('status', '=', 'deferred')
      .execute();
    expect(deferred.length).toBeGreaterThan(0);
    expect(deferred.every((d) => d.category === 'one_time')).toBe(true);
    expect(BigInt(prepared.totalFen) <= total - 1_000n).toBe(true);
    expect(BigInt(prepared.totalFen) >= sumFen(expected.longTerm)).toBe(true);
    await payAll(city, JUNE, 100);
    await reconciled(city, JUNE);
  });

  it('defers the most recently registered long-term cases when the long-term line is cut', async () => {
    const city = '622900';
    const { ids } = await register(city);
    const draft: PlanLine[] = (await api.get(`/drafts/${JUNE}/${city}`)).body.lines;
    const cut = draft.map((l) => (l.category === 'long_term' ? { ...l, amountFen: (BigInt(l.amountFen) - 1n).toString() } : l));
    const prepared = await fundAndPrepare(city, JUNE, cut);
    expect(prepared.deferred).toBeGreaterThan(0);
    const deferred = await service.db
      .selectFrom('entitlements')
      .select(['beneficiary_id', 'category'])
      .where('city_code', '=', city)
      .where('status', '=', 'deferred')
      .execute();
    // The last long-term case registered is the household whose worker died in May: one of its pensions goes first.
    expect(deferred).toEqual([{ beneficiary_id: ids[18], category: 'long_term' }]);
    await payAll(city, JUNE, 100);
    const r = await reconciled(city, JUNE);
    const approvedTotal = cut.reduce((s, l) => s + BigInt(l.amountFen), 0n);
    expect(BigInt(r.paidFen) + BigInt(r.returnedFen) <= approvedTotal).toBe(true);
    expect(BigInt(r.unspentFen)).toBe(BigInt(prepared.deferredFen) - 1n);
  });

  it("pays every prepared city of the payout day in one request, each batch under the city's own key, one city's failure its own", async () => {
    const [own, province, conflicted, unprepared] = ['620200', '620300', '620400', '620500'];
    const prefix = (city: string) => `cycle:${JUNE}:${city}:payout:batch:`;
    for (const city of [own!, province!, conflicted!]) {
      await register(city);
      await fundAndPrepare(city, JUNE, (await api.get(`/drafts/${JUNE}/${city}`)).body.lines);
    }
    // One city paid its first batch itself; another's first batch number was taken under a foreign key.
    const first = await api.post(`/payouts/${JUNE}/${own}/batches`, { batchNo: 0, batchSize: 4, idempotencyKey: `${prefix(own!)}0` });
    expect(first.status).toBe(201);
    expect(
      (await api.post(`/payouts/${JUNE}/${conflicted}/batches`, { batchNo: 0, batchSize: 4, idempotencyKey: 'someone-else:batch:0' }))
        .status,
    ).toBe(201);
    const paidBefore = (await api.get(`/payouts/${JUNE}/${conflicted}`)).body.paid;

    const request = {
      batchSize: 4,
      cities: [own!, province!, conflicted!, unprepared!].map((cityCode) => ({ cityCode, batchKeyPrefix: prefix(cityCode) })),
    };
    const day = await api.post(`/payouts/${JUNE}/province`, request);
    expect(day.status).toBe(200);
    const outcome = (city: string) => day.body.cities.find((c: { cityCode: string }) => c.cityCode === city);
    for (const city of [own!, province!]) {
      const progress = (await api.get(`/payouts/${JUNE}/${city}`)).body;
      expect(progress.pending).toBe(0);
      expect(outcome(city)).toEqual({ cityCode: city, outcome: 'paid', batches: Math.ceil(progress.total / 4), progress });
      for (const row of await paidPaymentsPerEntitlement(city, JUNE)) expect(row.paid).toBe(row.status === 'paid' ? 1 : 0);
      await reconciled(city, JUNE);
    }
    // The batch the city paid itself was replayed, not paid again; its own payout now replays the province's.
    const again = await api.post(`/payouts/${JUNE}/${province}/batches`, {
      batchNo: 0,
      batchSize: 4,
      idempotencyKey: `${prefix(province!)}0`,
    });
    expect(again.status).toBe(200);
    expect(again.body.replayed).toBe(true);
    expect(outcome(conflicted!)).toMatchObject({
      outcome: 'failed',
      error: expect.stringMatching(/batch 0 .* already paid under another key/),
    });
    expect((await api.get(`/payouts/${JUNE}/${conflicted}`)).body.paid).toBe(paidBefore);
    await reconciled(conflicted!, JUNE);
    expect(outcome(unprepared!)).toEqual({ cityCode: unprepared, outcome: 'not_prepared' });

    // The day repeated (a retried activity): the same outcomes, nothing paid twice.
    const count = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from payments where month = ${JUNE}`.execute(service.db)).rows[0]!.n;
    const payments = await count();
    const repeated = await api.post(`/payouts/${JUNE}/province`, request);
    expect(repeated.body).toEqual(day.body);
    expect(await count()).toBe(payments);
    // Each payment counted once in the metrics, whoever paid its batch and however often it was replayed.
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    for (const city of [own!, province!, conflicted!]) {
      const stored = (
        await sql<{ paid: number; failed: number }>`
        select count(*) filter (where status = 'paid')::int as paid, count(*) filter (where status = 'failed')::int as failed
        from payments where month = ${JUNE} and city_code = ${city}`.execute(service.db)
      ).rows[0]!;
      expect(stored.paid).toBeGreaterThan(0);
      expect(paymentsCounted(metrics, city, 'paid')).toBe(stored.paid);
      expect(paymentsCounted(metrics, city, 'failed')).toBe(stored.failed);
    }

    const bad = await api.post(`/payouts/2025-13/province`, {
      batchSize: 0,
      cities: [
        { cityCode: own, batchKeyPrefix: 'k' },
        { cityCode: own, batchKeyPrefix: prefix(own!) },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual(expect.arrayContaining(['params.month']));
    const badBody = await api.post(`/payouts/${JUNE}/province`, {
      batchSize: 0,
      cities: [
        { cityCode: own, batchKeyPrefix: 'k' },
        { cityCode: own, batchKeyPrefix: prefix(own!) },
      ],
    });
    expect(badBody.status).toBe(400);
    expect(badBody.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual(
      expect.arrayContaining(['body.batchSize', 'body.cities.0.batchKeyPrefix', 'body.cities']),
    );
    expect(await count()).toBe(payments);
  });

  it('refuses bad or out-of-order payout requests naming the field, and moves nothing', async () => {
    const city = '623000';
    const before = (await api.get('/pool')).body;
    const notPrepared = await api.post(`/payouts/${JUNE}/${city}/batches`, {
      batchNo: 0,
      batchSize: 10,
      idempotencyKey: `cycle:${JUNE}:${city}:payout:batch:0`,
    });
    expect(notPrepared.status).toBe(409);
    const lines = [{ category: 'long_term', count: 1, amountFen: '100' }];
    const notAllocated = await api.post(`/payouts/${JUNE}/${city}/prepare`, {
      approvedLines: lines,
      dueDate: '2025-06-25T00:00:00Z',
      idempotencyKey: `cycle:${JUNE}:${city}:prepare`,
    });
    expect(notAllocated.status).toBe(409);

    const badBatch = await api.post(`/payouts/${JUNE}/${city}/batches`, { batchNo: -1, batchSize: 0, idempotencyKey: 'x' });
    expect(badBatch.status).toBe(400);
    expect(badBatch.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual(
      expect.arrayContaining(['body.batchNo', 'body.batchSize', 'body.idempotencyKey']),
    );
    const badPrepare = await api.post(`/payouts/${JUNE}/${city}/prepare`, {
      approvedLines: [{ category: 'pension', count: 1.5, amountFen: '1' }],
      dueDate: 'tomorrow',
      idempotencyKey: `cycle:${JUNE}:${city}:prepare`,
    });
    expect(badPrepare.status).toBe(400);
    expect(badPrepare.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual(
      expect.arrayContaining(['body.approvedLines.0.category', 'body.approvedLines.0.count', 'body.dueDate']),
    );
    const twice = await api.post(`/payouts/${JUNE}/${city}/prepare`, {
      approvedLines: [...lines, ...lines],
      dueDate: '2025-06-25T00:00:00Z',
      idempotencyKey: `cycle:${JUNE}:${city}:prepare`,
    });
    expect(twice.status).toBe(400);
    expect(twice.body.error.details.issues[0].field).toBe('body.approvedLines');
    const badMonth = await api.get(`/payouts/2025-00/${city}`);
    expect(badMonth.body.error.details.issues[0].field).toBe('params.month');
    expect((await api.get(`/drafts/${JUNE}/000000`)).body.error.details.issues[0].field).toBe('params.cityCode');

    expect((await api.get('/pool')).body).toEqual(before);
    expect((await api.get(`/payouts/${JUNE}/${city}`)).body.total).toBe(0);
    await reconciled(city, JUNE);
  });
});
