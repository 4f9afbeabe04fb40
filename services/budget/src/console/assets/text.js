// What the console says: messages in the page's language, money in yuan, instants in the province's time.
// Money arrives as integer fen in decimal strings and is handled with BigInt only, never floats.

import { state } from './state.js';

/**
 * The message `key` in the page's language with `{name}` filled from `vars`. A value may itself be
 * { key, vars } (another message) or { city } (a city's name): those are said in the page's language too.
 */
export function t(key, vars = {}) {
  const messages = state.dict?.messages ?? {};
  const template = messages[state.lang]?.[key] ?? messages.en?.[key] ?? key;
  const say = (value) => {
    if (value !== null && typeof value === 'object' && 'key' in value) return t(value.key, value.vars);
    if (value !== null && typeof value === 'object' && 'city' in value) return cityName(value.city);
    return String(value);
  };
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? say(vars[name]) : whole));
}

/** A city's name in the page's language (its code when unknown). */
export function cityName(code) {
  return state.dict?.cities?.[code]?.[state.lang] ?? code;
}

/** Fen (a decimal string or bigint) as yuan for people: "¥1,234.56". */
export function formatYuan(fen) {
  const value = BigInt(fen);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const yuan = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}¥${yuan}.${cents}`;
}

/** Fen as a plain yuan number for an input field: "1234.56". */
export function yuanInputValue(fen) {
  const value = BigInt(fen);
  return `${value / 100n}.${(value % 100n).toString().padStart(2, '0')}`;
}

/** Yuan typed by a person ("1,234.5", "¥1234.56", "1234") as a fen string; null when it is not an amount. */
export function parseYuan(text) {
  const match = /^\s*¥?\s*(\d[\d,]*)(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!match) return null;
  const whole = match[1].replace(/,/g, '');
  if (!/^\d{1,16}$/.test(whole)) return null;
  return (BigInt(whole) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'))).toString();
}

/** The sum of lines in fen, as a bigint. */
export function sumFen(lines) {
  return lines.reduce((total, line) => total + BigInt(line.amountFen), 0n);
}

/** An ISO instant in the province's time (UTC+8, no daylight saving): "2027-02-05 23:59". */
export function formatInstant(iso) {
  if (!iso) return t('none');
  const local = new Date(new Date(iso).getTime() + 8 * 3600_000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
}

/** The current month in the province (UTC+8). */
export function currentMonth() {
  const local = new Date(Date.now() + 8 * 3600_000);
  return `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The month before `month` ("YYYY-MM"). */
export function previousMonth(month) {
  const [y, m] = month.split('-').map(Number);
  const index = y * 12 + (m - 1) - 1;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}
