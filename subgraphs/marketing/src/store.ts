import type { Database, Queryable } from '../../../shared/db/database.js';

/** The values of the schema's enums, as the CHECK constraints of 001_init.sql list them. */
export const CAMPAIGN_CHANNELS = ['EMAIL', 'SMS', 'SOCIAL', 'SEARCH', 'DISPLAY', 'TV', 'IN_STORE'] as const;
export const CAMPAIGN_STATUSES = ['DRAFT', 'SCHEDULED', 'ACTIVE', 'PAUSED', 'ENDED'] as const;
export const CONSENT_CHANNELS = ['EMAIL', 'SMS', 'PHONE', 'POST'] as const;

export type CampaignChannel = (typeof CAMPAIGN_CHANNELS)[number];
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

/** Rows as the resolvers see them: camelCase, numbers as numbers, instants as Dates. */
export interface CampaignRow {
  id: number;
  name: string;
  channel: CampaignChannel;
  status: CampaignStatus;
  startsAt: Date;
  endsAt: Date | null;
  budget: number;
}

export interface PromotionRow {
  id: number;
  productId: number;
  campaignId: number;
  discountPercent: number;
  /** Derived from the campaign's status, so pausing a campaign stops all its discounts at once. */
  active: boolean;
}

export interface SegmentRow {
  id: number;
  name: string;
  description: string;
}

export interface ConsentRow {
  customerId: number;
  channel: ConsentChannel;
  granted: boolean;
  updatedAt: Date;
}

/** A campaign as found through one of its promotions. */
export type ProductCampaignRow = CampaignRow & { productId: number };
export type CampaignSegmentRow = SegmentRow & { campaignId: number };
export type CustomerSegmentRow = SegmentRow & { customerId: number };

export interface CampaignFilter {
  limit: number;
  offset: number;
  status?: CampaignStatus | null;
  channel?: CampaignChannel | null;
}

/** A change of a campaign's status that a user may ask for. */
export type CampaignAction = 'launch' | 'pause';

/** Which statuses each action starts from, and where it leads. */
export const CAMPAIGN_TRANSITIONS: Record<CampaignAction, { from: readonly CampaignStatus[]; to: CampaignStatus }> = {
  launch: { from: ['DRAFT', 'SCHEDULED', 'PAUSED'], to: 'ACTIVE' },
  pause: { from: ['ACTIVE'], to: 'PAUSED' },
};

/** Why a status change could not be made, for the resolver to phrase as a GraphQL error. */
export type TransitionRefusal =
  | { refusal: 'unknown-campaign' }
  | { refusal: 'wrong-status'; status: CampaignStatus }
  | { refusal: 'already-over'; endsAt: Date };

export interface ConsentChoice {
  channel: ConsentChannel;
  granted: boolean;
}

/** Everything marketing reads and writes, as SQL. Only the loaders and mutations call it. */
export interface MarketingStore {
  listCampaigns(filter: CampaignFilter): Promise<CampaignRow[]>;
  campaignsByIds(ids: readonly number[]): Promise<CampaignRow[]>;
  promotionsByIds(ids: readonly number[]): Promise<PromotionRow[]>;
  promotionsByCampaignIds(ids: readonly number[]): Promise<PromotionRow[]>;
  /** Promotions of each product, best discount first; `activeOnly` keeps those of ACTIVE campaigns. */
  promotionsByProductIds(ids: readonly number[], activeOnly: boolean): Promise<PromotionRow[]>;
  campaignsByProductIds(ids: readonly number[]): Promise<ProductCampaignRow[]>;
  listSegments(): Promise<SegmentRow[]>;
  segmentsByIds(ids: readonly number[]): Promise<SegmentRow[]>;
  segmentsByCampaignIds(ids: readonly number[]): Promise<CampaignSegmentRow[]>;
  segmentsByCustomerIds(ids: readonly number[]): Promise<CustomerSegmentRow[]>;
  /** Member counts; a segment without members has no row. */
  segmentSizes(ids: readonly number[]): Promise<{ id: number; size: number }[]>;
  consentsByCustomerIds(ids: readonly number[]): Promise<ConsentRow[]>;
  changeCampaignStatus(id: number, action: CampaignAction): Promise<{ ok: true; campaign: CampaignRow } | ({ ok: false } & TransitionRefusal)>;
  /** Records several channel choices of one customer atomically; returns all the customer's consent rows. */
  setConsents(customerId: number, choices: readonly ConsentChoice[]): Promise<ConsentRow[]>;
}

