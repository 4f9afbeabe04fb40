import fs from 'node:fs';
import path from 'node:path';

// The contracts' layers: api/ (the services' requests) and cycle/ (the workflows' contracts) both
// build on domain/ and never on each other, so neither drags the other into its callers.
const FORBIDDEN: Record<string, string[]> = {
  api: ['cycle'],
  cycle: ['api'],
  domain: ['api', 'cycle', 'server'],
};

const ROOT = __dirname;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every module a file names in an import or re-export (static, dynamic, type-only). */
function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^;]*?\sfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) found.push(match[1]!);
  return found;
}

/** The top folder of shared/src a relative import lands in ('' for a file at the root), or null for a package. */
function layerOf(fromFile: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const target = path.relative(ROOT, path.resolve(path.dirname(fromFile), specifier));
  return target.includes(path.sep) ? target.split(path.sep)[0]! : target;
}

describe('the layers of @fund/shared', () => {
  it.each(Object.keys(FORBIDDEN))('files under shared/src/%s import nothing from the layers they must not', (layer) => {
    const files = sourceFiles(path.join(ROOT, layer));
    expect(files.length).toBeGreaterThan(0);
    const crossings = files.flatMap((file) =>
      specifiers(fs.readFileSync(file, 'utf8'))
        .filter((s) => FORBIDDEN[layer]!.includes(layerOf(file, s) ?? ''))
        .map((s) => `${path.relative(ROOT, file)} imports ${s}`),
    );
    expect(crossings).toEqual([]);
  });

  it('sees an import that crosses, in each form a file may write it', () => {
    const file = path.join(ROOT, 'api', 'x.ts');
    const source = [
      "import type { RepayResult } from '../cycle/contracts';",
      "import {\n  actorSchema,\n  type Actor,\n} from '../cycle';",
      "export * from '../cycle/messages';",
      "const m = await import('../cycle/deadlines');",
    ].join('\n');
    expect(specifiers(source).map((s) => layerOf(file, s))).toEqual(['cycle', 'cycle', 'cycle', 'cycle']);
  });
});
