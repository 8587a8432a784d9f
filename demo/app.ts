/**
 * The example app `npm run demo` synthesizes with the cdk CLI: every construct of the library, in its
 * default and its fully configured form. Nothing here is deployed by the demo.
 */
import { App, Stack } from 'aws-cdk-lib';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { CustomerManagedKey } from '../src/kms';

/** Placeholder account: the demo only synthesizes. */
const env = { account: '111111111111', region: 'eu-west-1' };

const app = new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS } });
const stack = new Stack(app, 'KmsEncryptionDemo', { env });

new CustomerManagedKey(stack, 'DataKey', { alias: 'demo/data' });

app.synth();
