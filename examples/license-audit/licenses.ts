/**
 * License declarations: SPDX expressions parsed, ids put in their
 * canonical case, and each declaration mapped to a category.
 */

/** What a license lets a user of the package do, roughly, from most to least free. */
export type LicenseCategory =
  | 'public-domain'
  | 'permissive'
  | 'weak-copyleft'
  | 'copyleft'
  | 'proprietary'
  | 'unknown';

/** Every category, in the order reports list them. */
export const LICENSE_CATEGORIES: readonly LicenseCategory[] = [
  'permissive',
  'weak-copyleft',
  'copyleft',
  'public-domain',
  'proprietary',
  'unknown',
];

/** The label counted for a package that declares no license. */
export const NO_LICENSE = '(none)';

/** A license declaration, understood. */
export interface LicenseClassification {
  /**
   * What the package is counted under: the SPDX expression in canonical
   * form (`MIT OR Apache-2.0`), the SPDX id of a known informal name
   * (`Apache 2.0` → `Apache-2.0`), else the declaration as given, or
   * {@link NO_LICENSE}.
   */
  readonly license: string;
  /** The SPDX license ids it names, in order, each once. */
  readonly ids: readonly string[];
  /** Its category. */
  readonly category: LicenseCategory;
  /** Whether the declaration was a valid SPDX expression. */
  readonly spdx: boolean;
}

// Known SPDX ids by category. An id not listed is still parsed and
// counted, with the category `unknown`: guessing would make the audit lie.
const KNOWN: Readonly<Record<Exclude<LicenseCategory, 'unknown'>, string[]>> = {
  'public-domain': ['CC0-1.0', 'Unlicense', 'PDDL-1.0'],
  permissive: [
    '0BSD',
    'AFL-2.1',
    'AFL-3.0',
    'Apache-1.1',
    'Apache-2.0',
    'Artistic-2.0',
    'BlueOak-1.0.0',
    'BSD-1-Clause',
    'BSD-2-Clause',
    'BSD-3-Clause',
    'BSD-3-Clause-Clear',
    'BSD-4-Clause',
    'BSL-1.0',
    'CC-BY-3.0',
    'CC-BY-4.0',
    'ISC',
    'MIT',
    'MIT-0',
    'NCSA',
    'PostgreSQL',
    'PSF-2.0',
    'Python-2.0',
    'Unicode-3.0',
    'Unicode-DFS-2016',
    'WTFPL',
    'X11',
    'Zlib',
  ],
  'weak-copyleft': [
    'CDDL-1.0',
    'CDDL-1.1',
    'EPL-1.0',
    'EPL-2.0',
    'MPL-1.1',
    'MPL-2.0',
    ...gnu('LGPL', ['2.0', '2.1', '3.0']),
  ],
  copyleft: [
    'CC-BY-SA-3.0',
    'CC-BY-SA-4.0',
    'EUPL-1.1',
    'EUPL-1.2',
    'OSL-3.0',
    ...gnu('GPL', ['2.0', '3.0']),
    ...gnu('AGPL', ['1.0', '3.0']),
  ],
  // Nothing here: `UNLICENSED` is npm's keyword, not an SPDX id.
  proprietary: [],
};

/** The GNU ids with every suffix SPDX has had for them. */
function gnu(family: string, versions: readonly string[]): string[] {
  return versions.flatMap((v) =>
    ['', '-only', '-or-later', '+'].map((suffix) => `${family}-${v}${suffix}`),
  );
}

// SPDX ids match case-insensitively; the canonical case is the list's.
const CANONICAL = new Map<string, { id: string; category: LicenseCategory }>(
  Object.entries(KNOWN).flatMap(([category, ids]) =>
    ids.map((id) => [
      id.toLowerCase(),
      { id, category: category as LicenseCategory },
    ]),
  ),
);

