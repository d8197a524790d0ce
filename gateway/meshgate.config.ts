/**
 * The gateway's configuration module: policies and masking are code the operator owns.
 * Point MESHGATE_CONFIG at another file to replace it.
 */
import { defineConfig } from './src/governance/config-module.js';

export default defineConfig({
  policies: {
    /** Personal data: callers whose `roles` claim holds "pii-reader". */
    pii: ({ principal }) => {
      const roles = principal.claims.roles;
      return Array.isArray(roles) ? roles.includes('pii-reader') : typeof roles === 'string' && roles.split(/[\s,]+/).includes('pii-reader');
    },
  },
  // Masking is off by default (the spec's behaviour: null and an error). Example:
  // masking: { 'Customer.email': 'email', 'Customer.phone': 'phone' },
});
