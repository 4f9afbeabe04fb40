import { CITY_CODES, monthOf } from '@fund/shared';
import type { RunningService } from '@fund/shared/server';
import type { DisbursementDB } from '../db';
import { startDisbursement, testCipher, worker, type Client } from '../test-support';
import { insertBeneficiaries } from './beneficiary.repository';
import { hashIdentifier, isValidIdNumber, maskBankAccount, maskIdNumber } from './identity';

describe('beneficiary register', () => {
  let service: RunningService<DisbursementDB>;
  let api: Client;

  beforeAll(async () => {
    ({ service, api } = await startDisbursement());
  });
  afterAll(() => service.stop());

  it('masks ID numbers and bank accounts', () => {
    expect(maskIdNumber('620102198001011234')).toBe('6201**********1234');
    expect(maskBankAccount('6217000000000012345')).toBe('***************2345');
    expect(isValidIdNumber('11010519491231002X')).toBe(true); // the GB 11643 standard's own example
    expect(isValidIdNumber('110105194912310021')).toBe(false);
  });

  it('lists and shows beneficiaries with personal numbers masked, and pages by id', async () => {
    const rows = [worker('620200', { name: '甲' }), worker('620200', { name: '乙' }), worker('620300', { name: '丙' })];
    const ids = await insertBeneficiaries(service.db, rows, testCipher);
    const page = await api.get('/beneficiaries?cityCode=620200&limit=1');
    expect(page.status).toBe(200);
    expect(page.body.beneficiaries).toHaveLength(1);
    const first = page.body.beneficiaries[0];
    expect(first).toMatchObject({
      id: ids[0],
      cityCode: '620200',
      name: '甲',
      idNumber: maskIdNumber(rows[0]!.idNumber),
      bankStatus: 'valid',
    });
    expect(first.idNumber).toMatch(/^6202\*{10}[\dX]{4}$/);
    expect(first.bankAccount).toMatch(/^\*+\d{4}$/);
    const body = JSON.stringify(page.body);
    expect(body).not.toContain(rows[0]!.idNumber);
    expect(body).not.toContain(rows[0]!.bankAccount);

    const next = await api.get(`/beneficiaries?cityCode=620200&limit=1&after=${page.body.next}`);
    expect(next.body.beneficiaries.map((b: { name: string }) => b.name)).toEqual(['乙']);

    const one = await api.get(`/beneficiaries/${ids[2]}`);
    expect(one.body).toMatchObject({
      id: ids[2],
      name: '丙',
      injuryRecognitionDate: '2025-03-10',
      disabilityGrade: 1,
      ownWageFen: '612345',
    });
    expect(JSON.stringify(one.body)).not.toContain(rows[2]!.idNumber);
    expect((await api.get('/beneficiaries/999999')).status).toBe(404);
    expect((await api.get('/beneficiaries/abc')).status).toBe(404);
    expect((await api.get('/beneficiaries?cityCode=123')).body.error.details.issues[0].field).toBe('query.cityCode');
  });

  it('corrects bank details, re-verifies them, and refuses bad ones naming the field', async () => {
    const [id] = await insertBeneficiaries(service.db, [worker('620400', { bankStatus: 'invalid' })], testCipher);
    const bad = await api.put(`/beneficiaries/${id}/bank-account`, { bankAccount: '12-34', bankName: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual(['body.bankAccount', 'body.bankName']);
    expect((await api.get(`/beneficiaries/${id}`)).body.bankStatus).toBe('invalid');

    const ok = await api.put(`/beneficiaries/${id}/bank-account`, { bankAccount: '6228480012345678901', bankName: '中国农业银行' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ bankStatus: 'valid', bankName: '中国农业银行', bankAccount: '***************8901' });
    const stored = await service.db
      .selectFrom('beneficiaries')
      .select(['bank_account_hash'])
      .where('id', '=', id!)
      .executeTakeFirstOrThrow();
    expect(stored.bank_account_hash).toBe(hashIdentifier('6228480012345678901'));
    expect((await api.put('/beneficiaries/999999/bank-account', { bankAccount: '6228480012345678901', bankName: 'x' })).status).toBe(404);
  });
});

describe('demo seed', () => {
  it('builds a register across all cities, with claims and an opening balance covering two months', async () => {
    const { service, api } = await startDisbursement({}, { SEED_DEMO: 'true', DEMO_BENEFICIARIES: '1400' });
    try {
      const counts = await service.db
        .selectFrom('beneficiaries')
        .select(['city_code', 'kind', 'bank_status', 'id_number_sealed'])
        .execute();
      expect(counts).toHaveLength(1400);
      expect(new Set(counts.map((c) => c.city_code))).toEqual(new Set(CITY_CODES));
      expect(new Set(counts.map((c) => c.kind))).toEqual(new Set(['worker', 'dependant_household', 'hospital']));
      for (const c of counts.filter((b) => b.kind !== 'hospital'))
        expect(isValidIdNumber(testCipher.open('id_number', c.id_number_sealed))).toBe(true);

      const claims = await service.db.selectFrom('one_time_claims').select(['type', 'status']).execute();
      expect(new Set(claims.map((c) => c.type))).toEqual(new Set(['disability_subsidy', 'death_benefits', 'medical_settlement']));
      expect(claims.some((c) => c.status === 'pending')).toBe(true);

      const month = monthOf(new Date());
      let owed = 0n;
      for (const city of CITY_CODES) {
        const draft = (await api.get(`/drafts/${month}/${city}`)).body;
        owed += draft.lines.reduce((s: bigint, l: { amountFen: string }) => s + BigInt(l.amountFen), 0n);
      }
      const pool = (await api.get('/pool')).body;
      expect(pool.balanceFen).toBe((owed * 2n).toString());
      expect((await api.get(`/reconciliation/${month}`)).body.ledgerBalanced).toBe(true);
    } finally {
      await service.stop();
    }
  });
});
