import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { run } from './secure-string-resource';

const clients = { ssm: new SSMClient({}), secretsManager: new SecretsManagerClient({}) };

/** Entry point of the SecureStringParameter custom resource (the function is the ServiceToken). */
export async function handler(event: CloudFormationCustomResourceEvent): Promise<void> {
  await run(event, clients, fetch);
}
