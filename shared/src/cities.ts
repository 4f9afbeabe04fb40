import { z } from 'zod';

/** A prefecture-level division of the demo province (docs/domain.md). */
export interface City {
  code: string;
  nameZh: string;
  nameEn: string;
  /** Resident population in 10,000s; weights synthetic data only. */
  population: number;
}

export const CITIES: readonly City[] = Object.freeze([
  { code: '620100', nameZh: '兰州市', nameEn: 'Lanzhou', population: 436 },
  { code: '620200', nameZh: '嘉峪关市', nameEn: 'Jiayuguan', population: 31 },
  { code: '620300', nameZh: '金昌市', nameEn: 'Jinchang', population: 44 },
  { code: '620400', nameZh: '白银市', nameEn: 'Baiyin', population: 151 },
  { code: '620500', nameZh: '天水市', nameEn: 'Tianshui', population: 298 },
  { code: '620600', nameZh: '武威市', nameEn: 'Wuwei', population: 146 },
  { code: '620700', nameZh: '张掖市', nameEn: 'Zhangye', population: 113 },
  { code: '620800', nameZh: '平凉市', nameEn: 'Pingliang', population: 185 },
  { code: '620900', nameZh: '酒泉市', nameEn: 'Jiuquan', population: 106 },
  { code: '621000', nameZh: '庆阳市', nameEn: 'Qingyang', population: 218 },
  { code: '621100', nameZh: '定西市', nameEn: 'Dingxi', population: 252 },
  { code: '621200', nameZh: '陇南市', nameEn: 'Longnan', population: 241 },
  { code: '622900', nameZh: '临夏回族自治州', nameEn: 'Linxia Hui Autonomous Prefecture', population: 211 },
  { code: '623000', nameZh: '甘南藏族自治州', nameEn: 'Gannan Tibetan Autonomous Prefecture', population: 69 },
]);

export const CITY_CODES: readonly string[] = CITIES.map((c) => c.code);

/** A division code of the demo province. */
export const cityCode = z
  .string()
  .refine((code) => CITY_CODES.includes(code), { message: "must be one of the province's 14 division codes" })
  .meta({ description: "division code of one of the province's 14 cities", example: '620100', enum: [...CITY_CODES] });

/** Looks a city up by its division code. */
export function cityByCode(code: string): City | undefined {
  return CITIES.find((c) => c.code === code);
}

/** Splits a whole number across the cities by population, largest remainders last so the total is exact. */
export function apportionByPopulation(total: number): Map<string, number> {
  const weight = CITIES.reduce((s, c) => s + c.population, 0);
  const shares = CITIES.map((c) => {
    const exact = (total * c.population) / weight;
    return { code: c.code, base: Math.floor(exact), rest: exact - Math.floor(exact) };
  });
  let left = total - shares.reduce((s, x) => s + x.base, 0);
  for (const share of [...shares].sort((a, b) => b.rest - a.rest)) {
    if (left <= 0) break;
    share.base += 1;
    left -= 1;
  }
  return new Map(shares.map((s) => [s.code, s.base]));
}
