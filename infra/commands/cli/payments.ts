import { formatYuan, type FailedPayee } from '@fund/shared';
import { z } from 'zod';
import { call, expectStatus, operatorToken, printJson } from './api';
import { city, CITY_ARG, json, JSON_OPTION, month, MONTH_ARG } from './inputs';
import { defineCommand } from './parser';
import { renderTable } from './table';

/** The returned payments of a city's month as a table, and what to do about the ones still unpaid. */
export function renderFailedPayees(m: string, cityCode: string, payees: readonly FailedPayee[]): string {
  const open = payees.filter((p) => p.payments.some((x) => !x.repaid));
  const rows = payees.map((p) => [
    p.beneficiaryId,
    p.name,
    p.bankAccount,
    p.bankName,
    p.bankStatus,
    formatYuan(p.failedFen),
    String(p.payments.length),
    p.payments.every((x) => x.repaid) ? 'repaid' : (p.payments.at(-1)?.reason ?? ''),
  ]);
  const header = ['beneficiary', 'name', 'account', 'bank', 'details', 'unpaid', 'returns', 'last reason'];
  let text = `${m} ${cityCode}: ${open.length} beneficiaries with returned payments still unpaid (${payees.length} ever returned)\n`;
  text += renderTable(header, rows);
  if (open.length > 0) {
    text += `\nfix each: npm run cli -- beneficiary fix-bank <beneficiary> <account> <bank name>\nthen:     npm run cli -- cycle repay ${m} ${cityCode}\n`;
  }
  return text;
}

const failed = defineCommand({
  group: 'payments',
  name: 'failed',
  summary: 'the beneficiaries whose payments the bank returned (accounts masked)',
  args: [MONTH_ARG, CITY_ARG],
  options: [JSON_OPTION],
  input: z.object({ month, city, json }),
  async run(input) {
    const path = `/payments?month=${input.month}&cityCode=${input.city}&status=failed`;
    const body = expectStatus(await call<{ beneficiaries: FailedPayee[] }>('disbursement', 'GET', path, await operatorToken()));
    if (input.json) printJson(body);
    else process.stdout.write(renderFailedPayees(input.month, input.city, body.beneficiaries));
    return 0;
  },
});

interface BankDetails {
  id: string;
  bankAccount: string;
  bankName: string;
  bankStatus: string;
  bankVerifiedAt: string | null;
}

const fixBank = defineCommand({
  group: 'beneficiary',
  name: 'fix-bank',
  summary: "correct a beneficiary's bank details (re-verified by the bank before the next payment)",
  args: [
    { name: 'id', description: 'the beneficiary id (a number, from `payments failed`)' },
    { name: 'account', description: 'the corrected bank account number' },
    { name: 'bank', rest: true, description: "the bank's name, several words allowed" },
  ],
  options: [JSON_OPTION],
  input: z.object({
    id: z.string().regex(/^\d+$/, 'must be the beneficiary id, a number from `payments failed`'),
    account: z.string(),
    bank: z.string(),
    json,
  }),
  async run(input) {
    const details = { bankAccount: input.account, bankName: input.bank };
    const body = expectStatus(
      await call<BankDetails>('disbursement', 'PUT', `/beneficiaries/${input.id}/bank-account`, await operatorToken(), details),
    );
    if (input.json) printJson(body);
    else
      process.stdout.write(
        `beneficiary ${body.id}: ${body.bankName} ${body.bankAccount}, ${body.bankStatus} (verified ${body.bankVerifiedAt ?? '-'})\n`,
      );
    return 0;
  },
});

/** The `payments` and `beneficiary` groups. */
export const PAYMENT_COMMANDS = [failed, fixBank];
