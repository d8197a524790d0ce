/**
 * The gateway's configuration module for the scale scenario (MESHGATE_CONFIG): one function per
 * policy the generated mesh uses, each granted by a role, as gateway/meshgate.config.ts does for
 * "pii". The benchmark's caller holds every role, so nothing is filtered and every field is planned.
 */
import { defineConfig } from '../../gateway/src/governance/config-module.js';
import type { PolicyFunction } from '../../gateway/src/governance/policies.js';
import { SCALE_POLICIES } from './vocabulary.js';

const hasRole =
  (role: string): PolicyFunction =>
  ({ principal }) => {
    const roles = principal.claims.roles;
    return Array.isArray(roles) ? roles.includes(role) : typeof roles === 'string' && roles.split(/[\s,]+/).includes(role);
  };

export default defineConfig({
  policies: Object.fromEntries(SCALE_POLICIES.map((policy) => [policy.name, hasRole(policy.role)])),
});
