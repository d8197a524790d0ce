/**
 * Masking: where the operator says so, a caller who may not read a classified field gets a
 * masked value instead of `null` (e.g. "j***@example.com"). Off unless configured, so the
 * default behaviour is exactly the authorization spec's.
 */
export type Masker = (value: unknown) => unknown;

export const BUILT_IN_MASKERS = {
  /** "jane.doe@example.com" -> "j***@example.com" */
  email: (value: unknown) => {
    if (typeof value !== 'string') return null;
    const at = value.lastIndexOf('@');
    return at <= 0 ? '***' : `${value[0]}***${value.slice(at)}`;
  },
  /** "+31 6 1234 5678" -> "***78": only the last two digits stay. */
  phone: (value: unknown) => {
    if (typeof value !== 'string') return null;
    const digits = value.replace(/\D/g, '');
    return digits.length < 4 ? '***' : `***${digits.slice(-2)}`;
  },
  /** Any string -> "***"; other values -> null. */
  redact: (value: unknown) => (typeof value === 'string' ? '***' : null),
} satisfies Record<string, Masker>;

export type BuiltInMasker = keyof typeof BUILT_IN_MASKERS;

/** Schema coordinate ("Customer.email") -> a built-in masker's name or a function. */
export type MaskingRules = Readonly<Record<string, BuiltInMasker | Masker>>;

/** Resolves rule names to functions; an unknown built-in name is a start-up error naming it. */
export function resolveMaskingRules(rules: MaskingRules): Map<string, Masker> {
  const resolved = new Map<string, Masker>();
  for (const [coordinate, rule] of Object.entries(rules)) {
    if (!/^[_A-Za-z][_0-9A-Za-z]*\.[_A-Za-z][_0-9A-Za-z]*$/.test(coordinate)) {
      throw new Error(`Masking rule "${coordinate}": expected a schema coordinate such as "Customer.email"`);
    }
    if (typeof rule === 'function') resolved.set(coordinate, rule);
    else if (rule in BUILT_IN_MASKERS) resolved.set(coordinate, BUILT_IN_MASKERS[rule]);
    else throw new Error(`Masking rule for ${coordinate}: unknown masker "${String(rule)}", expected one of ${Object.keys(BUILT_IN_MASKERS).join(', ')} or a function`);
  }
  return resolved;
}
