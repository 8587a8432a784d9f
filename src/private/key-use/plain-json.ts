import { CfnElement, Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';

/**
 * A resolved CloudFormation value as plain JSON a user can paste into a key policy: pseudo parameters the
 * stack's environment determines become their values, `Fn::Join` is joined, and what is only known at
 * deploy time becomes a `<placeholder>` naming it (`<AWS::AccountId>`, `<App/Stack/Key.Arn>`).
 */
export function plainValue(value: unknown, stack: Stack): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => plainValue(item, stack));
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const entries = Object.entries(value);
  const [name, argument] = entries.length === 1 ? entries[0] : [undefined, undefined];
  if (name === 'Ref') {
    return pseudoParameterValue(String(argument), stack) ?? `<${elementPath(String(argument), stack)}>`;
  }
  if (name === 'Fn::GetAtt' && Array.isArray(argument)) {
    return `<${elementPath(String(argument[0]), stack)}.${argument[1]}>`;
  }
  if (name === 'Fn::Join' && Array.isArray(argument) && Array.isArray(argument[1])) {
    return argument[1].map((part: unknown) => plainText(plainValue(part, stack))).join(String(argument[0]));
  }
  if (name?.startsWith('Fn::')) {
    return `<${name}>`;
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, plainValue(item, stack)]));
}

/** A part of a joined string: text as is, anything else as its JSON. */
function plainText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A pseudo parameter's value where the stack's environment fixes it at synth time, else its placeholder. */
function pseudoParameterValue(name: string, stack: Stack): string | undefined {
  if (!name.startsWith('AWS::')) {
    return undefined;
  }
  const region = Token.isUnresolved(stack.region) ? undefined : RegionInfo.get(stack.region);
  const known: Record<string, string | undefined> = {
    'AWS::AccountId': Token.isUnresolved(stack.account) ? undefined : stack.account,
    'AWS::Region': region?.name,
    'AWS::Partition': region?.partition,
    'AWS::URLSuffix': region?.domainSuffix,
  };
  return known[name] ?? `<${name}>`;
}

/** The construct path of the element with this logical id, or the id itself. */
function elementPath(logicalId: string, stack: Stack): string {
  const element = stack.node.findAll().find((node) => CfnElement.isCfnElement(node) && stack.resolve(node.logicalId) === logicalId);
  return element?.node.path ?? logicalId;
}
