import type { Database } from '../../../shared/db/database.js';
import { bulkInsert } from '../../../shared/db/bulk-insert.js';
import { DEMO_EPOCH, DEMO_SIZES, SeededRandom } from '../../../shared/demo/random.js';

const THEMES = [
  'Spring Refresh', 'Summer Sale', 'Back to School', 'Autumn Outdoors', 'Black Friday', 'Holiday Gifts',
  'New Year Deals', 'Tech Week', 'Home Makeover', 'Kitchen Essentials', 'Garden Season', 'Game Night',
];

const CHANNELS = ['EMAIL', 'SMS', 'SOCIAL', 'SEARCH', 'DISPLAY', 'TV', 'IN_STORE'] as const;

/** Every ten campaigns follow this plan, so each status is present in a known proportion. */
const STATUS_PLAN = [
  'ENDED', 'ACTIVE', 'ENDED', 'ACTIVE', 'SCHEDULED', 'ENDED', 'ACTIVE', 'PAUSED', 'ENDED', 'DRAFT',
] as const;

/** The demo segments, with the share of customers each holds. */
export const SEGMENTS = [
  { id: 1, name: 'New customers', description: 'First purchase within the last 90 days.', share: 0.12 },
  { id: 2, name: 'Loyal regulars', description: 'Five or more orders in the last 12 months.', share: 0.18 },
  { id: 3, name: 'High spenders', description: 'Top tenth of customers by spend over the last 12 months.', share: 0.1 },
  { id: 4, name: 'Lapsed', description: 'No purchase in the last 180 days.', share: 0.22 },
  { id: 5, name: 'Bargain hunters', description: 'Most orders in the last year used a promotion.', share: 0.25 },
  { id: 6, name: 'Outdoor enthusiasts', description: 'Bought Outdoor, Sports or Garden products at least twice.', share: 0.15 },
  { id: 7, name: 'Home and kitchen', description: 'Bought Home or Kitchen products at least twice.', share: 0.2 },
  { id: 8, name: 'Tech early adopters', description: 'Bought a Computers, Phones or Cameras product within a month of its launch.', share: 0.08 },
  { id: 9, name: 'Families', description: 'Bought Toys products or said they shop for children.', share: 0.14 },
  { id: 10, name: 'Newsletter readers', description: 'Opened a marketing email in the last 30 days.', share: 0.3 },
  { id: 11, name: 'Mobile first', description: 'Most sessions in the last 90 days came from the mobile app.', share: 0.35 },
  { id: 12, name: 'At risk of churn', description: 'Ordering less often than their own usual rhythm, by the churn model.', share: 0.09 },
] as const;

/** How likely a customer answered each consent channel, and granted it when they did. */
const CONSENT_ODDS = {
  EMAIL: { answered: 0.8, granted: 0.7 },
  SMS: { answered: 0.5, granted: 0.4 },
  PHONE: { answered: 0.3, granted: 0.2 },
  POST: { answered: 0.4, granted: 0.5 },
} as const;

const DAY = 24 * 3600 * 1000;
const daysFromEpoch = (days: number) => new Date(DEMO_EPOCH.getTime() + days * DAY);

/**
 * The demo data set as rows, built without a database so that its determinism is testable:
 * 50 campaigns around DEMO_EPOCH with dates that fit their status, 2,000 promotions over
 * products 1..1000, 12 segments, and segment membership and consent for customers 1..10000.
 */
