import { apportionByPopulation, CITY_CODES, cityByCode, monthOf, pickWeighted, randomInt, seededRandom } from '@fund/shared';
import type { Logger } from '@fund/shared/server';
import type { Kysely } from 'kysely';
import type { Dependant } from './benefits';
import type { DisbursementDB } from './db';
import { computeDue } from './entitlements/entitlement.compute';
import { postOpeningBalance } from './pool/pool.repository';
import { insertBeneficiaries, insertClaims, type NewBeneficiary, type NewClaim } from './register/beneficiary.repository';
import { idNumberCheckChar, luhnCheckDigit } from './register/identity';
import type { RegisterCipher } from './register/register-cipher';
import type { StandardsSource } from './standards/standards.repository';

// Most recognised injuries are minor: grades 7-10 dominate, grades 1-4 are few.
const GRADE_WEIGHTS = [1, 2, 3, 4, 6, 9, 14, 18, 20, 23];
const SURNAMES = [...'王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎'];
const GIVEN = [...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰文斌宁燕鹏辉建国红梅亮海林峰'];
const BANKS = ['中国工商银行', '中国农业银行', '中国银行', '中国建设银行', '中国邮政储蓄银行', '甘肃银行', '兰州银行'];
const HOSPITALS_PER_CITY = 2;
// Demo yearly figures start in 2022 and the own wage reads the year before recognition.
const EARLIEST_CASE = Date.UTC(2023, 0, 1);

/**
 * Synthetic beneficiary register for the demo province: `beneficiaries` payees apportioned by
 * population (workers of every grade, some on nursing care, some retired or suspended, deceased
 * workers' dependant households, two hospitals per city), about 0.5% with invalid bank details
 * so the returned-payment path shows, a few approved one-time claims and medical settlements
 * per city, a few cases the fraud rules hold (see `plantSuspiciousCases`), ID numbers and accounts
 * sealed under the register key like every register write, and an opening
 * balance of the special account covering two months of payouts.
 * Runs only on an empty register; set-based inserts keep 20,000 beneficiaries to seconds.
 */
export async function seedDisbursement(
  db: Kysely<DisbursementDB>,
  logger: Logger,
  options: { beneficiaries: number; standards: StandardsSource; cipher: RegisterCipher; now?: Date },
): Promise<void> {
  const existing = await db.selectFrom('beneficiaries').select('id').limit(1).executeTakeFirst();
  if (existing) return;
  const now = options.now ?? new Date();
  const random = seededRandom(20240201);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const chance = (p: number) => random() < p;
  const lastCaseDay = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0);
  const dayBetween = (from: number, to: number) => isoDay(from + Math.floor(random() * Math.max(1, (to - from) / DAY)) * DAY);
  let serial = 0;
  const idNumber = (city: string, born: string) => {
    serial += 1;
    const body = `${city.slice(0, 4)}${String(2 + (serial % 4)).padStart(2, '0')}${born.replaceAll('-', '')}${String(serial % 1000).padStart(3, '0')}`;
    return `${body}${idNumberCheckChar(body)}`;
  };
  const bankAccount = () => {
    const body = `6217${Array.from({ length: 14 }, () => randomInt(random, 0, 9)).join('')}`;
    return `${body}${luhnCheckDigit(body)}`;
  };
  const person = () => `${pick(SURNAMES)}${pick(GIVEN)}${chance(0.6) ? pick(GIVEN) : ''}`;
  const payee = (city: string) => ({
    cityCode: city,
    bankAccount: bankAccount(),
    bankName: pick(BANKS),
    bankStatus: chance(0.005) ? ('invalid' as const) : ('valid' as const),
  });

  const rows: NewBeneficiary[] = [];
  // Indexes into `rows` of the recent cases that get a one-time claim.
  const claimants: { index: number; type: NewClaim['type']; status: 'approved' | 'pending'; billedFen?: bigint }[] = [];
  for (const [city, count] of apportionByPopulation(options.beneficiaries)) {
    const hospitals = Math.min(HOSPITALS_PER_CITY, Math.floor(count / 10));
    for (let h = 0; h < hospitals; h++) {
      claimants.push({
        index: rows.length,
        type: 'medical_settlement',
        status: 'approved',
        billedFen: BigInt(randomInt(random, 2_000_000, 30_000_000)),
      });
      rows.push({
        ...payee(city),
        bankStatus: 'valid',
        kind: 'hospital',
        name: `${cityByCode(city)?.nameZh ?? city}第${h + 1}人民医院`,
        idNumber: `12${city}${Array.from({ length: 10 }, () => randomInt(random, 0, 9)).join('')}`,
      });
    }
    let recentWorkers = 0;
    let recentDeaths = 0;
    for (let i = hospitals; i < count; i++) {
      const ownWageFen = BigInt(randomInt(random, 300_000, 1_200_000));
      const born = dayBetween(Date.UTC(1962, 0, 1), Date.UTC(2000, 11, 31));
      if (chance(0.05)) {
        // A deceased worker's household: the representative is paid the dependants' pensions.
        const recent = recentDeaths < 2;
        const deathDate = recent ? dayBetween(lastCaseDay - 60 * DAY, lastCaseDay) : dayBetween(EARLIEST_CASE + 90 * DAY, lastCaseDay);
        const byInjury = chance(0.85);
        const recognised = Math.max(EARLIEST_CASE, Date.parse(deathDate) - randomInt(random, 0, 60) * DAY);
        if (recent) {
          recentDeaths += 1;
          claimants.push({ index: rows.length, type: 'death_benefits', status: 'approved' });
        }
        rows.push({
          ...payee(city),
          kind: 'dependant_household',
          name: person(),
          idNumber: idNumber(city, born),
          status: 'deceased',
          disabilityGrade: byInjury ? null : randomInt(random, 1, 4),
          ownWageFen,
          injuryRecognitionDate: isoDay(recognised),
          deathDate,
          deathCause: byInjury ? 'work_injury' : 'other',
          dependants: dependants(random),
        });
        continue;
      }
      const grade = pickWeighted(random, GRADE_WEIGHTS) + 1;
      const recent = grade >= 5 && recentWorkers < 3;
      const recognised = recent ? dayBetween(lastCaseDay - 90 * DAY, lastCaseDay) : dayBetween(EARLIEST_CASE, lastCaseDay);
      if (recent) {
        recentWorkers += 1;
        claimants.push({ index: rows.length, type: 'disability_subsidy', status: recentWorkers === 3 ? 'pending' : 'approved' });
      }
      const nursing = chance(grade <= 2 ? 0.6 : grade <= 4 ? 0.3 : grade <= 6 ? 0.1 : 0.02);
      const retired = !recent && chance(0.03);
      rows.push({
        ...payee(city),
        kind: 'worker',
        name: person(),
        idNumber: idNumber(city, born),
        status: retired ? 'retired' : !recent && chance(0.01) ? 'suspended' : 'active',
        disabilityGrade: grade,
        ownWageFen,
        nursingLevel: nursing ? pick(['full', 'most', 'partial'] as const) : null,
        injuryRecognitionDate: recognised,
        retirementDate: retired ? dayBetween(Date.parse(recognised), lastCaseDay) : null,
      });
    }
  }

  const planted = plantSuspiciousCases(rows, new Set(claimants.map((c) => c.index)), bankAccount());

  const started = Date.now();
  const ids = await insertBeneficiaries(db, rows, options.cipher);
  const claims = claimants.map((c): NewClaim => {
    const row = rows[c.index] as NewBeneficiary;
    return {
      beneficiaryId: ids[c.index] as string,
      cityCode: row.cityCode,
      type: c.type,
      status: c.status,
      billedFen: c.billedFen ?? null,
      approvedAt: c.status === 'approved' ? now : null,
    };
  });
  await insertClaims(db, claims);

  // Two months of what the register owes now, so the first month can pay before transfers are large.
  const month = monthOf(now);
  let monthly = 0n;
  const rules = await options.standards.load(db);
  for (const city of CITY_CODES) {
    for (const e of await computeDue(db, month, city, rules)) monthly += e.amountFen;
  }
  await postOpeningBalance(db, month, monthly * 2n);
  logger.info(
    {
      beneficiaries: rows.length,
      claims: claims.length,
      suspiciousCases: planted,
      openingBalanceFen: (monthly * 2n).toString(),
      ms: Date.now() - started,
    },
    'seeded demo beneficiary register and opening balance',
  );
}

