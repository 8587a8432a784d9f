import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/**
 * Lets Secrets Manager invoke a rotation function, on behalf of the stack's account only
 * (`SourceAccount`) and for the secrets matching `sourceArn`, which Lambda compares with `ArnLike`: one
 * secret's ARN, or a pattern.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-required-permissions-function.html
 */
export function secretsManagerInvokePermission(scope: Construct, id: string, functionArn: string, sourceArn: string): lambda.CfnPermission {
  return new lambda.CfnPermission(scope, id, {
    action: 'lambda:InvokeFunction',
    functionName: functionArn,
    principal: 'secretsmanager.amazonaws.com',
    sourceAccount: Stack.of(scope).account,
    sourceArn,
  });
}
