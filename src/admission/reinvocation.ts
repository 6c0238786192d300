/**
 * The reinvocation context of one request's mutating phase
 * (k8s.io/apiserver/pkg/admission/reinvocation.go and attributes, restated):
 * the chain runs the mutating plugins once and, when some plugin asked for it,
 * once more with `isReinvoke()` true. Plugins keep their own per-request
 * state under their name (`value`/`setValue`).
 */

/** Per-request reinvocation state. */
export interface ReinvocationContext {
  /** True during the reinvocation round. */
  isReinvoke(): boolean;
  /** Marks the round as a reinvocation (the chain calls this). */
  setIsReinvoke(): void;
  /** True when some plugin asked for a reinvocation round. */
  shouldReinvoke(): boolean;
  /** Asks for a reinvocation round after the current one. */
  setShouldReinvoke(): void;
  /** Per-plugin state, by key (a plugin's name). */
  value(key: string): unknown;
  setValue(key: string, v: unknown): void;
}

/** A fresh context. */
export function newReinvocationContext(): ReinvocationContext {
  let reinvoke = false;
  let should = false;
  const values = new Map<string, unknown>();
  return {
    isReinvoke: () => reinvoke,
    setIsReinvoke: () => {
      reinvoke = true;
      should = false;
    },
    shouldReinvoke: () => should,
    setShouldReinvoke: () => {
      should = true;
    },
    value: (key) => values.get(key),
    setValue: (key, v) => {
      values.set(key, v);
    },
  };
}
