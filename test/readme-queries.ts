import fs from 'node:fs';
import path from 'node:path';

/**
 * A visibility query exactly as the operators' section of docs/operations.md prints it (the line
 * whose description starts with `description`), for `month` instead of the page's 2026-11.
 */
export function readmeQuery(description: string, month: string): string {
  const page = fs.readFileSync(path.join(__dirname, '..', 'docs', 'operations.md'), 'utf8');
  const section = page.slice(page.indexOf('## Operators'));
  const block = /```text\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  for (const line of block.split('\n')) {
    const [query, text] = line.split(/\s{2,}/);
    if (query && text?.startsWith(description)) return query.replaceAll("'2026-11'", `'${month}'`);
  }
  throw new Error(`docs/operations.md's operator queries have no line described as "${description}"`);
}
