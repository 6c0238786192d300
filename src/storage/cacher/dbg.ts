import { appendFileSync } from 'node:fs';
const file = process.env.KAPI_WDBG;
export function dbg(msg: string): void {
  if (file) appendFileSync(file, `${Date.now()} ${process.pid} ${msg}\n`);
}
