import { stepGrade } from '../rates/floating';
import { contributionDueFen, daysBetween, dueDateOf, standing } from './dues';

describe('the contribution due: payroll x benchmark x grade, rounded once, half up', () => {
  it.each([
    // payroll fen, benchmark bp, grade %, arithmetic, due fen
    [1_234_567n, 70, 120, '1,234,567 x 70 x 120 / 1,000,000 = 10,370.3628', 10_370n],
    [2_500_000n, 20, 100, '2,500,000 x 20 x 100 / 1,000,000 = 5,000', 5_000n],
    [100_000_000n, 190, 150, '100,000,000 x 190 x 150 / 1,000,000 = 2,850,000 (2.85%)', 2_850_000n],
    [125n, 40, 100, '125 x 40 x 100 / 1,000,000 = 0.5, half up', 1n],
    [124n, 40, 100, '124 x 40 x 100 / 1,000,000 = 0.496', 0n],
    [9_876_543n, 110, 50, '9,876,543 x 110 x 50 / 1,000,000 = 54,320.9865', 54_321n],
  ])('payroll %s fen at %s bp x %s%%: %s', (payroll, bp, pct, _arithmetic, due) => {
    expect(contributionDueFen(payroll, bp, pct)).toBe(due);
  });
});

describe('dues matched with receipts, and the late fee of 0.05% a day (Art. 62)', () => {
  const due = 100_000n; // ¥1,000.00
  const dueDate = dueDateOf('2025-03');

  it('falls due on the 15th of the month', () => {
    expect(dueDate).toBe('2025-03-15');
    expect(daysBetween('2025-03-15', '2025-04-14')).toBe(30);
  });

  it('charges nothing for a payment on the due date', () => {
    expect(standing(due, dueDate, [{ amountFen: due, paidOn: '2025-03-15' }], '2025-06-01')).toEqual({
      receivedFen: 100_000n,
      arrearsFen: 0n,
      lateFeeFen: 0n,
      status: 'paid',
    });
  });

  it('charges ten days on the whole due paid on the 25th', () => {
    // 100,000 fen x 10 days x 5 / 10,000 = 500 fen (¥5.00: 0.05% x 10 x ¥1,000)
    expect(standing(due, dueDate, [{ amountFen: due, paidOn: '2025-03-25' }], '2025-06-01').lateFeeFen).toBe(500n);
  });

  it('charges only the part paid late, for its own days', () => {
    // 60,000 on time; 40,000 on 14 April, 30 days late: 40,000 x 30 x 5 / 10,000 = 600 fen
    const s = standing(
      due,
      dueDate,
      [
        { amountFen: 40_000n, paidOn: '2025-04-14' },
        { amountFen: 60_000n, paidOn: '2025-03-10' },
      ],
      '2025-06-01',
    );
    expect(s).toEqual({ receivedFen: 100_000n, arrearsFen: 0n, lateFeeFen: 600n, status: 'paid' });
  });

  it('keeps the unpaid rest in arrears and accrues it up to the day asked about', () => {
    // 70,000 paid 5 days late: 70,000 x 5 = 350,000 fen-days; 30,000 unpaid 15 March -> 15 April, 31 days: 930,000
    // (350,000 + 930,000) x 5 / 10,000 = 640 fen
    const s = standing(due, dueDate, [{ amountFen: 70_000n, paidOn: '2025-03-20' }], '2025-04-15');
    expect(s).toEqual({ receivedFen: 70_000n, arrearsFen: 30_000n, lateFeeFen: 640n, status: 'part_paid' });
  });

  it('is in arrears when nothing came by the day after the due date', () => {
    // 100,000 x 1 x 5 / 10,000 = 50 fen
    expect(standing(due, dueDate, [], '2025-03-16')).toEqual({
      receivedFen: 0n,
      arrearsFen: 100_000n,
      lateFeeFen: 50n,
      status: 'in_arrears',
    });
  });

  it('is not yet due before the due date, and a receipt paid after the day asked about is not in yet', () => {
    expect(standing(due, dueDate, [{ amountFen: due, paidOn: '2025-03-20' }], '2025-03-14')).toEqual({
      receivedFen: 0n,
      arrearsFen: 0n,
      lateFeeFen: 0n,
      status: 'not_yet_due',
    });
  });

  it('rounds the late fee once, half up, to the fen', () => {
    // 3,333 x 7 days x 5 / 10,000 = 11.6655 -> 12
    expect(standing(3_333n, dueDate, [], '2025-03-22').lateFeeFen).toBe(12n);
    // 1,000 x 1 x 5 / 10,000 = 0.5 -> 1; 999 x 1 x 5 / 10,000 = 0.4995 -> 0
    expect(standing(1_000n, dueDate, [], '2025-03-16').lateFeeFen).toBe(1n);
    expect(standing(999n, dueDate, [], '2025-03-16').lateFeeFen).toBe(0n);
  });

  it('counts an overpayment as received and charges no fee on it', () => {
    expect(standing(due, dueDate, [{ amountFen: 120_000n, paidOn: '2025-03-01' }], '2025-04-01')).toEqual({
      receivedFen: 120_000n,
      arrearsFen: 0n,
      lateFeeFen: 0n,
      status: 'paid',
    });
  });
});

describe("a grade moves along its class's grades and stops at the ends", () => {
  const classTwo = [50, 80, 100, 120, 150];
  it.each([
    [classTwo, 100, -1, 80],
    [classTwo, 100, 2, 150],
    [classTwo, 120, 3, 150],
    [classTwo, 80, -2, 50],
    [[100, 120, 150], 100, -1, 100],
  ])('from %s: %s%% by %s steps is %s%%', (allowed, current, steps, expected) => {
    expect(stepGrade(allowed, current, steps)).toBe(expected);
  });
});
