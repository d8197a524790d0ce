import type { Slo } from '../api/types';
import { formatProperty, formatValue } from '../format';

/** What the product promises, on its own: shown when there are no measurements to set beside it. */
export function PromisedOnly({ promised }: { promised: Slo }) {
  return (
    <dl className="promised-only">
      {(['availability', 'latencyP99Ms', 'freshnessSeconds'] as const).map((property) => (
        <div key={property}>
          <dt>{formatProperty(property)}</dt>
          <dd>{formatValue(property, promised[property])}</dd>
        </div>
      ))}
    </dl>
  );
}