// Exceptions that allow linking without the copyleft reaching the
// linking code: with them a copyleft license acts as a weak one.
const LINKING_EXCEPTIONS = new Map(
  [
    'Classpath-exception-2.0',
    'GCC-exception-2.0',
    'GCC-exception-3.1',
    'LLVM-exception',
  ].map((id) => [id.toLowerCase(), id]),
);

// Informal names real manifests use instead of SPDX ids, normalized to
// lower case and single spaces. Only names that mean one license are
// here: `BSD` alone could be any of three, so it stays unknown.
const INFORMAL = new Map<string, string>([
  ['apache 2', 'Apache-2.0'],
  ['apache 2.0', 'Apache-2.0'],
  ['apache-2', 'Apache-2.0'],
  ['apache2', 'Apache-2.0'],
  ['apache license 2.0', 'Apache-2.0'],
  ['apache license, version 2.0', 'Apache-2.0'],
  ['mit license', 'MIT'],
  ['the mit license', 'MIT'],
  ['mit/x11', 'MIT'],
  ['isc license', 'ISC'],
  ['gplv2', 'GPL-2.0'],
  ['gplv3', 'GPL-3.0'],
  ['lgplv3', 'LGPL-3.0'],
]);

const ORDER: Readonly<Record<Exclude<LicenseCategory, 'unknown'>, number>> = {
  'public-domain': 0,
  permissive: 1,
  'weak-copyleft': 2,
  copyleft: 3,
  proprietary: 4,
};

/** A parsed SPDX license expression. */
export type LicenseExpression =
  | {
      readonly kind: 'license';
      readonly id: string;
      readonly exception?: string;
    }
  | {
      readonly kind: 'and' | 'or';
      readonly left: LicenseExpression;
      readonly right: LicenseExpression;
    };

/**
 * Parses an SPDX license expression: ids (any case, `+` allowed), `AND`,
 * `OR`, `WITH` and parentheses, `WITH` binding tightest and `OR` loosest.
 * Operators are accepted in any case, as real manifests write them.
 * @returns the expression, or undefined when `text` is not one
 */
export function parseLicenseExpression(
  text: string,
): LicenseExpression | undefined {
  const tokens = text.match(/\(|\)|[^\s()]+/g) ?? [];
  let position = 0;
  const peek = (): string | undefined => tokens[position];
  const isOperator = (token: string | undefined, op: string): boolean =>
    token?.toUpperCase() === op;
  const isId = (token: string | undefined): token is string =>
    token !== undefined &&
    /^[A-Za-z0-9][A-Za-z0-9.:-]*\+?$/.test(token) &&
    !['AND', 'OR', 'WITH'].includes(token.toUpperCase());

  const primary = (): LicenseExpression | undefined => {
    const token = peek();
    if (token === '(') {
      position++;
      const inner = or();
      if (inner === undefined || peek() !== ')') return undefined;
      position++;
      return inner;
    }
    if (!isId(token)) return undefined;
    position++;
    if (!isOperator(peek(), 'WITH')) return { kind: 'license', id: token };
    position++;
    const exception = peek();
    if (!isId(exception)) return undefined;
    position++;
    return { kind: 'license', id: token, exception };
  };
  const chain = (
    kind: 'and' | 'or',
    operand: () => LicenseExpression | undefined,
  ): LicenseExpression | undefined => {
    let left = operand();
    while (left !== undefined && isOperator(peek(), kind.toUpperCase())) {
      position++;
      const right = operand();
      left = right === undefined ? undefined : { kind, left, right };
    }
    return left;
  };
  const and = (): LicenseExpression | undefined => chain('and', primary);
  const or = (): LicenseExpression | undefined => chain('or', and);

  const expression = or();
  return expression !== undefined && position === tokens.length
    ? expression
    : undefined;
}

