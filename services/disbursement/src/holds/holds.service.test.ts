import type { PlanLine, Role } from '@fund/shared';
import type { RunningService } from '@fund/shared/server';
import { sql } from 'kysely';
import { authHeader } from '@fund/test/harness';
import type { DisbursementDB } from '../db';
import { insertBeneficiaries, type NewBeneficiary } from '../register/beneficiary.repository';
import { hashIdentifier } from '../register/identity';
import { OWN_BENEFITS } from '../supervision';
import { startDisbursement, testBankAccount, testCipher, testIdNumber, worker, type Answer, type Client } from '../test-support';

const JUNE = '2025-06';
// A grade 1 worker on 6,123.45 recognised 2025-03-10 is owed 551,111 fen for June (the benefits tests).
const ALLOWANCE = 551_111n;

describe('supervision of every payout batch', () => {
  let service: RunningService<DisbursementDB>;
  let api: Client;

  beforeAll(async () => {
    ({ service, api } = await startDisbursement());
  });
  afterAll(() => service.stop());

  /** A call as a person in `role` (the test client posts as the system and reads as an operator). */
  async function as(role: Role, method: 'GET' | 'POST', path: string, body?: unknown, cityCode?: string): Promise<Answer> {
    const res = await fetch(`${service.url}${path}`, {
      method,
      headers: {
        ...(await authHeader(role, { userId: `${role}-1`, ...(cityCode ? { cityCode } : {}) })),
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }

  async function fundAndPrepare(city: string) {
    const lines: PlanLine[] = (await api.get(`/drafts/${JUNE}/${city}`)).body.lines;
    const total = lines.reduce((s, l) => s + BigInt(l.amountFen), 0n).toString();
    const key = `cycle:${JUNE}:${city}`;
    expect(
      (
        await api.post('/pool/receipts', {
          month: JUNE,
          cityCode: city,
          amountFen: total,
          transferId: `T-${city}`,
          idempotencyKey: `${key}:receipt`,
        })
      ).status,
    ).toBe(201);
    expect(
      (await api.post('/pool/reservations', { month: JUNE, cityCode: city, amountFen: total, idempotencyKey: `${key}:reserve:v1` })).status,
    ).toBe(201);
    expect(
      (await api.post('/allocations', { month: JUNE, cityCode: city, amountFen: total, idempotencyKey: `${key}:allocate` })).status,
    ).toBe(201);
    const prepared = await api.post(`/payouts/${JUNE}/${city}/prepare`, {
      approvedLines: lines,
      dueDate: '2099-06-25T00:00:00.000Z',
      idempotencyKey: `${key}:prepare`,
    });
    expect(prepared.status).toBe(201);
    return prepared.body;
  }

  async function payAll(city: string, batchSize: number, from = 0) {
    const results = [];
    for (let n = from; n < 200; n++) {
      const r = await api.post(`/payouts/${JUNE}/${city}/batches`, {
        batchNo: n,
        batchSize,
        idempotencyKey: `cycle:${JUNE}:${city}:payout:batch:${n}`,
      });
      expect(r.status).toBe(201);
      results.push(r.body);
      if (r.body.done) break;
    }
    return results;
  }

  async function reconciled(city: string) {
    const r = (await api.get(`/reconciliation/${JUNE}/${city}`)).body;
    expect(r.ledgerBalanced).toBe(true);
    expect(BigInt(r.allocatedFen)).toBe(BigInt(r.paidFen) + BigInt(r.returnedFen) + BigInt(r.unspentFen));
    expect(r.expenditureBalanceFen).toBe((BigInt(r.returnedFen) + BigInt(r.unspentFen)).toString());
    return r;
  }

  const allowanceOf = async (beneficiaryId: string) =>
    service.db
      .selectFrom('entitlements')
      .select(['id', 'status', 'hold_reason', 'hold_rules', 'amount_fen'])
      .where('beneficiary_id', '=', beneficiaryId)
      .where('type', '=', 'disability_allowance')
      .executeTakeFirstOrThrow();

  const paymentsOf = async (entitlementId: string) =>
    (
      await sql<{ status: string; kind: string }>`
      select p.status, b.kind from payments p join payout_batches b on b.id = p.batch_id where p.entitlement_id = ${entitlementId}`.execute(
        service.db,
      )
    ).rows;

  it('holds each suspicious payment with its rules and reasons, stays quiet on the near misses, and leaves held money unspent', async () => {
    const A = '620100';
    const B = '620200';
    const sharedBy4 = testBankAccount();
    const sharedBy3 = testBankAccount();
    const twiceRegistered = testIdNumber(A);
    const cases: Record<string, NewBeneficiary> = {
      clean: worker(A),
      duplicateId: worker(A, { idNumber: twiceRegistered }),
      shares4a: worker(A, { bankAccount: sharedBy4 }),
      shares4b: worker(A, { bankAccount: sharedBy4 }),
      shares4c: worker(A, { bankAccount: sharedBy4 }),
      shares4d: worker(A, { bankAccount: sharedBy4 }),
      shares3a: worker(A, { bankAccount: sharedBy3 }),
      shares3b: worker(A, { bankAccount: sharedBy3 }),
      shares3c: worker(A, { bankAccount: sharedBy3 }),
      diesBefore: worker(A),
      diesDuring: worker(A),
      overpaid: worker(A),
      retiresBefore: worker(A),
      retiresDuring: worker(A),
      withNursing: worker(A, { nursingLevel: 'full' }),
      otherCity: worker(B, { idNumber: twiceRegistered }),
    };
    const names = Object.keys(cases);
    const ids = Object.fromEntries(
      (await insertBeneficiaries(service.db, Object.values(cases), testCipher)).map((id, i) => [names[i]!, id]),
    );
    await fundAndPrepare(A);
    await fundAndPrepare(B);

    // After the run was prepared, the register learns of deaths and retirements, and one amount is tampered with.
    const record = (
      id: string,
      facts: Partial<{ status: 'deceased' | 'retired'; death_date: string; death_cause: 'other'; retirement_date: string }>,
    ) => service.db.updateTable('beneficiaries').set(facts).where('id', '=', id).execute();
    await record(ids.diesBefore!, { status: 'deceased', death_date: '2025-05-31', death_cause: 'other' });
    await record(ids.diesDuring!, { status: 'deceased', death_date: '2025-06-10', death_cause: 'other' });
    await record(ids.retiresBefore!, { status: 'retired', retirement_date: '2025-05-31' });
    await record(ids.retiresDuring!, { status: 'retired', retirement_date: '2025-06-30' });
    const overpaid = await allowanceOf(ids.overpaid!);
    await sql`update entitlements set amount_fen = amount_fen + 1 where id = ${overpaid.id}`.execute(service.db);

    // Batches of 4: the four holders of one account are screened across batches and all held.
    const results = await payAll(A, 4);
    expect(results.at(-1)).toMatchObject({ done: true });

    const holds = (await as('hrss_reviewer', 'GET', `/holds?month=${JUNE}&cityCode=${A}`)).body.holds as {
      beneficiaryId: string;
      entitlementId: string;
      rules: string[];
      reason: string;
      status: string;
      name: string;
      amountFen: string;
    }[];
    const rulesOf = Object.fromEntries(holds.map((h) => [names.find((n) => ids[n] === h.beneficiaryId)!, h.rules]));
    expect(rulesOf).toEqual({
      duplicateId: ['duplicate_id_across_cities'],
      shares4a: ['shared_bank_account'],
      shares4b: ['shared_bank_account'],
      shares4c: ['shared_bank_account'],
      shares4d: ['shared_bank_account'],
      diesBefore: ['paid_after_death', 'above_standard'],
      overpaid: ['above_standard'],
      retiresBefore: ['above_standard', 'allowance_after_retirement'],
    });
    expect(holds.every((h) => h.status === 'open' && h.name === '测***')).toBe(true);
    const reasonOf = (name: string) => holds.find((h) => h.beneficiaryId === ids[name])!.reason;
    expect(reasonOf('duplicateId')).toBe(`The same ID number is also being paid in city ${B} for ${JUNE}, besides city ${A}.`);
    expect(reasonOf('shares4a')).toBe('The receiving bank account is used this month by 4 unrelated households, more than the limit of 3.');
    expect(reasonOf('overpaid')).toBe('Disability allowance of ¥5,511.12 is ¥0.01 above the ¥5,511.11 the standards allow.');
    expect(reasonOf('retiresBefore')).toContain('is after retirement on 2025-05-31');
    expect(JSON.stringify(holds)).not.toContain(twiceRegistered);

    // The entitlements say the same, and no held one was paid; every near miss was.
    for (const h of holds) {
      const e = await service.db
        .selectFrom('entitlements')
        .select(['status', 'hold_reason', 'hold_rules'])
        .where('id', '=', h.entitlementId)
        .executeTakeFirstOrThrow();
      expect(e).toEqual({ status: 'held', hold_reason: h.reason, hold_rules: h.rules });
      expect(await paymentsOf(h.entitlementId)).toEqual([]);
    }
    for (const name of ['clean', 'shares3a', 'shares3b', 'shares3c', 'diesDuring', 'retiresDuring', 'withNursing']) {
      expect({ name, status: (await allowanceOf(ids[name]!)).status }).toEqual({ name, status: 'paid' });
    }
    const nursing = await service.db.selectFrom('entitlements').select('status').where('beneficiary_id', '=', ids.withNursing!).execute();
    expect(nursing.map((n) => n.status)).toEqual(['paid', 'paid']);

    // Held money is unspent, and the close says so (the tampered fen was never allocated).
    const heldFen = holds.reduce((s, h) => s + BigInt(h.amountFen), 0n);
    const r = await reconciled(A);
    expect(r.unspentFen).toBe((heldFen - 1n).toString());
    expect(r.held).toEqual({ count: holds.length, amountFen: heldFen.toString() });
    expect((await api.get(`/payouts/${JUNE}/${A}`)).body).toMatchObject({
      held: holds.length,
      pending: 0,
      onTime: { due: 16, paidOnTime: 16 - holds.length },
    });

    // The other registration is held too when its city pays.
    await payAll(B, 10);
    const inB = (await as('operator', 'GET', `/holds?month=${JUNE}&cityCode=${B}`)).body.holds;
    expect(inB.map((h: { rules: string[] }) => h.rules)).toEqual([['duplicate_id_across_cities']]);
    expect(inB[0].reason).toBe(`The same ID number is also being paid in city ${A} for ${JUNE}, besides city ${B}.`);
    await reconciled(B);

    // A reviewer releases one payment into the shared account after checking it (paid at once: the run's batches are done)...
    const releasedHold = holds.find((h) => h.beneficiaryId === ids.shares4a)!;
    const refusedRole = await as('city_agency', 'POST', `/holds/${releasedHold.entitlementId}/release`, { reason: 'looks fine' }, A);
    expect(refusedRole.status).toBe(403);
    const noReason = await as('hrss_reviewer', 'POST', `/holds/${releasedHold.entitlementId}/release`, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details.issues[0].field).toBe('body.reason');
    const released = await as('hrss_reviewer', 'POST', `/holds/${releasedHold.entitlementId}/release`, {
      reason: 'the account holder is her guardian',
    });
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({
      paid: true,
      paidFen: ALLOWANCE.toString(),
      hold: { status: 'released', decidedBy: 'hrss_reviewer-1', decidedRole: 'hrss_reviewer', paid: true },
    });
    expect(await paymentsOf(releasedHold.entitlementId)).toEqual([{ status: 'paid', kind: 'repay' }]);
    expect((await as('hrss_reviewer', 'POST', `/holds/${releasedHold.entitlementId}/release`, { reason: 'again' })).status).toBe(409);

    // ...and cancels the payment after death, which is never paid.
    const deathHold = holds.find((h) => h.beneficiaryId === ids.diesBefore)!;
    const cancelled = await as('provincial_agency', 'POST', `/holds/${deathHold.entitlementId}/cancel`, {
      reason: 'death confirmed by the civil affairs record',
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ paid: false, hold: { status: 'cancelled', decidedRole: 'provincial_agency', paid: false } });
    expect((await allowanceOf(ids.diesBefore!)).status).toBe('cancelled');
    expect((await as('hrss_reviewer', 'POST', `/holds/${deathHold.entitlementId}/release`, { reason: 'changed my mind' })).status).toBe(
      409,
    );
    expect(await paymentsOf(deathHold.entitlementId)).toEqual([]);
    expect((await as('hrss_reviewer', 'POST', '/holds/999999999/release', { reason: 'no such hold' })).status).toBe(404);

    // Both decisions are in the audit trail with who, role, when and why, after the hold itself; the chain is intact.
    const trail = (await as('operator', 'GET', `/audit?entitlementId=${releasedHold.entitlementId}`)).body.events;
    expect(trail.map((e: { action: string; userId: string; role: string }) => [e.action, e.userId, e.role])).toEqual([
      ['hold', 'supervision-rules', 'system'],
      ['release', 'hrss_reviewer-1', 'hrss_reviewer'],
    ]);
    expect(trail[1]).toMatchObject({ reason: 'the account holder is her guardian', month: JUNE, cityCode: A, detail: { paidNow: true } });
    expect(new Date(trail[1].at).getTime()).toBeGreaterThan(Date.now() - 60_000);
    const one = (await as('hrss_reviewer', 'GET', `/holds/${deathHold.entitlementId}`)).body;
    expect(one.audit.map((e: { action: string; reason: string }) => [e.action, e.reason])).toEqual([
      ['hold', deathHold.reason],
      ['cancel', 'death confirmed by the civil affairs record'],
    ]);
    expect((await as('operator', 'GET', '/audit/verify')).body).toMatchObject({ ok: true, broken: null });
    // Append-only, even for the service's own role.
    await expect(sql`update audit_events set reason = 'edited'`.execute(service.db)).rejects.toThrow();
    await expect(sql`delete from audit_events`.execute(service.db)).rejects.toThrow();

    const after = await reconciled(A);
    expect(BigInt(after.paidFen) - BigInt(r.paidFen)).toBe(ALLOWANCE);
    expect(BigInt(after.unspentFen)).toBe(heldFen - 1n - ALLOWANCE);
    expect(after.held.count).toBe(holds.length - 2);
    expect((await api.get(`/payouts/${JUNE}/${A}`)).body).toMatchObject({ cancelled: 1, held: holds.length - 2 });
  });

  it('screens what changed after the run was prepared, including a death recorded while it was prepared, and no more', async () => {
    const D = '620400';
    const E = '620500';
    const twin = testIdNumber(D);
    const cases: Record<string, NewBeneficiary> = {
      twinHere: worker(D, { idNumber: twin }),
      renamed: worker(D),
      accountCorrected: worker(D),
      diesMidPreparation: worker(D),
      untouched: worker(D),
    };
    const names = Object.keys(cases);
    const ids = Object.fromEntries(
      (await insertBeneficiaries(service.db, Object.values(cases), testCipher)).map((id, i) => [names[i]!, id]),
    );

    // A death is being recorded while the run is prepared: the preparation waits for it, so the
    // change is either seen by the preparation or numbered after it, never neither.
    await service.db.connection().execute(async (conn) => {
      await sql`begin`.execute(conn);
      await sql`update beneficiaries set status = 'deceased', death_date = '2025-05-31', death_cause = 'other' where id = ${ids.diesMidPreparation}`.execute(
        conn,
      );
      let settled = false;
      const preparing = fundAndPrepare(D).finally(() => (settled = true));
      await new Promise((r) => setTimeout(r, 1_000));
      expect(settled).toBe(false);
      await sql`commit`.execute(conn);
      await preparing;
    });
    const run = await service.db
      .selectFrom('payout_runs')
      .select('register_seq')
      .where('month', '=', JUNE)
      .where('city_code', '=', D)
      .executeTakeFirstOrThrow();
    expect(run.register_seq).not.toBeNull();

    // After the preparation: the same ID number is registered and prepared in another city, and a
    // name is corrected (a change no rule reads).
    await insertBeneficiaries(service.db, [worker(E, { idNumber: twin })], testCipher);
    await fundAndPrepare(E);
    await service.db.updateTable('beneficiaries').set({ name: '测试更正' }).where('id', '=', ids.renamed!).execute();
    // An account corrected after the preparation: the payment goes to the new one, not the one the run stored.
    const corrected = '6228480099990000111';
    await service.db
      .updateTable('beneficiaries')
      .set({ bank_account_sealed: testCipher.seal('bank_account', corrected), bank_account_hash: hashIdentifier(corrected) })
      .where('id', '=', ids.accountCorrected!)
      .execute();

    expect((await payAll(D, 100)).at(-1)).toMatchObject({ done: true });
    const holds = (await as('operator', 'GET', `/holds?month=${JUNE}&cityCode=${D}`)).body.holds as {
      beneficiaryId: string;
      rules: string[];
    }[];
    const twinHold = holds.find((h) => h.beneficiaryId === ids.twinHere);
    expect(twinHold?.rules).toEqual(['duplicate_id_across_cities']);
    // Nothing of the dead worker's own benefits was paid (not computed, or held).
    const paidOwn = await sql<{ type: string }>`
      select e.type from entitlements e join payments p on p.entitlement_id = e.id and p.status = 'paid'
      where e.beneficiary_id = ${ids.diesMidPreparation} and e.type = any(${[...OWN_BENEFITS]}::text[])`.execute(service.db);
    expect(paidOwn.rows).toEqual([]);
    for (const name of ['renamed', 'accountCorrected', 'untouched']) {
      expect({ name, status: (await allowanceOf(ids[name]!)).status }).toEqual({ name, status: 'paid' });
    }
    // Each payment records the account the register holds now (stored at preparation where unchanged).
    const accounts = await sql<{ beneficiary_id: string; paid_to: string; registered: string; stored: string | null }>`
      select p.beneficiary_id::text, p.bank_account_hash as paid_to, b.bank_account_hash as registered, e.bank_account_hash as stored
      from payments p join beneficiaries b on b.id = p.beneficiary_id join entitlements e on e.id = p.entitlement_id
      where p.city_code = ${D} and p.month = ${JUNE} and p.status = 'paid'`.execute(service.db);
    expect(accounts.rows).toHaveLength(3);
    for (const r of accounts.rows) expect(r.paid_to).toBe(r.registered);
    expect(accounts.rows.find((r) => r.beneficiary_id === ids.accountCorrected)).toMatchObject({
      paid_to: hashIdentifier(corrected),
      stored: expect.not.stringMatching(hashIdentifier(corrected)),
    });
    expect(accounts.rows.find((r) => r.beneficiary_id === ids.untouched)?.stored).toBe(
      accounts.rows.find((r) => r.beneficiary_id === ids.untouched)?.registered,
    );
    expect(holds.every((h) => h.beneficiaryId === ids.twinHere || h.beneficiaryId === ids.diesMidPreparation)).toBe(true);
    await reconciled(D);
  });

  it('pays a hold released before the run ends with the next batch, without holding it again', async () => {
    const C = '620300';
    const shared = testBankAccount();
    const ids = await insertBeneficiaries(
      service.db,
      [...Array.from({ length: 4 }, () => worker(C, { bankAccount: shared })), ...Array.from({ length: 6 }, () => worker(C))],
      testCipher,
    );
    await fundAndPrepare(C);
    const first = await api.post(`/payouts/${JUNE}/${C}/batches`, {
      batchNo: 0,
      batchSize: 3,
      idempotencyKey: `cycle:${JUNE}:${C}:payout:batch:0`,
    });
    expect(first.body).toMatchObject({ processed: 0, held: 3, done: false });

    const early = await allowanceOf(ids[0]!);
    expect(early.status).toBe('held');
    const released = await as('hrss_reviewer', 'POST', `/holds/${early.id}/release`, {
      reason: 'a family: the account is the mother\u2019s',
    });
    expect(released.body).toMatchObject({ paid: false, hold: { status: 'released' } });
    expect((await allowanceOf(ids[0]!)).status).toBe('pending');

    const rest = await payAll(C, 3, 1);
    expect(rest.at(-1)).toMatchObject({ done: true, held: 3 });
    expect((await allowanceOf(ids[0]!)).status).toBe('paid');
    expect(await paymentsOf(early.id)).toEqual([{ status: 'paid', kind: 'payout' }]);
    const holds = (await as('operator', 'GET', `/holds?month=${JUNE}&cityCode=${C}`)).body.holds;
    expect(holds.map((h: { status: string }) => h.status).sort()).toEqual(['open', 'open', 'open', 'released']);
    await reconciled(C);
  });
});
