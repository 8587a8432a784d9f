import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CustomerManagedKey } from '../kms/customer-managed-key';
import { EncryptedLogGroup } from '../logs/encrypted-log-group';

/** Construct id, under the stack, of the key that encrypts the log groups of the library's handler functions. */
const HANDLER_LOGS_KEY_ID = 'CdkKmsEncryptionHandlerLogsKey';

/**
 * The log group of one of the library's per-stack handler functions (the SecureString custom resource
 * handler, the generic rotation function). All of them in a stack share one key: each customer-managed key
 * is billed monthly, and these log groups hold the same kind of data, written by functions of the library.
 * The key policy still names each log group (`LOG_GROUP` scope), and the key rotates like any other.
 * @see https://aws.amazon.com/kms/pricing/
 */
export function handlerLogGroup(scope: Construct, id: string): EncryptedLogGroup {
  return new EncryptedLogGroup(scope, id, { encryptionKey: handlerLogsKey(Stack.of(scope)) });
}

function handlerLogsKey(stack: Stack): CustomerManagedKey {
  const existing = stack.node.tryFindChild(HANDLER_LOGS_KEY_ID);
  return existing instanceof CustomerManagedKey ? existing : new CustomerManagedKey(stack, HANDLER_LOGS_KEY_ID, {
    description: 'Encrypts the log groups of the cdk-kms-encryption handler functions of this stack',
  });
}
