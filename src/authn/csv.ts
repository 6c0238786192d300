/**
 * A CSV reader with the rules of Go's encoding/csv (what kube-apiserver uses
 * for --token-auth-file and --basic-auth-file): RFC 4180 quoting with `""`
 * for a quote, quoted fields may span lines, `\r\n` reads as `\n`, empty
 * lines are skipped, records may differ in length, a bare `"` in an
 * unquoted field is an error.
 */

/** One record and the line it started on (1-based). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** A malformed file, with Go's message (`parse error on line 2, column 5: ...`). */
export class CsvParseError extends Error {
  constructor(readonly startLine: number, readonly line: number, readonly column: number, reason: string) {
    super(
      startLine !== line
        ? `record on line ${startLine}; parse error on line ${line}, column ${column}: ${reason}`
        : `parse error on line ${line}, column ${column}: ${reason}`,
    );
    this.name = 'CsvParseError';
  }
}

const bareQuote = 'bare " in non-quoted-field';
const extraneousQuote = 'extraneous or missing " in quoted-field';

/** Parses CSV text into records. Throws CsvParseError on malformed input. */
export function parseCsv(text: string): CsvRecord[] {
  const src = text.replace(/\r\n/g, '\n');
  const records: CsvRecord[] = [];
  let i = 0;
  let line = 1;
  while (i < src.length) {
    // Skip empty lines.
    if (src[i] === '\n') {
      i++;
      line++;
      continue;
    }
    const startLine = line;
    const fields: string[] = [];
    let lineStart = i;
    for (;;) {
      if (src[i] === '"') {
        // Quoted field.
        let value = '';
        i++;
        for (;;) {
          if (i >= src.length) throw new CsvParseError(startLine, line, i - lineStart + 1, extraneousQuote);
          const c = src[i];
          if (c === '"') {
            if (src[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') {
            line++;
            lineStart = i + 1;
          }
          value += c;
          i++;
        }
        fields.push(value);
        if (i >= src.length || src[i] === '\n') break;
        if (src[i] === ',') {
          i++;
          continue;
        }
        throw new CsvParseError(startLine, line, i - lineStart + 1, extraneousQuote);
      }
      // Unquoted field.
      let end = i;
      while (end < src.length && src[end] !== ',' && src[end] !== '\n') {
        if (src[end] === '"') throw new CsvParseError(startLine, line, end - lineStart + 1, bareQuote);
        end++;
      }
      fields.push(src.slice(i, end));
      i = end;
      if (i >= src.length || src[i] === '\n') break;
      i++; // the comma
      if (i >= src.length || src[i] === '\n') {
        fields.push('');
        break;
      }
    }
    records.push({ line: startLine, fields });
    if (src[i] === '\n') {
      i++;
      line++;
    }
  }
  return records;
}
