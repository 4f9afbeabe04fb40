import fs from 'node:fs';
import path from 'node:path';
import { CONSOLE_MODULES } from './console.routes';
import { consoleMessages, missingDynamicKeys } from './messages';

const ASSETS = path.join(__dirname, 'assets');
const read = (file: string) => fs.readFileSync(path.join(ASSETS, file), 'utf8');
const script = () => CONSOLE_MODULES.map(read).join('\n');
const { messages } = consoleMessages();
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('reviewer console dictionary', () => {
  it('says every message in both languages, with the same placeholders', () => {
    expect(Object.keys(messages['zh-CN']).sort()).toEqual(Object.keys(messages.en).sort());
    for (const [key, en] of Object.entries(messages.en)) {
      const zh = messages['zh-CN'][key as keyof typeof messages.en];
      expect({ key, en: en.length > 0, zh: zh.length > 0 }).toEqual({ key, en: true, zh: true });
      expect({ key, placeholders: placeholders(zh) }).toEqual({ key, placeholders: placeholders(en) });
    }
  });

  it('has a message for every key the page and its script name', () => {
    expect(CONSOLE_MODULES).toContain('app.js');
    const used = new Set<string>();
    for (const m of read('index.html').matchAll(/data-i18n="([^"]+)"/g)) used.add(m[1]!);
    // t('key'), ['key', ...] and { key: 'key' }: the script's three ways of naming a message.
    for (const m of script().matchAll(/(?:\bt\(|\[|\bkey: )'([\w.]+)'/g)) used.add(m[1]!);
    expect(used.size).toBeGreaterThan(50);
    expect([...used].filter((key) => !(key in messages.en))).toEqual([]);
    expect(missingDynamicKeys()).toEqual([]);
  });

  it('keeps the page free of inline script, style and handlers (its CSP allows none)', () => {
    const html = read('index.html');
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    expect(script()).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/);
  });
});
