/** Per-object time settings, read from the run's definition with the service's defaults. */
import { parsePeriod, periodMs } from '../../protocol/period.js';
import type { CompiledDefinition } from '../core/compiled.js';
import type { Limits } from '../core/limits.js';

export function periodFieldMs(def: CompiledDefinition, id: string, key: string, limits: Limits): number | undefined {
  const text = def.value(id, key);
  if (text === undefined) return undefined;
  const p = parsePeriod(text, { allowSeconds: limits.relaxed });
  return p ? periodMs(p) : undefined;
}

export function retryDelayMs(def: CompiledDefinition, id: string, limits: Limits): number {
  return periodFieldMs(def, id, 'retryDelay', limits) ?? limits.defaultRetryDelayMs;
}

export function progressTimeoutMs(def: CompiledDefinition, id: string, limits: Limits): number {
  return periodFieldMs(def, id, 'reportProgressTimeout', limits) ?? limits.progressTimeoutMs;
}

export function isCascade(def: CompiledDefinition, id: string): boolean {
  return (def.value(id, 'failureAndRerunMode') ?? '').toLowerCase() === 'cascade';
}
