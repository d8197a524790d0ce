/**
 * Words the generated mesh is named with. Readable names (`S012_Invoice.dueAmount`) make a failing
 * composition or a slow plan easy to trace back to the generator; the lists only need to be long
 * enough that most subgraphs never reuse a word (a reused one gets a number).
 */
export const ENTITY_WORDS = [
  'Hub', 'Account', 'Customer', 'Order', 'Product', 'Invoice', 'Shipment', 'Supplier', 'Contract', 'Employee',
  'Asset', 'Project', 'Ticket', 'Campaign', 'Store', 'Vehicle', 'Warehouse', 'Partner', 'Claim', 'Policy',
];

export const OBJECT_WORDS = [
  'Address', 'LineItem', 'Price', 'Metric', 'Note', 'Attachment', 'Schedule', 'Rating', 'Period', 'Contact',
  'Dimension', 'Forecast', 'Budget', 'Approval', 'Comment', 'Milestone', 'Location', 'Snapshot', 'Summary', 'Trend',
  'Quota', 'Discount', 'Payment', 'Refund', 'Delivery', 'Route', 'Batch', 'Sample', 'Reading', 'Threshold',
  'Segment', 'Window', 'Tariff', 'Audit', 'Label', 'Revision', 'Allocation', 'Estimate', 'Score', 'Sla',
];

export const ENUM_WORDS = ['Status', 'Priority', 'Channel', 'Region', 'Tier', 'Currency', 'Kind', 'Stage', 'Severity', 'Source'];

export const INPUT_WORDS = ['Filter', 'Range', 'Search', 'Criteria', 'Window', 'Selector', 'Query', 'Scope', 'Bounds', 'Match'];

export const FIELD_WORDS = [
  'code', 'title', 'amount', 'quantity', 'score', 'createdAt', 'active', 'ratio', 'note', 'rank',
  'label', 'weight', 'priorityLevel', 'description', 'total', 'count', 'budget', 'margin', 'rating', 'reference',
  'updatedAt', 'owner', 'version', 'external', 'capacity', 'duration', 'balance', 'threshold', 'color', 'locale',
];

export const ENUM_VALUES = ['ACTIVE', 'PENDING', 'ARCHIVED', 'DRAFT', 'OPEN', 'CLOSED', 'LOW', 'MEDIUM', 'HIGH', 'UNKNOWN'];

export const SCALARS = ['String', 'Int', 'Float', 'Boolean', 'String', 'Float'] as const;

/** Scopes `@requiresScopes` draws from. */
export const SCALE_SCOPES = [
  'finance:read', 'sales:read', 'support:read', 'hr:read', 'logistics:read',
  'marketing:read', 'legal:read', 'risk:read', 'ops:read', 'research:read',
];

/**
 * Policies `@policy` draws from, with the role that satisfies each in bench/scale/meshgate.config.ts
 * (the gateway refuses to start while a policy the supergraph names has no deciding function).
 */
export const SCALE_POLICIES = [
  { name: 'pii', role: 'pii-reader' },
  { name: 'internal', role: 'employee' },
  { name: 'finance-team', role: 'finance' },
] as const;

/** Name of a word's `round`-th use: Account, Account2, Account3... */
export const numbered = (words: readonly string[], index: number): string => {
  const round = Math.floor(index / words.length);
  return `${words[index % words.length]}${round === 0 ? '' : round + 1}`;
};

export const capitalize = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);
export const lowerFirst = (word: string): string => word.charAt(0).toLowerCase() + word.slice(1);
