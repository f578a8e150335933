/** Data Pipeline's DateTime text: `YYYY-MM-DDTHH:MM:SS`, UTC, no zone suffix, no millis (api.md 1.5). */
const DT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;

export function formatDateTime(d: Date | number): string {
  const t = typeof d === 'number' ? new Date(d) : d;
  return t.toISOString().slice(0, 19);
}

/** Parse a DateTime; undefined when the text is not one (or not a real date). */
export function parseDateTime(text: string): Date | undefined {
  const m = DT.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return t;
}
