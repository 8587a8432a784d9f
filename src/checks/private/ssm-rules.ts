import { SynthesizedApp, TemplateResource } from './assembly';
import { UNKNOWN, literalText } from './resolve';
import { RuleResult, notChecked, violation } from './result';

/** Words that mark a secret; `api key` and `private key` also match written as one word. */
const SECRET_WORDS = ['password', 'passwd', 'secret', 'secrets', 'token', 'tokens', 'apikey', 'privatekey'];
/** A secret word followed by one of these names a reference to a secret, not the secret itself. */
const REFERENCE_WORDS = ['arn', 'name', 'id'];

/**
 * A `String` or `StringList` parameter (stored in plain text) whose name looks like it holds a secret.
 * Without a `Name`, CloudFormation names the parameter after its logical id, so the construct id is checked.
 *
 * | `Type` | name (`Name`, or the construct id) | result |
 * |---|---|---|
 * | `SecureString` | any | pass |
 * | `String`, `StringList` | contains a secret word (`secretWord`) | violation |
 * | `String`, `StringList` | no secret word | pass |
 * | only known at deploy time | no secret word in its known parts | could not be checked |
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-securestring.html
 */
export function ssmParameterSecureString(parameter: TemplateResource, app: SynthesizedApp): RuleResult | undefined {
  const type = parameter.properties.Type;
  if (type === 'SecureString') {
    return undefined;
  }
  const { Name: named } = parameter.properties;
  const name = named === undefined ? constructName(parameter) : literalText(app, { stack: parameter.stack, value: named });
  const word = secretWord(name);
  if (word !== undefined) {
    return violation(
      `The parameter's name ('${name.replace(UNKNOWN, '*')}') contains '${word}', but its type ${typeof type === 'string' ? type : 'String'} stores the value in plain text. Use SecureStringParameter, or a Secrets Manager secret.`,
    );
  }
  return name.includes(UNKNOWN) || typeof type !== 'string' ? notChecked("the parameter's `Name` or `Type`") : undefined;
}

/**
 * The secret word in a name, if any: the name is split into words at separators and camelCase humps,
 * and `api key` / `private key` are joined.
 */
export function secretWord(name: string): string | undefined {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
  for (let i = 0; i < words.length; i++) {
    const pair = words[i] + (words[i + 1] ?? '');
    const [word, next] = ['apikey', 'privatekey'].includes(pair) ? [pair, words[i + 2]] : [words[i], words[i + 1]];
    // 'password' also inside a word ('dbpassword'); the other words are too short to match inside words.
    const secret = word.includes('password') ? 'password' : SECRET_WORDS.find((candidate) => candidate === word);
    if (secret !== undefined && !REFERENCE_WORDS.includes(next ?? '')) {
      return secret;
    }
  }
  return undefined;
}

/** The id the user gave: the L2's id when the L1 is its default child; else the logical id. */
function constructName(parameter: TemplateResource): string {
  const ids = parameter.constructPath?.split('/') ?? [parameter.logicalId];
  return ids[ids.length - 1] === 'Resource' && ids.length > 1 ? ids[ids.length - 2] : ids[ids.length - 1];
}
