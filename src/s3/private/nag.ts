import { Stack } from 'aws-cdk-lib';

/**
 * A resource ARN as cdk-nag names it in a finding id, e.g. `<Bucket83908E77.Arn>/reports/*`, so that a
 * wildcard finding can be acknowledged for that one resource rather than for the whole rule.
 * Follows cdk-nag's flattenCfnReference for the intrinsics a bucket ARN resolves to.
 * @see https://github.com/cdklabs/cdk-nag/blob/main/src/utils/flatten-cfn-reference.ts
 */
export function nagResourceName(stack: Stack, arn: string): string {
  return flatten(stack.resolve(arn));
}

function flatten(node: any): string {
  if (typeof node === 'string') {
    return node.replace(/\${/g, '<').replace(/}/g, '>');
  }
  if (node['Fn::Join']) {
    const [delimiter, items] = node['Fn::Join'];
    return items.map(flatten).join(delimiter);
  }
  if (node['Fn::GetAtt']) {
    const [resource, attribute] = node['Fn::GetAtt'];
    return `<${resource}.${attribute}>`;
  }
  if (node.Ref) {
    return `<${node.Ref}>`;
  }
  return JSON.stringify(node);
}
