/**
 * gencatalog: reads Kubernetes' protobuf type definitions and writes
 * catalog/types.json (see src/runtime/catalog/types.ts).
 *
 * Usage (from the repository root, after `npx tsc -p .`):
 *   node dist/tools/gencatalog/main.js [--check] [--source DIR] [--out FILE]
 *
 * --source  the directory holding k8s.io/**\/generated.proto
 *           (default: <repo>/../shared/kubernetes-api/v1.33)
 * --check   regenerate in memory and exit 1 if the committed file differs
 */

import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCatalog, renderCatalog } from './build.js';
import { parseProto, type ProtoFile } from './proto.js';

/** The repository root, found from this module's location (dist/tools/gencatalog/ or tools/gencatalog/). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      if (statSync(join(dir, 'package.json')).isFile()) return dir;
    } catch {
      // keep walking up
    }
    dir = dirname(dir);
  }
  throw new Error('cannot find the repository root (package.json)');
}

function protoFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) protoFiles(p, out);
    else if (name.endsWith('.proto')) out.push(p);
  }
  return out;
}

/** Parses every .proto under source and renders the catalog JSON text. */
export function generate(source: string): string {
  const files: ProtoFile[] = protoFiles(source).map((p) => parseProto(readFileSync(p, 'utf8'), relative(source, p)));
  if (files.length === 0) throw new Error(`no .proto files under ${source}`);
  const version = basename(resolve(source)).replace(/^v/, '');
  return renderCatalog(buildCatalog(files, version));
}

function parseArgs(argv: string[]): { check: boolean; source?: string; out?: string } {
  const opts: { check: boolean; source?: string; out?: string } = { check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--check') opts.check = true;
    else if (a === '--source') opts.source = argv[++i];
    else if (a === '--out') opts.out = argv[++i];
    else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

function main(argv: string[]): number {
  const opts = parseArgs(argv);
  const root = repoRoot();
  const source = resolve(opts.source ?? join(root, '..', 'shared', 'kubernetes-api', 'v1.33'));
  const out = resolve(opts.out ?? join(root, 'catalog', 'types.json'));
  const text = generate(source);
  if (opts.check) {
    let current = '';
    try {
      current = readFileSync(out, 'utf8');
    } catch {
      process.stderr.write(`gencatalog: ${relative(process.cwd(), out)} is missing; run: npm run catalog\n`);
      return 1;
    }
    if (current !== text) {
      const a = current.split('\n');
      const b = text.split('\n');
      let line = 0;
      while (line < a.length && line < b.length && a[line] === b[line]) line++;
      process.stderr.write(
        `gencatalog: ${relative(process.cwd(), out)} is out of date (first difference at line ${line + 1}); ` +
          `regenerate it with: npx tsc -p . && node dist/tools/gencatalog/main.js\n`,
      );
      return 1;
    }
    process.stdout.write(`gencatalog: ${relative(process.cwd(), out)} is up to date\n`);
    return 0;
  }
  writeFileSync(out, text);
  process.stdout.write(`gencatalog: wrote ${relative(process.cwd(), out)}\n`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exit(main(process.argv.slice(2)));
  } catch (err) {
    process.stderr.write(`gencatalog: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
}
