// The fast path of addValueAttributes for plain objects against the
// general flattener: the same input must give the same attributes, the
// same tally, and read each getter as often.
import type { Attributes } from '@opentelemetry/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  addValueAttributes,
  flattenValueAttributes as flattened,
  type ConversionTally,
} from '../../src/spans/attributes.js';
import { KeyRedactor } from '../../src/spans/redaction.js';
import { SEED } from './arbitraries.js';

type Spec =
  | { t: 'prim'; v: unknown }
  | {
      t: 'obj';
      proto: 'plain' | 'null' | 'class';
      entries: [string, Spec, boolean][];
    }
  | { t: 'arr'; items: Spec[] }
  | { t: 'map'; entries: [string, Spec][] }
  | {
      t: 'proxy';
      inner: Spec;
      trap: 'none' | 'get-throws' | 'keys-throws' | 'proto-throws';
    }
  | { t: 'throwing-getter' }
  | { t: 'date'; v: number }
  | { t: 'fn' };

const keyArb = fc.oneof(
  fc.constantFrom(
    'a',
    'b',
    'password',
    'api',
    'key',
    'token',
    '__proto__',
    'constructor',
    'toString',
    'x.y',
    '',
    'session',
    'id',
    'API_KEY',
    'hasOwnProperty',
    'k'.repeat(20),
    '0',
    '1',
    'length',
    'value',
  ),
  fc.string({ maxLength: 12 }),
);

const primArb = fc.oneof(
  fc.string({ maxLength: 24 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constantFrom(
    null,
    undefined,
    NaN,
    Infinity,
    -Infinity,
    2 ** 60,
    -0,
    10n,
    Symbol.for('s'),
    'x'.repeat(40),
  ),
);

const { spec } = fc.letrec<{ spec: Spec }>((tie) => ({
  spec: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ t: fc.constant('prim' as const), v: primArb }),
    fc.record({
      t: fc.constant('obj' as const),
      proto: fc.constantFrom(
        'plain' as const,
        'null' as const,
        'class' as const,
      ),
      entries: fc.array(fc.tuple(keyArb, tie('spec'), fc.boolean()), {
        maxLength: 8,
      }),
    }),
    fc.record({
      t: fc.constant('arr' as const),
      items: fc.array(tie('spec'), { maxLength: 4 }),
    }),
    fc.record({
      t: fc.constant('map' as const),
      entries: fc.array(fc.tuple(keyArb, tie('spec')), { maxLength: 3 }),
    }),
    fc.record({
      t: fc.constant('proxy' as const),
      inner: tie('spec'),
      trap: fc.constantFrom(
        'none' as const,
        'get-throws' as const,
        'keys-throws' as const,
        'proto-throws' as const,
      ),
    }),
    fc.constant({ t: 'throwing-getter' as const }),
    fc.record({
      t: fc.constant('date' as const),
      v: fc.integer({ min: -1e12, max: 1e13 }),
    }),
    fc.constant({ t: 'fn' as const }),
  ),
}));

class Holder {
  readonly kind = 'holder';
}

/** Makes a fresh value from a spec; getters count their reads in `reads`. */
function build(s: Spec, reads: number[]): unknown {
  switch (s.t) {
    case 'prim':
      return s.v;
    case 'fn':
      return () => 1;
    case 'date':
      return new Date(s.v);
    case 'throwing-getter':
      return Object.defineProperty({}, 'boom', {
        enumerable: true,
        get() {
          throw new Error('boom');
        },
      });
    case 'arr':
      return s.items.map((item) => build(item, reads));
    case 'map':
      return new Map(s.entries.map(([k, v]) => [k, build(v, reads)]));
    case 'obj': {
      const target: Record<string, unknown> =
        s.proto === 'plain'
          ? {}
          : s.proto === 'null'
            ? (Object.create(null) as Record<string, unknown>)
            : (new Holder() as unknown as Record<string, unknown>);
      for (const [k, v, asGetter] of s.entries) {
        const value = build(v, reads);
        const index = reads.length;
        reads.push(0);
        Object.defineProperty(target, k, {
          enumerable: true,
          configurable: true,
          ...(asGetter
            ? {
                get() {
                  reads[index] = (reads[index] ?? 0) + 1;
                  return value;
                },
              }
            : { value, writable: true }),
        });
      }
      return target;
    }
    case 'proxy': {
      const inner = build(s.inner, reads);
      if (typeof inner !== 'object' || inner === null) return inner;
      return new Proxy(inner, {
        get(t, p, r) {
          if (s.trap === 'get-throws') throw new Error('get');
          return Reflect.get(t, p, r) as unknown;
        },
        ownKeys(t) {
          if (s.trap === 'keys-throws') throw new Error('keys');
          return Reflect.ownKeys(t);
        },
        getPrototypeOf(t) {
          if (s.trap === 'proto-throws') throw new Error('proto');
          return Reflect.getPrototypeOf(t);
        },
      });
    }
  }
}

interface Result {
  out: Attributes;
  keys: string[];
  tally: ConversionTally;
  reads: number[];
  threw: unknown;
}

function run(
  impl: typeof addValueAttributes,
  s: Spec,
  maxAttributeLength: number,
  redactor: KeyRedactor,
  prefix: string,
): Result {
  const reads: number[] = [];
  const value = build(s, reads);
  const out: Attributes = {};
  const tally: ConversionTally = { truncated: 0, dropped: 0 };
  let threw: unknown;
  try {
    impl(out, prefix, value, { maxAttributeLength, redactor }, tally);
  } catch (error) {
    threw = error;
  }
  return { out, keys: Object.keys(out), tally, reads, threw };
}

