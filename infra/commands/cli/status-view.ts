import { cityByCode, formatYuan, STAGES, sumFen, type CityStatus } from '@fund/shared';
import { renderTable, truncateDisplay } from './table';

/** GET /cycles/:month as the budget service answers it. */
export interface CycleView {
  month: string;
  status: 'running' | 'closed' | 'failed';
  cities: CityStatus[];
  reconciliation: { balanced: boolean; totals: Record<string, string>; checks: { name: string; ok: boolean; detail: string }[] } | null;
}

function bar(done: number, total: number, width = 20): string {
  if (total === 0) return ''.padEnd(width + 7);
  const filled = Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor((done / total) * 100)).padStart(3)}%`;
}

const yuanOrDash = (fen: string | null) => (fen ? formatYuan(fen) : '-');

/** The per-city table of a month, with the reconciliation under it once there is one. */
export function renderStatus(view: CycleView): string {
  const rows = view.cities.map((c) => {
    const city = cityByCode(c.cityCode);
    const planned = c.plan ? formatYuan(sumFen(c.plan.lines.map((l) => l.amountFen))) : '-';
    const payout = c.payout
      ? `${bar(c.payout.paid, c.payout.total)} ${c.payout.paid}/${c.payout.total}${c.payout.failed ? ` (${c.payout.failed} returned)` : ''}`
      : '';
    return [
      c.cityCode,
      city?.nameZh ?? '',
      truncateDisplay(city?.nameEn ?? '', 14),
      c.stage,
      c.waitingFor,
      c.overdue ? 'OVERDUE' : '',
      yuanOrDash(c.transferredFen),
      planned,
      yuanOrDash(c.allocatedFen),
      payout,
    ];
  });
  const header = ['city', 'name', 'name (en)', 'stage', 'waiting for', 'overdue', 'transferred', 'planned', 'allocated', 'payout'];
  let text = `cycle ${view.month}: ${view.status}\n${renderTable(header, rows)}`;
  if (view.reconciliation) {
    const r = view.reconciliation;
    text += `\nreconciliation: ${r.balanced ? 'balanced' : 'NOT BALANCED'}; paid ${formatYuan(r.totals.paidFen ?? '0')} of ${formatYuan(r.totals.allocatedFen ?? '0')} allocated\n`;
    for (const check of r.checks.filter((c) => !c.ok)) text += `  failed: ${check.name} (${check.detail})\n`;
  }
  return text;
}

/** One line on how far a running month has got: closed cities, and how many cities stand at each other stage. */
export function progressLine(view: CycleView): string {
  const closed = view.cities.filter((c) => c.stage === 'closed').length;
  const counts = STAGES.filter((s) => s !== 'closed')
    .map((stage) => [stage, view.cities.filter((c) => c.stage === stage).length] as const)
    .filter(([, n]) => n > 0)
    .map(([stage, n]) => `${stage} ${n}`);
  return `waiting: ${closed} of ${view.cities.length} cities closed${counts.length > 0 ? `; at ${counts.join(', ')}` : ''}`;
}
