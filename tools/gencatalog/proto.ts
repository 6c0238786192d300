/**
 * A small parser for the subset of the protobuf language that Kubernetes'
 * generated.proto files use (proto2 as go-to-protobuf writes it), tolerant of
 * proto3 constructs (unlabelled fields, oneof, enum) so that every .proto in
 * the source tree parses.
 *
 * It keeps only facts: names, numbers, labels, types and the `+marker=value`
 * lines of the comment block directly above a message or field. Comment text
 * itself is never returned.
 */

/** One field as written in the .proto file (type not yet resolved). */
export interface ProtoField {
  name: string;
  number: number;
  /** The type as written (`string`, `ObjectMeta`, `.k8s.io.api.core.v1.Pod`). */
  type: string;
  label: 'optional' | 'repeated' | 'required' | 'none';
  /** Key type of a `map<k, v>` field (then `type` is the value type). */
  mapKey?: string;
  /** `+name=value` markers from the comment block above the field, in order. */
  markers: Marker[];
}

/** A `+name` or `+name=value` line from a comment block. */
export interface Marker {
  name: string;
  value: string;
}

/** One message; nested messages are flattened with dotted names (`Outer.Inner`). */
export interface ProtoMessage {
  /** Name relative to the package (`Pod`, `Outer.Inner`). */
  name: string;
  fields: ProtoField[];
  markers: Marker[];
}

/** One parsed .proto file. */
export interface ProtoFile {
  syntax: string;
  package: string;
  /** `option go_package` (the Go import path), when present. */
  goPackage?: string;
  imports: string[];
  messages: ProtoMessage[];
  /** Enum names relative to the package (their fields are varints). */
  enums: string[];
}

type Token = { kind: 'ident' | 'number' | 'string' | 'symbol'; text: string; line: number; comments: string[] };

/** Splits source into tokens, attaching to each token the comment lines directly above it. */
function tokenize(src: string, file: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let pending: string[] = [];
  let lastCommentLine = -10;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === '\n') {
      line++;
      i++;
      // A blank line (no comment on the previous line) separates a comment block from what follows.
      if (line - lastCommentLine > 1) pending = [];
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      const end = src.indexOf('\n', i);
      const text = src.slice(i + 2, end < 0 ? n : end);
      pending.push(text);
      lastCommentLine = line;
      i = end < 0 ? n : end;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new Error(`${file}:${line}: unterminated block comment`);
      for (let k = i; k < end; k++) if (src[k] === '\n') line++;
      i = end + 2;
      pending = [];
      continue;
    }
    const start = i;
    let kind: Token['kind'];
    if (/[A-Za-z_.]/.test(c)) {
      while (i < n && /[A-Za-z0-9_.\-]/.test(src[i])) i++;
      kind = 'ident';
    } else if (/[0-9]/.test(c)) {
      while (i < n && /[0-9xXa-fA-F]/.test(src[i])) i++;
      kind = 'number';
    } else if (c === '"' || c === "'") {
      i++;
      while (i < n && src[i] !== c) {
        if (src[i] === '\\') i++;
        i++;
      }
      i++;
      kind = 'string';
    } else {
      i++;
      kind = 'symbol';
    }
    tokens.push({ kind, text: src.slice(start, i), line, comments: pending });
    pending = [];
  }
  return tokens;
}

/** Extracts `+name[=value]` markers from comment lines (values only, no prose). */
export function markersOf(comments: string[]): Marker[] {
  const out: Marker[] = [];
  for (const raw of comments) {
    const m = /^\s*\+([A-Za-z0-9_:.\-]+)(?:=(\S*))?/.exec(raw);
    if (!m) continue;
    out.push({ name: m[1], value: m[2] ?? '' });
  }
  return out;
}

