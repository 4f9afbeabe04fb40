import { createHash } from 'node:crypto';

/**
 * SHA-256 of an identifier (ID number or bank account), hex. Lets the fraud rules compare
 * people and accounts across cities without ever seeing the numbers.
 */
export function hashIdentifier(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** An ID number as operators may see it: region prefix and last four, e.g. 6201**********1234. */
export function maskIdNumber(idNumber: string): string {
  if (idNumber.length <= 8) return '*'.repeat(idNumber.length);
  return `${idNumber.slice(0, 4)}${'*'.repeat(idNumber.length - 8)}${idNumber.slice(-4)}`;
}

/** A bank account as operators may see it: the last four digits only. */
export function maskBankAccount(account: string): string {
  if (account.length <= 4) return '*'.repeat(account.length);
  return `${'*'.repeat(account.length - 4)}${account.slice(-4)}`;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** The GB 11643-1999 check character of the first 17 digits of a resident ID number. */
export function idNumberCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('an ID number body is 17 digits');
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * (ID_WEIGHTS[i] ?? 0), 0);
  return ID_CHECK[sum % 11] ?? '';
}

/** Whether an 18-character resident ID number carries a valid GB 11643 check character. */
export function isValidIdNumber(idNumber: string): boolean {
  return /^\d{17}[\dX]$/.test(idNumber) && idNumberCheckChar(idNumber.slice(0, 17)) === idNumber[17];
}

/** The Luhn check digit of a card number body (UnionPay debit cards carry one). */
export function luhnCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    // The digit next to the check digit is doubled, then every second one leftwards.
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** A person's name as a report may show it: the first character, the rest masked (王** for 王小明). */
export function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}
