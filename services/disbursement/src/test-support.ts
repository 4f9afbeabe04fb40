import { startService, type RunningService } from '@fund/shared/server';
import type { Role } from '@fund/shared';
import { authHeader, createTestDatabase, serviceEnv, TEST_REGISTER_KEY } from '@fund/test/harness';
import { loadDisbursementConfig } from './config';
import type { DisbursementDB } from './db';
import type { NewBeneficiary } from './register/beneficiary.repository';
import { idNumberCheckChar, luhnCheckDigit } from './register/identity';
import { RegisterCipher } from './register/register-cipher';
import { disbursementService, type DisbursementDeps } from './service';

/** An answer of the service under test. */
export interface Answer {
  status: number;
  // Tests read arbitrary JSON answers.
  body: any;
}

/** Who calls: the cycle posts (system), the province corrects bank details (PUT), an operator reads. */
const roleOf = (method: string): Role => (method === 'POST' ? 'system' : method === 'PUT' ? 'provincial_agency' : 'operator');

/** A JSON client of one running service, with a token of the role each method needs. */
export function client(baseUrl: string) {
  const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(await authHeader(roleOf(method))), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body: unknown) => call('POST', path, body),
    put: (path: string, body: unknown) => call('PUT', path, body),
  };
}
export type Client = ReturnType<typeof client>;

/** The disbursement service on a fresh database, as a test file uses it. */
export async function startDisbursement(
  deps: Partial<DisbursementDeps> = {},
  env: Record<string, string> = {},
): Promise<{ service: RunningService<DisbursementDB>; api: Client }> {
  const { urls } = await createTestDatabase();
  const service = await startService(disbursementService(loadDisbursementConfig(serviceEnv(urls.disbursement, env)), deps));
  return { service, api: client(service.url) };
}

/** The register cipher of every service a test starts (TEST_REGISTER_KEY), for writing the register directly. */
export const testCipher = new RegisterCipher(Buffer.from(TEST_REGISTER_KEY, 'base64'));

let serial = 0;

/** A synthetic person's ID number with a valid check character. */
export function testIdNumber(cityCode: string): string {
  serial += 1;
  const body = `${cityCode}19800101${String(serial % 1000).padStart(3, '0')}`;
  return `${body}${idNumberCheckChar(body)}`;
}

/** A synthetic 19-digit card number with a valid Luhn digit. */
export function testBankAccount(): string {
  serial += 1;
  const body = `621700${String(serial).padStart(12, '0')}`;
  return `${body}${luhnCheckDigit(body)}`;
}

/** An injured worker for the register, grade 1 on a mid wage unless overridden. */
export function worker(cityCode: string, overrides: Partial<NewBeneficiary> = {}): NewBeneficiary {
  return {
    cityCode,
    kind: 'worker',
    name: '测试工人',
    idNumber: testIdNumber(cityCode),
    bankAccount: testBankAccount(),
    bankName: '中国工商银行',
    disabilityGrade: 1,
    ownWageFen: 612_345n,
    injuryRecognitionDate: '2025-03-10',
    ...overrides,
  };
}

/** A deceased worker's household receiving dependants' pensions. */
export function household(cityCode: string, overrides: Partial<NewBeneficiary> = {}): NewBeneficiary {
  return worker(cityCode, {
    kind: 'dependant_household',
    name: '测试家属',
    status: 'deceased',
    disabilityGrade: null,
    ownWageFen: 600_000n,
    injuryRecognitionDate: '2025-01-10',
    deathDate: '2025-01-20',
    deathCause: 'work_injury',
    dependants: [
      { relation: 'spouse', loneElderlyOrOrphan: false },
      { relation: 'child', loneElderlyOrOrphan: false },
    ],
    ...overrides,
  });
}

/** A hospital that bills medical settlements. */
export function hospital(cityCode: string): NewBeneficiary {
  return {
    cityCode,
    kind: 'hospital',
    name: '测试人民医院',
    idNumber: `12${cityCode}0000000001`,
    bankAccount: testBankAccount(),
    bankName: '中国银行',
  };
}
