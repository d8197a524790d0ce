import type { Database } from '../../../shared/db/database.js';
import { bulkInsert } from '../../../shared/db/bulk-insert.js';
import { DEMO_EPOCH, DEMO_SIZES, SeededRandom } from '../../../shared/demo/random.js';

const FIRST_NAMES = [
  'Emma', 'Liam', 'Olivia', 'Noah', 'Ava', 'Lucas', 'Mia', 'Elias', 'Sofia', 'Jonas', 'Lena', 'Finn', 'Hannah', 'Mateo',
  'Julia', 'Leon', 'Chloe', 'Oscar', 'Nora', 'Hugo', 'Alice', 'Arthur', 'Ines', 'Felix', 'Clara', 'Adam', 'Zoe', 'Victor',
  'Maya', 'Daniel', 'Sara', 'Samuel', 'Lea', 'David', 'Ella', 'Tom', 'Amira', 'Yusuf', 'Mei', 'Kenji',
];
const LAST_NAMES = [
  'Jansen', 'Martin', 'Schmidt', 'Rossi', 'Garcia', 'Novak', 'Johansson', 'Dubois', 'Muller', 'Smith', 'Kowalski', 'Silva',
  'Nielsen', 'Bakker', 'Fischer', 'Moreau', 'Lopez', 'Brown', 'Weber', 'Costa', 'Virtanen', 'Horvat', 'Meyer', 'Visser',
  'Laurent', 'Wilson', 'Ferrari', 'Hansen', 'Tanaka', 'Chen', 'Khan', 'Okafor', 'Berg', 'Lindqvist', 'Petrov', 'Murphy',
];
/** Country calling codes with the length of the national number that follows them. */
const PHONE_PLANS = [
  { prefix: '+31 6', digits: 8 },
  { prefix: '+49 151', digits: 8 },
  { prefix: '+33 6', digits: 8 },
  { prefix: '+46 70', digits: 7 },
  { prefix: '+1 202', digits: 7 },
  { prefix: '+65 9', digits: 7 },
];
const PRODUCT_SUBJECTS = [
  'Item arrived damaged',
  'Does not turn on',
  'Parts missing from the box',
  'Question about the warranty',
  'I would like to return this item',
  'Wrong item delivered',
  'Stopped working after a week',
  'How do I set this up?',
  'Makes a strange noise',
  'Battery drains too fast',
  'Replacement part needed',
  'Not as described on the website',
];
const GENERAL_SUBJECTS = [
  'Cannot log in to my account',
  'Please update my billing address',
  'Question about my invoice',
  'My delivery is late',
  'Change the e-mail address on my account',
  'Refund not received yet',
  'Feedback about the website',
  'Please delete my account data',
];

type Weighted<T> = readonly (readonly [T, number])[];

const TIERS: Weighted<string> = [['STANDARD', 60], ['SILVER', 25], ['GOLD', 11], ['PLATINUM', 4]];
// Most tickets are history (resolved or closed); about a third are still being worked on.
const STATUSES: Weighted<string> = [['CLOSED', 38], ['RESOLVED', 30], ['OPEN', 12], ['IN_PROGRESS', 12], ['WAITING_ON_CUSTOMER', 8]];
const PRIORITIES: Weighted<string> = [['LOW', 30], ['MEDIUM', 45], ['HIGH', 20], ['URGENT', 5]];
const CHANNELS: Weighted<string> = [['EMAIL', 35], ['WEB', 30], ['CHAT', 20], ['PHONE', 15]];
/** Typical hours to resolve, by priority: urgent tickets are handled first. */
const RESOLUTION_HOURS: Record<string, number> = { LOW: 120, MEDIUM: 72, HIGH: 24, URGENT: 6 };

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

function weighted<T>(random: SeededRandom, choices: Weighted<T>): T {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random.next() * total;
  for (const [value, weight] of choices) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return choices[choices.length - 1][0];
}

export function emailOf(first: string, last: string, id: number): string {
  return `${first.toLowerCase()}.${last.toLowerCase()}${id}@example.com`;
}

export type CustomerSeedRow = {
  id: number;
  name: string;
  email: string;
  phone: string | null;
  tier: string;
  created_at: Date;
};

export type TicketSeedRow = {
  id: number;
  customer_id: number;
  product_id: number | null;
  subject: string;
  status: string;
  priority: string;
  channel: string;
  opened_at: Date;
  resolved_at: Date | null;
  satisfaction: number | null;
};

