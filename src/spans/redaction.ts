/**
 * Key names whose values are never exported: passwords, secrets, tokens,
 * API keys, authorization headers, cookies, credentials and private keys,
 * in the spellings flows commonly use (`apiKey`, `api_key`, `X-Api-Key`,
 * `accessToken`, `set-cookie` …), with the words of a name set apart by
 * any run of separators (`Api__Key`, `session  id`).
 */
const DEFAULT_SECRET_KEY =
  /passw(or)?d|passphrase|secret|token|api[-_.\s]*key|authori[sz]ation|cookie|credential|private[-_.\s]*key|session[-_.\s]*id/i;

/** The placeholder that stands where a secret value would be. */
export const REDACTED = '[REDACTED]';

/**
 * Decides which attribute keys are secret. The default list always
 * applies; `extra` adds names (compared without regard to case) and
 * patterns. Answers are cached, since flows use the same few keys over and
 * over.
 */
export class KeyRedactor {
  private readonly _names: ReadonlySet<string>;
  private readonly _patterns: readonly RegExp[];
  private readonly _cache = new Map<string, boolean>();

  constructor(extra: readonly (string | RegExp)[] = []) {
    this._names = new Set(
      extra
        .filter((item): item is string => typeof item === 'string')
        .map((name) => name.toLowerCase()),
    );
    this._patterns = [
      DEFAULT_SECRET_KEY,
      ...extra.filter((item): item is RegExp => item instanceof RegExp),
    ];
  }

  /** Whether the value under `key` must be redacted. */
  isSecret(key: string): boolean {
    const cached = this._cache.get(key);
    if (cached !== undefined) return cached;

    const secret =
      this._names.has(key.toLowerCase()) ||
      this._patterns.some((pattern) => matchesOrFails(pattern, key));
    // Keys are usually a small fixed set; a flow that invents keys must not
    // grow the cache without bound.
    if (this._cache.size < 4096) this._cache.set(key, secret);
    return secret;
  }
}

/**
 * Whether `pattern` matches `key`; true when running it throws (a frozen
 * global RegExp, one with an `exec` of its own that throws): a key whose
 * secrecy cannot be decided is kept secret.
 */
function matchesOrFails(pattern: RegExp, key: string): boolean {
  try {
    // A global or sticky pattern would carry lastIndex between keys. Only
    // written when set: on a frozen RegExp, whose lastIndex stays 0 unless
    // it is global or sticky, the assignment would throw.
    if (pattern.lastIndex !== 0) pattern.lastIndex = 0;
    return pattern.test(key);
  } catch {
    return true;
  }
}
