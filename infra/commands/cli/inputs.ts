import { cityCode, monthString } from '@fund/shared';
import { z } from 'zod';
import type { ArgumentSpec, OptionSpec } from './parser';

/** The month argument of the cycle commands. */
export const MONTH_ARG: ArgumentSpec = { name: 'month', description: 'the cycle month, YYYY-MM (2026-11)' };
/** The city argument: a division code of the province. */
export const CITY_ARG: ArgumentSpec = { name: 'city', description: "the city's division code (620100 for 兰州市)" };
/** `--json`, on every command that prints data. */
export const JSON_OPTION: OptionSpec = { name: 'json', description: 'print one JSON document on stdout instead of text' };

export const month = monthString;
export const city = cityCode;
export const json = z.boolean().default(false);
