import { App, Stack, StackProps } from 'aws-cdk-lib';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';

export const ACCOUNT = '111111111111';
export const OTHER_ACCOUNT = '222222222222';
export const THIRD_ACCOUNT = '333333333333';
export const REGION = 'eu-west-1';

/** An app with the CDK v2 recommended feature flags, so tests see what users of `cdk init` get. */
export function testApp(): App {
  return new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS } });
}

/** A stack in a concrete environment, so ARNs in policies can be evaluated. */
export function testStack(id = 'TestStack', props: StackProps = {}, app: App = testApp()): Stack {
  return new Stack(app, id, { env: { account: ACCOUNT, region: REGION }, ...props });
}