function compare(
  s: Spec,
  max: number,
  extra: (string | RegExp)[],
  prefix = 'p',
) {
  const now = run(addValueAttributes, s, max, new KeyRedactor(extra), prefix);
  const general = run(flattened, s, max, new KeyRedactor(extra), prefix);
  expect(now.threw).toBeUndefined();
  expect(now.out).toStrictEqual(general.out);
  expect(now.keys).toStrictEqual(general.keys);
  expect(now.tally).toStrictEqual(general.tally);
  expect(now.reads).toStrictEqual(general.reads);
}

describe('fast path against the flattener it replaced', () => {
  it('random values, random limits', () => {
    fc.assert(
      fc.property(
        spec,
        fc.constantFrom(1, 3, 5, 10, 16, 4096),
        fc.constantFrom<(string | RegExp)[]>([], ['b'], [/^a/], ['x.y']),
        (s, max, extra) => {
          compare(s, max, extra);
        },
      ),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('wide objects: 60+ keys mixing primitives, nested values, secrets', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(keyArb, spec, fc.boolean()), {
          minLength: 55,
          maxLength: 140,
        }),
        fc.constantFrom(2, 8, 4096),
        (entries, max) => {
          compare({ t: 'obj', proto: 'plain', entries }, max, []);
        },
      ),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('a plain object whose nested child is itself (cycle through the top)', () => {
    for (const impl of [addValueAttributes, flattened]) {
      const top: Record<string, unknown> = { a: 1 };
      top.self = top;
      top.deep = { back: top, n: NaN };
      const out: Attributes = {};
      const tally = { truncated: 0, dropped: 0 };
      impl(
        out,
        'p',
        top,
        { maxAttributeLength: 4096, redactor: new KeyRedactor() },
        tally,
      );
      expect(out).toStrictEqual({
        'p.a': 1,
        'p.self': '[Circular]',
        'p.deep.back': '[Circular]',
        'p.deep.n': 'NaN',
      });
      expect(tally).toStrictEqual({ truncated: 0, dropped: 2 });
    }
  });

  it('JSON-parsed __proto__ keys and a polluted Object.prototype', () => {
    const parsed = JSON.parse(
      '{"__proto__": {"x": 1, "password": "p"}, "a": "b"}',
    ) as Record<string, unknown>;
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = 'yes';
    try {
      for (const max of [3, 4096]) {
        const now = run(
          addValueAttributes,
          { t: 'prim', v: parsed },
          max,
          new KeyRedactor(),
          'p',
        );
        const general = run(
          flattened,
          { t: 'prim', v: parsed },
          max,
          new KeyRedactor(),
          'p',
        );
        expect(now.out).toStrictEqual(general.out);
        expect(now.tally).toStrictEqual(general.tally);
        expect(Object.keys(now.out)).not.toContain('p.polluted');
      }
    } finally {
      delete proto.polluted;
    }
  });
});

describe('a redactor that throws', () => {
  // A frozen global RegExp throws when run (test() writes its lastIndex);
  // so does one whose exec throws. The general path caught it; the fast
  // path must too.
  const frozen = Object.freeze(/ssn/gi);
  const throwingExec = Object.assign(/card/, {
    exec(): RegExpExecArray | null {
      throw new Error('exec');
    },
  });
  for (const [what, pattern] of [
    ['a frozen global RegExp', frozen],
    ['a RegExp whose exec throws', throwingExec],
  ] as const) {
    it(`${what}: nothing thrown, same attributes as the flattener`, () => {
      compare(
        {
          t: 'obj',
          proto: 'plain',
          entries: [
            ['a', { t: 'prim', v: 1 }, false],
            [
              'b',
              {
                t: 'obj',
                proto: 'plain',
                entries: [['c', { t: 'prim', v: 'd' }, false]],
              },
              false,
            ],
          ],
        },
        4096,
        [pattern],
      );
    });
  }
});

describe('revoked Proxies and Proxies that lie about their prototype', () => {
  it('give the same attributes as the flattener, top level or nested', () => {
    const revoked = (): object => {
      const { proxy, revoke } = Proxy.revocable({ a: 1 }, {});
      revoke();
      return proxy;
    };
    const lying = (target: object): object =>
      new Proxy(target, { getPrototypeOf: () => Object.prototype });
    const values: (() => unknown)[] = [
      revoked,
      () => ({ a: 1, r: revoked(), b: 2 }),
      () => lying(new Map([['password', 'x']])),
      () => lying([1, 2, 3]),
      () => lying(new Date(0)),
      () => ({ m: lying(new Map([['k', 'v']])), d: lying(new Date(0)) }),
      () => lying({ password: 'x', nested: { token: 'y', ok: 1 } }),
    ];
    for (const make of values) {
      for (const impl of [addValueAttributes, flattened]) {
        expect(() => {
          impl(
            {},
            'p',
            make(),
            { maxAttributeLength: 8, redactor: new KeyRedactor() },
            { truncated: 0, dropped: 0 },
          );
        }).not.toThrow();
      }
      const now = {
        out: {} as Attributes,
        tally: { truncated: 0, dropped: 0 },
      };
      const general = {
        out: {} as Attributes,
        tally: { truncated: 0, dropped: 0 },
      };
      addValueAttributes(
        now.out,
        'p',
        make(),
        { maxAttributeLength: 8, redactor: new KeyRedactor() },
        now.tally,
      );
      flattened(
        general.out,
        'p',
        make(),
        { maxAttributeLength: 8, redactor: new KeyRedactor() },
        general.tally,
      );
      expect(now).toStrictEqual(general);
    }
  });
});