/** Parses one .proto file's text. Throws with file:line on syntax it does not understand. */
export function parseProto(src: string, file = '<proto>'): ProtoFile {
  const toks = tokenize(src, file);
  let p = 0;
  const result: ProtoFile = { syntax: 'proto2', package: '', imports: [], messages: [], enums: [] };

  const peek = (): Token | undefined => toks[p];
  const next = (): Token => {
    const t = toks[p++];
    if (!t) throw new Error(`${file}: unexpected end of file`);
    return t;
  };
  const fail = (t: Token | undefined, what: string): never => {
    throw new Error(`${file}:${t?.line ?? '?'}: ${what} (at ${JSON.stringify(t?.text ?? 'EOF')})`);
  };
  const expect = (text: string): Token => {
    const t = next();
    if (t.text !== text) fail(t, `expected ${JSON.stringify(text)}`);
    return t;
  };
  const unquote = (t: Token): string => {
    if (t.kind !== 'string') fail(t, 'expected a string');
    return t.text.slice(1, -1);
  };
  /** Skips to the end of the current statement (`;`), or over a balanced `{...}` block. */
  const skipStatement = (): void => {
    let depth = 0;
    for (;;) {
      const t = next();
      if (t.text === '{') depth++;
      else if (t.text === '}') {
        depth--;
        if (depth === 0) return;
      } else if (t.text === ';' && depth === 0) return;
    }
  };
  /** Skips an optional `[...]` options list. */
  const skipFieldOptions = (): void => {
    if (peek()?.text !== '[') return;
    let depth = 0;
    for (;;) {
      const t = next();
      if (t.text === '[') depth++;
      else if (t.text === ']') {
        depth--;
        if (depth === 0) return;
      }
    }
  };

  const parseField = (first: Token, label: ProtoField['label']): ProtoField => {
    let type: string;
    let mapKey: string | undefined;
    if (first.text === 'map') {
      expect('<');
      mapKey = next().text;
      expect(',');
      type = next().text;
      expect('>');
    } else {
      type = first.text;
    }
    const nameTok = next();
    if (nameTok.kind !== 'ident') fail(nameTok, 'expected a field name');
    expect('=');
    const numTok = next();
    if (numTok.kind !== 'number') fail(numTok, 'expected a field number');
    skipFieldOptions();
    expect(';');
    const field: ProtoField = { name: nameTok.text, number: Number(numTok.text), type, label, markers: markersOf(first.comments) };
    if (mapKey !== undefined) field.mapKey = mapKey;
    return field;
  };

  const parseMessage = (prefix: string, comments: string[]): void => {
    const nameTok = next();
    const name = prefix + nameTok.text;
    const msg: ProtoMessage = { name, fields: [], markers: markersOf(comments) };
    result.messages.push(msg);
    expect('{');
    const body = (inOneof: boolean): void => {
      for (;;) {
        const t = next();
        if (t.text === '}') return;
        if (t.text === ';') continue;
        if (t.text === 'message' && !inOneof) {
          parseMessage(name + '.', t.comments);
          continue;
        }
        if (t.text === 'enum' && !inOneof) {
          result.enums.push(`${name}.${next().text}`);
          skipStatement();
          continue;
        }
        if (t.text === 'oneof' && !inOneof) {
          next();
          expect('{');
          body(true);
          continue;
        }
        if (t.text === 'option' || t.text === 'reserved' || t.text === 'extensions' || t.text === 'extend') {
          if (t.text === 'extend') {
            next();
            skipStatement();
          } else {
            skipStatement();
          }
          continue;
        }
        if (t.text === 'optional' || t.text === 'repeated' || t.text === 'required') {
          const typeTok = next();
          typeTok.comments = t.comments;
          msg.fields.push(parseField(typeTok, t.text));
          continue;
        }
        if (t.kind === 'ident') {
          // proto3 singular field, a map field, or a oneof member.
          msg.fields.push(parseField(t, inOneof ? 'optional' : 'none'));
          continue;
        }
        fail(t, 'unexpected token in message body');
      }
    };
    body(false);
  };

  while (p < toks.length) {
    const t = next();
    switch (t.text) {
      case 'syntax':
        expect('=');
        result.syntax = unquote(next());
        expect(';');
        break;
      case 'package':
        result.package = next().text;
        expect(';');
        break;
      case 'import': {
        let s = next();
        if (s.text === 'public' || s.text === 'weak') s = next();
        result.imports.push(unquote(s));
        expect(';');
        break;
      }
      case 'option': {
        const nameTok = next();
        if (nameTok.text === 'go_package') {
          expect('=');
          result.goPackage = unquote(next());
          expect(';');
        } else {
          p--;
          skipStatement();
        }
        break;
      }
      case 'message':
        parseMessage('', t.comments);
        break;
      case 'enum':
        result.enums.push(next().text);
        skipStatement();
        break;
      case 'service':
      case 'extend':
        next();
        skipStatement();
        break;
      case ';':
        break;
      default:
        fail(t, 'unexpected top-level token');
    }
  }
  return result;
}
