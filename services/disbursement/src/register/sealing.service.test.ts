import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { migrateToLatest, startService, type RunningService } from '@fund/shared/server';
import { sql } from 'kysely';
import { Client as PgClient } from 'pg';
import { provisionDatabase } from '@fund/infra';
import { readTestDatabaseEnvironment, TEST_ROLE_PASSWORD } from '@fund/test/environment';
import { authHeader, createTestDatabase, serviceEnv } from '@fund/test/harness';
import { migrations } from '../../migrations';
import { loadDisbursementConfig } from '../config';
import type { DisbursementDB } from '../db';
import { disbursementService } from '../service';
import { client, testCipher, worker } from '../test-support';
import { findBeneficiary, insertBeneficiaries, paymentInstructions } from './beneficiary.repository';
import { hashIdentifier, maskBankAccount, maskIdNumber } from './identity';
import { RegisterCipher } from './register-cipher';
import { sealRegister } from './sealing';

const CITY = '620600';
const keyA = crypto.randomBytes(32);
const keyB = crypto.randomBytes(32);

/** The whole database as `pg_dump` writes it (data and schema, every service's schema). */
async function dumpDatabase(name: string): Promise<string> {
  const url = new URL(readTestDatabaseEnvironment().adminUrl);
  url.pathname = `/${name}`;
  const { stdout } = await promisify(execFile)('pg_dump', ['--no-owner', `--dbname=${url.toString()}`], { maxBuffer: 512 * 1024 * 1024 });
  return stdout;
}

/** An 18-character resident ID number (GB 11643 shape) standing alone, not inside a hash or a ciphertext. */
const ID_NUMBER_SHAPE = /(?<![0-9A-Za-z+/])\d{17}[\dX](?![0-9A-Za-z+/])/g;

const start = (urls: Parameters<typeof serviceEnv>[0], env: Record<string, string> = {}) =>
  startService(disbursementService(loadDisbursementConfig(serviceEnv(urls, env))));

