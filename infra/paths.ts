import path from 'node:path';

/** Repository root. */
export const ROOT = path.resolve(__dirname, '..');
/** Ignored folder for tools built or fetched once (the Temporal CLI). */
export const TOOLS_DIR = path.join(ROOT, '.tools');
/** Ignored folder for the local stack's data (Temporal's SQLite file, embedded PostgreSQL). */
export const DATA_DIR = process.env.FUND_DATA_DIR ?? path.join(ROOT, '.data');
