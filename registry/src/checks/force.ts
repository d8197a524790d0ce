import type { CheckResult } from './types.js';

/**
 * What an admin may force through: changes that break consumers or weaken a promise, which the
 * admin has decided to accept. Never a contract that does not parse, compose or pass governance:
 * the gateway would refuse it, or serve it unsafely.
 */
const FORCEABLE = new Set(['breaking', 'authorization-tightened', 'promise-weakened']);

export function applyForce(results: readonly CheckResult[]): CheckResult[] {
  return results.map((r) =>
    r.severity === 'error' && FORCEABLE.has(r.rule)
      ? { ...r, severity: 'warning', evidence: r.evidence ? `${r.evidence}; forced by an admin` : 'forced by an admin' }
      : r,
  );
}
