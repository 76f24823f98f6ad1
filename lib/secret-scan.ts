/**
 * Looks for secret material in text: what must never reach the repository, `dist/` or a log. Environment files name
 * secrets; they never hold values, so anything shaped like a value is a mistake worth stopping a build for.
 */

/** One secret-shaped value; `excerpt` shows its start only, so that a report does not leak what it found. */
export interface SecretFinding {
  readonly kind: string;
  readonly line: number;
  readonly excerpt: string;
}

const DETECTORS: readonly { kind: string; pattern: RegExp }[] = [
  { kind: 'connection string with a password', pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@'"]+:[^\s/@'"]+@[^\s'"]+/gi },
  // A `password=` parameter of a URL query or a key=value connection string, with a value of three characters or more.
  { kind: 'password parameter', pattern: /(?<=^|[\s?&;])(?:ssl)?password=[^\s&;'"`()[\]/]{3,}/gi },
  { kind: 'private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/g },
  { kind: 'AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
];

/** Long runs of token characters; judged by their entropy. */
const TOKEN = /[A-Za-z0-9+/_=-]{32,}/g;

/** Identifiers that look random but are public: the ids of EKS OIDC issuers. */
const PUBLIC_IDENTIFIERS: readonly RegExp[] = [/oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?\/id\/[0-9A-Z]{32}/g];

/** Hashes that are meant to be public: image digests and lockfile integrity values. */
const PUBLIC_HASH_PREFIX = /(sha256:|sha512-|sha384-|sha256-|sha1-)$/;

/** Bits per character above which a long token looks random rather than like a name. */
export const ENTROPY_THRESHOLD = 4.3;

/** Shannon entropy of a string in bits per character. */
export function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) {
    counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * Whether a token is mostly made of words, as identifiers such as `toJson_SecretProviderClassV1Alpha1Spec` are: in
 * random text, runs of four or more lower-case letters are rare.
 */
function looksLikeWords(token: string): boolean {
  const wordChars = (token.match(/[a-z]{4,}/g) ?? []).join('').length;
  return wordChars / token.length >= 0.4;
}

/** One secret-shaped run of `text`: where it starts, how long it is, and what it looks like. */
interface SecretMatch {
  readonly kind: string;
  readonly index: number;
  readonly length: number;
}

function secretMatches(text: string): SecretMatch[] {
  const matches: SecretMatch[] = [];
  for (const { kind, pattern } of DETECTORS) {
    for (const match of text.matchAll(pattern)) {
      matches.push({ kind, index: match.index!, length: match[0].length });
    }
  }

  // Blank out public identifiers (same length, so that positions stay right) before judging entropy.
  const judged = PUBLIC_IDENTIFIERS.reduce((t, pattern) => t.replace(pattern, m => ' '.repeat(m.length)), text);
  for (const match of judged.matchAll(TOKEN)) {
    const value = match[0];
    const before = judged.slice(Math.max(0, match.index! - 8), match.index!);
    const mixed = /[0-9]/.test(value) && /[a-z]/.test(value) && /[A-Z]/.test(value);
    if (mixed && !PUBLIC_HASH_PREFIX.test(before) && !looksLikeWords(value) && entropy(value) >= ENTROPY_THRESHOLD) {
      matches.push({ kind: 'high-entropy string', index: match.index!, length: value.length });
    }
  }
  return matches;
}

/** Every secret-shaped value in `text`. */
export function findSecretMaterial(text: string): SecretFinding[] {
  const lineOf = (index: number) => text.slice(0, index).split('\n').length;
  return secretMatches(text).map(m => ({
    kind: m.kind,
    line: lineOf(m.index),
    excerpt: `${text.slice(m.index, m.index + 6)}...`,
  }));
}

/** `text` with every secret-shaped run replaced by `<hidden>`: the last guard before a message is printed. */
export function redactSecretMaterial(text: string): string {
  const matches = secretMatches(text).sort((a, b) => b.index - a.index);
  let out = text;
  let end = Infinity;
  for (const m of matches) {
    // Overlapping runs (a URL that is also a long token) are hidden once, from the earliest start.
    const stop = Math.min(m.index + m.length, end);
    if (stop > m.index) {
      out = out.slice(0, m.index) + '<hidden>' + out.slice(stop);
    }
    end = m.index;
  }
  return out;
}
