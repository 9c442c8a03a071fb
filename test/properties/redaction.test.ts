// README, "The spans": "Values under keys that look secret (password,
// passphrase, secret, token, API key, authorization, cookie, credential,
// private key, session id, and redactKeys) are exported as [REDACTED], at
// any depth." Secret values here are made of private-use characters that
// nothing else contains, so that even a fragment of one is found: in any
// attribute, span or event name, status message, or the OTLP payload.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { REDACTED, type ExecutionTracker } from '../../src/index.js';
import { SEED } from './arbitraries.js';
import { exportRun } from './export-run.js';

const REDACT_KEYS = ['ssn', /^acct/i];
const SECRET_CHARACTER = /[\ue000-\uf8ff]/;

/** The words of the default list, with the parts a separator may split. */
const WORDS = [
  ['password'],
  ['passwd'],
  ['passphrase'],
  ['secret'],
  ['token'],
  ['api', 'key'],
  ['authorization'],
  ['authorisation'],
  ['cookie'],
  ['credential'],
  ['private', 'key'],
  ['session', 'id'],
];
const SEPARATORS = ['', '_', '-', '.', ' ', '__', '--', '  ', '-_', '. '];

function recase(text: string, mask: readonly boolean[]): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    out += mask[i % mask.length] === true ? c.toUpperCase() : c.toLowerCase();
  }
  return out;
}

const mask = fc.array(fc.boolean(), { minLength: 1, maxLength: 12 });
const secretKey: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(...WORDS),
      fc.constantFrom(...SEPARATORS),
      fc.constantFrom('', 'x-', 'db_', 'user', 'Refresh', 'my ', '_'),
      fc.constantFrom('', 's', '_v2', 'Header', ' '),
      mask,
    )
    .map(
      ([parts, separator, prefix, suffix, upper]) =>
        `${prefix}${recase(parts.join(separator), upper)}${suffix}`,
    ),
  // redactKeys: names in any case, and a pattern.
  mask.map((upper) => recase('ssn', upper)),
  fc
    .tuple(mask, fc.string({ maxLength: 4 }))
    .map(([upper, rest]) => `${recase('acct', upper)}${rest}`),
);

const secretText = fc
  .array(fc.integer({ min: 0xe000, max: 0xf8ff }), {
    minLength: 1,
    maxLength: 12,
  })
  .map((codes) => String.fromCharCode(...codes));
const secretValue = fc.oneof(
  secretText,
  fc.array(secretText, { minLength: 1, maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), secretText, {
    minKeys: 1,
    maxKeys: 3,
  }),
);

function toObject(
  entries: readonly (readonly [string, unknown])[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(out, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

const plainLeaf = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const { node } = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', maxDepth: 6 },
    plainLeaf,
    fc
      .array(
        fc.oneof(
          fc.tuple(fc.string({ maxLength: 6 }), tie('node')),
          fc.tuple(secretKey, secretValue),
        ),
        { maxLength: 4 },
      )
      .map(toObject),
    fc.array(tie('node'), { maxLength: 3 }),
    fc
      .array(fc.tuple(secretKey, secretValue), { maxLength: 2 })
      .map((entries) => new Map(entries)),
  ),
}));
/**
 * A secret under a secret-looking key, or under a two-word name split
 * across two levels of nesting: `{ Api: { KEY: … } }` is exported under
 * `….Api.KEY`.
 */
const secretEntry = fc.oneof(
  fc
    .tuple(secretKey, secretValue)
    .map(([key, value]) => toObject([[key, value]])),
  fc
    .tuple(
      fc.constantFrom(...WORDS.filter((parts) => parts.length === 2)),
      mask,
      secretValue,
    )
    .map(([[first = '', second = ''], upper, value]) =>
      toObject([
        [recase(first, upper), toObject([[recase(second, upper), value]])],
      ]),
    ),
);

/** Something that holds at least one secret, at some depth. */
const holder = fc
  .tuple(
    fc.array(fc.string({ maxLength: 4 }), { maxLength: 6 }),
    secretEntry,
    node,
  )
  .map(([path, secret, extra]) =>
    path.reduceRight<unknown>(
      (inner, name) => toObject([[name, inner]]),
      toObject([
        ['held', secret],
        ['extra', extra],
      ]),
    ),
  );

function recordEverywhere(
  tracker: ExecutionTracker,
  values: readonly unknown[],
): void {
  const [params, result, data, more] = values;
  const execution = tracker.recordRoutineStart('call', {
    params,
    list: [params, 1],
  });
  execution.recordEvent('sent', 'next', { data, set: new Set([data]) });
  tracker.recordEvent('call', 'also', null, more as Record<string, unknown>);
  execution.end('completed', { result, map: new Map([['result', result]]) });
}

/** Every text the export carries, the whole payload included. */
function exportedTexts(run: ReturnType<typeof exportRun>): string[] {
  const texts = [run.payload];
  for (const span of run.spans) {
    texts.push(span.name, span.status.message ?? '');
    for (const value of Object.values(span.attributes))
      texts.push(String(value));
    for (const event of span.events) {
      texts.push(
        event.name,
        ...Object.values(event.attributes ?? {}).map(String),
      );
    }
  }
  return texts;
}

describe('secrets at any depth, under keys of any case and spacing', () => {
  it('never reach an attribute, a span, an event or the OTLP payload', () => {
    fc.assert(
      fc.property(
        fc.array(holder, { minLength: 4, maxLength: 4 }),
        fc.constantFrom(4096, 64, 12),
        (values, maxAttributeLength) => {
          const run = exportRun(
            (tracker) => {
              recordEverywhere(tracker, values);
            },
            { redactKeys: REDACT_KEYS, maxAttributeLength },
          );
          const leaks = exportedTexts(run).filter((text) =>
            SECRET_CHARACTER.test(text),
          );
          expect(leaks).toEqual([]);
          // The mirror keeps them: redaction is for what is exported.
          expect(SECRET_CHARACTER.test(JSON.stringify(run.tracker))).toBe(true);
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('are exported as [REDACTED] under the key itself', () => {
    fc.assert(
      fc.property(secretKey, secretText, (key, value) => {
        const run = exportRun(
          (tracker) => {
            tracker.recordRoutineStart('call', { [key]: value }).end();
          },
          { redactKeys: REDACT_KEYS },
        );
        const span = run.spans.find((s) => s.name === 'call');
        expect(span?.attributes[`flow.routine.params.${key}`]).toBe(REDACTED);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
