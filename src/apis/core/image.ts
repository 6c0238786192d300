/**
 * Container image references, as far as defaulting needs them: the tag of
 * an image (Kubernetes' parsers.ParseImageName over the distribution
 * reference grammar). An image without tag and digest means `latest`.
 */

const pathComponent = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const host = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])`;
const domainAndPort = `${host}(?::[0-9]+)?`;
const name = `(?:${domainAndPort}/)?${pathComponent}(?:/${pathComponent})*`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const referenceRe = new RegExp(`^(${name})(?::(${tag}))?(?:@(${digest}))?$`);
const identifierRe = /^[a-f0-9]{64}$/;

/** The parts of an image reference; undefined when it does not parse. */
export function parseImageName(image: string): { repository: string; tag: string; digest: string } | undefined {
  if (identifierRe.test(image)) return undefined;
  const m = referenceRe.exec(image);
  if (!m) return undefined;
  if (m[1].length > 255) return undefined;
  let t = m[2] ?? '';
  const d = m[3] ?? '';
  if (t === '' && d === '') t = 'latest';
  return { repository: m[1], tag: t, digest: d };
}

/** `Always` for `:latest` or untagged images, `IfNotPresent` otherwise (and for unparsable images). */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  return parseImageName(image)?.tag === 'latest' ? 'Always' : 'IfNotPresent';
}