/** An expression in canonical form: known ids in their SPDX case, no outer parentheses. */
export function formatLicenseExpression(expression: LicenseExpression): string {
  const format = (node: LicenseExpression, parent?: 'and' | 'or'): string => {
    if (node.kind === 'license') {
      const id = canonicalId(node.id);
      return node.exception === undefined
        ? id
        : `${id} WITH ${LINKING_EXCEPTIONS.get(node.exception.toLowerCase()) ?? node.exception}`;
    }
    const text = `${format(node.left, node.kind)} ${node.kind.toUpperCase()} ${format(node.right, node.kind)}`;
    // An OR inside an AND needs its parentheses; an AND inside an OR keeps
    // them too, as readers do not all know that AND binds tighter.
    return parent !== undefined && parent !== node.kind ? `(${text})` : text;
  };
  return format(expression);
}

/**
 * The category of an expression. With `OR` the user may pick, so the
 * freest known choice counts; with `AND` every part applies, so the most
 * restrictive counts, and one part of unknown terms makes the whole
 * unknown.
 */
export function categoryOf(expression: LicenseExpression): LicenseCategory {
  if (expression.kind === 'license') {
    const category =
      CANONICAL.get(expression.id.toLowerCase())?.category ?? 'unknown';
    return category === 'copyleft' &&
      expression.exception !== undefined &&
      LINKING_EXCEPTIONS.has(expression.exception.toLowerCase())
      ? 'weak-copyleft'
      : category;
  }
  const left = categoryOf(expression.left);
  const right = categoryOf(expression.right);
  if (expression.kind === 'or') {
    if (left === 'unknown') return right;
    if (right === 'unknown') return left;
    return ORDER[left] <= ORDER[right] ? left : right;
  }
  if (left === 'unknown' || right === 'unknown') return 'unknown';
  return ORDER[left] >= ORDER[right] ? left : right;
}

/** The SPDX ids an expression names, in order, each once, in canonical case. */
export function licenseIds(expression: LicenseExpression): string[] {
  const ids: string[] = [];
  const walk = (node: LicenseExpression): void => {
    if (node.kind === 'license') {
      const id = canonicalId(node.id);
      if (!ids.includes(id)) ids.push(id);
      return;
    }
    walk(node.left);
    walk(node.right);
  };
  walk(expression);
  return ids;
}

/**
 * Classifies a declaration as `parse` extracted it from a manifest (see
 * `declaredLicense`): `null` when there was none.
 *
 * @example
 * classifyLicense('(mit OR Apache-2.0)');
 * // { license: 'MIT OR Apache-2.0', ids: ['MIT', 'Apache-2.0'], category: 'permissive', spdx: true }
 */
export function classifyLicense(
  declared: string | null,
): LicenseClassification {
  const text = declared?.trim() ?? '';
  if (text === '') {
    return { license: NO_LICENSE, ids: [], category: 'unknown', spdx: false };
  }
  // npm's keyword for "not licensed for use by others".
  if (text.toUpperCase() === 'UNLICENSED') {
    return {
      license: 'UNLICENSED',
      ids: [],
      category: 'proprietary',
      spdx: false,
    };
  }
  // npm's form for terms in a file of the package: only reading that file
  // could tell what they allow.
  if (/^SEE LICEN[CS]E IN\s/i.test(text)) {
    return { license: text, ids: [], category: 'unknown', spdx: false };
  }
  const expression = parseLicenseExpression(text);
  if (expression !== undefined) {
    return {
      license: formatLicenseExpression(expression),
      ids: licenseIds(expression),
      category: categoryOf(expression),
      spdx: true,
    };
  }
  const informal = INFORMAL.get(text.toLowerCase().replace(/\s+/g, ' '));
  if (informal !== undefined) {
    return {
      license: informal,
      ids: [informal],
      category: CANONICAL.get(informal.toLowerCase())?.category ?? 'unknown',
      spdx: false,
    };
  }
  if (/^public[ -]domain$/i.test(text)) {
    return { license: text, ids: [], category: 'public-domain', spdx: false };
  }
  return { license: text, ids: [], category: 'unknown', spdx: false };
}

function canonicalId(id: string): string {
  return CANONICAL.get(id.toLowerCase())?.id ?? id;
}
