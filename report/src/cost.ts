import { CostEstimate, CostLine, KeyEntry } from './model';

/**
 * KMS prices in US dollars, as the pricing page gives them for most Regions. The page itself could not be read
 * from where this was written (2026-12-07); the prices are those the project's README quotes from it, confirmed
 * by pages that quote it: $1 a key a month, and since the 2024 change of rotation pricing $1 a month for each of
 * a key's first two rotations only.
 * @see https://aws.amazon.com/kms/pricing/
 * @see https://cloudburn.io/blog/aws-kms-pricing (2026-03-14, "including the May 2024 key rotation pricing update")
 * @see https://canglad.com/blog/2023/simple-math-of-aws-kms-key-rotation-costs (the April 2024 reduction of rotation charges)
 */
const KMS_PRICING = {
  url: 'https://aws.amazon.com/kms/pricing/',
  readOn: '2026-12-07',
  region: 'us-east-1',
  /** Each customer managed key (a multi-Region replica is a key of its own), whatever its key material's origin. */
  keyMonthly: 1,
  /** Each of a key's first two rotations of its key material adds this a month; later rotations add nothing. */
  rotationMonthly: 1,
  chargedRotations: 2,
} as const;

/**
 * The monthly cost of the app's keys: $1 a key, and the rotation surcharge of keys that rotate once their
 * first two rotations have happened (the steady state a rotating key reaches after two rotation periods).
 */
export function estimateCost(keys: readonly KeyEntry[]): CostEstimate {
  const created = keys.filter((key) => key.origin === 'created');
  const rotating = created.filter((key) => key.configuration.rotation?.enabled);
  const line = (item: string, lineKeys: readonly KeyEntry[], quantity: number, unitUsd: number): CostLine => ({
    item, keys: lineKeys.map((key) => key.id).sort(), quantity, unitUsd, monthlyUsd: quantity * unitUsd,
  });
  const lines = [
    line('Customer managed key', created, created.length, KMS_PRICING.keyMonthly),
    line(`Rotation surcharge (first ${KMS_PRICING.chargedRotations} rotations of each rotating key, once they have happened)`,
      rotating, rotating.length * KMS_PRICING.chargedRotations, KMS_PRICING.rotationMonthly),
  ].filter((costLine) => costLine.quantity > 0);
  const external = created.filter((key) => key.configuration.origin && key.configuration.origin !== 'AWS_KMS');
  const unknownRotation = created.filter((key) => key.configuration.rotation === undefined);
  return {
    estimate: true,
    currency: 'USD',
    monthlyUsd: lines.reduce((sum, costLine) => sum + costLine.monthlyUsd, 0),
    lines,
    pricing: { url: KMS_PRICING.url, readOn: KMS_PRICING.readOn, region: KMS_PRICING.region },
    notes: [
      'An estimate of what the keys themselves cost a month, at the price of most Regions; some Regions are priced otherwise.',
      'Requests are not included: KMS charges for requests beyond its monthly free tier, by type of request, and the template does not tell how many the app makes.',
      'A rotating key costs its base price until its first rotation, one surcharge after it and two after its second; the estimate shows the last.',
      'On-demand rotations (kms:RotateKeyOnDemand) are not in the template and are not included; see the pricing page for how they are charged.',
      ...(external.length > 0 ? [`Keys with key material from outside KMS (${external.map((key) => key.id).sort().join(', ')}) are priced as keys here; a custom key store (CloudHSM cluster, external key manager) is billed separately and not included.`] : []),
      ...(unknownRotation.length > 0 ? [`Whether ${unknownRotation.map((key) => key.id).sort().join(', ')} rotate is only known at deploy time: no surcharge is included for them.`] : []),
      'Keys the app only refers to (by ARN or alias) are not included: they are billed where they are created.',
      'The prices are as of the date above, from sources that quote the pricing page (the page itself could not be read where this estimate was written): check the page.',
    ],
  };
}
