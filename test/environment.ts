/** What the PostgreSQL global setup (service and e2e tiers) hands to every test file. */
export interface TestDatabaseEnvironment {
  adminUrl: string;
  /** The migrated database every test database is cloned from. */
  templateDatabase: string;
}

/** What the e2e global setup hands to every test file: PostgreSQL plus the run's Temporal server. */
export interface TestEnvironment extends TestDatabaseEnvironment {
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

/** Set by test/global-setup-postgres.ts for the service and e2e tiers. */
export const DATABASE_ENVIRONMENT_VARIABLE = 'FUND_TEST_POSTGRES';
/** Set by test/global-setup.ts for the e2e tier. */
export const STACK_ENVIRONMENT_VARIABLE = 'FUND_TEST_ENVIRONMENT';

export function readTestDatabaseEnvironment(): TestDatabaseEnvironment {
  const raw = process.env[DATABASE_ENVIRONMENT_VARIABLE];
  if (!raw) {
    throw new Error(
      `${DATABASE_ENVIRONMENT_VARIABLE} is unset: a test that needs PostgreSQL is named *.service.test.ts (or lives in test/) and runs through \`npm test\` or \`npm run test:service\``,
    );
  }
  return JSON.parse(raw) as TestDatabaseEnvironment;
}

export function readTestEnvironment(): TestEnvironment {
  const raw = process.env[STACK_ENVIRONMENT_VARIABLE];
  if (!raw)
    throw new Error(
      `${STACK_ENVIRONMENT_VARIABLE} is unset: stack tests live in test/ and run through \`npm test\` or \`npm run test:e2e\``,
    );
  return JSON.parse(raw) as TestEnvironment;
}
