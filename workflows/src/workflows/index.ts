export { cityCycle } from './city-cycle';
export { monthlyCycle } from './monthly-cycle';
export { scheduledCycleStarter } from './scheduled-starter';
export { lateRepayment } from './late-repayment';