const CAMPAIGN_COLUMNS = `c.id, c.name, c.channel, c.status, c.starts_at AS "startsAt", c.ends_at AS "endsAt", c.budget::float8 AS budget`;
const PROMOTION_COLUMNS = `p.id, p.product_id AS "productId", p.campaign_id AS "campaignId",
  p.discount_percent::float8 AS "discountPercent", c.status = 'ACTIVE' AS active`;
const PROMOTIONS_FROM = 'promotions p JOIN campaigns c ON c.id = p.campaign_id';
const SEGMENT_COLUMNS = 's.id, s.name, s.description';
const CONSENT_COLUMNS = 'customer_id AS "customerId", channel, granted, updated_at AS "updatedAt"';

export function createMarketingStore(db: Database): MarketingStore {
  return {
    listCampaigns: ({ limit, offset, status, channel }) => {
      const where: string[] = [];
      const params: unknown[] = [];
      if (status != null) {
        params.push(status);
        where.push(`c.status = $${params.length}`);
      }
      if (channel != null) {
        params.push(channel);
        where.push(`c.channel = $${params.length}`);
      }
      params.push(limit, offset);
      return db.query<CampaignRow>(
        `SELECT ${CAMPAIGN_COLUMNS} FROM campaigns c ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY c.starts_at DESC, c.id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
        params,
      );
    },
    campaignsByIds: (ids) => db.query<CampaignRow>(`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns c WHERE c.id = ANY($1::int[])`, [ids]),
    promotionsByIds: (ids) =>
      db.query<PromotionRow>(`SELECT ${PROMOTION_COLUMNS} FROM ${PROMOTIONS_FROM} WHERE p.id = ANY($1::int[])`, [ids]),
    promotionsByCampaignIds: (ids) =>
      db.query<PromotionRow>(
        `SELECT ${PROMOTION_COLUMNS} FROM ${PROMOTIONS_FROM} WHERE p.campaign_id = ANY($1::int[]) ORDER BY p.campaign_id, p.product_id`,
        [ids],
      ),
    promotionsByProductIds: (ids, activeOnly) =>
      db.query<PromotionRow>(
        `SELECT ${PROMOTION_COLUMNS} FROM ${PROMOTIONS_FROM}
         WHERE p.product_id = ANY($1::int[]) AND (NOT $2::boolean OR c.status = 'ACTIVE')
         ORDER BY p.product_id, p.discount_percent DESC, p.id`,
        [ids, activeOnly],
      ),
    // A campaign promotes a product at most once (UNIQUE (campaign_id, product_id)), so the
    // join yields each campaign once per product without DISTINCT.
    campaignsByProductIds: (ids) =>
      db.query<ProductCampaignRow>(
        `SELECT p.product_id AS "productId", ${CAMPAIGN_COLUMNS} FROM ${PROMOTIONS_FROM}
         WHERE p.product_id = ANY($1::int[]) ORDER BY p.product_id, c.starts_at DESC, c.id DESC`,
        [ids],
      ),
    listSegments: () => db.query<SegmentRow>(`SELECT ${SEGMENT_COLUMNS} FROM segments s ORDER BY s.id`),
    segmentsByIds: (ids) => db.query<SegmentRow>(`SELECT ${SEGMENT_COLUMNS} FROM segments s WHERE s.id = ANY($1::int[])`, [ids]),
    segmentsByCampaignIds: (ids) =>
      db.query<CampaignSegmentRow>(
        `SELECT t.campaign_id AS "campaignId", ${SEGMENT_COLUMNS} FROM campaign_segments t JOIN segments s ON s.id = t.segment_id
         WHERE t.campaign_id = ANY($1::int[]) ORDER BY t.campaign_id, s.id`,
        [ids],
      ),
    segmentsByCustomerIds: (ids) =>
      db.query<CustomerSegmentRow>(
        `SELECT m.customer_id AS "customerId", ${SEGMENT_COLUMNS} FROM segment_members m JOIN segments s ON s.id = m.segment_id
         WHERE m.customer_id = ANY($1::int[]) ORDER BY m.customer_id, s.id`,
        [ids],
      ),
    segmentSizes: (ids) =>
      db.query<{ id: number; size: number }>(
        'SELECT segment_id AS id, count(*)::int AS size FROM segment_members WHERE segment_id = ANY($1::int[]) GROUP BY segment_id',
        [ids],
      ),
    consentsByCustomerIds: (ids) =>
      db.query<ConsentRow>(
        `SELECT ${CONSENT_COLUMNS} FROM marketing_consents WHERE customer_id = ANY($1::int[]) ORDER BY customer_id, channel`,
        [ids],
      ),
    changeCampaignStatus: (id, action) => db.transaction((tx) => changeCampaignStatus(tx, id, action)),
    setConsents: (customerId, choices) => db.transaction((tx) => setConsents(tx, customerId, choices)),
  };
}

async function changeCampaignStatus(tx: Queryable, id: number, action: CampaignAction) {
  const transition = CAMPAIGN_TRANSITIONS[action];
  // Lock the campaign so that two status changes of it apply one after the other, each
  // checking the status the previous one left.
  const [current] = await tx.query<{ status: CampaignStatus; endsAt: Date | null; over: boolean }>(
    'SELECT status, ends_at AS "endsAt", ends_at <= now() AS over FROM campaigns WHERE id = $1 FOR UPDATE',
    [id],
  );
  if (!current) return { ok: false as const, refusal: 'unknown-campaign' as const };
  if (!transition.from.includes(current.status)) return { ok: false as const, refusal: 'wrong-status' as const, status: current.status };
  if (transition.to === 'ACTIVE' && current.over) return { ok: false as const, refusal: 'already-over' as const, endsAt: current.endsAt! };
  // Launching early moves the start to now, so startsAt always says when the campaign began to run.
  const [campaign] = await tx.query<CampaignRow>(
    `UPDATE campaigns c SET status = $2, starts_at = CASE WHEN $2 = 'ACTIVE' THEN least(c.starts_at, now()) ELSE c.starts_at END
     WHERE c.id = $1 RETURNING ${CAMPAIGN_COLUMNS}`,
    [id, transition.to],
  );
  return { ok: true as const, campaign };
}

async function setConsents(tx: Queryable, customerId: number, choices: readonly ConsentChoice[]) {
  // A choice that repeats the current one keeps its timestamp: updatedAt says when it changed.
  await tx.query(
    `INSERT INTO marketing_consents AS mc (customer_id, channel, granted, updated_at)
     SELECT $1, choice.channel, choice.granted, now() FROM unnest($2::text[], $3::boolean[]) AS choice (channel, granted)
     ON CONFLICT (customer_id, channel) DO UPDATE SET granted = EXCLUDED.granted, updated_at = EXCLUDED.updated_at
     WHERE mc.granted IS DISTINCT FROM EXCLUDED.granted`,
    [customerId, choices.map((c) => c.channel), choices.map((c) => c.granted)],
  );
  return tx.query<ConsentRow>(`SELECT ${CONSENT_COLUMNS} FROM marketing_consents WHERE customer_id = $1 ORDER BY channel`, [customerId]);
}
