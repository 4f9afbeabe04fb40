import { agree, type Same } from '@fund/shared/server';
import { z } from 'zod';
import type { presentBeneficiary } from '../../register/beneficiary.routes';
import { fen, instant, type Flat } from './common.schema';

export const beneficiaryDoc = z
  .object({
    id: z.string(),
    cityCode: z.string(),
    kind: z.enum(['worker', 'dependant_household', 'hospital']),
    name: z.string(),
    idNumber: z.string().meta({ description: 'masked' }),
    bankAccount: z.string().meta({ description: 'masked' }),
    bankName: z.string(),
    bankStatus: z.enum(['valid', 'invalid']),
    bankVerifiedAt: instant.nullable(),
    status: z.enum(['active', 'suspended', 'deceased', 'retired']),
    disabilityGrade: z.number().int().nullable(),
    ownWageFen: fen.nullable(),
    nursingLevel: z.enum(['full', 'most', 'partial']).nullable(),
    injuryRecognitionDate: z.string().nullable(),
    deathDate: z.string().nullable(),
    deathCause: z.enum(['work_injury', 'other']).nullable(),
    retirementDate: z.string().nullable(),
    dependants: z.unknown().meta({ description: 'the dependants of a deceased worker, as the register holds them' }),
  })
  .meta({ id: 'Beneficiary', description: 'A beneficiary in the register, ID number and bank account masked.' });

export const beneficiaryPageDoc = z
  .object({
    beneficiaries: z.array(beneficiaryDoc),
    next: z.string().nullable().meta({ description: 'pass as `after` for the next page; null on the last' }),
  })
  .meta({ id: 'BeneficiaryPage' });

// zod makes an `unknown` field optional; the register always answers `dependants`, so it is compared apart.
agree<Same<Flat<Omit<z.infer<typeof beneficiaryDoc>, 'dependants'>>, Flat<Omit<ReturnType<typeof presentBeneficiary>, 'dependants'>>>>();
