/** Collects validation messages per object id, in first-seen order, in the API's {id, errors|warnings} shape. */

export interface IdErrors {
  id: string;
  errors: string[];
}
export interface IdWarnings {
  id: string;
  warnings: string[];
}

/** AWS's message style: `CODE:  text` (two spaces, as in the ValidatePipelineDefinition example). */
export function msg(code: string, text: string): string {
  return `${code}:  ${text}`;
}

/** A value quoted for a message; field values may be 10 KB and a message is capped at 10,000 characters. */
export function q(value: string | undefined): string {
  const v = value ?? '';
  return `'${v.length > 200 ? `${v.slice(0, 200)}...` : v}'`;
}

export class Report {
  private readonly errs = new Map<string, string[]>();
  private readonly warns = new Map<string, string[]>();

  error(id: string, message: string): void {
    push(this.errs, id, message);
  }
  warn(id: string, message: string): void {
    push(this.warns, id, message);
  }
  get errorCount(): number {
    let n = 0;
    for (const v of this.errs.values()) n += v.length;
    return n;
  }
  errors(): IdErrors[] {
    return [...this.errs].map(([id, errors]) => ({ id, errors }));
  }
  warnings(): IdWarnings[] {
    return [...this.warns].map(([id, warnings]) => ({ id, warnings }));
  }
}

function push(m: Map<string, string[]>, id: string, message: string): void {
  const list = m.get(id);
  if (!list) m.set(id, [message]);
  else if (!list.includes(message)) list.push(message); // the same finding from two paths is reported once
}
