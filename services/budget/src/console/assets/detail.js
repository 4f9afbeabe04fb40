// One plan opened for review: its lines against the budget, its history, its decisions, and the decision form.

import { closeDetail, sendDecision } from './actions.js';
import { byId, el } from './dom.js';
import { lastMonthOf, remainingText, rowOf } from './queue.js';
import { state } from './state.js';
import { cityName, formatInstant, formatYuan, sumFen, t } from './text.js';

/** Draws the open plan, with the cut inputs for a finance reviewer. */
export function renderDetail() {
  const section = byId('detail');
  section.replaceChildren();
  const row = state.openCity ? rowOf(state.openCity) : null;
  if (!row || !state.claims) return;
  const { status } = row;
  const plan = status.plan;
  const name = cityName(status.cityCode);
  const finance = state.claims.role === 'finance_reviewer';
  const planFen = sumFen(plan.lines);
  const budgetByCategory = new Map((row.budget?.lines ?? []).map((line) => [line.category, line]));
  const draft = state.draft;

  const lineRows = plan.lines.map((line) => {
    const label = t(`category.${line.category}`);
    const remaining = budgetByCategory.get(line.category);
    const cells = [
      el('th', { attrs: { scope: 'row' } }, label),
      el('td', { attrs: { class: 'money' } }, String(line.count)),
      el('td', { attrs: { class: 'money' } }, formatYuan(line.amountFen)),
      el('td', { attrs: { class: 'money' } }, remaining ? formatYuan(remaining.remainingFen) : t('queue.unavailable')),
    ];
    if (finance) {
      const cut = draft.cuts[line.category];
      cells.push(
        el(
          'td',
          {},
          el('input', {
            attrs: {
              id: `cut-count-${line.category}`,
              class: 'count-input',
              inputmode: 'numeric',
              autocomplete: 'off',
              'aria-label': t('detail.cutCountLabel', { category: label }),
            },
            props: { value: cut.count },
            on: { input: (event) => (cut.count = event.target.value) },
          }),
        ),
        el(
          'td',
          {},
          el('input', {
            attrs: {
              id: `cut-amount-${line.category}`,
              class: 'amount-input',
              inputmode: 'decimal',
              autocomplete: 'off',
              'aria-label': t('detail.cutAmountLabel', { category: label }),
            },
            props: { value: cut.amount },
            on: { input: (event) => (cut.amount = event.target.value) },
          }),
        ),
      );
    }
    return el('tr', {}, cells);
  });

  const lineHead = [
    el('th', { attrs: { scope: 'col' } }, t('detail.category')),
    el('th', { attrs: { scope: 'col', class: 'money' } }, t('detail.count')),
    el('th', { attrs: { scope: 'col', class: 'money' } }, t('detail.amount')),
    el('th', { attrs: { scope: 'col', class: 'money' } }, t('detail.categoryRemaining')),
  ];
  if (finance)
    lineHead.push(
      el('th', { attrs: { scope: 'col' } }, t('detail.cutCount')),
      el('th', { attrs: { scope: 'col' } }, t('detail.cutAmount')),
    );

  const history = (row.history?.months ?? []).map((m) =>
    el(
      'tr',
      {},
      el('th', { attrs: { scope: 'row' } }, m.month),
      el('td', {}, t(`planStatus.${m.status}`)),
      el('td', { attrs: { class: 'money' } }, m.plannedFen === null ? t('none') : formatYuan(m.plannedFen)),
      el('td', { attrs: { class: 'money' } }, m.approvedFen === null ? t('none') : formatYuan(m.approvedFen)),
    ),
  );

  const decisions = status.decisions.map((d) =>
    el(
      'li',
      {},
      t('decision.entry', {
        at: formatInstant(d.at),
        version: d.planVersion,
        step: t(`step.${d.step}`),
        decision: t(`kind.${d.decision}`),
        user: d.userId,
        role: t(`role.${d.role}`),
      }),
      d.reason ? el('div', {}, t('decision.reason', { reason: d.reason })) : null,
    ),
  );

  const decide = (kind) => () => sendDecision(kind);
  section.append(
    el(
      'h2',
      { attrs: { id: 'detail-heading', tabindex: '-1' } },
      t('detail.heading', { city: name, month: status.month, version: plan.version }),
    ),
    el('button', { attrs: { type: 'button', id: 'back', class: 'secondary' }, on: { click: closeDetail } }, t('detail.back')),
    el(
      'p',
      {},
      t('detail.stage', { stage: t(`stage.${status.stage}`), deadline: formatInstant(status.deadline) }),
      status.overdue ? el('span', { attrs: { class: 'flag' } }, t('queue.overdue')) : null,
    ),
    el(
      'p',
      { attrs: { class: 'compare', id: 'compare' } },
      t('detail.compare', {
        plan: formatYuan(planFen),
        remaining: remainingText(row),
        last: lastMonthOf(row)?.text ?? t('queue.unavailable'),
      }),
    ),
    el('h3', { attrs: { id: 'lines-heading' } }, t('detail.lines')),
    el(
      'table',
      { attrs: { id: 'lines', 'aria-labelledby': 'lines-heading' } },
      el('thead', {}, el('tr', {}, lineHead)),
      el('tbody', {}, lineRows),
      el(
        'tfoot',
        {},
        el(
          'tr',
          {},
          el('th', { attrs: { scope: 'row' } }, t('detail.total')),
          el('td', { attrs: { class: 'money' } }, String(plan.lines.reduce((n, l) => n + l.count, 0))),
          el('td', { attrs: { class: 'money' } }, formatYuan(planFen)),
          el('td', { attrs: { class: 'money' } }, remainingText(row)),
          finance ? el('td', { attrs: { colspan: '2' } }) : null,
        ),
      ),
    ),
    el(
      'div',
      { attrs: { class: 'cols' } },
      el(
        'div',
        {},
        el('h3', { attrs: { id: 'history-heading' } }, t('detail.history', { city: name })),
        el(
          'table',
          { attrs: { 'aria-labelledby': 'history-heading' } },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              el('th', { attrs: { scope: 'col' } }, t('history.month')),
              el('th', { attrs: { scope: 'col' } }, t('history.status')),
              el('th', { attrs: { scope: 'col', class: 'money' } }, t('history.planned')),
              el('th', { attrs: { scope: 'col', class: 'money' } }, t('history.approved')),
            ),
          ),
          el('tbody', {}, history),
        ),
      ),
      el(
        'div',
        {},
        el('h3', {}, t('detail.decisions')),
        decisions.length ? el('ol', { attrs: { class: 'decisions' } }, decisions) : el('p', {}, t('detail.noDecisions')),
      ),
    ),
    el('h3', { attrs: { id: 'decide-heading' } }, t('decide.heading')),
    el(
      'div',
      { attrs: { role: 'group', 'aria-labelledby': 'decide-heading' } },
      el('label', { attrs: { for: 'reason' } }, t('decide.reason')),
      el('textarea', {
        attrs: { id: 'reason', rows: '3', maxlength: '2000' },
        props: { value: draft.reason },
        on: { input: (event) => (state.draft.reason = event.target.value) },
      }),
      el(
        'div',
        { attrs: { class: 'actions' } },
        el('button', { attrs: { type: 'button', id: 'approve' }, on: { click: decide('approve') } }, t('decide.approve')),
        el('button', { attrs: { type: 'button', id: 'return', class: 'danger' }, on: { click: decide('return') } }, t('decide.return')),
        finance
          ? el('button', { attrs: { type: 'button', id: 'cut', class: 'secondary' }, on: { click: decide('cut') } }, t('decide.cut'))
          : null,
      ),
    ),
  );
}
