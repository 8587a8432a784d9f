import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { rotate, RotationEvent } from './rotation';
import { ROTATION_SETTINGS_ENV } from './rotation-settings';
import { SDK_CLIENT_OPTIONS } from '../../private/handler-runtime';

const client = new SecretsManagerClient(SDK_CLIENT_OPTIONS);

/** Generic rotation function: Secrets Manager invokes it once per rotation step. */
export async function handler(event: RotationEvent): Promise<void> {
  await rotate(client, event, process.env[ROTATION_SETTINGS_ENV]);
}
