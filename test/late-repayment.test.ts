import { cityWorkflowId, type CityStatus } from '@fund/shared';
import { issueToken } from '@fund/shared/server';
import { approveEverything, expectBalancedMonth, waitFor } from './drive';
import { startTestStack, TEST_SECRET, type TestStack } from './stack';

// Months used by this file only.
const MONTH = '2027-12';
const LANZHOU = '620100';
const WRONG_ACCOUNTS = 3;

async function correctBankAccount(stack: TestStack, beneficiaryId: string, bankAccount: string) {
  const token = await issueToken(TEST_SECRET, { userId: 'ops-1', role: 'operator' });
  const response = await fetch(`${stack.disbursement.url}/beneficiaries/${beneficiaryId}/bank-account`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ bankAccount, bankName: 'Bank of Lanzhou' }),
  });
  expect(response.status).toBe(200);
}

describe('a payment still returned when its month closes', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // Short days: the payout deadline passes while the returned payments wait for an operator.
    stack = await startTestStack({ beneficiaries: 700, dayMs: 1_500 });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('is paid once, through a late re-payment workflow, after the bank details are corrected', async () => {
    await stack.sql(`update disbursement.beneficiaries set bank_status = 'valid' where bank_status = 'invalid'`);
    const invalid = await stack.sql<{ id: string }>(
      `update disbursement.beneficiaries set bank_status = 'invalid' where id in (
         select b.id from disbursement.beneficiaries b where b.city_code = $1 and b.kind = 'worker' and b.status = 'active'
           and b.disability_grade <= 4 and b.death_date is null and b.retirement_date is null
           -- not one of the cases the demo plants for the fraud rules, whose payments are held, not sent
           and not exists (select 1 from disbursement.beneficiaries o where o.id <> b.id
             and (o.bank_account_hash = b.bank_account_hash or o.id_number_hash = b.id_number_hash))
         order by b.id limit ${WRONG_ACCOUNTS})
       returning id::text`,
      [LANZHOU],
    );
    expect(invalid).toHaveLength(WRONG_ACCOUNTS);

    expect((await stack.api('POST', '/cycles', 'provincial_agency', { month: MONTH })).status).toBe(201);
    await approveEverything(stack, MONTH);
    const closed = await waitFor(stack, MONTH, (v) => v.status === 'closed', 150_000);
    await expectBalancedMonth(stack, closed);
    const lanzhou = (view: { cities: CityStatus[] }) => view.cities.find((c) => c.cityCode === LANZHOU)!;
    const returnedAtClose = lanzhou(closed).payout!.failed;
    // Returned: the payees with wrong accounts whose payments the supervision rules did not hold.
    const returned = await stack.sql<{ id: string; n: number }>(
      `select beneficiary_id::text as id, count(*)::int as n from disbursement.payments
       where month = $1 and city_code = $2 and status = 'failed' group by beneficiary_id`,
      [MONTH, LANZHOU],
    );
    // Every entitlement of the payees with wrong accounts was returned (a failure shows what happened
    // instead: held, with its reason, or paid), and nobody else's.
    const theirs = await stack.sql<{ id: string; status: string; hold_reason: string | null }>(
      `select beneficiary_id::text as id, status, hold_reason from disbursement.entitlements
       where payout_month = $1 and beneficiary_id = any($2::bigint[]) order by id`,
      [MONTH, invalid.map((b) => b.id)],
    );
    expect(theirs.filter((e) => e.status !== 'failed')).toEqual([]);
    expect([...new Set(theirs.map((e) => e.id))].sort()).toEqual(invalid.map((b) => b.id).sort());
    expect(returned.map((b) => b.id).sort()).toEqual(invalid.map((b) => b.id).sort());
    const RETURNED = returned.reduce((sum, b) => sum + b.n, 0);
    expect(returnedAtClose).toBe(RETURNED);
    const closedCity = closed.reconciliation.cities.find((c: { cityCode: string }) => c.cityCode === LANZHOU);
    expect(BigInt(closedCity.returnedFen)).toBeGreaterThan(0n);

    // Nothing corrected yet: the late re-payment pays nothing and says so.
    const early = await stack.api<CityStatus>('POST', `/cycles/${MONTH}/cities/${LANZHOU}/repay`, 'operator');
    expect(early.status).toBe(200);
    expect(early.body.payout).toMatchObject({ failed: returnedAtClose });

    for (const [i, b] of returned.entries()) await correctBankAccount(stack, b.id, `62220202009988776${50 + i}`);
    // A city agency may ask only for its own city.
    const otherCity = await stack.api('POST', `/cycles/${MONTH}/cities/${LANZHOU}/repay`, 'city_agency', undefined, { cityCode: '620200' });
    expect(otherCity.status).toBe(403);
    const repaid = await stack.api<CityStatus>('POST', `/cycles/${MONTH}/cities/${LANZHOU}/repay`, 'city_agency', undefined, {
      userId: 'agency-620100',
      cityCode: LANZHOU,
    });
    expect(repaid.status).toBe(200);
    expect(repaid.body).toMatchObject({ stage: 'closed', payout: { failed: 0, paid: lanzhou(closed).payout!.paid + RETURNED } });

    // Asked again: nothing more is paid.
    const again = await stack.api<CityStatus>('POST', `/cycles/${MONTH}/cities/${LANZHOU}/repay`, 'operator');
    expect(again.body.payout).toEqual(repaid.body.payout);
    const paidTwice = await stack.sql(
      `select entitlement_id from disbursement.payments where status = 'paid' group by entitlement_id having count(*) > 1`,
    );
    expect(paidTwice).toEqual([]);
    const repaidRows = await stack.sql<{ beneficiary_id: string; attempt: number }>(
      `select beneficiary_id::text, attempt from disbursement.payments where month = $1 and city_code = $2 and status = 'paid' and attempt > 1`,
      [MONTH, LANZHOU],
    );
    expect([...new Set(repaidRows.map((r) => r.beneficiary_id))].sort()).toEqual(returned.map((b) => b.id).sort());
    expect(repaidRows).toHaveLength(RETURNED);

    // The month's books still balance: what was returned is now paid, from the same allocation.
    const token = await issueToken(TEST_SECRET, { userId: 'ops-1', role: 'operator' });
    const books = (await (
      await fetch(`${stack.disbursement.url}/reconciliation/${MONTH}/${LANZHOU}`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { paidFen: string; returnedFen: string; unspentFen: string; allocatedFen: string };
    expect(BigInt(books.returnedFen)).toBe(
      BigInt(closedCity.returnedFen) - BigInt(repaid.body.payout!.paidFen) + BigInt(lanzhou(closed).payout!.paidFen),
    );
    expect(books.allocatedFen).toBe(closedCity.allocatedFen);
    expect(BigInt(books.allocatedFen)).toBe(BigInt(books.paidFen) + BigInt(books.returnedFen) + BigInt(books.unspentFen));
    const unbalanced = await stack.sql(`select entry_id from disbursement.ledger_postings group by entry_id having sum(amount_fen) <> 0`);
    expect(unbalanced).toEqual([]);

    // Each request is a workflow of its own, found with the month's search attributes.
    let late: string[] = [];
    for (let i = 0; i < 40 && late.length < 3; i++) {
      late = [];
      const query = `CycleMonth = '${MONTH}' AND CityCode = '${LANZHOU}' AND WorkflowType = 'lateRepayment'`;
      for await (const w of stack.client.workflow.list({ query })) late.push(w.workflowId);
      if (late.length < 3) await new Promise((r) => setTimeout(r, 250));
    }
    expect(late).toHaveLength(3);
    expect(late.every((id) => id.startsWith(`${cityWorkflowId(MONTH, LANZHOU)}:late-repay:`))).toBe(true);
  }, 240_000);
});
