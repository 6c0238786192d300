/**
 * Content negotiation: which serializer answers (Accept) and which decoder
 * reads the body (Content-Type), with Kubernetes' media types and errors.
 */
import { newNotAcceptable, newUnsupportedMediaType } from '../../runtime/errors.js';

export interface MediaType {
  type: string;
  subtype: string;
  params: Record<string, string>;
  /** `type/subtype` lower-cased. */
  essence: string;
}

/** Parses one media type (`application/json;as=Table;v=v1;g=meta.k8s.io`). */
export function parseMediaType(s: string): MediaType | undefined {
  const parts = s.split(';');
  const head = parts[0].trim().toLowerCase();
  const slash = head.indexOf('/');
  if (slash <= 0 || slash === head.length - 1) return undefined;
  const params: Record<string, string> = {};
  for (const p of parts.slice(1)) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
  }
  return { type: head.slice(0, slash), subtype: head.slice(slash + 1), params, essence: head };
}

/** Splits an Accept header into media types in preference order (q-values honoured). */
export function parseAccept(header: string | undefined): MediaType[] {
  if (!header || header.trim() === '') return [];
  const out: { m: MediaType; q: number; i: number }[] = [];
  header.split(',').forEach((raw, i) => {
    const m = parseMediaType(raw);
    if (!m) return;
    const q = m.params.q !== undefined ? Number(m.params.q) : 1;
    out.push({ m, q: Number.isFinite(q) ? q : 0, i });
  });
  return out.filter((x) => x.q > 0).sort((a, b) => b.q - a.q || a.i - b.i).map((x) => x.m);
}

export type OutputFormat = 'json' | 'yaml' | 'protobuf';

/** What the client asked for. */
export interface OutputChoice {
  format: OutputFormat;
  /** A transformed view: Table, PartialObjectMetadata(List). */
  as?: 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList';
  /** The `v` parameter of the view (`v1`, `v1beta1`). */
  asVersion?: string;
  /** The media type written in Content-Type. */
  contentType: string;
}

export const serverMediaTypes = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

const formatOf: Record<string, OutputFormat> = {
  'application/json': 'json',
  'application/yaml': 'yaml',
  'application/vnd.kubernetes.protobuf': 'protobuf',
};

/**
 * Picks the response format from Accept. `allowProtobuf` is false where kapi
 * answers only JSON/YAML (then a protobuf-only Accept still gets JSON, which
 * clients accept). Throws 406 when nothing acceptable is offered.
 */
export function negotiateOutput(accept: string | undefined, opts: { allowProtobuf: boolean; allowViews: boolean }): OutputChoice {
  const types = parseAccept(accept);
  if (types.length === 0) return { format: 'json', contentType: 'application/json' };
  for (const m of types) {
    if (m.essence === '*/*' || m.essence === 'application/*') return { format: 'json', contentType: 'application/json' };
    const fmt = formatOf[m.essence];
    if (!fmt) continue;
    if (fmt === 'protobuf' && !opts.allowProtobuf) continue;
    const as = m.params.as;
    if (as !== undefined) {
      if (!opts.allowViews) continue;
      const g = m.params.g ?? '';
      const v = m.params.v ?? '';
      if (g !== 'meta.k8s.io' || (v !== 'v1' && v !== 'v1beta1')) continue;
      if (as !== 'Table' && as !== 'PartialObjectMetadata' && as !== 'PartialObjectMetadataList') continue;
      if (fmt === 'protobuf') continue;
      return { format: fmt, as, asVersion: v, contentType: fmt === 'json' ? 'application/json' : 'application/yaml' };
    }
    return { format: fmt, contentType: m.essence };
  }
  // kubectl sends protobuf,json; a protobuf-only Accept on a JSON-only path still gets JSON.
  if (types.some((m) => m.essence === 'application/vnd.kubernetes.protobuf')) return { format: 'json', contentType: 'application/json' };
  throw newNotAcceptable(serverMediaTypes);
}

export type InputFormat = 'json' | 'yaml' | 'protobuf';

/** Picks the body decoder from Content-Type; 415 for anything else. Absent means JSON. */
export function negotiateInput(contentType: string | undefined, accepted: InputFormat[] = ['json', 'yaml', 'protobuf']): InputFormat {
  if (!contentType || contentType.trim() === '') return 'json';
  const m = parseMediaType(contentType);
  const fmt = m ? formatOf[m.essence] : undefined;
  if (!fmt || !accepted.includes(fmt)) {
    throw newUnsupportedMediaType(contentType, accepted.map((f) => Object.keys(formatOf).find((k) => formatOf[k] === f) as string));
  }
  return fmt;
}

/** Patch content types and their kinds. */
export const patchTypes = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
} as const;

export type PatchKind = (typeof patchTypes)[keyof typeof patchTypes];

/** The patch kind of a PATCH request; 415 for other types. */
export function negotiatePatch(contentType: string | undefined): PatchKind {
  const m = contentType ? parseMediaType(contentType) : undefined;
  const kind = m ? (patchTypes as Record<string, PatchKind>)[m.essence] : undefined;
  if (!kind) {
    throw newUnsupportedMediaType(contentType ?? '', Object.keys(patchTypes));
  }
  return kind;
}
