/**
 * What the library app and the baseline app share: the app settings, the environment, and how N units
 * (one of each construct) are spread over stacks.
 */
import { App, AppProps, Stack } from 'aws-cdk-lib';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';

/** A concrete environment, as production apps use: ARNs and partitions are literals where CDK can make them so. */
export const BENCH_ENV = { account: '111111111111', region: 'eu-west-1' };

/** The account snapshots are shared with. */
export const SHARING_ACCOUNT = '222222222222';

/**
 * Units per stack, for both apps, so they have the same number of stacks. A library unit is 14
 * resources, plus two per-stack handlers (about 10 resources): 20 units stay well below CloudFormation's
 * 500 resources per stack, which aws-cdk-lib enforces at synth (`TooManyResourcesInStack`), and below
 * the 21 secrets whose ARNs and keys fit in the policy of a stack's generic rotation function (checked at synth).
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
 */
export const UNITS_PER_STACK = 20;

/** Defines unit `index` (one of each construct) in `scope`. */
export type UnitBuilder = (scope: Construct, index: number) => void;

/**
 * An app with the CDK v2 recommended feature flags, as `cdk init` creates, writing to `outdir`; `props`
 * add to them.
 */
export function benchApp(outdir?: string, props: AppProps = {}): App {
  return new App({ ...props, outdir, context: { ...CURRENTLY_RECOMMENDED_FLAGS, ...props.context } });
}

/** Defines `units` units in stacks of {@link UNITS_PER_STACK}, named `<prefix>0`, `<prefix>1`, ... */
export function spreadOverStacks(app: App, prefix: string, units: number, addUnit: UnitBuilder): Stack[] {
  const stacks: Stack[] = [];
  for (let index = 0; index < units; index++) {
    if (index % UNITS_PER_STACK === 0) {
      stacks.push(new Stack(app, `${prefix}${stacks.length}`, { env: BENCH_ENV }));
    }
    addUnit(stacks[stacks.length - 1], index);
  }
  return stacks;
}
