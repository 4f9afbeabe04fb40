export { disbursementService, type DisbursementDeps } from './service';
export { loadDisbursementConfig, disbursementConfigSchema } from './config';
export type { DisbursementDB } from './db';
export { DEMO_STANDARDS, type BenefitStandard } from './benefits';
