export { budgetService } from './service';
export { loadBudgetConfig, budgetConfigSchema } from './config';
export type { BudgetConfig } from './config';
export type { BudgetDB } from './db';
export { CONSOLE_CSP } from './console/console.routes';