/** The demo data as rows, apart from the database so that tests can check its shape. */
export function demoCustomerService(): { customers: CustomerSeedRow[]; tickets: TicketSeedRow[] } {
  const random = new SeededRandom(0xc5_7e11);
  const fiveYearsAgo = new Date(DEMO_EPOCH.getTime() - 5 * 365 * DAY);
  const twoMonthsAgo = new Date(DEMO_EPOCH.getTime() - 60 * DAY);
  const yearAgo = new Date(DEMO_EPOCH.getTime() - 365 * DAY);
  const sixWeeksAgo = new Date(DEMO_EPOCH.getTime() - 42 * DAY);

  const customers = Array.from({ length: DEMO_SIZES.customers }, (_, i): CustomerSeedRow => {
    const id = i + 1;
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    const plan = random.pick(PHONE_PLANS);
    const national = String(random.int(0, 10 ** plan.digits - 1)).padStart(plan.digits, '0');
    return {
      id,
      name: `${first} ${last}`,
      email: emailOf(first, last, id),
      // Not everyone leaves a phone number.
      phone: random.chance(0.9) ? `${plan.prefix} ${national}` : null,
      tier: weighted(random, TIERS),
      created_at: random.dateBetween(fiveYearsAgo, twoMonthsAgo),
    };
  });

  // Some products simply disappoint more than others, so satisfaction scores differ per product.
  const productQuality = Array.from({ length: DEMO_SIZES.products + 1 }, () => random.next() * 2 - 1.2);

  const tickets = Array.from({ length: DEMO_SIZES.tickets }, (_, i): TicketSeedRow => {
    const customer = customers[random.int(0, customers.length - 1)];
    const productId = random.chance(0.85) ? random.int(1, DEMO_SIZES.products) : null;
    const status = weighted(random, STATUSES);
    const priority = weighted(random, PRIORITIES);
    const resolved = status === 'RESOLVED' || status === 'CLOSED';
    // Unresolved tickets are recent: a backlog, not a year-old graveyard.
    const from = new Date(Math.max(customer.created_at.getTime(), (resolved ? yearAgo : sixWeeksAgo).getTime()));
    const openedAt = random.dateBetween(from, DEMO_EPOCH);
    let resolvedAt: Date | null = null;
    let satisfaction: number | null = null;
    if (resolved) {
      const hours = RESOLUTION_HOURS[priority] * (0.1 + random.next() * 1.9);
      resolvedAt = new Date(Math.min(DEMO_EPOCH.getTime(), Math.floor((openedAt.getTime() + hours * HOUR) / 1000) * 1000));
      if (random.chance(0.6)) {
        const noise = (random.next() + random.next() + random.next() - 1.5) * 1.6;
        const slow = hours > 96 ? -0.6 : 0;
        const score = 3.9 + (productId === null ? 0 : productQuality[productId]) + slow + noise;
        satisfaction = Math.min(5, Math.max(1, Math.round(score)));
      }
    }
    return {
      id: i + 1,
      customer_id: customer.id,
      product_id: productId,
      subject: random.pick(productId === null ? GENERAL_SUBJECTS : PRODUCT_SUBJECTS),
      status,
      priority,
      channel: weighted(random, CHANNELS),
      opened_at: openedAt,
      resolved_at: resolvedAt,
      satisfaction,
    };
  });
  return { customers, tickets };
}

/** Loads the deterministic demo data: 10,000 customers and 30,000 tickets about products 1..1,000. */
export async function seedCustomerService(db: Database): Promise<void> {
  const { customers, tickets } = demoCustomerService();
  await db.transaction(async (tx) => {
    await bulkInsert(
      tx,
      'customers',
      { id: 'int[]', name: 'text[]', email: 'text[]', phone: 'text[]', tier: 'text[]', created_at: 'timestamptz[]' },
      customers,
    );
    await bulkInsert(
      tx,
      'tickets',
      {
        id: 'int[]',
        customer_id: 'int[]',
        product_id: 'int[]',
        subject: 'text[]',
        status: 'text[]',
        priority: 'text[]',
        channel: 'text[]',
        opened_at: 'timestamptz[]',
        resolved_at: 'timestamptz[]',
        satisfaction: 'smallint[]',
      },
      tickets,
    );
    // The demo rows carry their own ids; new tickets must be numbered after them.
    await tx.query(`SELECT setval(pg_get_serial_sequence('tickets', 'id'), (SELECT max(id) FROM tickets))`);
  });
}
