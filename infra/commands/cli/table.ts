import stringWidth from 'string-width';

/** Columns a string takes on a terminal: a Chinese character takes two, an ASCII one. */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

/** Pads `text` with spaces to `width` display columns. */
export function padDisplay(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/**
 * Cuts `text` to at most `width` display columns, marking the cut with "..." (ASCII: an ellipsis
 * character is ambiguous width, two columns on some Chinese terminals).
 */
export function truncateDisplay(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let kept = '';
  for (const char of text) {
    if (displayWidth(kept + char) + 3 > width) break;
    kept += char;
  }
  return `${kept.trimEnd()}...`;
}

/** A plain-text table: a header, a rule, the rows; columns two spaces apart, aligned by display width. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    widths
      .map((w, i) => padDisplay(cells[i] ?? '', w))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].map((l) => `${l}\n`).join('');
}