describe('the register at rest', () => {
  it('rotates: rows written under key A read under {current B, previous A}, and after a rekey under B alone', async () => {
    const { urls } = await createTestDatabase();
    const service = await start(urls.disbursement);
    try {
      const cipherA = new RegisterCipher(keyA);
      const rotated = new RegisterCipher(keyB, [keyA]);
      const rows = [worker(CITY), worker(CITY)];
      const ids = await insertBeneficiaries(service.db, rows, cipherA);
      expect((await findBeneficiary(service.db, ids[0]!, rotated))!.id_number).toBe(rows[0]!.idNumber);
      await expect(findBeneficiary(service.db, ids[0]!, new RegisterCipher(keyB))).rejects.toThrow('REGISTER_PREVIOUS_KEYS');

      expect(await sealRegister(service.db, rotated)).toEqual({ sealed: 0, rekeyed: 2 });
      const underB = new RegisterCipher(keyB);
      for (const [i, id] of ids.entries()) {
        const read = (await findBeneficiary(service.db, id, underB))!;
        expect([read.id_number, read.bank_account]).toEqual([rows[i]!.idNumber, rows[i]!.bankAccount]);
      }
      expect(await sealRegister(service.db, underB)).toEqual({ sealed: 0, rekeyed: 0 });
      const hashes = await service.db.selectFrom('beneficiaries').select(['id_number_hash', 'bank_account_hash']).orderBy('id').execute();
      expect(hashes).toEqual(
        rows.map((r) => ({ id_number_hash: hashIdentifier(r.idNumber), bank_account_hash: hashIdentifier(r.bankAccount) })),
      );
    } finally {
      await service.stop();
    }
  });

  it('is re-encrypted at start under a new REGISTER_KEY with the old one in REGISTER_PREVIOUS_KEYS', async () => {
    const { urls } = await createTestDatabase();
    const env = (current: Buffer, previous: Buffer[] = []) => ({
      REGISTER_KEY: current.toString('base64'),
      REGISTER_PREVIOUS_KEYS: previous.map((k) => k.toString('base64')).join(','),
    });
    let service: RunningService<DisbursementDB> = await start(urls.disbursement, env(keyA));
    const row = worker(CITY);
    let id: string;
    try {
      [id] = (await insertBeneficiaries(service.db, [row], new RegisterCipher(keyA))) as [string];
    } finally {
      await service.stop();
    }
    service = await start(urls.disbursement, env(keyB, [keyA]));
    try {
      const stored = await service.db
        .selectFrom('beneficiaries')
        .select(['id_number_sealed', 'bank_account_sealed'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const underB = new RegisterCipher(keyB);
      expect(underB.open('id_number', stored.id_number_sealed)).toBe(row.idNumber);
      expect(underB.open('bank_account', stored.bank_account_sealed)).toBe(row.bankAccount);
      const shown = await client(service.url).get(`/beneficiaries/${id}`);
      expect(shown.body).toMatchObject({ idNumber: maskIdNumber(row.idNumber), bankAccount: maskBankAccount(row.bankAccount) });
    } finally {
      await service.stop();
    }
  });

  it('upgraded from plaintext holds none after its first start; a new plaintext write is refused', async () => {
    const environment = readTestDatabaseEnvironment();
    const name = `fund_test_${crypto.randomBytes(4).toString('hex')}_${environment.templateDatabase.replace('fund_test_tpl_', '')}`;
    const urls = await provisionDatabase(environment.adminUrl, name, TEST_ROLE_PASSWORD);
    const before = Object.fromEntries(Object.entries(migrations).filter(([migration]) => migration < '2026-12-02'));
    await migrateToLatest(urls.disbursement.ownerUrl, 'disbursement', before);
    const idNumber = '620102198001011239';
    const account = '6217000011112222333';
    const legacy = new PgClient({ connectionString: urls.disbursement.appUrl });
    await legacy.connect();
    try {
      await legacy.query('set search_path to disbursement');
      await legacy.query(
        `insert into beneficiaries (city_code, kind, name, id_number, id_number_hash, bank_account, bank_account_hash, bank_name, disability_grade, own_wage_fen, injury_recognition_date)
         values ($1, 'worker', '测试工人', $2, $3, $4, $5, '中国银行', 1, 612345, '2025-03-10')`,
        [CITY, idNumber, hashIdentifier(idNumber), account, hashIdentifier(account)],
      );
    } finally {
      await legacy.end();
    }
    expect(await dumpDatabase(name)).toContain(idNumber);

    const service = await start(urls.disbursement);
    try {
      const stored = await service.db.selectFrom('beneficiaries').selectAll().executeTakeFirstOrThrow();
      expect([stored.id_number, stored.bank_account]).toEqual([null, null]);
      expect(testCipher.open('id_number', stored.id_number_sealed)).toBe(idNumber);
      expect(stored.bank_account_hash).toBe(hashIdentifier(account));
      const dump = await dumpDatabase(name);
      expect(dump).not.toContain(idNumber);
      expect(dump).not.toContain(account);
      expect(dump.match(ID_NUMBER_SHAPE)).toBeNull();

      const plaintext = sql`
        insert into beneficiaries (city_code, kind, name, id_number, id_number_hash, bank_account_sealed, bank_account_hash, bank_name, own_wage_fen, injury_recognition_date)
        values (${CITY}, 'worker', '测试', ${idNumber}, 'h', ${testCipher.seal('bank_account', account)}, 'h', '中国银行', 1, '2025-03-10')`;
      await expect(plaintext.execute(service.db)).rejects.toThrow(/beneficiaries_no_plaintext/);
      await expect(
        service.db
          .updateTable('beneficiaries')
          .set({ bank_account_sealed: null as never })
          .execute(),
      ).rejects.toThrow(/beneficiaries_identifiers_once/);
    } finally {
      await service.stop();
    }
  });

  it('after a month prepared and paid over HTTP on the demo register, a dump holds no ID number and no full account', async () => {
    const { name, urls } = await createTestDatabase();
    const service = await start(urls.disbursement, { SEED_DEMO: 'true', DEMO_BENEFICIARIES: '280' });
    try {
      const api = client(service.url);
      const register = await service.db
        .selectFrom('beneficiaries')
        .select(['id', 'city_code', 'id_number_sealed', 'bank_account_sealed'])
        .orderBy('id')
        .execute();
      const known = register.map((b) => ({
        ...b,
        idNumber: testCipher.open('id_number', b.id_number_sealed),
        account: testCipher.open('bank_account', b.bank_account_sealed),
      }));
      expect(known.filter((b) => new RegExp(`^${ID_NUMBER_SHAPE.source}$`).test(b.idNumber))).toHaveLength(known.length);

      // Lanzhou's month: one payee's account the bank rejects, so the returned list (full numbers) is read too.
      const month = '2026-12';
      const city = '620100';
      const payee = known.find((b) => b.city_code === city)!;
      await service.db.updateTable('beneficiaries').set({ bank_status: 'invalid' }).where('id', '=', payee.id).execute();
      const lines = (await api.get(`/drafts/${month}/${city}`)).body.lines as { amountFen: string }[];
      const total = lines.reduce((s, l) => s + BigInt(l.amountFen), 0n).toString();
      const key = `cycle:${month}:${city}`;
      expect(
        (await api.post('/pool/reservations', { month, cityCode: city, amountFen: total, idempotencyKey: `${key}:reserve:v1` })).status,
      ).toBe(201);
      expect((await api.post('/allocations', { month, cityCode: city, amountFen: total, idempotencyKey: `${key}:allocate` })).status).toBe(
        201,
      );
      expect(
        (
          await api.post(`/payouts/${month}/${city}/prepare`, {
            approvedLines: lines,
            dueDate: `${month}-25T00:00:00.000Z`,
            idempotencyKey: `${key}:prepare`,
          })
        ).status,
      ).toBe(201);
      const batch = await api.post(`/payouts/${month}/${city}/batches`, {
        batchNo: 0,
        batchSize: 1000,
        idempotencyKey: `${key}:payout:batch:0`,
      });
      expect(batch.body).toMatchObject({ done: true });
      expect(batch.body.failed).toBeGreaterThan(0);

      const failed = await api.get(`/payments?month=${month}&cityCode=${city}`);
      expect(failed.body.beneficiaries.find((b: { beneficiaryId: string }) => b.beneficiaryId === payee.id)).toMatchObject({
        bankAccount: maskBankAccount(payee.account),
      });
      const returned = await fetch(`${service.url}/payouts/${month}/${city}/returned`, { headers: await authHeader('system') });
      const payees = ((await returned.json()) as { payees: { beneficiaryId: string; idNumber: string; bankAccount: string }[] }).payees;
      expect(payees.find((p) => p.beneficiaryId === payee.id)).toMatchObject({ idNumber: payee.idNumber, bankAccount: payee.account });
      // What a bank gateway would send for the returned payee's entitlements: the account in full.
      const theirs = await service.db.selectFrom('entitlements').select('id').where('beneficiary_id', '=', payee.id).execute();
      const instructions = await paymentInstructions(
        service.db,
        { kind: 'list', ids: theirs.map((e) => e.id), status: 'pending' },
        testCipher,
      );
      expect(instructions.map((i) => i.bankAccount)).toEqual(theirs.map(() => payee.account));
      const corrected = '6228480012345678901';
      expect((await api.put(`/beneficiaries/${payee.id}/bank-account`, { bankAccount: corrected, bankName: '中国农业银行' })).status).toBe(
        200,
      );

      const dump = await dumpDatabase(name);
      expect(dump).toContain(testCipher.currentPrefix);
      expect(dump.match(ID_NUMBER_SHAPE)).toBeNull();
      for (const b of known) {
        expect({ id: b.id, idNumber: dump.includes(b.idNumber), account: dump.includes(b.account) }).toEqual({
          id: b.id,
          idNumber: false,
          account: false,
        });
      }
      expect(dump).not.toContain(corrected);
    } finally {
      await service.stop();
    }
  });
});
