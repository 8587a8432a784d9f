import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { rotate, RotationEvent } from './rotation';

const client = new SecretsManagerClient({});

/** Generic rotation function: Secrets Manager invokes it once per rotation step. */
export async function handler(event: RotationEvent): Promise<void> {
  await rotate(client, event);
}
