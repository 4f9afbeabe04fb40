import { runServiceProcess } from '@fund/shared/server';
import { loadBudgetConfig } from './config';
import { budgetService } from './service';

runServiceProcess(() => budgetService(loadBudgetConfig()));
