/**
 * The log backend (`--audit-log-path`): one event per line, JSON (default)
 * or kube-apiserver's legacy text, to a size-rotated file or to stdout (`-`).
 * Blocking mode writes on the request's path; a failed write of the
 * RequestReceived event fails the request, as kube-apiserver does.
 */
import { eventString } from './event.js';
import { RotatingFile, type RotatingFileOptions } from './rotate.js';
import { handlePluginError, type AuditBackend } from './sink.js';
import type { AuditEvent } from './types.js';

export type LogFormat = 'json' | 'legacy';

/** One line for an event. */
export function formatEvent(ev: AuditEvent, format: LogFormat): string {
  return (format === 'legacy' ? eventString(ev) : JSON.stringify(ev)) + '\n';
}

/** Where lines go: a rotating file, or stdout for `-`. */
export interface LineWriter {
  write(line: string): void;
  close(): Promise<void>;
}

/** A writer for `--audit-log-path` (`-` = stdout). */
export function newLineWriter(path: string, rotation: Omit<RotatingFileOptions, 'path'>): LineWriter {
  if (path === '-') {
    return {
      write: (line) => void process.stdout.write(line),
      close: async () => undefined,
    };
  }
  const file = new RotatingFile({ path, ...rotation });
  return { write: (line) => file.write(line), close: () => file.close() };
}

/** The log backend. */
export class LogBackend implements AuditBackend {
  readonly name = 'log';

  constructor(
    private readonly out: LineWriter,
    private readonly format: LogFormat,
    private readonly log: (line: string) => void,
  ) {}

  processEvents(events: AuditEvent[]): boolean {
    let ok = true;
    for (const ev of events) {
      try {
        this.out.write(formatEvent(ev, this.format));
      } catch (err) {
        handlePluginError(this.name, err, [ev], this.log);
        ok = false;
      }
    }
    return ok;
  }

  /** Writes all lines of a batch (for batch mode); rejects on the first failure. */
  async writeBatch(events: AuditEvent[]): Promise<void> {
    for (const ev of events) this.out.write(formatEvent(ev, this.format));
  }

  shutdown(): Promise<void> {
    return this.out.close();
  }
}
