/** What global setup hands to every test file. */
export interface TestEnvironment {
  adminUrl: string;
  templateDatabase: string;
  temporalAddress: string;
  temporalUiUrl: string | null;
  temporalDbFile: string;
  temporalCli: string;
  workDir: string;
  workflowBundlePath: string;
  /** The port the Web UI's codec endpoint points at (`--ui-codec-endpoint`); a test starts the codec server there. */
  codecPort: number;
}

export const TEST_ROLE_PASSWORD = 'fund-test-password';

/** The API signing secret of every service and worker a test starts. */
export const TEST_SECRET = 'test-signing-secret-of-at-least-32-characters';

/** The payload encryption key of every worker and Temporal client a test starts (base64, 32 bytes). */
export const TEST_PAYLOAD_KEY = 'dSSKS6JdAHLNrXaIS6QxtxRXWBgcTpnyKk2Jbzx2zQs=';

export function readTestEnvironment(): TestEnvironment {
  const raw = process.env.FUND_TEST_ENVIRONMENT;
  if (!raw) throw new Error('FUND_TEST_ENVIRONMENT is unset: run tests through `npm test` (jest global setup)');
  return JSON.parse(raw) as TestEnvironment;
}
