export { disbursementService, type DisbursementDeps } from './service';
export { loadDisbursementConfig, disbursementConfigSchema } from './config';
export type { DisbursementDB } from './db';
export { DEMO_STANDARDS, type BenefitStandard } from './benefits';
// The request schemas of the supervision and standards routes, for the generated-input test.
export { holdDecisionSchema } from './holds/hold.schema';
export { publishStandardSchema, publishYearlyParametersSchema } from './standards/standards.schema';
export { RegisterCipher } from './register/register-cipher';
