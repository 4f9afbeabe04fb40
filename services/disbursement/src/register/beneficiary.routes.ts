import { cityCode, correctBankAccountSchema } from '@fund/shared';
import { notFound, parse, requireOwnCity, type Guard } from '@fund/shared/server';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { BankGateway } from '../bank/bank.gateway';
import type { DisbursementDB } from '../db';
import { correctBankAccount, findBeneficiary, listBeneficiaries, type BeneficiaryRecord } from './beneficiary.repository';
import { maskBankAccount, maskIdNumber } from './identity';
import type { RegisterCipher } from './register-cipher';

/** A beneficiary id: a bigint, so at most 18 digits (more would overflow the column, not name anyone). */
const BENEFICIARY_ID = /^\d{1,18}$/;

export const listQuery = z.object({
  cityCode: cityCode.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  after: z.string().regex(BENEFICIARY_ID, 'must be a beneficiary id').optional(),
});

export const idParam = z.object({ id: z.string().regex(BENEFICIARY_ID, 'must be a beneficiary id') });

/** The operator's view of a beneficiary: ID number and bank account masked. */
export function presentBeneficiary(b: BeneficiaryRecord) {
  return {
    id: b.id,
    cityCode: b.city_code,
    kind: b.kind,
    name: b.name,
    idNumber: maskIdNumber(b.id_number),
    bankAccount: maskBankAccount(b.bank_account),
    bankName: b.bank_name,
    bankStatus: b.bank_status,
    bankVerifiedAt: b.bank_verified_at?.toISOString() ?? null,
    status: b.status,
    disabilityGrade: b.disability_grade,
    ownWageFen: b.own_wage_fen,
    nursingLevel: b.nursing_level,
    injuryRecognitionDate: b.injury_recognition_date,
    deathDate: b.death_date,
    deathCause: b.death_cause,
    retirementDate: b.retirement_date,
    dependants: b.dependants,
  };
}

/** The beneficiary register (read, and bank detail corrections); a city agency sees and corrects only its own city's. */
export function beneficiaryRoutes(db: Kysely<DisbursementDB>, bank: BankGateway, cipher: RegisterCipher, access: Guard): Router {
  const router = Router();
  router.get('/beneficiaries', access(['city_agency', 'provincial_agency', 'operator'], 'query'), async (req, res) => {
    const q = parse(listQuery, req.query, 'query');
    const page = await listBeneficiaries(db, { cityCode: q.cityCode, limit: q.limit, after: q.after }, cipher);
    res.json({ beneficiaries: page.map(presentBeneficiary), next: page.length === q.limit ? (page.at(-1)?.id ?? null) : null });
  });
  router.get('/beneficiaries/:id', access(['city_agency', 'provincial_agency', 'operator']), async (req, res) => {
    const id = String(req.params.id);
    const beneficiary = BENEFICIARY_ID.test(id) ? await findBeneficiary(db, id, cipher) : undefined;
    if (!beneficiary) throw notFound(`beneficiary ${id}`);
    requireOwnCity(req.actor!, beneficiary.city_code);
    res.json(presentBeneficiary(beneficiary));
  });
  router.put('/beneficiaries/:id/bank-account', access(['city_agency', 'provincial_agency', 'operator']), async (req, res) => {
    const { id } = parse(idParam, req.params, 'params');
    const beneficiary = await findBeneficiary(db, id, cipher);
    if (!beneficiary) throw notFound(`beneficiary ${id}`);
    requireOwnCity(req.actor!, beneficiary.city_code);
    const input = parse(correctBankAccountSchema, req.body);
    res.json(presentBeneficiary(await correctBankAccount(db, bank, id, input, cipher)));
  });
  return router;
}
