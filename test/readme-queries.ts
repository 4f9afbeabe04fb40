import fs from 'node:fs';
import path from 'node:path';

/**
 * A visibility query exactly as README.md's operator section prints it (the line whose
 * description starts with `description`), for `month` instead of the README's 2026-11.
 */
export function readmeQuery(description: string, month: string): string {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Operators'));
  const block = /```text\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  for (const line of block.split('\n')) {
    const [query, text] = line.split(/\s{2,}/);
    if (query && text?.startsWith(description)) return query.replaceAll("'2026-11'", `'${month}'`);
  }
  throw new Error(`README.md's operator queries have no line described as "${description}"`);
}