/** Where the demo's suspicious cases go: the two largest cities, so even a small register has them. */
const SHARED_ACCOUNT_CITY = '620100';
const SECOND_REGISTRATION_CITY = '620500';
/** Unrelated people paid into one account: more than the rule's limit of 3 households. */
const SHARED_ACCOUNT_HOLDERS = 5;

/**
 * Makes a few long-term cases of the register suspicious, in place (the register keeps its size),
 * so a demo month shows payments held for review: one person registered in two cities (the same
 * ID number in Lanzhou and Tianshui, both drawing a grade 2 allowance), and five unrelated grade 2
 * workers of Lanzhou whose allowances all go into one bank account. Claimants are left alone.
 * Returns what was planted (nothing on a register too small to hold it).
 */
function plantSuspiciousCases(
  rows: NewBeneficiary[],
  claimants: ReadonlySet<number>,
  sharedAccount: string,
): { duplicateIdNumber: number; sharedAccountHolders: number } {
  const longTermWorkers = (city: string) =>
    rows.flatMap((r, i) => (r.cityCode === city && r.kind === 'worker' && r.status === 'active' && !claimants.has(i) ? [r] : []));
  const asGrade2 = (r: NewBeneficiary) =>
    Object.assign(r, { disabilityGrade: 2, nursingLevel: null, status: 'active', retirementDate: null, bankStatus: 'valid' });
  const inLanzhou = longTermWorkers(SHARED_ACCOUNT_CITY);
  const inTianshui = longTermWorkers(SECOND_REGISTRATION_CITY);
  let duplicateIdNumber = 0;
  const [original, ...lanzhou] = inLanzhou;
  const [copy] = inTianshui;
  if (original && copy) {
    asGrade2(original);
    asGrade2(copy).idNumber = original.idNumber;
    duplicateIdNumber = 2;
  }
  const sharing = lanzhou.slice(0, SHARED_ACCOUNT_HOLDERS);
  if (sharing.length < SHARED_ACCOUNT_HOLDERS) return { duplicateIdNumber, sharedAccountHolders: 0 };
  for (const r of sharing) asGrade2(r).bankAccount = sharedAccount;
  return { duplicateIdNumber, sharedAccountHolders: sharing.length };
}

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function dependants(random: () => number): Dependant[] {
  const out: Dependant[] = [];
  const spouse = random() < 0.8;
  if (spouse) out.push({ relation: 'spouse', loneElderlyOrOrphan: false });
  for (let i = randomInt(random, 0, 2); i > 0; i--) out.push({ relation: 'child', loneElderlyOrOrphan: !spouse });
  if (random() < 0.3) out.push({ relation: 'parent', loneElderlyOrOrphan: random() < 0.3 });
  if (out.length === 0) out.push({ relation: 'parent', loneElderlyOrOrphan: true });
  return out;
}
