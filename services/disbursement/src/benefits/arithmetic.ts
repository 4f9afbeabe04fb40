/** Basis points in one whole (100% = 10,000 bp). */
export const BP_PER_WHOLE = 10_000n;

/**
 * Divides a non-negative numerator by a positive denominator, rounding half up to the
 * nearest integer. Every percentage in this module goes through here exactly once per
 * amount, so a fen amount is never rounded twice.
 */
export function divideRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (numerator < 0n || denominator <= 0n) {
    throw new RangeError(`divideRoundHalfUp needs numerator >= 0 and denominator > 0, got ${numerator}/${denominator}`);
  }
  return (numerator * 2n + denominator) / (denominator * 2n);
}

/** `amountFen x bp / 10,000`, rounded half up to the fen. */
export function applyBp(amountFen: bigint, bp: number): bigint {
  return divideRoundHalfUp(amountFen * BigInt(bp), BP_PER_WHOLE);
}

/**
 * Splits `totalFen` in proportion to `weights` so the parts sum to exactly `totalFen`
 * (largest-remainder method). Each part first gets the floor of its exact share; the
 * fen left over go one each to the largest remainders, ties to the earlier weight.
 */
export function apportion(totalFen: bigint, weights: readonly number[]): bigint[] {
  const big = weights.map((w) => BigInt(w));
  const weightSum = big.reduce((a, b) => a + b, 0n);
  if (totalFen < 0n || weightSum <= 0n || big.some((w) => w < 0n)) {
    throw new RangeError('apportion needs a non-negative total and non-negative weights with a positive sum');
  }
  const parts = big.map((w) => (totalFen * w) / weightSum);
  const remainders = big.map((w, index) => ({ index, remainder: (totalFen * w) % weightSum }));
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  let leftover = totalFen - parts.reduce((a, b) => a + b, 0n);
  for (const { index } of remainders) {
    if (leftover === 0n) break;
    parts[index] = (parts[index] ?? 0n) + 1n;
    leftover -= 1n;
  }
  return parts;
}

/** Formats fen as yuan for a human-readable basis, e.g. 612345n -> "¥6,123.45". */
export function formatYuan(amountFen: bigint): string {
  const negative = amountFen < 0n;
  const abs = negative ? -amountFen : amountFen;
  const yuan = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}¥${yuan}.${cents}`;
}

/** Formats basis points as a percentage, e.g. 9000 -> "90%", 350 -> "3.5%". */
export function formatBp(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const fraction = Math.abs(bp % 100);
  if (fraction === 0) return `${whole}%`;
  return `${whole}.${String(fraction).padStart(2, '0').replace(/0$/, '')}%`;
}
