// The reviewer's queue: the plans of the month waiting for this reviewer's stage.

import { openDetail } from './actions.js';
import { byId, el } from './dom.js';
import { STAGE_FOR_ROLE, state } from './state.js';
import { cityName, formatInstant, formatYuan, previousMonth, sumFen, t } from './text.js';

/** The queue row of a city, or null. */
export function rowOf(cityCode) {
  return state.rows.find((row) => row.status.cityCode === cityCode) ?? null;
}

/** A row's previous month as the queue shows it (amount and status), or null when its history has none. */
export function lastMonthOf(row) {
  const previous = previousMonth(state.rowsMonth);
  const entry = row.history?.months?.find((m) => m.month === previous);
  if (!entry) return null;
  const fen = entry.approvedFen ?? entry.plannedFen;
  return fen === null ? { text: t('none'), entry } : { text: `${formatYuan(fen)} (${t(`planStatus.${entry.status}`)})`, entry };
}

/** What is left of a row's yearly budget, as shown. */
export function remainingText(row) {
  if (!row.budget) return t('queue.unavailable');
  return formatYuan(row.budget.remainingFen);
}

/** Draws the month's queue of plans waiting for this reviewer. */
export function renderQueue() {
  const holder = byId('queue');
  const summary = byId('cycle-summary');
  holder.replaceChildren();
  summary.textContent = '';
  if (!state.view || !state.claims) return;
  const stage = STAGE_FOR_ROLE[state.claims.role];
  summary.textContent = t('queue.summary', {
    month: state.view.month,
    status: t(`cycle.${state.view.status}`),
    total: state.view.cities.length,
    waiting: state.rows.length,
  });
  if (state.rows.length === 0) {
    holder.append(el('p', {}, t('queue.empty', { month: state.view.month })));
    return;
  }
  const head = el(
    'tr',
    {},
    el('th', { attrs: { scope: 'col' } }, t('queue.city')),
    el('th', { attrs: { scope: 'col' } }, t('queue.version')),
    el('th', { attrs: { scope: 'col', class: 'money' } }, t('queue.plan')),
    el('th', { attrs: { scope: 'col', class: 'money' } }, t('queue.remaining', { year: state.rowsMonth.slice(0, 4) })),
    el('th', { attrs: { scope: 'col', class: 'money' } }, t('queue.lastMonth', { month: previousMonth(state.rowsMonth) })),
    el('th', { attrs: { scope: 'col' } }, t('queue.deadline')),
    el('th', { attrs: { scope: 'col' } }, t('queue.action')),
  );
  const body = state.rows.map((row) => {
    const { status } = row;
    const planFen = sumFen(status.plan.lines);
    const overBudget = row.budget !== null && planFen > BigInt(row.budget.remainingFen);
    const name = cityName(status.cityCode);
    return el(
      'tr',
      { attrs: { 'data-row': status.cityCode } },
      el('th', { attrs: { scope: 'row' } }, name, ' ', el('span', { attrs: { class: 'hint' } }, status.cityCode)),
      el('td', {}, String(status.plan.version)),
      el(
        'td',
        { attrs: { class: 'money', 'data-plan': status.cityCode } },
        formatYuan(planFen),
        overBudget ? el('span', { attrs: { class: 'flag' } }, t('queue.overBudget')) : null,
      ),
      el('td', { attrs: { class: 'money' } }, remainingText(row)),
      el('td', { attrs: { class: 'money' } }, lastMonthOf(row)?.text ?? t('queue.unavailable')),
      el('td', {}, formatInstant(status.deadline), status.overdue ? el('span', { attrs: { class: 'flag' } }, t('queue.overdue')) : null),
      el(
        'td',
        {},
        el(
          'button',
          {
            attrs: { type: 'button', 'data-city': status.cityCode, 'aria-label': t('queue.openLabel', { city: name }) },
            on: { click: () => openDetail(status.cityCode) },
          },
          t('queue.open'),
        ),
      ),
    );
  });
  holder.append(
    el(
      'table',
      { attrs: { id: 'queue-table' } },
      el('caption', {}, t('queue.caption', { stage: t(`stage.${stage}`), month: state.rowsMonth })),
      el('thead', {}, head),
      el('tbody', {}, body),
    ),
  );
}
