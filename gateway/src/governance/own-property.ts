/**
 * Writes `value` under `key` as an own, enumerable data property. A plain assignment treats the
 * response key "__proto__" (a legal GraphQL alias) as the object's prototype: the key would be
 * lost, and the object would inherit from client-chosen data (prototype pollution, CVE-2026-32621).
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