export function marketingDemoData() {
  const random = new SeededRandom(0x3a4c);
  const campaigns = Array.from({ length: DEMO_SIZES.campaigns }, (_, i) => {
    const status = STATUS_PLAN[i % STATUS_PLAN.length];
    const channel = random.pick(CHANNELS);
    const startsAt = (() => {
      switch (status) {
        case 'ENDED':
          return random.dateBetween(daysFromEpoch(-365), daysFromEpoch(-70));
        case 'ACTIVE':
        case 'PAUSED':
          return random.dateBetween(daysFromEpoch(-60), daysFromEpoch(-1));
        case 'SCHEDULED':
          return random.dateBetween(daysFromEpoch(1), daysFromEpoch(60));
        case 'DRAFT':
          return random.dateBetween(daysFromEpoch(30), daysFromEpoch(120));
        default: {
          const unreachable: never = status;
          throw new Error(`no start date rule for status ${String(unreachable)}`);
        }
      }
    })();
    // Ended campaigns ended before the epoch; a quarter of the others run until further notice.
    const endsAt = status !== 'ENDED' && random.chance(0.25) ? null : new Date(startsAt.getTime() + random.int(14, 60) * DAY);
    return {
      id: i + 1,
      name: `${random.pick(THEMES)} ${startsAt.getUTCFullYear()} #${i + 1}`,
      channel,
      status,
      starts_at: startsAt,
      ends_at: endsAt,
      budget: random.int(500_000, 25_000_000) / 100,
    };
  });

  const perCampaign = DEMO_SIZES.promotions / DEMO_SIZES.campaigns;
  const promotions: { id: number; campaign_id: number; product_id: number; discount_percent: number }[] = [];
  for (const campaign of campaigns) {
    const products = new Set<number>();
    while (products.size < perCampaign) products.add(random.int(1, DEMO_SIZES.products));
    for (const productId of products) {
      promotions.push({
        id: promotions.length + 1,
        campaign_id: campaign.id,
        product_id: productId,
        discount_percent: random.pick([5, 10, 12.5, 15, 20, 25, 30, 40, 50]),
      });
    }
  }

  const campaignSegments: { campaign_id: number; segment_id: number }[] = [];
  for (const campaign of campaigns) {
    const targeted = new Set<number>();
    const count = random.int(1, 3);
    while (targeted.size < count) targeted.add(random.int(1, SEGMENTS.length));
    for (const segmentId of [...targeted].sort((a, b) => a - b)) campaignSegments.push({ campaign_id: campaign.id, segment_id: segmentId });
  }

  const members: { segment_id: number; customer_id: number }[] = [];
  const consents: { customer_id: number; channel: string; granted: boolean; updated_at: Date }[] = [];
  for (let customerId = 1; customerId <= DEMO_SIZES.customers; customerId++) {
    for (const segment of SEGMENTS) {
      if (random.chance(segment.share)) members.push({ segment_id: segment.id, customer_id: customerId });
    }
    for (const [channel, odds] of Object.entries(CONSENT_ODDS)) {
      if (random.chance(odds.answered)) {
        consents.push({
          customer_id: customerId,
          channel,
          granted: random.chance(odds.granted),
          updated_at: random.dateBetween(daysFromEpoch(-3 * 365), DEMO_EPOCH),
        });
      }
    }
  }
  return {
    campaigns,
    promotions,
    segments: SEGMENTS.map(({ id, name, description }) => ({ id, name, description })),
    campaignSegments,
    members,
    consents,
  };
}

/** Loads the deterministic demo data, one statement per table, in one transaction. */
export async function seedMarketing(db: Database): Promise<void> {
  const data = marketingDemoData();
  await db.transaction(async (tx) => {
    await bulkInsert(
      tx,
      'campaigns',
      { id: 'int[]', name: 'text[]', channel: 'text[]', status: 'text[]', starts_at: 'timestamptz[]', ends_at: 'timestamptz[]', budget: 'numeric[]' },
      data.campaigns,
    );
    await bulkInsert(tx, 'promotions', { id: 'int[]', campaign_id: 'int[]', product_id: 'int[]', discount_percent: 'numeric[]' }, data.promotions);
    await bulkInsert(tx, 'segments', { id: 'int[]', name: 'text[]', description: 'text[]' }, data.segments);
    await bulkInsert(tx, 'campaign_segments', { campaign_id: 'int[]', segment_id: 'int[]' }, data.campaignSegments);
    await bulkInsert(tx, 'segment_members', { segment_id: 'int[]', customer_id: 'int[]' }, data.members);
    await bulkInsert(
      tx,
      'marketing_consents',
      { customer_id: 'int[]', channel: 'text[]', granted: 'boolean[]', updated_at: 'timestamptz[]' },
      data.consents,
    );
  });
}
