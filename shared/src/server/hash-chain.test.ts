import { canonicalJson, chainHash, GENESIS_HASH, verifyChain } from './hash-chain';

interface Row {
  id: string;
  note: string;
  prev_hash: string;
  hash: string;
}

const hashOf = (row: Row) => chainHash({ id: row.id, note: row.note, prevHash: row.prev_hash });

function chain(count: number): Row[] {
  const rows: Row[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= count; i++) {
    const row = { id: String(i), note: `event ${i}`, prev_hash: prev, hash: '' };
    row.hash = hashOf(row);
    prev = row.hash;
    rows.push(row);
  }
  return rows;
}

/** Pages the rows in id order, as the services read their tables. */
const pages = (rows: Row[]) => async (afterId: string | null, limit: number) =>
  rows.filter((r) => afterId === null || Number(r.id) > Number(afterId)).slice(0, limit);

describe('hash chain', () => {
  it('spells equal values one way, whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: 2n, c: [3, { f: 1, e: 2 }] } })).toBe('{"a":{"c":[3,{"e":2,"f":1}],"d":"2"},"b":1}');
  });

  it('verifies an intact chain across pages', async () => {
    const rows = chain(2_500);
    expect(await verifyChain(pages(rows), hashOf)).toEqual({
      ok: true,
      checked: 2_500,
      lastId: '2500',
      lastHash: rows[2_499]!.hash,
      broken: null,
    });
  });

  it('names a row whose content changed', async () => {
    const rows = chain(5);
    rows[2]!.note = 'rewritten';
    const result = await verifyChain(pages(rows), hashOf);
    expect(result).toMatchObject({ ok: false, checked: 2, lastId: '2', broken: { id: '3' } });
    expect(result.broken!.reason).toMatch(/row 3 does not match its hash/);
  });

  it('names the row after one removed, and a chain whose first rows are gone', async () => {
    const rows = chain(5);
    const gap = await verifyChain(pages(rows.filter((r) => r.id !== '3')), hashOf);
    expect(gap.broken).toEqual({ id: '4', reason: expect.stringMatching(/row 4 does not chain to row 2/) });
    const headless = await verifyChain(pages(rows.slice(1)), hashOf);
    expect(headless.broken).toEqual({ id: '2', reason: expect.stringMatching(/first row but does not start the chain/) });
  });

  it('catches a row rewritten with a recomputed hash at the next row', async () => {
    const rows = chain(4);
    rows[1]!.note = 'forged';
    rows[1]!.hash = hashOf(rows[1]!);
    expect((await verifyChain(pages(rows), hashOf)).broken).toMatchObject({ id: '3' });
  });
});
