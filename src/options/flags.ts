/**
 * A small flag parser with kube-apiserver's conventions: `--name=value` or
 * `--name value`, booleans as `--name`, `--name=true|false`.
 */

export interface FlagSpec {
  name: string;
  type: 'string' | 'int' | 'bool' | 'duration';
  default: string;
  help: string;
}

export type FlagValues = Record<string, string>;

/** Parses argv against specs; unknown flags and bad values throw with a clear message. */
export function parseFlags(argv: string[], specs: FlagSpec[]): { values: FlagValues; args: string[] } {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const values: FlagValues = Object.fromEntries(specs.map((s) => [s.name, s.default]));
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      args.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
    const spec = byName.get(name);
    if (!spec) throw new Error(`unknown flag: --${name}`);
    let value: string;
    if (eq >= 0) value = a.slice(eq + 1);
    else if (spec.type === 'bool') value = 'true';
    else {
      if (i + 1 >= argv.length) throw new Error(`flag needs an argument: --${name}`);
      value = argv[++i];
    }
    if (spec.type === 'int' && !/^-?\d+$/.test(value)) throw new Error(`invalid argument "${value}" for "--${name}" flag: not an integer`);
    if (spec.type === 'bool' && !/^(1|t|T|true|TRUE|True|0|f|F|false|FALSE|False)$/.test(value)) {
      throw new Error(`invalid argument "${value}" for "--${name}" flag: not a boolean`);
    }
    if (spec.type === 'duration' && parseDuration(value) === undefined) throw new Error(`invalid argument "${value}" for "--${name}" flag: not a duration`);
    values[name] = value;
  }
  return { values, args };
}

/** Help text listing every flag with its default. */
export function flagUsage(specs: FlagSpec[]): string {
  const rows = specs.map((s) => {
    const left = `      --${s.name}${s.type === 'bool' ? '' : ` ${s.type}`}`;
    const def = s.default !== '' && s.type !== 'bool' ? ` (default ${s.type === 'string' ? JSON.stringify(s.default) : s.default})` : '';
    return `${left.padEnd(42)} ${s.help}${def}`;
  });
  return rows.join('\n');
}

/** Go-style duration (`5m`, `1h30m`, `90s`, `250ms`) in milliseconds. */
export function parseDuration(s: string): number | undefined {
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let consumed = 0;
  for (const m of s.matchAll(re)) {
    if (m.index !== consumed) return undefined;
    total += Number(m[1]) * unit[m[2]];
    consumed += m[0].length;
  }
  return consumed === s.length && consumed > 0 ? total : undefined;
}

export function boolFlag(v: string): boolean {
  return /^(1|t|T|true|TRUE|True)$/.test(v);
}
