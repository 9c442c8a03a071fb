// Values that no tracker input should be able to break: cycles, Proxies
// that throw or are revoked, getters that throw, 10,000 levels of nesting,
// a 20 MB string, and the like. Each is built fresh on every call.

const HUGE_LENGTH = 20 * 1024 * 1024;
let huge: string | undefined;
/** A 20 MB string, built once: strings are immutable, so sharing it is safe. */
export function hugeString(): string {
  huge ??= 'x'.repeat(HUGE_LENGTH);
  return huge;
}

function nest(
  levels: number,
  leaf: unknown,
  wrap: (inner: unknown) => unknown,
) {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = wrap(value);
  return value;
}

function throwing(): never {
  throw new Error('trap');
}

const THROWING_TRAPS: ProxyHandler<object> = {
  get: throwing,
  has: throwing,
  ownKeys: throwing,
  getOwnPropertyDescriptor: throwing,
  getPrototypeOf: throwing,
  set: throwing,
  defineProperty: throwing,
  deleteProperty: throwing,
};

function revoked(target: object): object {
  const { proxy, revoke } = Proxy.revocable(target, {});
  revoke();
  return proxy;
}

class Point {
  readonly #hidden = 'not enumerable';
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
  get hidden(): string {
    return this.#hidden;
  }
}

/** Every hostile value, built fresh on each call. */
export const HOSTILE = {
  circularObject: () => {
    const node: Record<string, unknown> = { name: 'node' };
    node.self = node;
    node.list = [node, { back: node }];
    return node;
  },
  circularArray: () => {
    const list: unknown[] = [1];
    list.push(list, { list });
    return list;
  },
  bigint: () => 2n ** 70n,
  negativeBigint: () => -(2n ** 64n),
  symbol: () => Symbol('value'),
  symbolKeys: () => ({ [Symbol('key')]: 1, [Symbol.iterator]: 2, seen: 3 }),
  function: () => () => 1,
  classConstructor: () => Point,
  throwingGetter: () => ({
    ok: 1,
    get boom(): never {
      return throwing();
    },
  }),
  throwingToJSON: () => ({ toJSON: throwing, a: 1 }),
  throwingToString: () => ({
    toString: throwing,
    valueOf: throwing,
    [Symbol.toPrimitive]: throwing,
  }),
  proxyTrapsThrow: () => new Proxy({ a: 1 }, THROWING_TRAPS),
  arrayProxyTrapsThrow: () => new Proxy([1, 2, 3], THROWING_TRAPS),
  revokedProxy: () => revoked({ a: 1 }),
  revokedArrayProxy: () => revoked([1, 2]),
  classInstance: () => new Point(1, 2),
  map: () =>
    new Map<unknown, unknown>([
      ['k', 1],
      [{ object: 'key' }, 'v'],
      [Symbol('m'), new Map([['inner', [1, 2]]])],
    ]),
  set: () => new Set<unknown>([1, 'a', { x: 1 }]),
  uint8Array: () => Uint8Array.of(1, 2, 3),
  float64Array: () => Float64Array.of(NaN, Infinity, -0, 1.5),
  bigInt64Array: () => BigInt64Array.of(1n, -(2n ** 63n)),
  largeTypedArray: () => new Uint32Array(1_000_000),
  dataView: () => new DataView(new ArrayBuffer(8)),
  buffer: () => Buffer.from('bytes'),
  date: () => new Date(0),
  invalidDate: () => new Date(NaN),
  errorWithCauses: () =>
    new Error('top', {
      cause: new TypeError('middle', { cause: new RangeError('bottom') }),
    }),
  errorWithCyclicCause: () => {
    const first = new Error('first');
    first.cause = new Error('second', { cause: first });
    return first;
  },
  aggregateError: () => new AggregateError([new Error('inner')], 'many'),
  arrayWithHoles: () => {
    // Two holes inside, six past the last element.
    const holes: unknown[] = [];
    holes[0] = 1;
    holes[3] = 4;
    holes.length = 10;
    return holes;
  },
  mixedArray: () => [1, 'a', true, null, undefined, {}, [], 1n, NaN],
  hugeSparseArray: () => {
    const sparse: unknown[] = [];
    sparse[2 ** 32 - 2] = 'last';
    return sparse;
  },
  deepObject: () => nest(10_000, { leaf: 1 }, (inner) => ({ n: inner })),
  deepArray: () => nest(10_000, [1], (inner) => [inner]),
  hugeString: () => hugeString(),
  hugeKey: () => ({ [hugeString()]: 1 }),
  nan: () => NaN,
  infinity: () => Infinity,
  negativeInfinity: () => -Infinity,
  negativeZero: () => -0,
  unsafeInteger: () => 2 ** 60,
  nullPrototype: () => Object.assign(Object.create(null) as object, { a: 1 }),
  frozen: () => Object.freeze({ a: Object.freeze({ b: 1 }) }),
  loneSurrogates: () => '\ud800 half \udfff',
  controlCharacters: () => '\u0000\u001b[31m\r\n',
  weakMap: () => new WeakMap(),
  regExp: () => /x+/gi,
  url: () => new URL('http://127.0.0.1:4318/v1/traces'),
  pollutionKeys: () =>
    JSON.parse(
      '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}}}',
    ) as unknown,
  manyKeys: () =>
    Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])),
} satisfies Record<string, () => unknown>;

export type HostileName = keyof typeof HOSTILE;
export const HOSTILE_NAMES = Object.keys(HOSTILE) as HostileName[];
