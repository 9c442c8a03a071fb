// The serialized tracker's format field by field, as the README lists it
// ("Required: flow_id (a string), routine_executions (an object of
// arrays), event_flow (an array); in a record routine_id, start_time,
// status; in an event timestamp, source_routine_id, event_name. Optional:
// _type (if present, ExecutionTracker), a record's params, end_time,
// result, error, execution_time, an event's target_routine_id and data"),
// and the means to walk and change a dump by path.

/** A path into a dump: keys and indices. */
export type Segments = (string | number)[];

/** What loading a dump with one value changed must do. */
export type Expectation = 'loads' | 'fails here' | 'fails here or inside';

export const isRecord = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const nullish = (v: unknown): boolean => v === undefined || v === null;
const isString = (v: unknown): boolean => typeof v === 'string';
const isTimestamp = (v: unknown): boolean =>
  typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v);
const container =
  (test: (v: unknown) => boolean) =>
  (v: unknown): Expectation =>
    test(v) ? 'fails here or inside' : 'fails here';
const field =
  (test: (v: unknown) => boolean) =>
  (v: unknown): Expectation =>
    test(v) ? 'loads' : 'fails here';

const RECORD_FIELDS: Record<string, (v: unknown) => Expectation> = {
  routine_id: field(isString),
  start_time: field(isTimestamp),
  params: field((v) => nullish(v) || isRecord(v)),
  status: field(isString),
  end_time: field((v) => nullish(v) || isTimestamp(v)),
  error: field((v) => nullish(v) || isString(v)),
  execution_time: field(
    (v) => nullish(v) || (typeof v === 'number' && v >= 0 && v <= 1e9),
  ),
};
const EVENT_FIELDS: Record<string, (v: unknown) => Expectation> = {
  timestamp: field(isTimestamp),
  source_routine_id: field(isString),
  event_name: field(isString),
  target_routine_id: field((v) => nullish(v) || isString(v)),
  data: field((v) => nullish(v) || isRecord(v)),
};

/** What loading must do with `value` put at `at`: the format, field by field. */
export function expectation(at: Segments, value: unknown): Expectation {
  const [top, , third, fourth] = at;
  const rule = (
    rules: Record<string, (v: unknown) => Expectation>,
    key: unknown,
  ) =>
    Object.hasOwn(rules, String(key))
      ? (rules[String(key)] ?? field(() => true))(value)
      : 'loads';
  if (top === '_type')
    return field((v) => v === undefined || v === 'ExecutionTracker')(value);
  if (top === 'flow_id') return field(isString)(value);
  if (top === 'routine_executions') {
    if (at.length === 1) return container(isRecord)(value);
    // A routine left out is one routine fewer.
    if (at.length === 2) {
      return value === undefined ? 'loads' : container(Array.isArray)(value);
    }
    if (at.length === 3) return container(isRecord)(value);
    return at.length === 4 && third !== undefined
      ? rule(RECORD_FIELDS, fourth)
      : 'loads';
  }
  if (top === 'event_flow') {
    if (at.length === 1) return container(Array.isArray)(value);
    if (at.length === 2) return container(isRecord)(value);
    return at.length === 3 ? rule(EVENT_FIELDS, third) : 'loads';
  }
  return 'loads';
}

/** An own property only: `__proto__` read as data, never the prototype. */
export function own(node: unknown, key: string | number): unknown {
  if (typeof node !== 'object' || node === null) return undefined;
  const descriptor = Object.getOwnPropertyDescriptor(node, key);
  return descriptor?.value;
}

/** Every path in `node`, containers and leaves alike. */
export function paths(node: unknown, at: Segments = []): Segments[] {
  if (typeof node !== 'object' || node === null) return [];
  const keys: (string | number)[] = Array.isArray(node)
    ? node.map((_, i) => i)
    : Object.keys(node);
  return keys.flatMap((key) => [
    [...at, key],
    ...paths(own(node, key), [...at, key]),
  ]);
}

/** A copy of `dump` with `value` at `at`; `undefined` removes an object key. */
export function replaced(dump: unknown, at: Segments, value: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(dump)) as unknown;
  const parent = at
    .slice(0, -1)
    .reduce<unknown>((node, key) => own(node, key), copy) as object;
  const key = at.at(-1) as string | number;
  if (value === undefined && !Array.isArray(parent))
    Reflect.deleteProperty(parent, key);
  else
    Object.defineProperty(parent, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return copy;
}
