import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { run } from './secure-string-resource';
import { SDK_CLIENT_OPTIONS } from '../../private/handler-runtime';

const clients = { ssm: new SSMClient(SDK_CLIENT_OPTIONS), secretsManager: new SecretsManagerClient(SDK_CLIENT_OPTIONS) };

/** Entry point of the SecureStringParameter custom resource (the function is the ServiceToken). */
export async function handler(event: CloudFormationCustomResourceEvent, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<void> {
  await run(event, clients, fetch, context.getRemainingTimeInMillis());
}
