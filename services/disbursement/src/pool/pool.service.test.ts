import type { RunningService } from '@fund/shared/server';
import type { DisbursementDB } from '../db';
import { startDisbursement, type Client } from '../test-support';

const MONTH = '2025-06';

describe('the provincial pool', () => {
  let service: RunningService<DisbursementDB>;
  let api: Client;

  beforeAll(async () => {
    ({ service, api } = await startDisbursement());
  });
  afterAll(() => service.stop());

  const pool = async () => (await api.get('/pool')).body as { balanceFen: string; reservedFen: string; availableFen: string };

  /** Every money test ends here: the ledger balances and the allocation is fully accounted for. */
  async function expectReconciled(city: string) {
    const r = (await api.get(`/reconciliation/${MONTH}/${city}`)).body;
    expect(r.ledgerBalanced).toBe(true);
    expect(BigInt(r.allocatedFen)).toBe(BigInt(r.paidFen) + BigInt(r.returnedFen) + BigInt(r.unspentFen));
    expect(BigInt(r.unspentFen) >= 0n).toBe(true);
    return r;
  }

  it('receives a city transfer once: the same key again changes nothing, another key is refused', async () => {
    const before = await pool();
    const receipt = {
      month: MONTH,
      cityCode: '620200',
      amountFen: '1000000',
      transferId: 'T-1',
      idempotencyKey: 'cycle:2025-06:620200:receipt',
    };
    const first = await api.post('/pool/receipts', receipt);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ amountFen: '1000000', replayed: false });

    const again = await api.post('/pool/receipts', receipt);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, replayed: true });
    expect((await api.post('/pool/receipts', { ...receipt, amountFen: '5' })).body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    expect((await api.post('/pool/receipts', { ...receipt, idempotencyKey: 'another-run:receipt' })).status).toBe(409);

    const after = await pool();
    expect(BigInt(after.balanceFen) - BigInt(before.balanceFen)).toBe(1_000_000n);
    const r = await expectReconciled('620200');
    expect(r.receivedFen).toBe('1000000');
  });

  it('reserves and allocates idempotently, consuming the reservation', async () => {
    const city = '620300';
    await api.post('/pool/receipts', {
      month: MONTH,
      cityCode: city,
      amountFen: '800000',
      transferId: 'T-2',
      idempotencyKey: 'cycle:2025-06:620300:receipt',
    });
    const before = await pool();

    const reserve = { month: MONTH, cityCode: city, amountFen: '500000', idempotencyKey: 'cycle:2025-06:620300:reserve:v1' };
    const first = await api.post('/pool/reservations', reserve);
    expect(first.status).toBe(201);
    const again = await api.post('/pool/reservations', reserve);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, replayed: true });
    const reserved = await pool();
    expect(BigInt(reserved.reservedFen) - BigInt(before.reservedFen)).toBe(500_000n);
    expect(reserved.balanceFen).toBe(before.balanceFen);

    // A second live reservation for the same city and month is refused.
    expect((await api.post('/pool/reservations', { ...reserve, idempotencyKey: 'cycle:2025-06:620300:reserve:v2' })).status).toBe(409);

    const allocation = { month: MONTH, cityCode: city, amountFen: '450000', idempotencyKey: 'cycle:2025-06:620300:allocate' };
    const allocated = await api.post('/allocations', allocation);
    expect(allocated.status).toBe(201);
    expect((await api.post('/allocations', allocation)).body).toEqual({ ...allocated.body, replayed: true });

    // The allocation took 450,000 out of the pool and freed the whole 500,000 reservation.
    const after = await pool();
    expect(BigInt(before.balanceFen) - BigInt(after.balanceFen)).toBe(450_000n);
    expect(after.reservedFen).toBe(before.reservedFen);
    expect(BigInt(after.availableFen)).toBe(BigInt(before.availableFen) - 450_000n);

    const r = await expectReconciled(city);
    expect(r).toMatchObject({
      receivedFen: '800000',
      allocatedFen: '450000',
      paidFen: '0',
      unspentFen: '450000',
      expenditureBalanceFen: '450000',
    });
  });

  it('refuses an allocation without a reservation or above it, and moves nothing', async () => {
    const city = '620400';
    const before = await pool();
    const noReservation = await api.post('/allocations', {
      month: MONTH,
      cityCode: city,
      amountFen: '1',
      idempotencyKey: 'cycle:2025-06:620400:allocate',
    });
    expect(noReservation.status).toBe(409);
    await api.post('/pool/receipts', {
      month: MONTH,
      cityCode: city,
      amountFen: '300',
      transferId: 'T-3',
      idempotencyKey: 'cycle:2025-06:620400:receipt',
    });
    await api.post('/pool/reservations', {
      month: MONTH,
      cityCode: city,
      amountFen: '200',
      idempotencyKey: 'cycle:2025-06:620400:reserve:v1',
    });
    const above = await api.post('/allocations', {
      month: MONTH,
      cityCode: city,
      amountFen: '201',
      idempotencyKey: 'cycle:2025-06:620400:allocate',
    });
    expect(above.status).toBe(409);
    // The refusals stored nothing: the same key now succeeds with a covered amount.
    const ok = await api.post('/allocations', {
      month: MONTH,
      cityCode: city,
      amountFen: '200',
      idempotencyKey: 'cycle:2025-06:620400:allocate',
    });
    expect(ok.status).toBe(201);
    const after = await pool();
    expect(BigInt(after.balanceFen) - BigInt(before.balanceFen)).toBe(100n);
    await expectReconciled(city);
  });

  it('refuses a reservation above what is available with INSUFFICIENT_POOL and changes nothing', async () => {
    const before = await pool();
    const tooMuch = (BigInt(before.availableFen) + 1n).toString();
    const refused = await api.post('/pool/reservations', {
      month: MONTH,
      cityCode: '620500',
      amountFen: tooMuch,
      idempotencyKey: 'cycle:2025-06:620500:reserve:v1',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('INSUFFICIENT_POOL');
    expect(refused.body.error.details).toEqual({ availableFen: before.availableFen, requestedFen: tooMuch });
    expect(await pool()).toEqual(before);

    // Nothing was stored under the key: once money arrives the same request succeeds.
    await api.post('/pool/receipts', {
      month: MONTH,
      cityCode: '620500',
      amountFen: '10',
      transferId: 'T-5',
      idempotencyKey: 'cycle:2025-06:620500:receipt',
    });
    const retried = await api.post('/pool/reservations', {
      month: MONTH,
      cityCode: '620500',
      amountFen: tooMuch,
      idempotencyKey: 'cycle:2025-06:620500:reserve:v1',
    });
    expect(retried.status).toBe(201);
    expect((await pool()).availableFen).toBe('9');

    // Compensation gives it back, once.
    const release = { month: MONTH, cityCode: '620500', idempotencyKey: 'cycle:2025-06:620500:release:v1' };
    const released = await api.post('/pool/reservations/release', release);
    expect(released.body).toMatchObject({ released: true, amountFen: tooMuch, replayed: false });
    expect((await api.post('/pool/reservations/release', release)).body).toMatchObject({ released: true, replayed: true });
    expect(
      (await api.post('/pool/reservations/release', { ...release, idempotencyKey: 'cycle:2025-06:620500:release:v2' })).body,
    ).toMatchObject({
      released: false,
      amountFen: '0',
    });
    expect(BigInt((await pool()).availableFen)).toBe(BigInt(before.availableFen) + 10n);
    await expectReconciled('620500');
  });

  it('lets only one of two concurrent reservations take the same money', async () => {
    await api.post('/pool/receipts', {
      month: MONTH,
      cityCode: '620600',
      amountFen: '1000',
      transferId: 'T-6',
      idempotencyKey: 'cycle:2025-06:620600:receipt',
    });
    const { availableFen } = await pool();
    const share = ((BigInt(availableFen) * 6n) / 10n).toString();
    const answers = await Promise.all(
      ['620600', '620700'].map((city) =>
        api.post('/pool/reservations', {
          month: MONTH,
          cityCode: city,
          amountFen: share,
          idempotencyKey: `cycle:2025-06:${city}:reserve:v1`,
        }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expect(answers.find((a) => a.status === 409)?.body.error.code).toBe('INSUFFICIENT_POOL');
    const after = await pool();
    expect(BigInt(after.availableFen)).toBe(BigInt(availableFen) - BigInt(share));
    await expectReconciled('620600');
  });

  it('refuses bad input naming each field, and moves nothing', async () => {
    const before = await pool();
    const bad = await api.post('/pool/reservations', { month: '2025-13', cityCode: '999999', amountFen: '12.5', idempotencyKey: 'short' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const fields = bad.body.error.details.issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['body.month', 'body.cityCode', 'body.amountFen', 'body.idempotencyKey']));
    expect(
      (
        await api.post('/pool/receipts', {
          month: MONTH,
          cityCode: '620100',
          amountFen: '-1',
          transferId: 'x',
          idempotencyKey: 'cycle:bad:receipt',
        })
      ).body.error.details.issues[0].field,
    ).toBe('body.amountFen');
    expect(await pool()).toEqual(before);
    const month = await api.get('/reconciliation/2025-6/620100');
    expect(month.status).toBe(400);
    expect(month.body.error.details.issues[0].field).toBe('params.month');
  });
});
